"""The asynchronous endpoints of the DCI server: ``/registry/search``, ``/registry/subscribe``
and ``/registry/unsubscribe`` (docs/dci.md).

Each passes the sync endpoints' gate, then answers at once with the standard's acknowledgement
(``ack_status: ACK`` and the ``correlation_id`` of the answer to come). The answer itself —
``on-search``, ``on-subscribe``, ``on-unsubscribe`` — is queued in the outbox in the same
transaction as the message id, the reads in the access log and the subscription written, and
delivered to the agency's callback address by ``inclusio dci-outbox``, signed with the
platform's key. A header refused (a replayed message id, an old timestamp) answers ``ERR`` with
the header's ``rjct`` reason and queues nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from inclusio.interop import keys, outbox, subscriptions
from inclusio.interop.dci import (
    Ack,
    Err,
    HeaderRefusal,
    Refusal,
    Status,
    response_header,
    signed_content,
    timestamp,
)
from inclusio.interop.models import Agency, Disclosure
from inclusio.interop.views import (
    Handler,
    gate,
    header_checked,
    json_response,
    remembered,
    search,
)

log = logging.getLogger("inclusio.interop")


def _callback_base(agency: Agency, header: dict[str, Any], action: str) -> str:
    """Where this message's answer goes: the agency's registered address, or the header's
    ``sender_uri`` when it lies under that address (never anywhere else)."""
    if not agency.callback_url:
        raise Refusal(
            400,
            Err.SENDER_URI_INVALID,
            _("Your agency has no callback address registered; use the sync endpoints."),
        )
    registered = outbox.callback_url(agency, f"on-{action}")
    sender_uri = header.get("sender_uri")
    if sender_uri is None:
        return registered
    base = agency.callback_url.rstrip("/")
    if not isinstance(sender_uri, str) or not (
        sender_uri == base or sender_uri.startswith(f"{base}/")
    ):
        raise Refusal(
            400,
            Err.SENDER_URI_INVALID,
            _("sender_uri must be your registered callback address or lie under it."),
        )
    return sender_uri if sender_uri != base else registered


def _acknowledgement(
    agency: Agency, action: str, ack: Ack, correlation_id: str, refusal: HeaderRefusal | None
) -> HttpResponse:
    header = response_header(
        receiver_id=agency.sender_id,
        status=Status.RECEIVED if refusal is None else Status.REJECTED,
        reason=refusal.code if refusal is not None else None,
        reason_message=refusal.message if refusal is not None else "",
    )
    header["action"] = action
    message: dict[str, Any] = {
        "ack_status": str(ack),
        "timestamp": timestamp(),
        "correlation_id": correlation_id,
    }
    if refusal is not None:
        message["error"] = {"code": str(Err.REQUEST_BAD), "message": refusal.message}
    body = {
        "header": header,
        "message": message,
        "signature": keys.sign_detached(signed_content(header, message)),
    }
    return json_response(body)


def _serve(request: HttpRequest, action: str, handler: Handler, needs: Disclosure) -> HttpResponse:
    caller, header, message = gate(request, needs)
    agency = caller.agency
    url = _callback_base(agency, header, action)
    try:
        with transaction.atomic():
            remembered(agency, header_checked(header, action))
            answer, count = handler(message, caller)
            row = outbox.new_row(agency=agency, action=f"on-{action}", message=answer, total=count)
            row.url = url
            row.save()
    except HeaderRefusal as refusal:
        log.warning("DCI %s of %s refused: %s", action, agency.sender_id, refusal.code)
        return _acknowledgement(agency, action, Ack.ERR, "", refusal)
    return _acknowledgement(agency, action, Ack.ACK, answer["correlation_id"], None)


def _endpoint(
    action: str, handler: Handler, needs: Disclosure
) -> Callable[[HttpRequest], HttpResponse]:
    @csrf_exempt
    @require_POST
    def view(request: HttpRequest) -> HttpResponse:
        try:
            return _serve(request, action, handler, needs)
        except Refusal as refusal:
            log.warning("DCI %s refused: %s (%s)", action, refusal.code, refusal.status)
            response = json_response(refusal.body(), refusal.status)
            if refusal.status == 401:
                response["WWW-Authenticate"] = 'Bearer realm="dci"'
            return response

    return view


async_search = _endpoint("search", search, Disclosure.DISABLED_STATUS)
async_subscribe = _endpoint("subscribe", subscriptions.subscribe, Disclosure.DISABLED_STATUS)
async_unsubscribe = _endpoint("unsubscribe", subscriptions.unsubscribe, Disclosure.DISABLED_STATUS)
