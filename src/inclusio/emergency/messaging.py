"""Sending emergency alerts to persons: the messaging interface, its local backend and the seam
for an SMS gateway.

An alert is queued in bulk inside the transaction that records it (one ``AlertMessage`` per
person, in the person's language, state *queued*), and delivered once that transaction has
committed, so a refused or rolled-back alert tells nobody anything. The setting
``EMERGENCY_ALERT_BACKEND`` (``INCLUSIO_EMERGENCY_ALERT_BACKEND``) names the backend class.

- ``LocalBackend`` delivers to the person's pages: a stored message is one the person reads on
  their emergency page, so it is *delivered* at once.
- ``GatewayBackend`` is the adapter seam for an SMS gateway: a subclass gives ``gateway()``, an
  object with ``send_text(phone, text) -> reference``. Each queued message goes to the person's
  phone in their language and becomes *sent* (or *failed* when the person has no phone or the
  gateway refuses it); the gateway's delivery report, passed to ``delivery_report``, makes it
  *delivered* or *failed*. The person's page shows the message in every case.

The benefits' messages (``benefits/messaging.py``) and account notices (``core/notices.py``)
follow the same shape (a backend class named by a setting, called inside the write's
transaction); alerts keep their own because they are texts written by an officer, in three
languages, with delivery states, where those are rendered from a kind when read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from inclusio.core.rows import insert_many
from inclusio.emergency.models import Alert, AlertMessage

QUEUE_CHUNK = 5_000
# A queued message's columns, in the order ``Backend.queue`` gives their values.
QUEUED_COLUMNS = (
    "alert_id",
    "person_id",
    "language",
    "state",
    "created_at",
    "updated_at",
    "gateway_ref",
)


@dataclass(frozen=True)
class Recipient:
    person_id: int
    iin: str
    language: str  # the person's preferred language, one the alert has a text in


class Backend:
    """The interface: ``queue`` inside the alert's transaction, ``deliver`` after it."""

    def queue(self, alert: Alert, recipients: Sequence[Recipient]) -> int:
        # Written as they are (core.rows.insert_many): ``bulk_create`` built and compiled a
        # model object a recipient, half an alert's time at 10,000.
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        queued = AlertMessage.State.QUEUED.value
        insert_many(
            AlertMessage._meta.db_table,
            QUEUED_COLUMNS,
            [(alert.pk, r.person_id, r.language, queued, now, now, "") for r in recipients],
        )
        alert_id = alert.pk
        transaction.on_commit(lambda: self.deliver(alert_id))
        return len(recipients)

    def deliver(self, alert_id: int) -> None:
        raise NotImplementedError


class LocalBackend(Backend):
    """Delivers to the person's pages, where a stored message is read."""

    def deliver(self, alert_id: int) -> None:
        AlertMessage.objects.filter(alert_id=alert_id, state=AlertMessage.State.QUEUED).update(
            state=AlertMessage.State.DELIVERED, updated_at=timezone.now()
        )


class GatewayRefused(Exception):
    """The gateway would not take a message (a bad number, a closed account …)."""


class Gateway(Protocol):
    def send_text(self, phone: str, text: str) -> str:
        """Hand a text to the gateway; return its reference for the delivery report, or raise
        ``GatewayRefused``."""
        ...


class GatewayBackend(Backend):
    """The seam for an SMS gateway: a subclass returns the gateway's client from ``gateway``."""

    def gateway(self) -> Gateway:
        raise NotImplementedError

    def deliver(self, alert_id: int) -> None:
        gateway = self.gateway()
        queued = (
            AlertMessage.objects.filter(alert_id=alert_id, state=AlertMessage.State.QUEUED)
            .select_related("alert", "person")
            .order_by("id")
        )
        for message in queued.iterator(chunk_size=QUEUE_CHUNK):
            phone = message.person.phone
            try:
                if not phone:
                    raise GatewayRefused
                message.gateway_ref = gateway.send_text(phone, message.text)
                message.state = AlertMessage.State.SENT
            except GatewayRefused:
                message.state = AlertMessage.State.FAILED
            message.updated_at = timezone.now()
            message.save(update_fields=["gateway_ref", "state", "updated_at"])


def delivery_report(*, gateway_ref: str, delivered: bool) -> int:
    """The gateway's report on a sent message: delivered, or failed. Returns how many messages
    it concerned (0 for an unknown reference, which is ignored)."""
    return AlertMessage.objects.filter(
        gateway_ref=gateway_ref, state=AlertMessage.State.SENT
    ).update(
        state=AlertMessage.State.DELIVERED if delivered else AlertMessage.State.FAILED,
        updated_at=timezone.now(),
    )


@cache
def _backend_class(path: str) -> type[Backend]:
    backend: type[Backend] = import_string(path)
    return backend


def backend() -> Backend:
    return _backend_class(settings.EMERGENCY_ALERT_BACKEND)()
