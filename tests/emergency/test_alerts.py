"""Emergency alerts: an officer draws an area, previews who it reaches by language, and sends
it to the persons with hearing or vision impairment inside, each in their language; bad areas
and missing texts are refused with nothing written; the trio."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from inclusio.core.errors import AccessDenied, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent
from inclusio.emergency import areas, messaging
from inclusio.emergency.errors import ErrorCode
from inclusio.emergency.messaging import GatewayBackend, GatewayRefused, delivery_report
from inclusio.emergency.models import Alert, AlertMessage
from inclusio.emergency.selectors import worklist_alerts_undelivered
from inclusio.emergency.services import alert_preview, alert_send
from inclusio.registry.models import DisabilityStatus, Person
from tests.factories import (
    Trio,
    form_token,
    give_status,
    make_person,
    make_trio,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.django_db

HOME = (51.1280, 71.4300)  # Astana (region 71)
NEAR = (51.1300, 71.4300)  # about 220 m north
FAR = (51.2000, 71.4300)  # about 8 km north
TEXTS = {"kk": "Су тасқыны: үйден шықпаңыз.", "ru": "Наводнение: не выходите из дома.", "en": ""}


def _impaired(person: Person, where: tuple[float, float], language: str, **limits: bool) -> None:
    DisabilityStatus.objects.filter(person=person).update(mobility=False, **limits)
    Person.objects.filter(pk=person.pk).update(
        latitude=where[0], longitude=where[1], preferred_language=language, phone="+77010000000"
    )
    person.refresh_from_db()


@pytest.fixture
def trio() -> Trio:
    trio = make_trio("emergency_officer")
    _impaired(trio.person, HOME, "ru", hearing=True)
    return trio


@pytest.fixture
def neighbours(trio: Trio) -> dict[str, Person]:
    made = {}
    for name, where, language, limits in (
        ("Blind", NEAR, "kk", {"vision": True}),
        ("Far", FAR, "kk", {"hearing": True}),
        ("Walker", NEAR, "kk", {}),  # a mobility limitation only: no alert
    ):
        person = make_person(surname=name)
        give_status(person)
        _impaired(person, where, language, **limits)
        made[name] = person
    return made


def _counts() -> tuple[int, int, int, int]:
    return (
        Alert.objects.count(),
        AlertMessage.objects.count(),
        AccessEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_preview_counts_by_language_and_writes_nothing(
    trio: Trio, neighbours: dict[str, Person]
) -> None:
    before = _counts()
    preview = alert_preview(
        actor=trio.own_officer, area=areas.circle(*HOME, 1000), texts={"ru": "x"}
    )
    assert preview.by_language == {"kk": 1, "ru": 1, "en": 0}
    assert preview.missing == ["kk"]
    assert _counts() == before


def test_a_circle_reaches_the_impaired_inside_in_their_language(
    trio: Trio, neighbours: dict[str, Person], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        alert = alert_send(actor=trio.own_officer, area=areas.circle(*HOME, 1000), texts=TEXTS)
    sent = {m.person.surname: (m.language, m.state, m.text) for m in alert.messages.all()}
    assert sent == {
        trio.person.surname: ("ru", "delivered", TEXTS["ru"]),
        "Blind": ("kk", "delivered", TEXTS["kk"]),
    }
    assert alert.recipients == 2 and alert.region_id == "71"
    logged = AccessEvent.objects.filter(what="emergency_alert", purpose="emergency_alert")
    assert sorted(logged.values_list("person_iin", flat=True)) == sorted(
        [trio.person.iin, neighbours["Blind"].iin]
    )
    audit = AuditEvent.objects.get(action="alert_send")
    assert audit.data == {"area": "circle", "recipients": {"kk": 1, "ru": 1, "en": 0}}
    assert trio.person.iin not in str(audit.data)


def test_a_polygon_and_localities(trio: Trio, neighbours: dict[str, Person]) -> None:
    # A square of about 1 km around the home holds the home and its neighbour, not Far.
    square = "51.123, 71.422\n51.123, 71.438\n51.133, 71.438\n51.133, 71.422"
    alert = alert_send(actor=trio.own_officer, area=areas.polygon(square), texts=TEXTS)
    assert alert.recipients == 2 and alert.geometry["points"][0] == [51.123, 71.422]
    alert = alert_send(actor=trio.own_officer, area=areas.localities(["71"], ["71"]), texts=TEXTS)
    assert alert.recipients == 3


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (
            lambda: areas.polygon("51.12,71.42\n51.13,71.44\n51.12,71.44\n51.13,71.42"),
            "POLYGON_CROSSES",
        ),
        (lambda: areas.polygon("51.12,71.42\n51.13,71.44"), "POLYGON_POINTS"),
        (lambda: areas.polygon("51.12 north\n51.13,71.44\n51.1,71.4"), "POLYGON_POINTS"),
        (lambda: areas.polygon("51.12,71.42\n51.13,71.44\n48.85,2.35"), "OUTSIDE_COUNTRY"),
        (lambda: areas.circle(*HOME, 50_001), "RADIUS"),
        (lambda: areas.circle(*HOME, 0), "RADIUS"),
        (lambda: areas.circle(48.85, 2.35, 100), "OUTSIDE_COUNTRY"),
        (lambda: areas.circle(float("nan"), 71.43, 100), "OUTSIDE_COUNTRY"),
        (lambda: areas.localities(["75"], ["71"]), "LOCALITIES"),
        (lambda: areas.localities([], ["71"]), "LOCALITIES"),
    ],
)
def test_a_bad_area_is_refused_with_a_translated_message(build: Any, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        build()
    assert refused.value.code == f"ALERT_{code}"
    with translation.override("en"):
        english = str(refused.value.message)
    with translation.override("kk"):
        assert english and str(refused.value.message) != english


def test_a_missing_language_or_an_empty_area_writes_nothing(
    trio: Trio, neighbours: dict[str, Person]
) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        alert_send(actor=trio.own_officer, area=areas.circle(*HOME, 1000), texts={"ru": "x"})
    assert refused.value.code == ErrorCode.ALERT_TEXT_MISSING
    with pytest.raises(ValidationFailed) as refused:
        alert_send(actor=trio.own_officer, area=areas.circle(43.25, 76.9, 1000), texts=TEXTS)
    assert refused.value.code == ErrorCode.ALERT_NO_RECIPIENTS
    assert _counts() == before


def test_the_trio(trio: Trio, neighbours: dict[str, Person]) -> None:
    # The officer of another region reaches nobody in Astana; the person and a dispatcher send
    # nothing at all.
    with pytest.raises(ValidationFailed) as refused:
        alert_send(actor=trio.other_officer, area=areas.circle(*HOME, 1000), texts=TEXTS)
    assert refused.value.code == ErrorCode.ALERT_NO_RECIPIENTS
    with pytest.raises(AccessDenied):
        alert_send(actor=trio.person.user, area=areas.circle(*HOME, 1000), texts=TEXTS)
    with pytest.raises(AccessDenied):
        alert_preview(
            actor=make_user("dispatcher", "dispatcher"), area=areas.circle(*HOME, 1), texts={}
        )


class _Gateway:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send_text(self, phone: str, text: str) -> str:
        if phone.endswith("9"):
            raise GatewayRefused
        self.sent.append((phone, text))
        return f"ref-{len(self.sent)}"


def test_an_sms_gateway_moves_messages_through_sent_to_delivered_or_failed(
    trio: Trio,
    neighbours: dict[str, Person],
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    gateway = _Gateway()

    class Backend(GatewayBackend):
        def gateway(self) -> _Gateway:
            return gateway

    monkeypatch.setattr(messaging, "backend", Backend)
    Person.objects.filter(pk=neighbours["Blind"].pk).update(phone="+77010000009")
    with django_capture_on_commit_callbacks(execute=True):
        alert = alert_send(actor=trio.own_officer, area=areas.circle(*HOME, 1000), texts=TEXTS)
    states = dict(alert.messages.values_list("person__surname", "state"))
    assert states == {trio.person.surname: "sent", "Blind": "failed"}
    assert gateway.sent == [("+77010000000", TEXTS["ru"])]
    assert delivery_report(gateway_ref="ref-1", delivered=True) == 1
    assert delivery_report(gateway_ref="unknown", delivered=True) == 0
    assert alert.messages.get(person=trio.person).state == "delivered"


def test_the_person_reads_the_alert_on_their_page_in_their_language(
    client: Client, trio: Trio, neighbours: dict[str, Person]
) -> None:
    alert_send(actor=trio.own_officer, area=areas.circle(*HOME, 1000), texts=TEXTS)
    sign_in(client, trio.person.user)
    translation.activate("en")
    page = client.get(f"/en/emergency/person/{trio.person.iin}/").content.decode()
    assert TEXTS["ru"] in page and TEXTS["kk"] not in page
    log = client.get(reverse("registry:my_access_log")).content.decode()
    assert "to send you an emergency alert" in log


def test_the_officer_previews_and_sends_by_post(
    client: Client, trio: Trio, neighbours: dict[str, Person]
) -> None:
    sign_in(client, trio.own_officer)
    assert client.get("/en/emergency/alerts/").status_code == 200
    form = {
        "area": "circle",
        "latitude": HOME[0],
        "longitude": HOME[1],
        "radius_m": 1000,
        "text_kk": TEXTS["kk"],
        "text_ru": TEXTS["ru"],
    }
    preview = client.post("/en/emergency/alerts/", {**form, "action": "preview"})
    assert preview.status_code == 200 and Alert.objects.count() == 0
    assert b"would reach 2 persons" in preview.content
    sent = client.post(
        "/en/emergency/alerts/", {**form, **form_token(trio.own_officer), "action": "send"}
    )
    alert = Alert.objects.get()
    assert sent.url == f"/en/emergency/alerts/{alert.pk}/"
    assert client.get(sent.url).status_code == 200
    refused = client.post(
        "/en/emergency/alerts/",
        {**form, **form_token(trio.own_officer), "radius_m": 60_000, "action": "send"},
    )
    assert refused.status_code == 422 and b"ALERT_RADIUS" not in refused.content
    assert b"The radius is from 1 to" in refused.content and Alert.objects.count() == 1
    # Another region's officer is told there is no such alert.
    sign_in(client, trio.other_officer)
    assert client.get(f"/en/emergency/alerts/{alert.pk}/").status_code == 404
    sign_in(client, trio.person.user)
    assert client.get("/en/emergency/alerts/").status_code == 403


def test_the_officer_lands_on_the_alerts_not_yet_delivered(
    client: Client,
    trio: Trio,
    neighbours: dict[str, Person],
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    queued = alert_send(actor=trio.own_officer, area=areas.circle(*HOME, 1000), texts=TEXTS)
    with django_capture_on_commit_callbacks(execute=True):
        delivered = alert_send(actor=trio.own_officer, area=areas.circle(*HOME, 1000), texts=TEXTS)
    failed = alert_send(actor=trio.own_officer, area=areas.circle(*HOME, 1000), texts=TEXTS)
    failed.messages.update(state=AlertMessage.State.FAILED)
    old = alert_send(actor=trio.own_officer, area=areas.circle(*HOME, 1000), texts=TEXTS)
    Alert.objects.filter(pk=old.pk).update(at=old.at - dt.timedelta(days=8))
    worklist_alerts_undelivered(actor=trio.own_officer)  # the account's permissions, cached
    with django_assert_max_num_queries(2):  # the count and the page, however many alerts
        own = worklist_alerts_undelivered(actor=trio.own_officer)
    assert [(a.pk, a.waiting, a.failed) for a in own.rows] == [
        (failed.pk, 0, 2),
        (queued.pk, 2, 0),
    ]
    assert delivered.pk not in {a.pk for a in own.rows}
    assert worklist_alerts_undelivered(actor=trio.other_officer).count == 0
    with pytest.raises(AccessDenied):
        worklist_alerts_undelivered(actor=make_user("dispatcher", "dispatcher"))
    sign_in(client, trio.own_officer)
    page = client.get("/en/").content.decode()
    assert ">Alerts not yet delivered to everyone" in page
    assert f"/en/emergency/alerts/{queued.pk}/" in page
    assert f"/en/emergency/alerts/{delivered.pk}/" not in page


def test_the_map_fills_the_form_when_tiles_are_configured_and_says_so_otherwise(
    client: Client, trio: Trio, settings: Any
) -> None:
    sign_in(client, trio.own_officer)
    settings.MAP_TILE_URL = ""
    page = client.get("/en/emergency/alerts/").content.decode()
    assert "No map tiles are configured" in page and "leaflet.js" not in page
    assert 'name="latitude"' in page and 'name="points"' in page  # the form stays whole
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = client.get("/en/emergency/alerts/").content.decode()
    assert 'id="alert-map"' in page and 'data-tiles="https://tiles.example.org/' in page
    assert "leaflet.js" in page and "emergency/alert_map" in page
    assert "<script>" not in page and "style=" not in page  # strict CSP: static files only
    assert 'id="alert-map-controls"' in page and "hidden" in page  # shown by the script only


def test_the_alert_page_describes_and_maps_the_area(
    client: Client, trio: Trio, settings: Any
) -> None:
    polygon = alert_send(
        actor=trio.own_officer,
        area=areas.polygon("51.12, 71.42\n51.13, 71.42\n51.13, 71.44"),
        texts=TEXTS,
    )
    circle = alert_send(actor=trio.own_officer, area=areas.circle(*HOME, 500), texts=TEXTS)
    localities = alert_send(
        actor=trio.own_officer, area=areas.localities(["71"], ["71"]), texts=TEXTS
    )
    sign_in(client, trio.own_officer)
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = client.get(f"/en/emergency/alerts/{polygon.pk}/").content.decode()
    assert "<li>51.13, 71.44</li>" in page
    assert 'id="alert-area-map"' in page and 'data-area="polygon"' in page
    assert "[[51.12, 71.42], [51.13, 71.42], [51.13, 71.44]]" in page.replace("&quot;", '"')
    page = client.get(f"/en/emergency/alerts/{circle.pk}/").content.decode()
    assert "centre 51.128, 71.43, radius 500 m" in page
    page = client.get(f"/en/emergency/alerts/{localities.pk}/").content.decode()
    assert "Astana" in page and "alert-area-map" not in page and "leaflet.js" not in page
    settings.MAP_TILE_URL = ""
    with translation.override("ru"):
        page = client.get(f"/ru/emergency/alerts/{circle.pk}/").content.decode()
    assert "центр 51.128, 71.43, радиус 500 м" in page and "Тайлы карты не настроены" in page
