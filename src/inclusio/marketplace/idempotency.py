"""``Idempotency-Key`` for the supplier API's POSTs: a supplier's system that lost an answer
sends the request again with the same key and gets the first answer (status and body) back,
and nothing is written twice; the same key with another request is refused.

The first answer is stored in the transaction of the write it answers, so a key is never
stored for a write that rolled back, nor a write kept without its key. Two requests with one
key at once: the second's insert of the key waits for the first and fails on the unique
constraint, its own writes roll back, and it replays the first's answer. Refusals (4xx) are
answers too and replay alike; a server error is not stored.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Status

from inclusio.core.durability import atomic_then_flush
from inclusio.core.errors import Conflict, DomainError, ValidationFailed
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import IdempotentRequest, Supplier

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")

Answer = tuple[int, Any]


def _digest(operation: str, payload: dict[str, Any]) -> str:
    text = json.dumps({"operation": operation, "request": payload}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(found: IdempotentRequest, digest: str) -> Status[Any]:
    if found.request_digest != digest:
        raise Conflict(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            _("This Idempotency-Key was used for another request: use a new key."),
        )
    return Status(found.status, found.body)


def once(
    request: HttpRequest,
    *,
    supplier: Callable[[], Supplier],
    operation: str,
    payload: dict[str, Any],
    run: Callable[[], Answer],
) -> Status[Any]:
    """Run ``run`` (the operation: it answers a status and a JSON-ready body) once per key of
    the ``supplier`` (asked for only when a key is given: the services find it themselves)."""
    key = request.headers.get(HEADER)
    if key is None:
        return Status(*run())
    if not _KEY.match(key):
        raise ValidationFailed(
            ErrorCode.IDEMPOTENCY_KEY_INVALID,
            _("The Idempotency-Key must be 1 to 200 visible ASCII characters."),
        )
    digest = _digest(operation, payload)
    owner = supplier()
    try:
        with atomic_then_flush():  # the write's own: its locks go before the disk's flush
            found = IdempotentRequest.objects.filter(supplier=owner, key=key).first()
            if found is not None:
                return _replay(found, digest)
            try:
                status, body = run()
            except DomainError as exc:
                status, body = exc.status, {"code": exc.code, "message": exc.message}
            IdempotentRequest.objects.create(
                supplier=owner,
                key=key,
                operation=operation,
                request_digest=digest,
                status=status,
                body=body,
                created_at=timezone.now(),
            )
    except IntegrityError:
        found = IdempotentRequest.objects.filter(supplier=owner, key=key).first()
        if found is None:
            raise
        return _replay(found, digest)
    return Status(status, body)
