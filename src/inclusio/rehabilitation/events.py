"""What the rehabilitation app tells the apps above it, without knowing them.

``programme_issued`` is sent inside the transaction that issues or revises a programme, with
``programme`` (the new one), ``previous`` (the one it supersedes, or None) and ``actor``. The
marketplace issues the programme's vouchers from it; a receiver that raises rolls the issue back.
"""

from __future__ import annotations

from django.dispatch import Signal

programme_issued = Signal()
