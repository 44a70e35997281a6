"""The DCI Disability Registry server: the sync endpoints, the OAuth 2 token endpoint and the
platform's JWKS. Paths follow the standard under ``settings.DCI_PATH`` (docs/dci.md).

Each request goes through the same gate, in this order: the access token (401), the agency's
rate (429), the envelope's shape (400), the sender (403), the signature over header and message
(401), encryption (400, not offered), the purpose and what the agency may receive (403); then
the header (200 with ``status: rjct``: version, action, timestamp, replayed message id), and
only then the registry is read. The message id and every read are written in one transaction:
a refusal writes nothing.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import logging
import math
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from inclusio.core.durability import atomic_then_flush
from inclusio.core.errors import ValidationFailed
from inclusio.core.identifiers import parse_iin
from inclusio.core.models import Purpose, Seen
from inclusio.interop import keys, records, selectors, services
from inclusio.interop.dci import (
    VERSION,
    Err,
    HeaderReason,
    HeaderRefusal,
    Refusal,
    SearchReason,
    Status,
    parse_timestamp,
    response_header,
    signed_content,
    timestamp,
)
from inclusio.interop.models import Agency, Disclosure
from inclusio.interop.selectors import Caller, remembered

log = logging.getLogger("inclusio.interop")

# Requests in one search message; more is refused with rjct.total_count.limit_exceeded.
BATCH_MAX = 100
REG_TYPE = "ns:org:RegistryType:DR"
RECORD_TYPE = "spdci-extensions-dci:DisabledPerson"
RECORDS_CONTEXT = "https://schema.spdci.org/extensions/dr/v1/DisabledPerson.jsonld"
# Attribute names an identifier may be given under (the standard's example uses the first).
IDENTIFIER_NAMES = ("member.member_identifier", "identifier", "UIN", "IIN")

Handler = Callable[[dict[str, Any], Caller], tuple[dict[str, Any], int]]


def json_response(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _signed(header: dict[str, Any], message: dict[str, Any] | None) -> JsonResponse:
    body: dict[str, Any] = {"header": header}
    if message is not None:
        body["message"] = message
    body["signature"] = keys.sign_detached(signed_content(header, message))
    return json_response(body)


# --- the gate ------------------------------------------------------------------------------------


def _bearer(request: HttpRequest) -> Agency:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refusal(
            401, Err.UNAUTHORIZED, _("Give a valid access token from the token endpoint.")
        )
    return services.agency_for_token(token.strip())


def _envelope(request: HttpRequest) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    try:
        # NaN and Infinity are not JSON, a number too large for a float (1e999) would read as
        # one, and a nesting deeper than the parser's stack is no message: all are malformed
        # envelopes, not server errors.
        body = json.loads(request.body, parse_constant=_not_json, parse_float=_finite)
        if isinstance(body, dict):
            signed_content(body.get("header"), body.get("message"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        body = None
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("header"), dict)
        or not isinstance(body.get("message"), dict)
    ):
        raise Refusal(
            400,
            Err.REQUEST_BAD,
            _("Send a JSON object with a signature, a header and a message."),
        )
    return body.get("signature"), body["header"], body["message"]


def _not_json(constant: str) -> None:
    raise ValueError(constant)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _kid(signature: str) -> str | None:
    """The key id a compact JWS names in its protected header."""
    first = signature.split(".", 1)[0]
    try:
        protected = json.loads(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    kid = protected.get("kid") if isinstance(protected, dict) else None
    return kid if isinstance(kid, str) else None


def _verified(agency: Agency, signature: Any, header: dict[str, Any], message: Any) -> None:
    if not isinstance(signature, str) or not signature:
        raise Refusal(401, Err.SIGNATURE_MISSING, _("Sign the header and message with your key."))
    keyset = services.agency_keys(agency, _kid(signature))
    if not keys.verify_detached(signature, signed_content(header, message), keyset):
        raise Refusal(
            401,
            Err.SIGNATURE_INVALID,
            _("The signature does not match the header and message with any of your keys."),
        )


def _purpose(agency: Agency, header: dict[str, Any]) -> Purpose:
    """The purpose the header's ``meta.purpose`` names, or the agency's first one."""
    meta = header.get("meta")
    named = meta.get("purpose") if isinstance(meta, dict) else None
    purpose = named if named is not None else (agency.purposes or [None])[0]
    if purpose not in agency.purposes:
        raise Refusal(
            403,
            Err.FORBIDDEN,
            _("Your agency is not registered for this purpose: name one of %(purposes)s.")
            % {"purposes": ", ".join(agency.purposes)},
        )
    return Purpose(purpose)


def header_checked(header: dict[str, Any], action: str = "search") -> str:
    """The message id of a header that passes; a HeaderRefusal otherwise."""
    if header.get("version", VERSION) != VERSION:
        raise HeaderRefusal(
            HeaderReason.VERSION_INVALID, _("This registry speaks version %s.") % VERSION
        )
    if header.get("action") != action:
        raise HeaderRefusal(
            HeaderReason.ACTION_INVALID,
            _("The action of this endpoint is “%(action)s”.") % {"action": action},
        )
    if not services.message_age_ok(header.get("message_ts")):
        raise HeaderRefusal(
            HeaderReason.MESSAGE_TS_INVALID,
            _(
                "The message's time must be an ISO 8601 date-time with its offset, of the last "
                "%(seconds)s seconds."
            )
            % {"seconds": settings.DCI_MESSAGE_MAX_AGE_SECONDS},
        )
    total = header.get("total_count")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise HeaderRefusal(
            HeaderReason.TOTAL_COUNT_INVALID,
            _("total_count is the number of requests in the message."),
        )
    if total > BATCH_MAX:
        raise HeaderRefusal(
            HeaderReason.TOTAL_COUNT_LIMIT_EXCEEDED,
            _("Send at most %(limit)s requests in one message.") % {"limit": BATCH_MAX},
        )
    message_id = header.get("message_id")
    if not isinstance(message_id, str) or not 0 < len(message_id) <= 100:
        raise Refusal(400, Err.REQUEST_BAD, _("Give a message_id of 1 to 100 characters."))
    return message_id


def gate(request: HttpRequest, needs: Disclosure) -> tuple[Caller, dict[str, Any], dict[str, Any]]:
    """The gate's steps up to the header (its docstring's order): the caller, header and
    message of a request that passes them; a Refusal otherwise."""
    agency = _bearer(request)
    services.rate_counted(agency)
    signature, header, message = _envelope(request)
    if header.get("sender_id") != agency.sender_id:
        raise Refusal(
            403, Err.SENDER_ID_INVALID, _("The sender_id must be the one your token was given.")
        )
    receiver = header.get("receiver_id")
    if receiver is not None and receiver != settings.DCI_SENDER_ID:
        raise Refusal(
            400,
            Err.RECEIVER_ID_INVALID,
            _("The receiver_id of this registry is %(receiver)s.")
            % {"receiver": settings.DCI_SENDER_ID},
        )
    _verified(agency, signature, header, message)
    if header.get("is_msg_encrypted") is True or "ciphertext" in message:
        raise Refusal(
            400, Err.ENCRYPTION_INVALID, _("This registry takes messages signed, not encrypted.")
        )
    purpose = _purpose(agency, header)
    if needs not in agency.disclosures:
        raise Refusal(
            403,
            Err.FORBIDDEN,
            _("Your agency is not registered to receive what this endpoint answers."),
        )
    return Caller(agency=agency, purpose=purpose, day=timezone.localdate()), header, message


def _serve(
    request: HttpRequest, handler: Handler, needs: Disclosure, *, remembers: bool
) -> HttpResponse:
    """``remembers``: the handler keeps the message id itself (``Caller.message_id``), in the
    statement of its read; otherwise it is kept here, before the handler runs."""
    caller, header, message = gate(request, needs)
    agency = caller.agency
    try:
        # The agency's locks (the access log's head) go at the commit, not after the disk's
        # flush, which is waited for before the answer is signed (core/durability.py).
        with atomic_then_flush():
            message_id = header_checked(header)
            if remembers:
                caller = dataclasses.replace(caller, message_id=message_id)
            else:
                remembered(agency, message_id)
            answer, count = handler(message, caller)
    except HeaderRefusal as refusal:
        log.warning("DCI message of %s refused: %s", agency.sender_id, refusal.code)
        return _signed(
            response_header(
                receiver_id=agency.sender_id,
                status=Status.REJECTED,
                reason=refusal.code,
                reason_message=refusal.message,
            ),
            None,
        )
    return _signed(
        response_header(
            receiver_id=agency.sender_id, status=Status.SUCCESS, total=count, completed=count
        ),
        answer,
    )


def _endpoint(
    handler: Handler, needs: Disclosure, *, remembers: bool = False
) -> Callable[[HttpRequest], HttpResponse]:
    @csrf_exempt
    @require_POST
    def view(request: HttpRequest) -> HttpResponse:
        try:
            return _serve(request, handler, needs, remembers=remembers)
        except Refusal as refusal:
            log.warning("DCI request refused: %s (%s)", refusal.code, refusal.status)
            response = json_response(refusal.body(), refusal.status)
            if refusal.status == 401:
                response["WWW-Authenticate"] = 'Bearer realm="dci"'
            return response

    return view


# --- the messages ---------------------------------------------------------------------------------


def transaction_id_of(message: dict[str, Any]) -> str:
    value = message.get("transaction_id")
    if not isinstance(value, str) or not 0 < len(value) <= 99:
        raise Refusal(400, Err.REQUEST_BAD, _("Give a transaction_id of 1 to 99 characters."))
    return value


def identifier_value(query: Any) -> Any:
    """The identifier a query names, in any of the standard's forms: ``{type, value}``
    (IdentifierTypeValue), ``{"member.member_identifier": {"eq": …}}`` (the example of
    DisabledRequest), or a one-predicate list (ExpPredicateWithConditionList)."""
    if isinstance(query, dict) and set(query) == {"type", "value"}:
        return query["value"] if query["type"] in ("UIN", "IIN") else None
    if isinstance(query, dict) and len(query) == 1:
        ((name, condition),) = query.items()
        if name in IDENTIFIER_NAMES and isinstance(condition, dict) and set(condition) == {"eq"}:
            return condition["eq"]
        return None
    if isinstance(query, list) and len(query) == 1 and isinstance(query[0], dict):
        predicate = query[0].get("expression1")
        if (
            isinstance(predicate, dict)
            and predicate.get("attribute_name") in IDENTIFIER_NAMES
            and predicate.get("operator") == "eq"
            and set(query[0]) <= {"seq_num", "expression1"}
        ):
            return predicate.get("attribute_value")
    return None


def iin_of(criteria: Any) -> str | None:
    """The valid IIN ``criteria`` asks about, or None."""
    if not isinstance(criteria, dict):
        return None
    value = identifier_value(criteria.get("query"))
    if not isinstance(value, str):
        return None
    try:
        return parse_iin(value).value
    except ValidationFailed:
        return None


def _not_understood() -> str:
    return _(
        'Ask about one person by a valid IIN: query {"type": "UIN", "value": IIN} or '
        '{"member.member_identifier": {"eq": IIN}}.'
    )


def disabled(message: dict[str, Any], caller: Caller) -> tuple[dict[str, Any], int]:
    """The hot path: the message id is remembered in the statement that reads the status
    (``selectors.status_in_force``), or alone when there is nothing to read."""
    transaction_id = transaction_id_of(message)
    # The request has no reference_id (the answer needs one): the transaction_id stands in.
    item: dict[str, Any] = {"reference_id": transaction_id, "timestamp": timestamp()}
    iin = iin_of(message.get("disabled_criteria"))
    if iin is None:
        if caller.message_id is not None:
            remembered(caller.agency, caller.message_id)
        item |= {
            "status": str(Status.REJECTED),
            "status_reason_message": _not_understood(),
            "disabled_status": "no",
        }
    else:
        in_force = selectors.status_in_force(caller, iin)
        item |= {"status": str(Status.SUCCESS), "disabled_status": "yes" if in_force else "no"}
    return {
        "transaction_id": transaction_id,
        "correlation_id": uuid.uuid4().hex,
        "disabled_response": [item],
    }, 1


def _one_person_answer(
    message: dict[str, Any], caller: Caller, reg_records: Callable[[str], list[Any]]
) -> tuple[dict[str, Any], int]:
    transaction_id = transaction_id_of(message)
    item: dict[str, Any] = {"reference_id": transaction_id, "timestamp": timestamp()}
    iin = iin_of(message.get("disabled_criteria"))
    if iin is None:
        item |= {
            "status": str(Status.REJECTED),
            "status_reason_code": str(SearchReason.SEARCH_CRITERIA_INVALID),
            "status_reason_message": _not_understood(),
        }
    else:
        item |= {
            "status": str(Status.SUCCESS),
            "data": {"version": VERSION, "reg_records": reg_records(iin)},
        }
    return {
        "transaction_id": transaction_id,
        "correlation_id": uuid.uuid4().hex,
        "search_response": [item],
    }, 1


def disability_details(message: dict[str, Any], caller: Caller) -> tuple[dict[str, Any], int]:
    granted = set(caller.agency.disclosures)

    def found(iin: str) -> list[Any]:
        _person, status = selectors.person_with_status(caller, iin)
        if status is None or status.ended:
            return []
        row = records.row_of(status.person, status)
        record = records.category_fields(row, caller.day)
        details = records.disability_details(row, granted)
        if details:
            record["disability_details"] = details
        return [record]

    return _one_person_answer(message, caller, found)


def disability_support(message: dict[str, Any], caller: Caller) -> tuple[dict[str, Any], int]:
    def found(iin: str) -> list[Any]:
        person, _status = selectors.person_with_status(caller, iin)
        if person is None:
            return []
        return [[records.disability_support(selectors.support_items(caller, person))]]

    return _one_person_answer(message, caller, found)


# --- search ---------------------------------------------------------------------------------------


def frame_refusal(request: dict[str, Any], seen: set[str], reasons: Any) -> tuple[Any, str] | None:
    """Why one request of a batch is refused before its criteria are read — no reference id,
    one repeated in the message, no readable time — as (the reason from ``reasons``, the
    operation's enum of reasons, and a message); None when its frame holds. Remembers the
    reference in ``seen``."""
    reference = request.get("reference_id")
    if not isinstance(reference, str) or not 0 < len(reference) <= 100:
        return reasons.REFERENCE_ID_INVALID, _("Give each request a reference_id.")
    if reference in seen:
        return (
            reasons.REFERENCE_ID_DUPLICATE,
            _("Two requests of the message have this reference_id."),
        )
    seen.add(reference)
    if parse_timestamp(request.get("timestamp")) is None:
        return (
            reasons.TIMESTAMP_INVALID,
            _("Give each request's time as an ISO 8601 date-time with its offset."),
        )
    return None


class Rejected(Exception):
    """One request of a batch refused."""

    def __init__(self, code: SearchReason, message: str) -> None:
        self.code, self.message = code, message
        super().__init__(code)


def _pagination(criteria: dict[str, Any]) -> tuple[int, int]:
    pagination = criteria.get("pagination", {"page_size": 100})
    size = pagination.get("page_size") if isinstance(pagination, dict) else None
    number = pagination.get("page_number", 1) if isinstance(pagination, dict) else None
    if not all(
        isinstance(value, int | float) and not isinstance(value, bool) and value == int(value)
        for value in (size, number)
    ):
        size = number = 0
    size, number = int(size or 0), int(number or 0)
    if not (1 <= size <= settings.DCI_PAGE_SIZE_MAX and 1 <= number <= 1_000_000):
        raise Rejected(
            SearchReason.PAGINATION_INVALID,
            _("page_size is 1 to %(most)s and page_number counts from 1.")
            % {"most": settings.DCI_PAGE_SIZE_MAX},
        )
    return size, number


def _descending(criteria: dict[str, Any]) -> bool:
    sort = criteria.get("sort", [])
    if not isinstance(sort, list) or len(sort) > 1:
        sort = None
    for order in sort or []:
        if (
            not isinstance(order, dict)
            or order.get("attribute_name") != "identifier"
            or order.get("sort_order", "asc") not in ("asc", "desc")
        ):
            sort = None
            break
    if sort is None:
        raise Rejected(SearchReason.SORT_INVALID, _("Results can be sorted by “identifier” only."))
    return bool(sort) and sort[0].get("sort_order") == "desc"


_FILTERS = {"disability_category", "region_code", "disability_status"}


# The grant an agency needs to filter a population on each attribute: the persons a filter
# returns (or notifies about) tell what they hold, so filtering on a field the agency may not
# receive would disclose it.
FILTER_GRANTS = {
    "disability_category": Disclosure.CATEGORY,
    "region_code": Disclosure.ADDRESS,
    "disability_status": Disclosure.DISABLED_STATUS,
}


def filter_beyond_grants(wanted: dict[str, set[str]], granted: set[str]) -> list[str]:
    """The attributes of a population filter the agency may not receive."""
    return sorted(name for name in wanted if FILTER_GRANTS[name] not in granted)


def population_filter(query: Any) -> dict[str, set[str]]:
    """A predicate list joined by "and": attribute name → the values it may take."""
    wanted: dict[str, set[str]] = {}

    def take(predicate: Any) -> None:
        if not isinstance(predicate, dict) or predicate.get("attribute_name") not in _FILTERS:
            raise ValueError
        value, operator = predicate.get("attribute_value"), predicate.get("operator")
        if operator == "in" and isinstance(value, str):
            # The standard's AttributeValue has no array: "in" takes "I,II" as well as a list.
            value = [part.strip() for part in value.split(",")]
        values = [value] if operator == "eq" else value if operator == "in" else None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError
        name = predicate["attribute_name"]
        wanted[name] = wanted.get(name, set(values)) & set(values)

    try:
        if not isinstance(query, list) or not query:
            raise ValueError
        for part in query:
            if not isinstance(part, dict) or part.get("condition", "and") != "and":
                raise ValueError
            take(part.get("expression1"))
            if "expression2" in part:
                take(part["expression2"])
        if wanted.get("disability_status", {"Approved"}) != {"Approved"}:
            raise ValueError
    except ValueError:
        raise Rejected(
            SearchReason.FILTER_INVALID,
            _(
                "Filter with “and” on disability_category, region_code or "
                "disability_status = Approved, with the operators eq and in."
            ),
        ) from None
    return wanted


def search_one(criteria: Any, caller: Caller) -> tuple[dict[str, Any], dict[str, Any]]:
    """One request of a search: its data and its pagination."""
    if not isinstance(criteria, dict) or "query" not in criteria:
        raise Rejected(SearchReason.SEARCH_CRITERIA_INVALID, _not_understood())
    size, number = _pagination(criteria)
    descending = _descending(criteria)
    granted = set(caller.agency.disclosures)
    query_type = criteria.get("query_type")
    if query_type == "idtype-value" or (
        query_type == "predicate" and identifier_value(criteria.get("query")) is not None
    ):
        iin = iin_of(criteria)
        if iin is None:
            raise Rejected(SearchReason.SEARCH_CRITERIA_INVALID, _not_understood())
        person, status = selectors.person_with_status(caller, iin, what=Seen.SEARCH_RESULT)
        found = (
            [] if person is None else [records.disabled_person(person, status, granted, caller.day)]
        )
        total = len(found)
        found = found if number == 1 else []
    elif query_type == "predicate":
        if Disclosure.IDENTITY not in granted:
            raise Rejected(
                SearchReason.SEARCH_CRITERIA_INVALID,
                _("Your agency may ask about one person at a time only."),
            )
        wanted = population_filter(criteria.get("query"))
        beyond = filter_beyond_grants(wanted, granted)
        if beyond:
            raise Rejected(
                SearchReason.SEARCH_CRITERIA_INVALID,
                _("Your agency may not filter on what it may not receive: %(fields)s.")
                % {"fields": ", ".join(beyond)},
            )
        page, total = selectors.statuses_matching(
            caller,
            categories=wanted.get("disability_category"),
            regions=wanted.get("region_code"),
            valid_only="disability_status" in wanted,
            descending=descending,
            page=slice((number - 1) * size, number * size),
        )
        found = [records.disabled_record(row, granted, caller.day) for row in page]
    else:
        raise Rejected(
            SearchReason.SEARCH_CRITERIA_INVALID,
            _("query_type is “idtype-value” or “predicate”."),
        )
    data = {
        "version": VERSION,
        "reg_type": REG_TYPE,
        "reg_record_type": RECORD_TYPE,
        # reg_records is one object in the standard and a set in its description: a JSON-LD
        # node whose @graph holds the records is both (docs/dci.md).
        "reg_records": {"@context": RECORDS_CONTEXT, "@graph": found},
    }
    return data, {"page_size": size, "page_number": number, "total_count": total}


def search(message: dict[str, Any], caller: Caller) -> tuple[dict[str, Any], int]:
    transaction_id = transaction_id_of(message)
    requests = message.get("search_request")
    if not isinstance(requests, list) or not 0 < len(requests) <= BATCH_MAX:
        raise Refusal(
            400,
            Err.REQUEST_BAD,
            _("Give 1 to %(most)s requests in search_request.") % {"most": BATCH_MAX},
        )
    answers: list[dict[str, Any]] = []
    seen: set[str] = set()
    for request in requests:
        request = request if isinstance(request, dict) else {}
        reference = request.get("reference_id")
        answer: dict[str, Any] = {
            "reference_id": reference if isinstance(reference, str) else "",
            "timestamp": timestamp(),
        }
        try:
            refused = frame_refusal(request, seen, SearchReason)
            if refused is not None:
                raise Rejected(*refused)
            data, pagination = search_one(request.get("search_criteria"), caller)
            answer |= {"status": str(Status.SUCCESS), "data": data, "pagination": pagination}
        except Rejected as rejected:
            answer |= {
                "status": str(Status.REJECTED),
                "status_reason_code": str(rejected.code),
                "status_reason_message": rejected.message,
            }
        answers.append(answer)
    return {
        "transaction_id": transaction_id,
        "correlation_id": uuid.uuid4().hex,
        "search_response": answers,
    }, len(answers)


sync_search = _endpoint(search, Disclosure.DISABLED_STATUS)
sync_disabled = _endpoint(disabled, Disclosure.DISABLED_STATUS, remembers=True)
sync_disability_details = _endpoint(disability_details, Disclosure.CATEGORY)
sync_disability_support = _endpoint(disability_support, Disclosure.SUPPORT)


# --- OAuth 2 and the keys ------------------------------------------------------------------------


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    """OAuth 2 client credentials (RFC 6749 §4.4): the agency's sender id and secret, in the
    form or as HTTP Basic, for a short-lived bearer token signed with the platform's key."""
    client_id, client_secret = (
        request.POST.get("client_id", ""),
        request.POST.get("client_secret", ""),
    )
    scheme, _space, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (ValueError, UnicodeDecodeError):  # binascii.Error, or not ASCII at all
            decoded = ""
        client_id, _colon, client_secret = decoded.partition(":")
    if request.POST.get("grant_type") != "client_credentials":
        return json_response(
            {
                "error": "unsupported_grant_type",
                "error_description": _("Ask with grant_type=client_credentials."),
            },
            400,
        )
    issued = services.token_issue(client_id, client_secret) if client_id else None
    if issued is None:
        log.warning("DCI token refused for client %r", client_id[:100])
        response = json_response(
            {"error": "invalid_client", "error_description": _("Unknown client or wrong secret.")},
            401,
        )
        response["WWW-Authenticate"] = 'Basic realm="dci"'
        return response
    response = json_response(issued)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    """The platform's published keys: every key whose signatures are still valid."""
    response = json_response(keys.public_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response
