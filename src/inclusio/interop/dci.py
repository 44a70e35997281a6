"""The DCI Disability Registry API's own vocabulary: its closed lists of codes, the
``{signature, header, message}`` envelope, and what is signed.

The codes are the standard's (``components/schemas`` of its OpenAPI file); an answer never
invents one. Transport refusals (no token, a bad signature, a malformed envelope) answer with
an HTTP status and the ``Error`` codes; a well-formed message refused for its header answers
200 with the header's ``status: rjct`` and a ``MsgHeaderStatusReasonCode``; each request of a
batch has its own status and reason.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise

VERSION = "1.0.0"


class Err(StrEnum):
    """``Error.code``: transport refusals."""

    REQUEST_BAD = "err.request.bad"
    UNAUTHORIZED = "err.request.unauthorized"
    FORBIDDEN = "err.request.forbidden"
    TOO_MANY_REQUESTS = "err.request.too_many_requests"
    SENDER_ID_INVALID = "err.sender_id.invalid"
    RECEIVER_ID_INVALID = "err.receiver_id.invalid"
    SIGNATURE_MISSING = "err.signature.missing"
    SIGNATURE_INVALID = "err.signature.invalid"
    ENCRYPTION_INVALID = "err.encryption.invalid"
    SERVICE_UNAVAILABLE = "err.service.unavailable"
    SENDER_URI_INVALID = "err.sender_uri.invalid"


class HeaderReason(StrEnum):
    """``MsgHeaderStatusReasonCode``."""

    VERSION_INVALID = "rjct.version.invalid"
    MESSAGE_ID_DUPLICATE = "rjct.message_id.duplicate"
    MESSAGE_TS_INVALID = "rjct.message_ts.invalid"
    ACTION_INVALID = "rjct.action.invalid"
    TOTAL_COUNT_INVALID = "rjct.total_count.invalid"
    TOTAL_COUNT_LIMIT_EXCEEDED = "rjct.total_count.limit_exceeded"


class SearchReason(StrEnum):
    """``SearchStatusReasonCode``: one request of a batch refused."""

    REFERENCE_ID_INVALID = "rjct.reference_id.invalid"
    REFERENCE_ID_DUPLICATE = "rjct.reference_id.duplicate"
    TIMESTAMP_INVALID = "rjct.timestamp.invalid"
    SEARCH_CRITERIA_INVALID = "rjct.search_criteria.invalid"
    FILTER_INVALID = "rjct.filter.invalid"
    SORT_INVALID = "rjct.sort.invalid"
    PAGINATION_INVALID = "rjct.pagination.invalid"
    TOO_MANY_RECORDS_FOUND = "rjct.search.too_many_records_found"


class Status(StrEnum):
    """``RequestStatus``."""

    RECEIVED = "rcvd"
    PENDING = "pdng"
    SUCCESS = "succ"
    REJECTED = "rjct"


class Refusal(Exception):
    """A transport refusal: HTTP ``status`` with the standard's ``Error`` code."""

    def __init__(self, status: int, code: Err, message: str | Promise) -> None:
        self.status, self.code, self.message = status, code, str(message)
        super().__init__(code)

    def body(self) -> dict[str, Any]:
        return {"errors": [{"code": str(self.code), "message": self.message}]}


class HeaderRefusal(Exception):
    """The message is refused for its header: answered with ``status: rjct``."""

    def __init__(self, code: HeaderReason, message: str | Promise) -> None:
        self.code, self.message = code, str(message)
        super().__init__(code)


def signed_content(header: Any, message: Any) -> bytes:
    """What a signature covers: ``{"header": …, "message": …}`` as canonical JSON (keys
    sorted, no spaces, UTF-8), so that both sides sign the same bytes whatever their JSON
    library's spacing."""
    return json.dumps(
        {"header": header, "message": message},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def timestamp(value: dt.datetime | None = None) -> str:
    return (value or timezone.now()).astimezone(dt.UTC).isoformat(timespec="seconds")


def parse_timestamp(value: Any) -> dt.datetime | None:
    """An ISO 8601 date-time with its offset, as the standard's ``DateTime``; None otherwise."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def response_header(
    *,
    receiver_id: str,
    status: Status,
    reason: HeaderReason | None = None,
    reason_message: str = "",
    total: int = 0,
    completed: int = 0,
) -> dict[str, Any]:
    header: dict[str, Any] = {
        "version": VERSION,
        "message_id": uuid.uuid4().hex,
        "message_ts": timestamp(),
        "action": "on-search",
        "status": str(status),
        "total_count": total,
        "completed_count": completed,
        "sender_id": settings.DCI_SENDER_ID,
        "receiver_id": receiver_id,
        "is_msg_encrypted": False,
    }
    if reason is not None:
        header["status_reason_code"] = str(reason)
        header["status_reason_message"] = reason_message[:999]
    return header


class SubscribeReason(StrEnum):
    """``SubscribeStatusReasonCode``."""

    REFERENCE_ID_INVALID = "rjct.reference_id.invalid"
    REFERENCE_ID_DUPLICATE = "rjct.reference_id.duplicate"
    TIMESTAMP_INVALID = "rjct.timestamp.invalid"
    NOTIFY_TYPES_INVALID = "rjct.notify_types.invalid"
    NOTIFY_DETAILS_INVALID = "rjct.notify_details.invalid"
    PERSON_ID_INVALID = "rjct.person_id.invalid"
    ALREADY_SUBSCRIBED = "rjct.event.already_subscribed"


class UnsubscribeReason(StrEnum):
    """``UnSubscribeStatusReasonCode``."""

    TIMESTAMP_INVALID = "rjct.timestamp.invalid"
    SUBSCRIPTION_CODE_INVALID = "rjct.subscription_code.invalid"
    ALREADY_UNSUBSCRIBED = "rjct.event.already_unsubscribed"


class Ack(StrEnum):
    """``Ack``: the answer of an asynchronous endpoint."""

    ACK = "ACK"
    ERR = "ERR"
