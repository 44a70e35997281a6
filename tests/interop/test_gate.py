"""What the DCI server refuses before it reads anyone: tokens, signatures, replays, stale or
malformed messages, unknown agencies, rates; each with the standard's code, nothing written."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from http.client import IncompleteRead
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from inclusio.core.models import AccessEvent
from inclusio.interop import keys, services
from inclusio.interop.dci import Refusal
from inclusio.interop.models import ReceivedMessage
from tests.factories import give_status, make_person
from tests.interop.conftest import (
    BASE,
    DciAgency,
    new_key,
    now_ts,
    public_jwks,
    register,
    response_verifies,
)
from tests.interop.spec import error_errors, needs_spec, response_errors

pytestmark = [pytest.mark.django_db, needs_spec]

PATH = "/registry/sync/disabled"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


def message(iin: str) -> dict[str, Any]:
    return {
        "transaction_id": "t-1",
        "disabled_criteria": {
            "query_type": "idtype-value",
            "query": {"type": "UIN", "value": iin},
        },
    }


@pytest.fixture
def person_iin(db: None) -> str:
    person = make_person()
    give_status(person)
    return person.iin


def refused(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.content
    body = answer.json()
    assert error_errors(body) == []
    assert body["errors"][0]["code"] == code
    assert body["errors"][0]["message"]
    assert not AccessEvent.objects.exists()
    assert not ReceivedMessage.objects.exists()


def header_rejected(answer: Any, reason: str) -> dict[str, Any]:
    assert answer.status_code == 200
    body = answer.json()
    assert response_errors(PATH, body) == []
    assert body["header"]["status"] == "rjct"
    assert body["header"]["status_reason_code"] == reason
    assert "message" not in body
    assert response_verifies(Client(), body)
    return body


def test_the_token_endpoint_wants_the_agency_s_credentials(full_agency: DciAgency) -> None:
    client = Client()
    url = f"{BASE}/oauth2/client/token"
    wrong = client.post(
        url,
        {"grant_type": "client_credentials", "client_id": "esp.gov.kz", "client_secret": "x"},
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    grant = client.post(url, {"grant_type": "password", "client_id": "esp.gov.kz"})
    assert grant.json()["error"] == "unsupported_grant_type"
    basic = base64.b64encode(f"esp.gov.kz:{full_agency.secret}".encode()).decode()
    issued = client.post(
        url, {"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert issued.status_code == 200
    assert issued.json()["token_type"] == "Bearer"
    assert issued["Cache-Control"] == "no-store"


def test_a_request_without_a_valid_token_is_refused(
    full_agency: DciAgency, person_iin: str
) -> None:
    body = full_agency.envelope(message(person_iin))
    refused(full_agency.post(PATH, body, token="not-a-token"), 401, "err.request.unauthorized")
    answer = full_agency.client.post(f"{BASE}{PATH}", body, content_type="application/json")
    refused(answer, 401, "err.request.unauthorized")


def test_a_deactivated_agency_s_token_stops_working(
    full_agency: DciAgency, person_iin: str
) -> None:
    token = full_agency.token()
    full_agency.agency.active = False
    full_agency.agency.save()
    refused(
        full_agency.post(PATH, full_agency.envelope(message(person_iin)), token=token),
        401,
        "err.request.unauthorized",
    )


def test_an_expired_token_is_refused(full_agency: DciAgency, person_iin: str) -> None:
    stale = keys.sign_claims(
        {
            "iss": "registry.inclusio.kz",
            "aud": "registry.inclusio.kz",
            "sub": "esp.gov.kz",
            "exp": int(dt.datetime.now(dt.UTC).timestamp()) - 1,
        }
    )
    answer = full_agency.post(PATH, full_agency.envelope(message(person_iin)), token=stale)
    refused(answer, 401, "err.request.unauthorized")


def test_unsigned_wrongly_signed_and_altered_messages_are_refused(
    full_agency: DciAgency, person_iin: str
) -> None:
    body = full_agency.envelope(message(person_iin))
    refused(
        full_agency.post(PATH, {k: v for k, v in body.items() if k != "signature"}),
        401,
        "err.signature.missing",
    )
    stranger = full_agency.envelope(message(person_iin), key=new_key())
    refused(full_agency.post(PATH, stranger), 401, "err.signature.invalid")
    altered = {**body, "message": message(make_person(surname="Другой").iin)}
    refused(full_agency.post(PATH, altered), 401, "err.signature.invalid")
    refused(full_agency.post(PATH, {**body, "signature": "a.b.c"}), 401, "err.signature.invalid")


def test_another_agency_s_sender_id_is_refused(full_agency: DciAgency, person_iin: str) -> None:
    register("other.gov.kz", name="Other")
    header = full_agency.header(sender_id="other.gov.kz")
    body = full_agency.envelope(message(person_iin), header=header)
    refused(full_agency.post(PATH, body), 403, "err.sender_id.invalid")


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"header": {}, "message": []}',
        '{"signature": "x", "header": "h", "message": {}}',
    ],
)
def test_malformed_envelopes_are_bad_requests(full_agency: DciAgency, body: str) -> None:
    refused(full_agency.post(PATH, body), 400, "err.request.bad")


def test_a_message_without_its_transaction_id_writes_nothing(
    full_agency: DciAgency, person_iin: str
) -> None:
    bad = {"disabled_criteria": message(person_iin)["disabled_criteria"]}
    refused(full_agency.post(PATH, full_agency.envelope(bad)), 400, "err.request.bad")


def test_an_encrypted_message_is_refused(full_agency: DciAgency, person_iin: str) -> None:
    header = full_agency.header(is_msg_encrypted=True)
    body = full_agency.envelope(message(person_iin), header=header)
    refused(full_agency.post(PATH, body), 400, "err.encryption.invalid")


def test_a_replayed_message_is_answered_once(full_agency: DciAgency, person_iin: str) -> None:
    body = full_agency.envelope(message(person_iin))
    assert full_agency.post(PATH, body).json()["header"]["status"] == "succ"
    header_rejected(full_agency.post(PATH, body), "rjct.message_id.duplicate")
    assert AccessEvent.objects.count() == 1
    assert ReceivedMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"message_ts": now_ts(-dt.timedelta(hours=1))}, "rjct.message_ts.invalid"),
        ({"message_ts": now_ts(dt.timedelta(hours=1))}, "rjct.message_ts.invalid"),
        ({"message_ts": "2026-12-01T10:00:00"}, "rjct.message_ts.invalid"),
        ({"version": "0.9.0"}, "rjct.version.invalid"),
        ({"action": "subscribe"}, "rjct.action.invalid"),
        ({"total_count": -1}, "rjct.total_count.invalid"),
        ({"total_count": 101}, "rjct.total_count.limit_exceeded"),
    ],
)
def test_a_bad_header_is_rejected_and_writes_nothing(
    full_agency: DciAgency, person_iin: str, changes: dict[str, Any], reason: str
) -> None:
    body = full_agency.envelope(message(person_iin), header=full_agency.header(**changes))
    header_rejected(full_agency.post(PATH, body), reason)
    assert not AccessEvent.objects.exists()
    assert not ReceivedMessage.objects.exists()


def test_a_purpose_the_agency_is_not_registered_for_is_refused(
    full_agency: DciAgency, person_iin: str
) -> None:
    header = full_agency.header(meta={"purpose": "expertise"})
    body = full_agency.envelope(message(person_iin), header=header)
    refused(full_agency.post(PATH, body), 403, "err.request.forbidden")


def test_the_purpose_named_in_the_header_is_logged(person_iin: str) -> None:
    agency = register(purposes=("status_verification", "benefits"))
    header = agency.header(meta={"purpose": "benefits"})
    assert agency.post(PATH, agency.envelope(message(person_iin), header=header)).status_code == 200
    assert AccessEvent.objects.get().purpose == "benefits"


def test_an_agency_is_held_to_its_rate(person_iin: str) -> None:
    agency = register(requests_per_minute=2)
    for _ in range(2):
        assert agency.post(PATH, agency.envelope(message(person_iin))).status_code == 200
    answer = agency.post(PATH, agency.envelope(message(person_iin)))
    assert answer.status_code == 429
    assert answer.json()["errors"][0]["code"] == "err.request.too_many_requests"
    assert AccessEvent.objects.count() == 2


def test_keys_published_at_a_url_are_fetched_again_for_a_new_key(
    monkeypatch: pytest.MonkeyPatch, person_iin: str
) -> None:
    first, second = new_key(), new_key()
    published = {"jwks": public_jwks(first)}
    fetched: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        fetched.append(url)
        return published["jwks"]

    monkeypatch.setattr(services, "fetch_jwks", fetch)
    from inclusio.core.audit import SYSTEM

    agency, secret = services.agency_register(
        actor=SYSTEM,
        name="Tax service",
        sender_id="tax.gov.kz",
        purposes=["status_verification"],
        disclosures=["disabled_status"],
        jwks_url="https://tax.gov.kz/.well-known/jwks.json",
    )
    caller = DciAgency(agency=agency, secret=secret, key=first)
    assert caller.post(PATH, caller.envelope(message(person_iin))).status_code == 200
    assert caller.post(PATH, caller.envelope(message(person_iin))).status_code == 200
    assert len(fetched) == 1  # kept between requests
    published["jwks"] = public_jwks(first, second)
    caller.key = second
    assert caller.post(PATH, caller.envelope(message(person_iin))).status_code == 200
    assert len(fetched) == 2

    def unreachable(url: str) -> dict[str, Any]:
        raise OSError("timed out")

    monkeypatch.setattr(services, "fetch_jwks", unreachable)
    cache.clear()
    refused_answer = caller.post(PATH, caller.envelope(message(person_iin)))
    assert refused_answer.status_code == 503
    assert refused_answer.json()["errors"][0]["code"] == "err.service.unavailable"


@pytest.mark.parametrize("answer", [b"null", b"[1, 2]", IncompleteRead(b"{")])
def test_a_broken_published_keys_answer_is_a_503(
    monkeypatch: pytest.MonkeyPatch, answer: bytes | Exception
) -> None:
    from inclusio.core.audit import SYSTEM

    agency, _secret = services.agency_register(
        actor=SYSTEM,
        name="Tax service",
        sender_id="tax.gov.kz",
        purposes=["status_verification"],
        disclosures=["disabled_status"],
        jwks_url="https://tax.gov.kz/.well-known/jwks.json",
    )

    class Published(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if isinstance(answer, Exception):
                raise answer
            return answer

    monkeypatch.setattr(services.urllib.request, "urlopen", lambda url, timeout: Published())
    cache.clear()
    with pytest.raises(Refusal) as refused:
        services.agency_keys(agency, None)
    assert refused.value.status == 503


def test_rotation_keeps_old_signatures_valid_until_the_old_key_is_retired(
    full_agency: DciAgency, person_iin: str
) -> None:
    client = Client()
    old_token = full_agency.token()
    before = full_agency.post(PATH, full_agency.envelope(message(person_iin))).json()
    old_kid = keys.current_kid()
    new_kid = keys.rotate()
    published = {key["kid"] for key in client.get(f"{BASE}/.well-known/jwks.json").json()["keys"]}
    assert published == {old_kid, new_kid}
    # A response signed before the rotation still verifies, and the old token still works.
    assert response_verifies(client, before)
    after = full_agency.post(PATH, full_agency.envelope(message(person_iin)), token=old_token)
    assert after.status_code == 200
    assert response_verifies(client, after.json())
    assert after.json()["signature"].split(".")[0] != before["signature"].split(".")[0]
    assert keys.retire() == [old_kid]
    assert not response_verifies(client, before)
    refused_answer = full_agency.post(
        PATH, full_agency.envelope(message(person_iin)), token=old_token
    )
    assert refused_answer.status_code == 401


def test_the_platform_publishes_public_halves_only(platform_keys: Any) -> None:
    published = Client().get(f"{BASE}/.well-known/jwks.json").json()
    assert published["keys"]
    assert all("d" not in key for key in published["keys"])
    assert platform_keys.stat().st_mode & 0o077 == 0


def test_the_sync_endpoints_answer_only_post(full_agency: DciAgency) -> None:
    assert Client().get(f"{BASE}{PATH}").status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        '{"header": {}, "message": {"x": NaN}}',
        '{"header": {}, "message": {"x": Infinity}}',
        '{"header": {}, "message": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"header": {}, "message": {"x": ' + "1" * 5000 + "}}",
    ],
)
def test_what_json_cannot_carry_is_a_bad_request(full_agency: DciAgency, body: str) -> None:
    refused(full_agency.post(PATH, body), 400, "err.request.bad")


def test_a_signed_number_too_large_for_a_float_is_a_bad_request(full_agency: DciAgency) -> None:
    # 1e999 reads as infinity: signed as such, it reached the page size and failed there.
    criteria = {
        "query_type": "predicate",
        "query": [{"expression1": {"attribute_name": "region_code", "operator": "eq",
                                   "attribute_value": "71"}}],
        "pagination": {"page_size": float("inf"), "page_number": 1},
    }  # fmt: skip
    request = {"reference_id": "r-1", "timestamp": now_ts(), "search_criteria": criteria}
    message = {"transaction_id": "t-1", "search_request": [request]}
    body = json.dumps(full_agency.envelope(message)).replace("Infinity", "1e999")
    refused(full_agency.post("/registry/sync/search", body), 400, "err.request.bad")


HOSTILE_VALUES: list[Any] = [None, 0, -1, 10**30, 1.5, "", "\x00", "9" * 5000, [], {}, [[]], True]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
@pytest.mark.parametrize(
    "path",
    [
        "/registry/sync/search",
        "/registry/sync/disabled",
        "/registry/sync/get-disability-details",
        "/registry/sync/get-disability-support",
    ],
)
def test_a_signed_message_with_a_hostile_value_anywhere_is_answered_without_a_server_error(
    full_agency: DciAgency, person_iin: str, path: str, value: Any
) -> None:
    criteria = {"query_type": "predicate", "query": value, "pagination": value, "sort": value}
    messages = [
        {"transaction_id": value, "disabled_criteria": message(person_iin)["disabled_criteria"]},
        {"transaction_id": "t", "disabled_criteria": value},
        {"transaction_id": "t", "disabled_criteria": {"query_type": value, "query": value}},
        {"transaction_id": "t", "search_request": value},
        {"transaction_id": "t", "search_request": [value]},
        {
            "transaction_id": "t",
            "search_request": [
                {"reference_id": value, "timestamp": value, "search_criteria": criteria}
            ],
        },
        {
            "transaction_id": "t",
            "search_request": [
                {"reference_id": "r", "timestamp": now_ts(), "search_criteria": criteria}
            ],
        },
    ]
    headers = [
        full_agency.header(**{name: value})
        for name in ("message_ts", "total_count", "meta", "version")
    ]
    for body in [full_agency.envelope(m) for m in messages] + [
        full_agency.envelope(message(person_iin), header=h) for h in headers
    ]:
        answer = full_agency.post(path, body)
        assert answer.status_code < 500, (body, answer.content)


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Basic ☃"},
        {"Authorization": "Bearer"},
        {"Content-Type": "multipart/form-data; boundary="},
    ],
)
def test_hostile_headers_at_the_token_endpoint_are_refused(headers: dict[str, str]) -> None:
    answer = Client(raise_request_exception=False).post(
        f"{BASE}/oauth2/client/token", headers=headers
    )
    assert 400 <= answer.status_code < 500
