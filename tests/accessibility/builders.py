"""Facilities and assessments for the accessibility tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inclusio.accessibility.criteria import MEETS, NOT_APPLICABLE, criteria
from inclusio.accessibility.models import Facility
from inclusio.accessibility.services import FacilityDetails, assessment_record, facility_register
from inclusio.core.audit import SYSTEM
from inclusio.synthetic.marketplace import make_bin

ASTANA = (51.128, 71.43)


def details(**changes: Any) -> FacilityDetails:
    values: dict[str, Any] = {
        "names": {
            "kk": "Қалалық емхана №1",
            "ru": "Городская поликлиника №1",
            "en": "City polyclinic No. 1",
        },
        "category": "health",
        "owner": "state",
        "owner_bin": make_bin(1, dt.date(2005, 1, 1)),
        "address": "Астана, Абай даңғылы, 12",
        "region": "71",
        "latitude": ASTANA[0],
        "longitude": ASTANA[1],
        "opening_hours": "Mo-Fr 09:00-18:00",
    }
    values.update(changes)
    return FacilityDetails(**values)


def all_meet(**states: Any) -> dict[str, dict[str, Any]]:
    """Every criterion meets the standard (the lift does not apply), except those given."""
    results: dict[str, dict[str, Any]] = {
        code: {"state": NOT_APPLICABLE if code == "inside_lift" else MEETS, "value": None}
        for code in criteria()
    }
    for code, given in states.items():
        results[code] = given if isinstance(given, dict) else {"state": given, "value": None}
    return results


def make_facility(**changes: Any) -> Facility:
    return facility_register(actor=SYSTEM, details=details(**changes))


def assess(facility: Facility, day: dt.date = dt.date(2024, 3, 1), **states: Any) -> Any:
    return assessment_record(
        actor=SYSTEM, facility_id=facility.pk, assessed_on=day, results=all_meet(**states)
    )


def make_inspected(reporter: Any) -> dict[str, int]:
    """A facility inspected by the platform with a failed criterion (one prescription) and
    fined, and a barrier report on it from ``reporter``: the ids the sweeps' URLs take."""
    from django.utils import timezone

    from inclusio.accessibility import barriers, control

    facility = make_facility()
    today = timezone.localdate()
    recorded = control.inspection_record(
        actor=SYSTEM,
        facility_id=facility.pk,
        inspected_on=today - dt.timedelta(days=30),
        results=all_meet(info_induction_loop="not_met"),
        deadline=today - dt.timedelta(days=1),
    )
    report = barriers.report_submit(actor=reporter, facility_id=facility.pk, text="Пандус жоқ")
    return {
        "inspection_id": recorded.inspection.pk,
        "prescription_id": recorded.issued[0].pk,
        "report_id": report.pk,
    }
