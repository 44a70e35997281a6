"""The registry's answers to what happens below it, in core."""

from __future__ import annotations

from typing import Any

from inclusio.core import access
from inclusio.core.audit import Actor
from inclusio.core.models import User
from inclusio.registry.models import Person


def log_account_change(*, actor: Actor, account: User, **_signal: Any) -> None:
    """An administrator changed the account of a registered person (their own, or the one they
    act through as a representative): the change enters that person's access log, in the same
    transaction. Staff accounts, which have no registry record, are in the audit trail only.

    The holder's own changes (their password, changed or reset with a code) are not someone
    else's doing: the notice on their home page tells them, and the audit trail keeps them."""
    if isinstance(actor, User) and actor.pk == account.pk:
        return
    iin = Person.objects.filter(user=account).values_list("iin", flat=True).first()
    if iin is not None:
        access.log_account_change(actor, iin)
