"""The alert form's map by keyboard alone, with axe-core (the map's tiles from the live server):
the officer moves the map with the arrow keys and adds polygon corners with the map's centre,
removes one, then sets a circle's centre; the map only fills the form's fields. The alert's
page then draws the area."""

from __future__ import annotations

from typing import Any

import pytest

from inclusio.emergency import areas
from inclusio.emergency.services import alert_send
from inclusio.registry.models import DisabilityStatus, Person
from tests.browser.conftest import url_of
from tests.browser.keyboard import choose_radio, follow, tab_to
from tests.browser.test_walk_by_keyboard import Walk
from tests.factories import give_status, make_person
from tests.web.accounts import make_staff_account

pytestmark = pytest.mark.browser


def _press(page: Any, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")


def _pan(page: Any, key: str) -> None:
    tab_to(page, "#alert-map", backwards=True)
    for _ in range(3):
        page.keyboard.press(key)
    page.wait_for_function("() => !document.querySelector('.leaflet-pan-anim')")


def test_the_officer_draws_the_area_on_the_map_by_keyboard(
    page: Any, live_server: Any, settings: Any
) -> None:
    # Every tile is one image of the live server's: nothing leaves the machine.
    settings.MAP_TILE_URL = (
        f"{live_server.url}/static/vendor/leaflet/images/layers.png?z={{z}}&x={{x}}&y={{y}}"
    )
    officer = make_staff_account("emergency_officer", role="emergency_officer")
    walk = Walk(page, live_server)
    walk.sign_in(officer, second_factor=True)
    follow(page, "a[href$='/emergency/alerts/']")
    walk.seen("alert-form-with-map")
    assert page.locator("#alert-map-controls").is_visible()

    choose_radio(page, "area", "polygon")
    tab_to(page, "#alert-map-use-centre")
    page.keyboard.press("Enter")
    for key in ("ArrowRight", "ArrowDown", "ArrowLeft"):
        _pan(page, key)
        _press(page, "#alert-map-use-centre")
    corners = page.input_value("#id_points").splitlines()
    assert len(corners) == 4 and len(set(corners)) == 4
    assert "Corner 4 added at" in page.inner_text("#alert-map-status")
    _press(page, "#alert-map-undo")
    assert page.input_value("#id_points").splitlines() == corners[:3]
    assert page.locator("#alert-map path.leaflet-interactive").count() >= 1
    walk.seen("alert-polygon-drawn", loaded=False)

    tab_to(page, "input[type=radio][name='area']", backwards=True)
    choose_radio(page, "area", "circle")
    _press(page, "#alert-map-use-centre")
    latitude, longitude = page.input_value("#id_latitude"), page.input_value("#id_longitude")
    assert -90 < float(latitude) < 90 and -180 < float(longitude) < 180  # the map's centre
    assert page.input_value("#id_radius_m") == "500"
    assert "Centre of the circle set at" in page.inner_text("#alert-map-status")

    person = make_person(surname="Нұрланова")
    give_status(person)
    DisabilityStatus.objects.filter(person=person).update(hearing=True)
    Person.objects.filter(pk=person.pk).update(latitude=51.128, longitude=71.43)
    alert = alert_send(
        actor=officer,
        area=areas.polygon("51.12, 71.42\n51.13, 71.42\n51.13, 71.44"),
        texts={"kk": "Су тасқыны.", "ru": "Наводнение."},
    )
    page.goto(url_of(live_server, "emergency:alert", "en", alert_id=alert.pk))
    walk.seen("alert-area-on-the-map")
    # The polygon and a mark at each of its three corners.
    assert page.locator("#alert-area-map path.leaflet-interactive").count() == 4
