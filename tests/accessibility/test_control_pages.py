"""The pages of state control and barrier reports, through HTTP: the inspector's path and the
reporter's, refusals shown on their forms, and other regions answering as unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from inclusio.accessibility.models import (
    BarrierReport,
    Fine,
    Inspection,
    PlannedInspection,
    Prescription,
)
from inclusio.core.models import User
from tests.accessibility.builders import make_facility
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _findings(**states: str) -> dict[str, Any]:
    from inclusio.accessibility.criteria import criteria

    data: dict[str, Any] = {}
    for code in criteria():
        data[f"state_{code}"] = "not_applicable" if code == "inside_lift" else "meets"
    for code, state in states.items():
        data[f"state_{code}"] = state
    return data


def test_the_inspectors_path_plan_inspection_prescription_follow_up() -> None:
    facility = make_facility()
    inspector = make_user("inspector", "accessibility_inspector", "71")
    client = _signed_in(inspector)
    today = timezone.localdate()
    assert client.get("/en/accessibility/control/").status_code == 200
    # The plan: a facility number that is not one is refused on the form.
    refused = client.post("/en/accessibility/control/plan/", {"facility": "999999"})
    assert refused.status_code == 422 and b"No such facility" in refused.content
    added = client.post("/en/accessibility/control/plan/", {"facility": facility.pk})
    assert added.status_code == 302
    planned = PlannedInspection.objects.get()
    start = client.get("/en/")
    assert b"Inspections due" in start.content and f"?planned={planned.pk}".encode() in (
        start.content
    )
    form_url = f"/en/accessibility/control/facilities/{facility.pk}/inspect/?planned={planned.pk}"
    assert client.get(form_url).status_code == 200
    # A failed criterion without a deadline: refused on the form, nothing recorded.
    day = today - dt.timedelta(days=10)
    failing = {
        "inspected_on": day.isoformat(),
        **_findings(info_induction_loop="not_met", entrance_door_width="partly"),
        "value_entrance_door_width": "85",
    }
    refused = client.post(form_url, failing)
    assert refused.status_code == 422 and not Inspection.objects.exists()
    absurd = client.post(
        form_url, {**failing, "value_entrance_door_width": "500", "deadline": today.isoformat()}
    )
    assert absurd.status_code == 422 and b"cannot be right" in absurd.content
    recorded = client.post(form_url, {**failing, "deadline": (day + dt.timedelta(5)).isoformat()})
    assert recorded.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.planned == planned
    assert sorted(Prescription.objects.values_list("criterion", flat=True)) == [
        "entrance_door_width",
        "info_induction_loop",
    ]
    page = client.get(recorded["Location"])
    assert page.status_code == 200 and b"Prescriptions given" in page.content
    # Overdue now: on the worklist and the list.
    assert b"Prescription " in client.get("/en/accessibility/control/").content
    door = Prescription.objects.get(criterion="entrance_door_width")
    extended = client.post(
        f"/en/accessibility/control/prescriptions/{door.pk}/",
        {"deadline": (today + dt.timedelta(days=30)).isoformat(), "reason": "Works under way"},
    )
    assert extended.status_code == 302
    # A fine, then paid.
    fined = client.post(
        f"/en/accessibility/control/inspections/{inspection.pk}/",
        {"amount_mci": "20", "imposed_on": today.isoformat(), "prescription": ""},
    )
    assert fined.status_code == 302
    fine = Fine.objects.get()
    assert (
        client.post(
            "/en/accessibility/control/fines/", {"fine": fine.pk, "paid_on": today.isoformat()}
        ).status_code
        == 302
    )
    fine.refresh_from_db()
    assert fine.paid_on == today
    # Follow-up: the re-inspection finds the loop fitted and the door still narrow.
    follow = client.post(
        f"/en/accessibility/control/facilities/{facility.pk}/inspect/",
        {
            "inspected_on": today.isoformat(),
            **_findings(entrance_door_width="partly"),
            "value_entrance_door_width": "85",
        },
    )
    assert follow.status_code == 302
    statuses = dict(Prescription.objects.values_list("criterion", "status"))
    assert statuses == {"info_induction_loop": "fulfilled", "entrance_door_width": "open"}
    for url in (
        "/en/accessibility/control/prescriptions/?status=fulfilled",
        "/en/accessibility/control/fines/",
        f"/en/accessibility/control/prescriptions/{door.pk}/",
    ):
        assert client.get(url).status_code == 200


def test_the_plan_takes_a_number_or_a_found_facility_and_refuses_another_regions_alike() -> None:
    facility = make_facility()
    client = _signed_in(make_user("inspector", "accessibility_inspector", "71"))
    other = _signed_in(make_user("inspector_almaty", "accessibility_inspector", "75"))
    unknown = other.post("/ru/accessibility/control/plan/", {"facility": "999999"})
    elsewhere = other.post("/ru/accessibility/control/plan/", {"facility": facility.pk})
    assert unknown.status_code == elsewhere.status_code == 422
    message = "Такого объекта нет или он не в вашем регионе.".encode()
    assert message in unknown.content and message in elsewhere.content
    assert not PlannedInspection.objects.exists()
    # Found by a part of its name: the row's own button adds it to the half-year shown.
    page = client.get("/en/accessibility/control/plan/?year=2025&half=2&find=polyclinic")
    assert page.status_code == 200 and b"Add City polyclinic No. 1 to the plan" in page.content
    added = client.post(
        "/en/accessibility/control/plan/?year=2025&half=2", {"facility": facility.pk}
    )
    assert added.status_code == 302
    planned = PlannedInspection.objects.get()
    assert (planned.facility_id, planned.year, planned.half) == (facility.pk, 2025, 2)
    again = client.get("/en/accessibility/control/plan/?year=2025&half=2&find=polyclinic")
    assert b"0 facilities found" in again.content
    assert (
        b"0 facilities found"
        in other.get(f"/en/accessibility/control/plan/?year=2025&half=2&find={facility.pk}").content
    )


def test_another_regions_inspector_and_a_citizen_meet_refusals() -> None:
    facility = make_facility()
    inspector = make_user("inspector", "accessibility_inspector", "71")
    _signed_in(inspector).post("/en/accessibility/control/plan/", {"facility": facility.pk})
    other = _signed_in(make_user("inspector_almaty", "accessibility_inspector", "75"))
    assert (
        other.get(f"/en/accessibility/control/facilities/{facility.pk}/inspect/").status_code == 404
    )
    assert b"holds no inspection" in other.get("/en/accessibility/control/plan/").content
    citizen = _signed_in(make_user("citizen", "person", None))
    assert citizen.get("/en/accessibility/control/").status_code == 403
    assert citizen.get("/en/accessibility/control/prescriptions/").status_code == 403


def test_a_citizen_reports_a_barrier_and_follows_it() -> None:
    facility = make_facility()
    citizen = _signed_in(make_user("citizen", "person", None))
    assert Client().get(f"/en/accessibility/facilities/{facility.pk}/report/").status_code == 302
    empty = citizen.post(f"/en/accessibility/facilities/{facility.pk}/report/", {"text": " "})
    assert empty.status_code == 422 and not BarrierReport.objects.exists()
    sent = citizen.post(
        f"/en/accessibility/facilities/{facility.pk}/report/", {"text": "The ramp is too steep"}
    )
    assert sent.status_code == 302
    report = BarrierReport.objects.get()
    inspector = _signed_in(make_user("inspector", "accessibility_inspector", "71"))
    assert b"Moderate report" in inspector.get("/en/accessibility/control/").content
    decided = inspector.post(
        f"/en/accessibility/control/reports/{report.pk}/",
        {"decision": "accept", "answer": "We will inspect it this month"},
    )
    assert decided.status_code == 302
    mine = citizen.get("/en/accessibility/reports/mine/")
    assert b"We will inspect it this month" in mine.content
    assert b"An inspection is due by" in mine.content
    # Moderated: the moderation page answers as for an unknown report.
    assert inspector.get(f"/en/accessibility/control/reports/{report.pk}/").status_code == 404
