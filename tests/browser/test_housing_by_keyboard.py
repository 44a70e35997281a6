"""A housing officer works through the list by keyboard alone: from the start page's list to
the first person, an allocation refused without its legal basis, then recorded; and the person
sees it, and what a state mortgage would cost, by keyboard too. axe-core checks each page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from inclusio.core.models import User
from inclusio.housing.models import Registration
from inclusio.housing.services import registration_create
from inclusio.registry.models import Person
from tests.browser.conftest import assert_accessible, login, url_of
from tests.browser.keyboard import follow, send
from tests.factories import give_status, make_person

pytestmark = pytest.mark.browser


def test_an_officer_allocates_housing_and_the_person_sees_it_by_keyboard(
    page: Any, live_server: Any, housing_officer_user: User, person_user: User
) -> None:
    person = Person.objects.get(user=person_user)
    give_status(person, "I")
    registration_create(
        actor=housing_officer_user, person=person, registered_on=dt.date(2016, 3, 1)
    )
    later = make_person(surname="Нурланов", given_name="Ерлан", sex="M")
    give_status(later, "II")
    registration_create(actor=housing_officer_user, person=later, registered_on=dt.date(2018, 1, 9))

    login(page, live_server, housing_officer_user)
    page.goto(url_of(live_server, "web:home", "en"))
    follow(page, f"#housing_queue a[href$='/housing/person/{person.iin}/']")
    assert_accessible(page)
    send(page, {"#id_allocate-dwelling": "Abai avenue 12, flat 4, two rooms"})
    assert page.locator(".inclusio-error-summary a[href='#id_allocate-legal_basis']").is_visible()
    assert Registration.objects.get(person=person).status == "waiting"
    send(page, {"#id_allocate-legal_basis": "Akimat decision No. 7 of 2026-11-30"})
    assert page.locator(".usa-alert--success").is_visible()
    assert Registration.objects.get(person=person).status == "housed"
    assert Registration.objects.get(person=later).position == 1

    page.context.clear_cookies()
    login(page, live_server, person_user)
    page.goto(url_of(live_server, "housing:mine", "en"))
    assert "Akimat decision No. 7" in page.locator("main").inner_text()
    send(page, {"#id_price": "20000000"})
    assert "91059 tenge" in page.locator("main").inner_text()
    assert_accessible(page)
