"""Telling account holders about changes to their account: the same small backend interface
as the benefits messages (``benefits/messaging.py``), for accounts rather than persons.

A backend receives ``Notice`` objects (recipient account, kind, parameters — never text: the
text is rendered when read, in the reader's language). The setting ``ACCOUNT_NOTICE_BACKEND``
(``INCLUSIO_ACCOUNT_NOTICE_BACKEND``) names the backend class. ``LocalBackend`` stores
``AccountNotice`` rows, which the holder's home page shows; an e-mail or SMS gateway would be a
subclass that, in ``send``, also queues the texts with ``transaction.on_commit``, so a refused
or rolled-back change tells nobody anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from inclusio.core.models import AccountNotice


@dataclass(frozen=True)
class Notice:
    recipient_id: int
    kind: str  # an AccountNotice.Kind value
    parameters: dict[str, Any] = field(default_factory=dict)


class Backend:
    """The notice interface; called inside the transaction of the change that causes it."""

    def send(self, notices: Sequence[Notice]) -> None:
        raise NotImplementedError


class LocalBackend(Backend):
    """Stores the notices in the database for the holder's home page."""

    def send(self, notices: Sequence[Notice]) -> None:
        now = timezone.now()
        AccountNotice.objects.bulk_create(
            AccountNotice(
                recipient_id=n.recipient_id, kind=n.kind, parameters=n.parameters, created_at=now
            )
            for n in notices
        )


@cache
def _backend_class(path: str) -> type[Backend]:
    backend: type[Backend] = import_string(path)
    return backend


def backend() -> Backend:
    return _backend_class(settings.ACCOUNT_NOTICE_BACKEND)()


def tell(recipient_id: int, kind: str, **parameters: Any) -> None:
    backend().send([Notice(recipient_id=recipient_id, kind=kind, parameters=parameters)])


def recent_notices(recipient_id: int, limit: int = 5) -> list[AccountNotice]:
    """The holder's latest notices, newest first, for their home page."""
    return list(AccountNotice.objects.filter(recipient_id=recipient_id)[:limit])
