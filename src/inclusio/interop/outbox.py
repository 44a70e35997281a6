"""Callbacks to agencies through a retrying outbox.

A callback is written as a row in the same transaction as what caused it (the asynchronous
request, the status change), so that nothing is sent for a write that rolled back and nothing
written is left without its callback. ``deliver_due`` (the ``inclusio dci-outbox`` command)
sends the rows that are due: each is signed at the moment it is sent (its ``message_ts`` is
the time of that try, so that the agency's age check passes), a failure waits
``DCI_OUTBOX_BACKOFF_SECONDS``·2ⁿ before the next try, and after ``DCI_OUTBOX_MAX_ATTEMPTS``
tries the row is dead until an administrator queues it again.

At most once: a worker claims due rows with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL;
SQLite has one writer at a time), sends them and marks them delivered before it lets go, so
that two workers never send the same row and a delivered row is never picked again. Only a
worker killed between the agency's answer and its commit sends a message again, under the same
``message_id``, which the standard names as the receiver's key to drop a duplicate.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.audit import Actor, record_write
from inclusio.core.errors import Conflict
from inclusio.interop import keys
from inclusio.interop.dci import VERSION, Status, signed_content, timestamp
from inclusio.interop.errors import ErrorCode
from inclusio.interop.models import Agency, OutboxMessage, OutboxState

log = logging.getLogger("inclusio.interop.outbox")

# Rows a worker claims at once: enough to keep the agency's server busy, few enough that a
# second worker finds work beside it.
BATCH = 50


class CallbackClient(Protocol):
    """Sends a signed callback; returns the agency's HTTP status, or raises OSError."""

    def post(self, url: str, body: bytes, timeout: float) -> int: ...


class UrllibClient:
    """The real transport: one HTTP POST per callback, nothing but the standard library."""

    def post(self, url: str, body: bytes, timeout: float) -> int:
        request = urllib.request.Request(  # noqa: S310 — http(s) only, checked on registration
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
                answer.read(10_000)
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            return int(refused.code)


def callback_header(
    *, action: str, agency: Agency, total: int = 1, status: Status = Status.SUCCESS
) -> dict[str, Any]:
    """``MsgCallbackHeader``: the platform is the sender, the agency the receiver."""
    return {
        "version": VERSION,
        "message_id": uuid.uuid4().hex,
        "message_ts": timestamp(),
        "action": action,
        "status": str(status),
        "total_count": total,
        "completed_count": total,
        "sender_id": settings.DCI_SENDER_ID,
        "receiver_id": agency.sender_id,
        "is_msg_encrypted": False,
    }


def callback_url(agency: Agency, action: str) -> str:
    """The standard's callback paths under the agency's registered address."""
    return f"{agency.callback_url.rstrip('/')}/registry/{action}"


def new_row(
    *, agency: Agency, action: str, message: dict[str, Any], total: int = 1
) -> OutboxMessage:
    """An unsaved row (the caller saves it, or many at once, in its own transaction)."""
    header = callback_header(action=action, agency=agency, total=total)
    return OutboxMessage(
        message_id=header["message_id"],
        agency=agency,
        action=action,
        url=callback_url(agency, action),
        header=header,
        message=message,
    )


def signed_body(row: OutboxMessage) -> bytes:
    header = {**row.header, "message_ts": timestamp()}
    body = {
        "signature": keys.sign_detached(signed_content(header, row.message)),
        "header": header,
        "message": row.message,
    }
    return json.dumps(body, ensure_ascii=False).encode()


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=settings.DCI_OUTBOX_BACKOFF_SECONDS * 2 ** (attempts - 1))


@dataclass
class Delivery:
    delivered: int = 0
    retried: int = 0
    dead: int = 0

    @property
    def tried(self) -> int:
        return self.delivered + self.retried + self.dead


def _try(row: OutboxMessage, client: CallbackClient) -> str:
    """Send one row; the error to keep, or "" when the agency took it."""
    try:
        status = client.post(row.url, signed_body(row), settings.DCI_CALLBACK_TIMEOUT_SECONDS)
    except TimeoutError:
        return "timed out"
    except (OSError, HTTPException, ValueError) as failed:
        reason = getattr(failed, "reason", failed)
        return f"not reached: {type(reason).__name__}"[:300]
    return "" if 200 <= status < 300 else f"HTTP {status}"


def deliver_due(*, client: CallbackClient | None = None, limit: int | None = None) -> Delivery:
    """Send every due row (at most ``limit``), batch by batch; what happened to them."""
    sender = client or UrllibClient()
    done = Delivery()
    # The rows of a batch are sent side by side: an agency's answer takes a network round
    # trip, and the database is written by this thread alone.
    with ThreadPoolExecutor(max_workers=settings.DCI_OUTBOX_CONCURRENCY) as pool:
        while limit is None or done.tried < limit:
            size = BATCH if limit is None else min(BATCH, limit - done.tried)
            if not _deliver_batch(size, sender, pool, done):
                break
    return done


def _deliver_batch(
    size: int, client: CallbackClient, pool: ThreadPoolExecutor, done: Delivery
) -> bool:
    """Claim, send and settle up to ``size`` due rows; False when none was due."""
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=OutboxState.QUEUED, next_try_at__lte=timezone.now())
            .order_by("next_try_at", "pk")[:size]
        )
        if not rows:
            return False
        errors = list(pool.map(lambda row: _try(row, client), rows))
        for row, error in zip(rows, errors, strict=True):
            _settle(row, error, done)
        OutboxMessage.objects.bulk_update(
            rows,
            ["state", "attempts", "next_try_at", "last_error", "delivered_at", "message"],
        )
    return True


def _settle(row: OutboxMessage, error: str, done: Delivery) -> None:
    row.attempts += 1
    now = timezone.now()
    if not error:
        # Delivered: the personal data it carried is not kept.
        row.state, row.delivered_at, row.last_error, row.message = (
            OutboxState.DELIVERED,
            now,
            "",
            {},
        )
        done.delivered += 1
        return
    row.last_error = error
    if row.attempts >= settings.DCI_OUTBOX_MAX_ATTEMPTS:
        row.state = OutboxState.DEAD
        done.dead += 1
        log.warning("DCI callback %s to %s is dead: %s", row.message_id, row.agency_id, error)
    else:
        row.next_try_at = now + backoff(row.attempts)
        done.retried += 1


def requeue(*, actor: Actor, message_ids: Sequence[int]) -> int:
    """An administrator sends dead callbacks again: tried anew, from the first attempt."""
    with transaction.atomic():
        rows = list(OutboxMessage.objects.select_for_update().filter(pk__in=message_ids))
        if any(row.state != OutboxState.DEAD for row in rows):
            raise Conflict(
                ErrorCode.OUTBOX_NOT_DEAD,
                _("Only undeliverable callbacks can be queued again."),
            )
        for row in rows:
            row.state, row.attempts, row.next_try_at = OutboxState.QUEUED, 0, timezone.now()
            record_write(
                actor=actor,
                action="outbox_requeue",
                entity="outbox_message",
                entity_id=row.pk,
                data={"changed": ["state", "attempts"], "action": row.action},
            )
        OutboxMessage.objects.bulk_update(rows, ["state", "attempts", "next_try_at"])
    return len(rows)
