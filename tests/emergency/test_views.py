"""The emergency pages: the person's own entry, and the dispatcher's lookup screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inclusio.core.models import AccessEvent, User
from inclusio.emergency.models import Lookup, Residence
from inclusio.emergency.services import residences_compile
from inclusio.registry.models import DisabilityStatus, Person
from tests.factories import Trio, make_trio, make_user, new_iin, sign_in

pytestmark = pytest.mark.django_db

HOME = (51.1280, 71.4300)


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


def test_the_person_reads_their_entry_within_a_query_budget(client: Client, trio: Trio) -> None:
    sign_in(client, trio.person.user)
    assert client.get("/en/emergency/").url == f"/en/emergency/person/{trio.person.iin}/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/en/emergency/person/{trio.person.iin}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Astana, Abai avenue 12" in html and "cannot leave without help" in html
    assert "Give consent" in html and 'name="entrance_code"' not in html
    assert len(queries) <= 12


def test_officers_of_the_region_only(client: Client, trio: Trio) -> None:
    sign_in(client, trio.other_officer)
    stranger = client.get(f"/en/emergency/person/{trio.person.iin}/")
    unknown = client.get(f"/en/emergency/person/{new_iin()}/")
    assert stranger.status_code == unknown.status_code == 404
    sign_in(client, trio.own_officer)
    response = client.get(f"/en/emergency/person/{trio.person.iin}/")
    assert response.status_code == 200
    event = AccessEvent.objects.filter(person_iin=trio.person.iin).latest("id")
    assert event.what == "emergency_residence" and event.office == "district_officer"


def test_consent_then_the_entrance_code_by_post(client: Client, trio: Trio) -> None:
    sign_in(client, trio.person.user)
    url = f"/en/emergency/person/{trio.person.iin}/"
    assert client.post(url + "consent/", {"answer": "give"}).status_code == 302
    assert 'name="entrance_code"' in client.get(url).content.decode()
    saved = client.post(url + "update/", {"floor": "4", "apartment": "12", "entrance_code": "77K"})
    assert saved.status_code == 302
    assert Residence.objects.get(person=trio.person).entrance_code == "77K"
    bad = client.post(url + "update/", {"floor": "4", "contact_phone": "ring me"})
    assert bad.status_code == 422
    assert "A phone number has digits" in bad.content.decode()


def test_an_officer_must_say_how_consent_was_given(client: Client, trio: Trio) -> None:
    sign_in(client, trio.own_officer)
    url = f"/ru/emergency/person/{trio.person.iin}/consent/"
    refused = client.post(url, {"answer": "give", "reason": ""})
    assert refused.status_code == 422
    assert "Укажите, как человек дал или отозвал согласие" in refused.content.decode()
    assert Residence.objects.get(person=trio.person).consent_given_at is None


def test_the_lookup_screen(client: Client, trio: Trio, dispatcher: User) -> None:
    sign_in(client, dispatcher)
    assert client.get("/en/emergency/lookup/").status_code == 200
    response = client.post(
        "/en/emergency/lookup/",
        {"incident": "AST-1", "latitude": "51.12845", "longitude": "71.43", "radius_m": "100"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Incident AST-1" in html and "Astana, Abai avenue 12" in html
    assert "cannot leave without help" in html
    assert trio.person.full_name not in html  # rescuers need the home, not the name
    assert Lookup.objects.get().found == 1


def test_the_homes_found_are_mapped_beside_the_list_when_tiles_are_configured(
    client: Client, trio: Trio, dispatcher: User, settings: Any
) -> None:
    sign_in(client, dispatcher)
    place = {"latitude": "51.12845", "longitude": "71.43", "radius_m": "100"}
    settings.MAP_TILE_URL = ""
    html = client.post("/ru/emergency/lookup/", {"incident": "AST-1", **place}).content.decode()
    assert (
        "Astana, Abai avenue 12" in html and "leaflet.js" not in html and "lookup-map" not in html
    )
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client.post("/ru/emergency/lookup/", {"incident": "AST-2", **place}).content.decode()
    assert 'id="lookup-map"' in html and 'data-tiles="https://tiles.example.org/' in html
    assert "Карта найденных домов (список ниже)" in html
    # Each home's place, unlocalised (a Russian page writes a decimal comma), for the script.
    assert 'data-latitude="51.128" data-longitude="71.43"' in html
    assert "leaflet.js" in html and "emergency/alert_map.js" in html
    assert "<script>" not in html and "style=" not in html  # strict CSP: static files only
    nothing = client.post(
        "/en/emergency/lookup/",
        {"incident": "AST-3", "latitude": "43.2", "longitude": "76.9", "radius_m": "100"},
    ).content.decode()
    assert "lookup-map" not in nothing  # no home found: no map


def test_a_lookup_without_an_incident_is_refused_in_the_users_language(
    client: Client, trio: Trio, dispatcher: User
) -> None:
    sign_in(client, dispatcher)
    response = client.post("/kk/emergency/lookup/", {"incident": "", "address": "Abai"})
    assert response.status_code == 422
    assert "Оқиға нөмірін" in response.content.decode() or "міндетті" in response.content.decode()
    response = client.post(
        "/kk/emergency/lookup/",
        {"incident": "A-1", "latitude": "48.85", "longitude": "2.35", "radius_m": "50"},
    )
    assert response.status_code == 422
    assert "Бұл орын елден тыс" in response.content.decode()
    assert not Lookup.objects.exists()


def test_only_dispatchers_open_the_lookup(client: Client, trio: Trio) -> None:
    for user in (trio.person.user, trio.own_officer):
        sign_in(client, user)
        assert client.get("/en/emergency/lookup/").status_code == 403
        assert (
            client.post("/en/emergency/lookup/", {"incident": "A-1", "address": "Abai"}).status_code
            == 403
        )
    assert not Lookup.objects.exists()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "home is not in the emergency dispatchers' registry"),
        ("ru", "Жилища этого человека нет в регистре экстренных диспетчеров"),
    ],
)
def test_a_forged_update_of_a_home_not_kept_is_refused_with_a_message(
    client: Client, language: str, said: str
) -> None:
    from inclusio.core.models import AuditEvent

    trio = make_trio()  # no limited mobility: the home is not in the registry
    url = f"/{language}/emergency/person/{trio.person.iin}/update/"
    written = AuditEvent.objects.count()
    for viewer in (trio.person.user, trio.own_officer):
        sign_in(client, viewer)
        refused = client.post(url, {"floor": "4", "apartment": "12"})
        assert refused.status_code == 422
        assert said in refused.content.decode()
    sign_in(client, trio.other_officer)
    assert client.post(url, {"floor": "4"}).status_code == 404
    assert not Residence.objects.filter(person=trio.person).exists()
    assert AuditEvent.objects.count() == written


def test_every_mistake_of_a_lookup_is_said_in_one_answer(
    client: Client, trio: Trio, dispatcher: User
) -> None:
    """A dispatcher under time pressure fixes the incident number and the radius at once: both
    are named on the first answer, in the page's language, and nothing is written."""
    sign_in(client, dispatcher)
    response = client.post(
        "/ru/emergency/lookup/",
        {"incident": "", "latitude": "51.128", "longitude": "71.43", "radius_m": "100000"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Обязательное поле." in html and "Радиус — от 1 до 500 метров." in html
    outside = client.post(
        "/en/emergency/lookup/",
        {"incident": "", "latitude": "48.85", "longitude": "2.35", "radius_m": "50"},
    ).content.decode()
    assert "This place is outside the country" in outside and "This field is required." in outside
    assert not Lookup.objects.exists() and not AccessEvent.objects.exists()


def test_the_dispatchers_worklist_writes_a_place_to_about_a_metre(
    client: Client, trio: Trio, dispatcher: User
) -> None:
    """A place sent with all its digits (a dispatch system's) reads as five decimals."""
    sign_in(client, dispatcher)
    client.post(
        "/ru/emergency/lookup/",
        {
            "incident": "AST-7",
            "latitude": "51.1280361167466",
            "longitude": "71.4300000000001",
            "radius_m": "100",
        },
    )
    page = client.get("/ru/").content.decode()
    assert "51.12804, 71.43 " in page and "51.1280361167466" not in page
