"""Special social services by keyboard alone, every page checked with axe: a person chooses a
provider and is placed; an inspector makes the half-year's plan, records an inspection with a
prescription and follows it up."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from inclusio.socialservices import services
from inclusio.socialservices.models import Inspection, Placement, Prescription, Signal
from tests.browser.conftest import url_of
from tests.browser.keyboard import choose_option, follow, tab_to, type_into
from tests.browser.test_walk_by_keyboard import Walk
from tests.socialservices.builders import make_provider
from tests.web.accounts import make_person_account, make_staff_account

pytestmark = pytest.mark.browser


def _type_date(page: Any, selector: str, day: dt.date) -> None:
    tab_to(page, selector)
    # A date field: its parts take digits in the order the browser's locale shows them.
    page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.input_value(selector) == day.isoformat()


def test_a_person_chooses_a_provider_by_keyboard(page: Any, live_server: Any) -> None:
    officer = make_staff_account("officer")
    provider = make_provider(officer, name="Shapagat day-care centre")
    dana = make_person_account("dana")
    today = timezone.localdate()
    need = services.need_record(
        actor=officer, person=dana.person, kind="day_care", hours_per_month=100,
        starts=today.replace(day=1), ends=today.replace(day=1) + dt.timedelta(days=200),
    )  # fmt: skip
    walk = Walk(page, live_server)
    walk.sign_in(dana, second_factor=False)
    follow(page, "a[href$='/en/social-services/']")
    assert page.url.endswith(f"/social-services/person/{dana.person.iin}/"), page.url
    walk.seen("social-services-choose")
    follow(page, f"main form[action$='/need/{need.pk}/choose/'] button[type=submit]")
    walk.seen("social-services-placed")
    placement = Placement.objects.get(need=need)
    assert placement.provider == provider and placement.chosen_by == dana
    assert page.locator("main .usa-alert--success").count() >= 1


def test_the_inspector_s_path_by_keyboard(page: Any, live_server: Any) -> None:
    officer = make_staff_account("officer")
    provider = make_provider(officer, name="Meirim day-care centre")
    Signal.objects.create(provider=provider, kind="incident", received=timezone.localdate())
    inspector = make_staff_account("inspector", role="social_inspector")
    today = timezone.localdate()
    walk = Walk(page, live_server)
    walk.sign_in(inspector, second_factor=True)

    # The plan of the half-year, made from the inspector's page.
    page.goto(url_of(live_server, "socialservices:inspections", "en"))
    walk.seen("inspections-no-plan")
    follow(page, "main form button[type=submit]")
    walk.seen("inspections-plan")
    follow(page, f"main table a[href$='/social-services/provider/{provider.pk}/']")
    walk.seen("provider-record")

    # The inspection, with a finding against the standard and its prescription.
    _type_date(page, "#id_held_on", today)
    type_into(page, "#id_summary", "Planned inspection of the half-year.")
    choose_option(page, "#id_requirement", "accessibility")
    type_into(page, "#id_note", "No ramp at the side entrance")
    _type_date(page, "#id_deadline", today + dt.timedelta(days=30))
    follow(page, "main form.usa-form--large button[type=submit]")
    walk.seen("inspection-recorded")
    inspection = Inspection.objects.get(provider=provider)
    assert inspection.plan_entry is not None and inspection.inspector == inspector
    prescription = Prescription.objects.get(provider=provider)

    # The follow-up closes the prescription.
    _type_date(page, f"#remedied-{prescription.pk}", today)
    type_into(page, f"#note-{prescription.pk}", "Ramp built and checked")
    follow(page, f"main form:has(#note-{prescription.pk}) button[type=submit]")
    walk.seen("prescription-closed")
    prescription.refresh_from_db()
    assert prescription.remedied_on == today
