"""The accessibility inspector's path by keyboard alone, every page checked with axe: the plan
of the half-year, the inspection zone by zone with a measurement, the prescription it gives,
and the follow-up (the deadline extended, then the re-inspection that finds it fulfilled)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from inclusio.accessibility.models import Inspection, PlannedInspection, Prescription
from tests.accessibility.builders import make_facility
from tests.browser.conftest import url_of
from tests.browser.keyboard import choose_option, follow, tab_to, type_into
from tests.browser.test_walk_by_keyboard import Walk
from tests.web.accounts import make_staff_account

pytestmark = pytest.mark.browser


def _type_date(page: Any, selector: str, day: dt.date) -> None:
    tab_to(page, selector)
    # A date field: its parts take digits in the order the browser's locale shows them.
    page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.input_value(selector) == day.isoformat()


def test_the_accessibility_inspectors_path_by_keyboard(page: Any, live_server: Any) -> None:
    facility = make_facility()
    inspector = make_staff_account("access_inspector", role="accessibility_inspector")
    today = timezone.localdate()
    walk = Walk(page, live_server)
    walk.sign_in(inspector, second_factor=True)

    # The plan: the facility put into this half-year's.
    page.goto(url_of(live_server, "accessibility:plan", "en"))
    walk.seen("access-plan-empty")
    type_into(page, "#id_facility", str(facility.pk))
    follow(page, "main form[method=post] button[type=submit]")
    walk.seen("access-plan")
    planned = PlannedInspection.objects.get()

    # The inspection from the plan: a door too narrow, measured; the prescription's deadline.
    follow(page, f"main table a[href$='?planned={planned.pk}']")
    walk.seen("access-inspection-form")
    _type_date(page, "#id_inspected_on", today)
    choose_option(page, "#id_state_entrance_door_width", "not_met")
    type_into(page, "#id_value_entrance_door_width", "75")
    choose_option(page, "#id_state_inside_lift", "not_applicable")
    _type_date(page, "#id_deadline", today + dt.timedelta(days=60))
    follow(page, "main form button[type=submit]")
    walk.seen("access-inspection")
    inspection = Inspection.objects.get()
    assert inspection.planned == planned and inspection.inspector == inspector
    prescription = Prescription.objects.get()
    assert prescription.criterion == "entrance_door_width" and prescription.status == "open"

    # The prescription: its deadline extended, with the reason.
    follow(page, f"main a[href$='/control/prescriptions/{prescription.pk}/']")
    walk.seen("access-prescription")
    _type_date(page, "#id_deadline", today + dt.timedelta(days=120))
    type_into(page, "#id_reason", "The owner has ordered a wider door")
    follow(page, "main form[method=post] button[type=submit]")
    walk.seen("access-prescription-extended")
    prescription.refresh_from_db()
    assert prescription.deadline == today + dt.timedelta(days=120)

    # The follow-up: the re-inspection finds the door wide enough.
    follow(page, f"main a[href$='/control/facilities/{facility.pk}/inspect/']")
    walk.seen("access-re-inspection-form")
    _type_date(page, "#id_inspected_on", today)
    type_into(page, "#id_value_entrance_door_width", "95")
    choose_option(page, "#id_state_inside_lift", "not_applicable")
    follow(page, "main form button[type=submit]")
    walk.seen("access-re-inspection")
    prescription.refresh_from_db()
    assert prescription.status == "fulfilled"
    assert prescription.followed_up_by == Inspection.objects.order_by("-id").first()
