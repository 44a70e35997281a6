"""What the payments module tells the apps that pay, without knowing them (they sit above it).

``transfers_settled`` is sent inside the transaction of a status report's import with
``paid`` and ``rejected``, the transfers the report made final, and ``actor``, who imported
the report (for the receiver's audit record). A receiver that raises rolls the
whole import back: a report is imported whole or not at all.
"""

from __future__ import annotations

from django.dispatch import Signal

transfers_settled = Signal()
