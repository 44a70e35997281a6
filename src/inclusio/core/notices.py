"""Telling account holders about changes to their account: the same small backend interface
as the benefits messages (``benefits/messaging.py``), for accounts rather than persons.

A backend receives ``Notice`` objects (recipient account, kind, parameters — never text: the
text is rendered when read, in the reader's language). The setting ``ACCOUNT_NOTICE_BACKEND``
(``INCLUSIO_ACCOUNT_NOTICE_BACKEND``) names the backend class. ``LocalBackend`` stores
``AccountNotice`` rows, which the holder's home page shows; an e-mail or SMS gateway would be a
subclass that, in ``send``, also queues the texts with ``transaction.on_commit``, so a refused
or rolled-back change tells nobody anything. Each notice carries its recipient's preferred
language, and ``Notice.text()`` renders it in that language: what such a gateway sends.

A notice may carry a one-time ``code`` (a password reset code) that only its recipient may
read. A gateway sends it to the phone of the person whose account it is (``Person.phone`` in
the registry) and forgets it; ``LocalBackend`` has nowhere to send it and drops it, keeping only
the notice that a code was sent, so an installation that resets persons' passwords needs a
gateway. ``DemoOutboxBackend`` stands in for the phone in a demonstration: it keeps the code in
an outbox that a page shows to anyone, and so the settings refuse it anywhere but in a
demonstration (``INCLUSIO_DEMO``) or in development (``INCLUSIO_DEBUG``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from inclusio.core.models import AccountNotice, OutboxMessage, User


@dataclass(frozen=True)
class Notice:
    recipient_id: int
    kind: str  # an AccountNotice.Kind value
    parameters: dict[str, Any] = field(default_factory=dict)
    # A one-time code for the recipient's eyes only, and when it stops working.
    code: str | None = field(default=None, repr=False)
    code_expires_at: dt.datetime | None = None
    # The recipient's language, for a gateway that sends the text outside the platform.
    language: str = ""

    def text(self) -> str:
        """The notice in the recipient's language: what a gateway sends (an SMS, an e-mail)."""
        with translation.override(self.language or settings.LANGUAGE_CODE):
            return str(AccountNotice.Kind(self.kind).label)


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


class DemoOutboxBackend(LocalBackend):
    """The local backend, and an outbox in place of a phone: the codes are kept in clear for the
    outbox page, which anyone may read. For a demonstration only."""

    def send(self, notices: Sequence[Notice]) -> None:
        super().send(notices)
        now = timezone.now()
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                recipient_id=n.recipient_id,
                kind=n.kind,
                code=n.code,
                expires_at=n.code_expires_at or now,
                created_at=now,
            )
            for n in notices
            if n.code is not None
        )


@cache
def _backend_class(path: str) -> type[Backend]:
    backend: type[Backend] = import_string(path)
    return backend


def backend() -> Backend:
    return _backend_class(settings.ACCOUNT_NOTICE_BACKEND)()


def tell(recipient_id: int, kind: str, **parameters: Any) -> None:
    tell_each([recipient_id], kind, **parameters)


def tell_each(recipient_ids: Sequence[int], kind: str, **parameters: Any) -> None:
    """Tell each account the same thing, each in its own language: one query and one send
    however many they are."""
    languages = dict(
        User.objects.filter(pk__in=recipient_ids).values_list("pk", "preferred_language")
    )
    backend().send(
        [
            Notice(
                recipient_id=recipient_id,
                kind=kind,
                parameters=parameters,
                language=languages.get(recipient_id) or "",
            )
            for recipient_id in recipient_ids
        ]
    )


def send_code(recipient_id: int, kind: str, code: str, expires_at: dt.datetime) -> None:
    """Send a one-time code to the account's holder (and tell them that it was sent)."""
    backend().send(
        [Notice(recipient_id=recipient_id, kind=kind, code=code, code_expires_at=expires_at)]
    )


def outbox_shown() -> bool:
    """Whether the demonstration's outbox exists: only with its backend configured."""
    return isinstance(backend(), DemoOutboxBackend)


def outbox(limit: int = 20) -> list[OutboxMessage]:
    """The latest messages of the demonstration's outbox, newest first."""
    if not outbox_shown():
        return []
    return list(OutboxMessage.objects.select_related("recipient")[:limit])


def recent_notices(recipient_id: int, limit: int = 5) -> list[AccountNotice]:
    """The holder's latest notices, newest first, for their home page."""
    return list(AccountNotice.objects.filter(recipient_id=recipient_id)[:limit])
