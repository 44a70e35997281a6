"""Domain events of the registry that other apps subscribe to.

Sent only after the transaction commits, so a receiver never sees a status that was rolled
back. Receivers get ``person_id``, ``status_id`` (the new current row, or None when the status
ended without a successor) and ``previous_status_id``.
"""

from django.dispatch import Signal

disability_status_changed = Signal()

disability_statuses_imported = Signal()
"""A registry import committed new persons with their statuses (``inclusio registry-import``).
One event for the whole load, not one per person: receivers get ``iins``, the imported persons'
IINs, and read in bulk what concerns them (the DCI subscriptions watching an IIN or a
population). Imported persons are new, so no receiver has anything of theirs to re-derive."""

life_event_recorded = Signal()
"""A death, emigration, imprisonment or release was recorded. Unlike the status change, it is
sent inside the recording transaction: the benefits app suspends the person's awards and
payments in the same write, so a death is never recorded without its payments stopping.
Receivers get ``actor``, ``person_id``, ``kind``, ``date`` and ``event_id``."""
