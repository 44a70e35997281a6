"""Domain events of the registry that other apps subscribe to.

Sent only after the transaction commits, so a receiver never sees a status that was rolled
back. Receivers get ``person_id``, ``status_id`` (the new current row, or None when the status
ended without a successor) and ``previous_status_id``.
"""

from django.dispatch import Signal

disability_status_changed = Signal()
