"""The employment officer, by keyboard alone: from the start page's worklist to the employer
below quota, a quota vacancy published, a person placed against it, a month of a special
workplace's subsidy paid; the person then sees the vacancy gone and their placement."""

from __future__ import annotations

from typing import Any

import pytest

from inclusio.employment.models import Placement, SubsidyMonth, Vacancy
from tests.browser.conftest import login, url_of
from tests.browser.keyboard import (
    choose_option,
    follow,
    press_and_wait,
    send,
    tab_to,
    tick,
    type_into,
)
from tests.employment.builders import make_employer
from tests.factories import give_status
from tests.web.accounts import make_person_account, make_staff_account

pytestmark = pytest.mark.browser


def test_an_officer_places_a_person_by_keyboard(page: Any, live_server: Any) -> None:
    officer = make_staff_account("employment", role="employment_officer")
    account = make_person_account("dana")
    person = account.person
    give_status(person)
    employer = make_employer(officer, headcount=300)

    login(page, live_server, officer)
    page.goto(url_of(live_server, "web:home", "en"))
    follow(page, f"main a[href$='/employment/employers/{employer.bin}/']")

    type_into(page, "#id_title", "Data entry operator")
    type_into(page, "#id_wage_kzt", "160000")
    tick(page, "input[name=needs][value=vision]")
    tab_to(page, "form[action$='/vacancy/'] button[type=submit]")
    press_and_wait(page)
    assert page.locator("main .usa-alert--success").is_visible()
    vacancy = Vacancy.objects.get()
    assert vacancy.needs_vision and not vacancy.needs_mobility

    type_into(page, "#id_iin", person.iin)
    choose_option(page, "#id_vacancy", str(vacancy.pk))
    tab_to(page, "#id_started")
    page.keyboard.type("02052024")  # the date's parts in the order the browser shows them
    tab_to(page, "form[action$='/place/'] button[type=submit]")
    press_and_wait(page)
    assert page.locator("main .usa-alert--success").is_visible()
    placement = Placement.objects.get()
    assert (placement.person_id, placement.vacancy_id) == (person.pk, vacancy.pk)

    follow(page, f"main a[href$='/employment/placements/{placement.pk}/workplace/']")
    tab_to(page, "#id_first_month")
    page.keyboard.type("02012024")
    send(page, {"#id_monthly_wage_kzt": "160000", "#id_equipment_kzt": "300000"})
    assert page.locator("main .usa-alert--success").is_visible()
    send(page, {"#id_month": "2024-02", "#id_wage_kzt": "160000"})
    assert SubsidyMonth.objects.get().amount_kzt == 112_000
    assert "112000" in page.locator("main table").inner_text()

    page.context.clear_cookies()  # signed out
    login(page, live_server, account)
    page.goto(url_of(live_server, "employment:mine", "en"))
    text = page.locator("main").inner_text()
    assert "Astana Su LLP" in text and "No open quota vacancy" in text
