"""The dispatch systems' API: a lookup with a dispatcher's token, through the same service as
the page (its refusals as JSON with their codes, in the caller's language), the token page, and
the shortcut past the pages' middleware."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from inclusio.core.models import AccessEvent, AuditEvent, User
from inclusio.emergency import tokens
from inclusio.emergency.models import DispatcherToken, Lookup, Residence
from inclusio.emergency.services import residence_consent_give, residence_update, residences_compile
from inclusio.registry.models import DisabilityStatus, Person
from tests.factories import Trio, make_trio, make_user, sign_in

pytestmark = pytest.mark.django_db

HOME = (51.1280, 71.4300)
NEAR = (51.12845, 71.4300)  # some 50 m north
URL = "/api/v1/emergency/lookups"


@pytest.fixture
def trio() -> Trio:
    trio = make_trio()
    DisabilityStatus.objects.filter(person=trio.person).update(category="I")
    Person.objects.filter(pk=trio.person.pk).update(
        latitude=HOME[0], longitude=HOME[1], address="Astana, Abai avenue 12"
    )
    residences_compile()
    return trio


@pytest.fixture
def dispatcher() -> User:
    return make_user("dispatcher_astana", "dispatcher", "71")


def bearer(user: User) -> dict[str, str]:
    _, clear = tokens.dispatcher_token_create(actor=user, name="CAD")
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def post(client: Client, body: Any, auth: dict[str, str], language: str = "en") -> Any:
    return client.post(
        URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language, **auth
    )


def around(incident: str = "AST-2026-0042", radius_m: int = 100) -> dict[str, Any]:
    return {"incident": incident, "lat": NEAR[0], "lon": NEAR[1], "radius_m": radius_m}


def test_the_operation_is_in_the_openapi_document(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert operation["operationId"] == "emergency_lookup"
    assert {"201", "401", "403", "422", "429"} <= set(operation["responses"])
    reference = client.get("/en/api-reference/").content.decode()
    assert URL in reference and "Look up the homes at an incident" in reference


def test_a_lookup_by_place_answers_what_rescuers_need_and_logs_it(
    client: Client, trio: Trio, dispatcher: User
) -> None:
    residence_consent_give(actor=trio.person.user, person=trio.person)
    residence_update(
        actor=trio.person.user,
        person=trio.person,
        floor=7,
        apartment="41",
        entrance_code="41K",
        bedridden=True,
        equipment="oxygen concentrator",
    )
    answer = post(client, around(), bearer(dispatcher), language="ru")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["incident"] == "AST-2026-0042" and body["mode"] == "place"
    [home] = body["homes"]
    assert home["address"] == "Astana, Abai avenue 12" and home["floor"] == 7
    assert (home["apartment"], home["entrance_code"]) == ("41", "41K")
    assert 45 <= home["distance_m"] <= 55
    assert home["needs"][:2] == ["bedridden", "limited_mobility"]
    assert home["needs_text"][0] == "лежачий"  # in the caller's language (Accept-Language)
    assert "oxygen concentrator" in home["needs_text"][-1]
    # Nothing beyond what rescuers need: no IIN, no name, no disability group.
    assert "iin" not in home and trio.person.iin not in answer.content.decode()
    lookup = Lookup.objects.get(pk=body["lookup"])
    assert (lookup.dispatcher, lookup.found, lookup.flagged) == (dispatcher, 1, False)
    event = AccessEvent.objects.filter(person_iin=trio.person.iin).latest("id")
    assert (event.purpose, event.case, event.office) == ("emergency", "AST-2026-0042", "dispatcher")
    assert AuditEvent.objects.filter(action="residences_lookup", entity_id=lookup.pk).exists()


def test_the_person_sees_the_apis_lookup_in_their_access_log(
    client: Client, trio: Trio, dispatcher: User
) -> None:
    assert post(client, around("AST-API-7"), bearer(dispatcher)).status_code == 201
    sign_in(client, trio.person.user)
    page = client.get("/en/registry/me/access-log/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "incident AST-API-7" in html and "fire service" in html


def test_a_lookup_by_address(client: Client, trio: Trio, dispatcher: User) -> None:
    body = {"incident": "AST-8", "address": "abai AVENUE 12"}
    answer = post(client, body, bearer(dispatcher))
    assert answer.status_code == 201
    assert [h["distance_m"] for h in answer.json()["homes"]] == [None]


def test_a_dispatcher_of_another_region_finds_nothing_and_is_flagged(
    client: Client, trio: Trio
) -> None:
    almaty = make_user("dispatcher_almaty", "dispatcher", "75")
    answer = post(client, around("ALM-1"), bearer(almaty))
    assert answer.status_code == 201 and answer.json()["homes"] == []
    assert Lookup.objects.get(incident="ALM-1").flags == ["outside_area"]
    assert not AccessEvent.objects.filter(person_iin=trio.person.iin, case="ALM-1").exists()


def test_the_person_and_an_officer_cannot_have_a_token_nor_look_up(
    client: Client, trio: Trio
) -> None:
    for account in (trio.person.user, trio.own_officer):
        with pytest.raises(Exception) as refused:
            tokens.dispatcher_token_create(actor=account, name="mine")
        assert getattr(refused.value, "status", None) == 403
        sign_in(client, account)
        assert client.get("/en/emergency/tokens/").status_code == 403
    assert not DispatcherToken.objects.exists()


def test_a_dispatcher_who_lost_the_role_is_refused_403(
    client: Client, trio: Trio, dispatcher: User
) -> None:
    auth = bearer(dispatcher)
    dispatcher.groups.clear()
    cache.clear()
    answer = post(client, around(), auth)
    assert answer.status_code == 403 and answer.json()["code"] == "OUT_OF_SCOPE"
    assert not Lookup.objects.exists()


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer inc_dsp_nope", "Bearer inc_sup_nope", "Basic abc", "Bearer "],
)
def test_no_token_or_an_unknown_one_is_401(
    client: Client, trio: Trio, authorization: str | None
) -> None:
    auth = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    answer = post(client, around(), auth, language="kk")
    assert answer.status_code == 401 and answer.json()["code"] == "NOT_AUTHENTICATED"
    assert not Lookup.objects.exists() and not AccessEvent.objects.exists()


def test_a_revoked_token_is_refused_at_once(client: Client, trio: Trio, dispatcher: User) -> None:
    token, clear = tokens.dispatcher_token_create(actor=dispatcher, name="CAD")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    assert post(client, around("AST-1"), auth).status_code == 201  # its account now cached
    tokens.dispatcher_token_revoke(actor=dispatcher, token_id=token.pk)
    answer = post(client, around("AST-2"), auth)
    assert answer.status_code == 401
    assert not Lookup.objects.filter(incident="AST-2").exists()
    actions = AuditEvent.objects.filter(action__startswith="dispatcher_token_")
    assert sorted(actions.values_list("action", flat=True)) == [
        "dispatcher_token_create",
        "dispatcher_token_revoke",
    ]


def test_only_the_digest_is_kept(dispatcher: User) -> None:
    token, clear = tokens.dispatcher_token_create(actor=dispatcher, name="CAD")
    assert clear.startswith("inc_dsp_") and len(clear) > 40
    assert clear not in token.digest and len(token.digest) == 64
    audited = AuditEvent.objects.get(action="dispatcher_token_create")
    assert clear not in str(audited.data)


def test_a_dispatcher_cannot_revoke_anothers_token(dispatcher: User) -> None:
    other = make_user("dispatcher_astana_2", "dispatcher", "71")
    token, _ = tokens.dispatcher_token_create(actor=other, name="CAD")
    with pytest.raises(Exception) as refused:
        tokens.dispatcher_token_revoke(actor=dispatcher, token_id=token.pk)
    assert getattr(refused.value, "code", None) == "TOKEN_NOT_FOUND"
    assert DispatcherToken.objects.get(pk=token.pk).revoked_at is None


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"address": "Abai 12"}, "REQUEST_INVALID", "incident"),
        ({"incident": "", "address": "Abai 12"}, "INCIDENT_REQUIRED", "происшеств"),
        ({**around(), "radius_m": 501}, "LOOKUP_RADIUS", "500"),
        ({**around(), "lat": 48.85, "lon": 2.35}, "LOOKUP_OUTSIDE_COUNTRY", "стран"),
        ({"incident": "A-1", "lat": 51.1}, "LOOKUP_MODE", ""),
        ({**around(), "radius_m": "wide"}, "REQUEST_INVALID", "radius_m"),
        ({"incident": "A-1", "address": "x" * 301}, "REQUEST_INVALID", "address"),
        ({"incident": ["A-1"], "address": "Abai"}, "REQUEST_INVALID", "incident"),
    ],
)
def test_bad_input_is_422_in_the_callers_language_and_writes_nothing(
    client: Client, trio: Trio, dispatcher: User, body: dict[str, Any], code: str, words: str
) -> None:
    auth = bearer(dispatcher)
    answer = post(client, body, auth, language="ru")
    assert answer.status_code == 422, answer.content
    refusal = answer.json()
    assert refusal["code"] == code
    assert words.casefold() in refusal["message"].casefold()
    assert not Lookup.objects.exists() and not AccessEvent.objects.exists()


@pytest.mark.parametrize(
    "raw", [b"{not json", b"[]", b"", b'"text"', b'{"incident": "A-1", "lat": NaN}']
)
def test_a_malformed_body_is_a_4xx_never_a_500(
    client: Client, trio: Trio, dispatcher: User, raw: bytes
) -> None:
    answer = client.post(
        URL, raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE="kk", **bearer(dispatcher)
    )
    assert 400 <= answer.status_code < 500, answer.content
    assert set(answer.json()) == {"code", "message"}
    assert not Lookup.objects.exists() and not AccessEvent.objects.exists()


def test_too_many_lookups_are_429_with_retry_after(
    client: Client, trio: Trio, dispatcher: User, settings: Any
) -> None:
    settings.EMERGENCY_LOOKUPS_PER_10_MINUTES = 2
    auth = bearer(dispatcher)
    for index in range(2):
        assert post(client, around(f"AST-{index + 10}"), auth).status_code == 201
    answer = post(client, around("AST-99"), auth)
    assert answer.status_code == 429 and answer["Retry-After"] == "600"
    assert answer.json()["code"] == "LOOKUPS_TOO_MANY"


def test_the_api_passes_by_the_pages_middleware(
    client: Client, trio: Trio, dispatcher: User
) -> None:
    """No session, no CSRF cookie, no second factor: the shortcut answers (core/http.py)."""
    answer = post(client, around(), bearer(dispatcher))
    assert answer.status_code == 201
    assert "sessionid" not in answer.cookies and "csrftoken" not in answer.cookies
    assert "no-store" in answer["Cache-Control"] and answer["X-Content-Type-Options"] == "nosniff"
    assert "Cookie" not in answer.get("Vary", "")


def test_the_token_page_creates_shows_once_and_revokes(client: Client, dispatcher: User) -> None:
    sign_in(client, dispatcher)
    assert client.get("/kk/emergency/tokens/").status_code == 200
    empty = client.post("/en/emergency/tokens/", {"name": "  "})
    assert empty.status_code == 422 and "This field is required" in empty.content.decode()
    created = client.post("/en/emergency/tokens/", {"name": "CAD Astana"})
    assert created.status_code == 200
    html = created.content.decode()
    assert "Copy the token now" in html and "inc_dsp_" in html
    assert "inc_dsp_" not in client.get("/en/emergency/tokens/").content.decode()
    token = DispatcherToken.objects.get(dispatcher=dispatcher)
    assert client.get(f"/en/emergency/tokens/{token.pk}/revoke/").status_code == 405
    assert client.post(f"/en/emergency/tokens/{token.pk}/revoke/").status_code == 302
    assert DispatcherToken.objects.get(pk=token.pk).revoked_at is not None
    again = client.post(f"/en/emergency/tokens/{token.pk}/revoke/")
    assert again.status_code == 404


def test_residences_untouched_by_a_refused_lookup(
    client: Client, trio: Trio, dispatcher: User
) -> None:
    before = list(Residence.objects.values())
    post(client, {**around(), "radius_m": 10_000}, bearer(dispatcher))
    assert list(Residence.objects.values()) == before
