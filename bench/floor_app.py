"""What ``bench_http_floor.py`` serves: the least a DCI-like answer can cost on this machine.

- ``bare``: a WSGI callable answering every request with a fixed JSON body (gunicorn alone).
- ``bare_signed``: the same callable doing the signature work of ``sync/disabled`` and nothing
  else — the body parsed, the canonical bytes of header and message (``dci.signed_content``)
  verified against the agency's key (``keys.verify_detached``), an answer's header and message
  signed with the platform's key (``keys.sign_detached``) and written as JSON. The keys come
  from the bench in ``FLOOR_AGENCY_JWKS`` (public) and ``FLOOR_PLATFORM_KEY`` (private).
- ``urlpatterns``: the same two as Django views in the namespace ``floor``, reached through
  ``core.http.ApiShortcutMiddleware`` as the DCI's views are (``floor_settings.py``).

No database is touched by any of them.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

FIXED = json.dumps({"header": {"status": "succ"}, "message": {"disabled_status": "yes"}}).encode()


@cache
def _keys() -> tuple[Any, Any]:
    from joserfc.jwk import KeySet, OKPKey

    from inclusio.interop import keys

    agency = keys.public_key_set(json.loads(os.environ["FLOOR_AGENCY_JWKS"]))
    platform = OKPKey.import_key(json.loads(os.environ["FLOOR_PLATFORM_KEY"]))
    assert isinstance(agency, KeySet)
    return agency, platform


def signed_answer(body: bytes) -> tuple[int, bytes]:
    """The signature work of one request: (status, JSON answer)."""
    from inclusio.interop import keys
    from inclusio.interop.dci import signed_content

    agency, platform = _keys()
    if not body:  # the server's start-up check asks with a GET
        return 400, b'{"errors": [{"code": "err.request.bad"}]}'
    envelope = json.loads(body)
    header, message = envelope["header"], envelope["message"]
    if not keys.verify_detached(envelope["signature"], signed_content(header, message), agency):
        return 401, b'{"errors": [{"code": "err.signature.invalid"}]}'
    answer_header = {
        "version": "1.0.0",
        "message_id": uuid.uuid4().hex,
        "action": "on-search",
        "status": "succ",
        "receiver_id": header.get("sender_id"),
    }
    answer = {
        "transaction_id": message.get("transaction_id"),
        "disabled_response": [{"status": "succ", "disabled_status": "yes"}],
    }
    signature = keys.sign_detached(signed_content(answer_header, answer), platform)
    return 200, json.dumps(
        {"header": answer_header, "message": answer, "signature": signature},
        ensure_ascii=False,
    ).encode()


StartResponse = Callable[..., Any]


def bare(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(FIXED)))]
    )
    return [FIXED]


def bare_signed(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    status, body = signed_answer(environ["wsgi.input"].read(length))
    start_response(
        f"{status} {'OK' if status == 200 else 'Refused'}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


# --- the same through Django (DJANGO_SETTINGS_MODULE=floor_settings) ----------------------------


def _django_urls() -> list[Any]:
    from django.http import HttpRequest, HttpResponse
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def fixed(request: HttpRequest) -> HttpResponse:
        return HttpResponse(FIXED, content_type="application/json")

    @csrf_exempt
    def signed(request: HttpRequest) -> HttpResponse:
        status, body = signed_answer(request.body)
        return HttpResponse(body, status=status, content_type="application/json")

    from inclusio.urls import urlpatterns

    floor = ([path("fixed", fixed), path("signed", signed)], "floor")
    return [path("floor/", include(floor)), *urlpatterns]


def __getattr__(name: str) -> Any:
    # Django reads ``urlpatterns`` once set up; the bare callables must not need Django.
    if name == "urlpatterns":
        return _django_urls()
    raise AttributeError(name)
