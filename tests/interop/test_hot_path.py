"""The short ways of ``sync/disabled``, the DCI's hot path: the message id kept in the
statement that reads the status, the agency's row kept a few seconds per process, the detached
Ed25519 signatures made and checked without joserfc's generic machinery. Each must refuse what
the long way refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from joserfc import jws
from joserfc.jwk import ECKey, KeySet, OctKey, RSAKey

from inclusio.core.models import AccessEvent
from inclusio.interop import keys, services
from inclusio.interop.models import Agency, ReceivedMessage
from tests.factories import give_status, make_person
from tests.interop.conftest import DciAgency, new_key, public_jwks
from tests.interop.spec import needs_spec

pytestmark = [pytest.mark.django_db, needs_spec]

PATH = "/registry/sync/disabled"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


def message(value: str) -> dict[str, Any]:
    return {
        "transaction_id": "t-1",
        "disabled_criteria": {
            "query_type": "idtype-value",
            "query": {"type": "UIN", "value": value},
        },
    }


def status_of(answer: Any) -> tuple[str, str | None]:
    assert answer.status_code == 200, answer.content
    header = answer.json()["header"]
    return header["status"], header.get("status_reason_code")


@pytest.mark.parametrize("who", ["registered", "unknown", "not an IIN"])
def test_a_replay_is_refused_whatever_the_message_asks(full_agency: DciAgency, who: str) -> None:
    registered, unknown = make_person(), make_person()
    give_status(registered)
    unknown.delete()
    value = {"registered": registered.iin, "unknown": unknown.iin, "not an IIN": "x"}[who]
    body = full_agency.envelope(message(value))
    assert status_of(full_agency.post(PATH, body)) == ("succ", None)
    logged = AccessEvent.objects.count()
    assert logged == (who == "registered")
    assert status_of(full_agency.post(PATH, body)) == ("rjct", "rjct.message_id.duplicate")
    assert ReceivedMessage.objects.count() == 1
    assert AccessEvent.objects.count() == logged  # the replay logs no read


def test_the_message_id_and_the_status_are_one_statement_on_postgresql(
    full_agency: DciAgency,
) -> None:
    person = make_person()
    give_status(person)
    full_agency.token()
    with CaptureQueriesContext(connection) as done:
        answer = full_agency.post(PATH, full_agency.envelope(message(person.iin)))
    assert answer.json()["message"]["disabled_response"][0]["disabled_status"] == "yes"
    reads = [q["sql"] for q in done.captured_queries if "registry_person" in q["sql"]]
    assert len(reads) == 1
    if connection.vendor == "postgresql":
        assert "interop_receivedmessage" in reads[0]
    assert ReceivedMessage.objects.count() == 1
    assert (
        AccessEvent.objects.filter(person_iin=person.iin, agency=full_agency.agency.name).count()
        == 1
    )


def test_an_agency_changed_elsewhere_is_seen_within_its_seconds(
    full_agency: DciAgency, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's change (here an update that sends no signal) is seen once the row's
    seconds have passed; a save in this process at once (test_gate)."""
    settings.DCI_AGENCY_ROW_SECONDS = 5
    person = make_person()
    give_status(person)
    token = full_agency.token()
    assert status_of(full_agency.post(PATH, full_agency.envelope(message(person.iin)))) == (
        "succ",
        None,
    )
    Agency.objects.filter(pk=full_agency.agency.pk).update(active=False)
    kept = full_agency.post(PATH, full_agency.envelope(message(person.iin)), token=token)
    assert kept.status_code == 200
    clock = services.time.monotonic() + 6
    monkeypatch.setattr(services.time, "monotonic", lambda: clock)
    late = full_agency.post(PATH, full_agency.envelope(message(person.iin)), token=token)
    assert late.status_code == 401
    assert late.json()["errors"][0]["code"] == "err.request.unauthorized"


def test_an_inactive_agency_is_not_kept(full_agency: DciAgency, settings: Any) -> None:
    settings.DCI_AGENCY_ROW_SECONDS = 60
    token = full_agency.token()
    full_agency.agency.active = False
    full_agency.agency.save()
    for _ in range(2):
        answer = full_agency.post(PATH, full_agency.envelope(message("x")), token=token)
        assert answer.status_code == 401
    Agency.objects.filter(pk=full_agency.agency.pk).update(active=True)  # no signal
    answer = full_agency.post(PATH, full_agency.envelope(message("x")), token=token)
    assert answer.status_code == 200  # an inactive agency was not kept


# --- the signatures ----------------------------------------------------------------------------


def test_the_short_way_and_joserfc_agree_on_good_signatures() -> None:
    key = new_key()
    known = keys.public_key_set(public_jwks(key))
    ours = keys.sign_detached(b"payload", key)
    assert jws.deserialize_compact(ours, known, algorithms=keys.ALGORITHMS, payload=b"payload")
    for alg in ("Ed25519", "EdDSA"):
        theirs = jws.detach_content(
            jws.serialize_compact({"alg": alg, "kid": key.kid}, b"p", key, algorithms=[alg])
        )
        assert keys.verify_detached(theirs, b"p", known)
        assert not keys.verify_detached(theirs, b"q", known)


def test_a_signature_naming_one_key_and_made_by_another_is_refused() -> None:
    key, other = new_key(), new_key()
    known = keys.public_key_set(public_jwks(key))
    forged = keys.sign_detached(b"p", other)
    assert not keys.verify_detached(forged, b"p", known)
    protected = forged.split(".")[0]
    renamed = json.loads(keys._unb64(protected.encode()))
    renamed["kid"] = key.kid
    head = keys._b64(json.dumps(renamed).encode())
    signature = other.get_op_key("sign").sign(head + b"." + keys._b64(b"p"))
    assert not keys.verify_detached(
        f"{head.decode()}..{keys._b64(signature).decode()}", b"p", known
    )


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "none"},
        {"alg": "HS256"},
        {"alg": "Ed25519", "crit": ["b64"], "b64": False},
        {"alg": "Ed25519", "kid": 7},
        {"alg": "Ed25519", "kid": "unknown"},
    ],
)
def test_other_headers_go_the_long_way_and_are_refused(header: dict[str, Any]) -> None:
    key = new_key()
    known = keys.public_key_set(public_jwks(key))
    head = keys._b64(json.dumps({"kid": key.kid, **header}).encode())
    signature = key.get_op_key("sign").sign(head + b"." + keys._b64(b"p"))
    assert not keys.verify_detached(
        f"{head.decode()}..{keys._b64(signature).decode()}", b"p", known
    )


@pytest.mark.parametrize(
    "signature", ["", "a.b.c", "a..b", "é..x", "....", "eyJhbGciOiJFZDI1NTE5In0..+/=="]
)
def test_what_is_no_compact_signature_is_refused(signature: str) -> None:
    assert not keys.verify_detached(signature, b"p", keys.public_key_set(public_jwks(new_key())))


@pytest.mark.parametrize(
    ("make", "alg"),
    [
        (lambda: ECKey.generate_key("P-256", private=True), "ES256"),
        (lambda: RSAKey.generate_key(2048, private=True), "RS256"),
    ],
)
def test_the_agencies_other_algorithms_still_verify(make: Any, alg: str) -> None:
    key = make()
    key.ensure_kid()
    known = keys.public_key_set(dict(KeySet([key]).as_dict(private=False)))
    signed = jws.detach_content(
        jws.serialize_compact({"alg": alg, "kid": key.kid}, b"p", key, algorithms=[alg])
    )
    assert keys.verify_detached(signed, b"p", known)
    assert not keys.verify_detached(signed, b"q", known)


def test_a_secret_key_is_no_key_for_the_short_way() -> None:
    secret = OctKey.generate_key(256)
    secret.ensure_kid()
    known = KeySet([secret])
    signed = jws.detach_content(
        jws.serialize_compact(
            {"alg": "HS256", "kid": secret.kid}, b"p", secret, algorithms=["HS256"]
        )
    )
    assert not keys.verify_detached(signed, b"p", known)
