"""An emergency alert in the browser, by keyboard alone, with axe-core on every page: the
emergency officer of Astana draws a circle around a home, previews who it reaches (by
language), sends it; the deaf person who lives there reads it on their emergency page in their
own language (Russian, while the pages are in English)."""

from __future__ import annotations

from typing import Any

import pytest

from inclusio.emergency.models import Alert, AlertMessage
from inclusio.registry.models import DisabilityStatus, Person
from tests.browser.keyboard import choose_radio, follow, send, type_into
from tests.browser.test_walk_by_keyboard import Walk
from tests.factories import give_status
from tests.web.accounts import make_person_account, make_staff_account

pytestmark = pytest.mark.browser

HOME = ("51.128", "71.43")
TEXT_RU = "Наводнение на улице Абая: не выходите из дома."
TEXT_KK = "Абай көшесінде су тасқыны: үйден шықпаңыз."


def test_an_officer_alerts_a_circle_and_the_person_reads_it_by_keyboard(
    page: Any, live_server: Any
) -> None:
    officer = make_staff_account("emergency_officer", role="emergency_officer")
    person_account = make_person_account("dana")
    person = Person.objects.get(user=person_account)
    give_status(person)
    DisabilityStatus.objects.filter(person=person).update(hearing=True)
    Person.objects.filter(pk=person.pk).update(
        latitude=float(HOME[0]), longitude=float(HOME[1]), preferred_language="ru"
    )
    walk = Walk(page, live_server)

    walk.sign_in(officer, second_factor=True)
    follow(page, "a[href$='/emergency/alerts/']")
    walk.seen("alert-form")
    choose_radio(page, "area", "circle")
    type_into(page, "#id_latitude", HOME[0])
    type_into(page, "#id_longitude", HOME[1])
    type_into(page, "#id_radius_m", "500")
    type_into(page, "#id_text_ru", TEXT_RU)
    send(page, {}, button="button[value=preview]")
    walk.seen("alert-preview")
    assert "would reach 1 person" in page.inner_text("main")
    assert Alert.objects.count() == 0  # a preview writes nothing

    # Forgetting the Kazakh text is no problem here: the one person reads Russian.
    send(page, {}, button="button[value=send]")
    walk.seen("alert-sent")
    alert = Alert.objects.get()
    assert page.url.endswith(f"/emergency/alerts/{alert.pk}/")
    assert AlertMessage.objects.get().state == "delivered"

    walk.sign_in(person_account, second_factor=False)
    follow(page, "a[href$='/emergency/']")
    walk.seen("person-emergency-page")
    received = page.inner_text("main .emergency-alerts")
    assert TEXT_RU in received and TEXT_KK not in received
