"""``inclusio snapshot-export`` writes the domains' part: facilities with their adaptation on the
date, inspections with their outcome, the housing lists and the job quotas — each app's own step,
no person or employer identified — and the CRPD figures read it back."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from inclusio.accessibility import control
from inclusio.accessibility.models import Facility
from inclusio.core.audit import SYSTEM
from inclusio.employment.models import SupportMeasure
from inclusio.employment.services import placement_record
from inclusio.housing import services as housing
from inclusio.housing.models import Registration
from inclusio.registry.export import DOMAIN_PARTS, steps
from inclusio.snapshot import domains
from inclusio.snapshot.contract import DOMAIN_SCHEMAS, parquet_path
from tests.accessibility.builders import all_meet, assess, make_facility
from tests.employment.builders import make_employer, make_workplace
from tests.factories import give_status, make_person, make_user

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 1, 1)


def export(out: Path, on: dt.date = ON) -> str:
    stdout = io.StringIO()
    call_command("snapshot_export", "--date", on.isoformat(), "--out", str(out), stdout=stdout)
    return stdout.getvalue()


def rows(directory: Path, name: str) -> list[dict]:
    return pq.read_table(parquet_path(directory, name)).to_pylist()


def recorded_on(facility: Facility, day: dt.date) -> Facility:
    """The facility as recorded on the map on ``day`` (the builders record it today)."""
    Facility.objects.filter(pk=facility.pk).update(
        created_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    )
    return facility


def test_each_domain_app_exports_its_step_between_the_registry_and_the_population() -> None:
    assert [part.step for part in DOMAIN_PARTS if part.part == "domains"] == [
        "emergency",
        "housing",
        "employment",
        "accessibility",
    ]
    order = steps()
    assert order.index("life") < order.index("housing") < order.index("population")


def test_the_domain_files_follow_the_contract_and_identify_nobody(tmp_path: Path) -> None:
    recorded_on(make_facility(), dt.date(2023, 1, 1))
    make_facility()  # recorded after the date: not yet on the map
    text = export(tmp_path / "out")

    assert "The domains' part (rows per file): facilities 1, facility_assessments 0" in text

    for name, schema in DOMAIN_SCHEMAS.items():
        written = pq.read_schema(parquet_path(tmp_path / "out", name))
        assert written.names == schema.names, name
        assert not any("iin" in column or "bin" in column for column in written.names)
    assert domains.present(tmp_path / "out") == frozenset(DOMAIN_SCHEMAS)


def test_facilities_are_adapted_as_last_assessed_by_the_date(tmp_path: Path) -> None:
    adapted_later, adapted_before, never = (
        recorded_on(make_facility(), dt.date(2022, 1, 1)) for _ in range(3)
    )
    assess(adapted_later, dt.date(2023, 3, 1), info_induction_loop="not_met")
    assess(adapted_later, dt.date(2024, 3, 1))
    assess(adapted_before, dt.date(2023, 5, 1))

    export(tmp_path / "out")

    found = {r["facility_id"]: r for r in rows(tmp_path / "out", "facilities")}
    assert found[adapted_later.pk]["adapted"] is False
    assert found[adapted_later.pk]["assessed_on"] == dt.date(2023, 3, 1)
    assert found[adapted_before.pk]["adapted"] is True
    assert found[never.pk]["adapted"] is False and found[never.pk]["assessed_on"] is None
    assert found[never.pk]["region_code"] == "71" and found[never.pk]["category"] == "health"
    assert {r["listed_on"] for r in found.values()} == {dt.date(2022, 1, 1)}
    figures = domains.figures(tmp_path / "out", ON)
    assert (figures["facilities"], figures["facilities_adapted"]) == (3, 1)
    # The assessments held by the date, so that an earlier day is known too.
    assert [
        (r["facility_id"], r["assessed_on"]) for r in rows(tmp_path / "out", "facility_assessments")
    ] == [
        (adapted_later.pk, dt.date(2023, 3, 1)),
        (adapted_before.pk, dt.date(2023, 5, 1)),
    ]
    earlier = domains.figures(tmp_path / "out", dt.date(2023, 4, 1))
    assert (earlier["facilities"], earlier["facilities_adapted"]) == (3, 0)
    assert domains.figures(tmp_path / "out", dt.date(2021, 6, 1))["facilities"] == 0


def test_a_facility_joins_the_map_on_its_first_assessment_when_that_is_earlier(
    tmp_path: Path,
) -> None:
    entered = recorded_on(make_facility(), dt.date(2023, 6, 1))
    assess(entered, dt.date(2020, 3, 1))  # entered with a past assessment, adapted then
    assess(entered, dt.date(2023, 7, 1), info_induction_loop="not_met")

    export(tmp_path / "out")

    (row,) = rows(tmp_path / "out", "facilities")
    assert row["listed_on"] == dt.date(2020, 3, 1) and row["adapted"] is False
    on_2021 = domains.figures(tmp_path / "out", dt.date(2021, 1, 1))
    assert (on_2021["facilities"], on_2021["facilities_adapted"]) == (1, 1)
    assert domains.figures(tmp_path / "out", dt.date(2020, 1, 1))["facilities"] == 0


def test_inspections_with_their_prescriptions_and_fines_by_the_date(tmp_path: Path) -> None:
    facility = make_facility()
    recorded = control.inspection_record(
        actor=SYSTEM,
        facility_id=facility.pk,
        inspected_on=dt.date(2023, 6, 1),
        results=all_meet(info_induction_loop="not_met"),
        deadline=dt.date(2023, 9, 1),
    )
    control.fine_impose(
        actor=SYSTEM,
        inspection_id=recorded.inspection.pk,
        amount_mci="10",
        imposed_on=dt.date(2023, 10, 1),
    )
    control.inspection_record(
        actor=SYSTEM,
        facility_id=facility.pk,
        inspected_on=dt.date(2024, 2, 1),
        results=all_meet(),
    )

    export(tmp_path / "out")

    (inspection,) = rows(tmp_path / "out", "inspections")
    assert inspection["inspection_id"] == recorded.inspection.pk
    assert inspection["inspected_on"] == dt.date(2023, 6, 1)
    assert inspection["prescriptions"] == len(recorded.issued) == 1
    assert inspection["fines_kzt"] > 0
    figures = domains.figures(tmp_path / "out", ON)
    assert figures["inspections"] == 1 and figures["prescriptions"] == 1
    assert figures["fines_kzt"] == inspection["fines_kzt"]


def test_the_housing_lists_waiting_and_housed_on_the_date(tmp_path: Path) -> None:
    officer = make_user("housing-export", "housing_officer")
    people = [make_person() for _ in range(3)]
    for person in people:
        give_status(person, "II", valid_from=dt.date(2015, 1, 1), until=None)
    housed, waiting, _later = (
        housing.registration_create(actor=officer, person=person, registered_on=day)
        for person, day in zip(
            people, (dt.date(2016, 1, 1), dt.date(2017, 1, 1), dt.date(2024, 2, 1)), strict=True
        )
    )
    housing.registration_allocate(
        actor=officer, registration=housed, dwelling="Абай 1, пәтер 5", legal_basis="Шешім №1"
    )
    Registration.objects.filter(pk=housed.pk).update(
        closed_at=dt.datetime(2023, 5, 2, 10, tzinfo=dt.UTC)
    )

    export(tmp_path / "out")

    found = {r["registration_id"]: r for r in rows(tmp_path / "out", "housing_queue")}
    assert set(found) == {housed.pk, waiting.pk}  # registered after the date: not yet
    assert found[housed.pk]["housed_on"] == dt.date(2023, 5, 2)
    assert found[waiting.pk]["housed_on"] is None
    assert found[waiting.pk]["category"] == domains.GROUP_I_II
    figures = domains.figures(tmp_path / "out", ON)
    assert (figures["waiting_persons"], figures["housed_persons"]) == (1, 1)
    # Before the housing, both waited.
    assert domains.figures(tmp_path / "out", dt.date(2023, 5, 1))["waiting_persons"] == 2


def test_the_job_quotas_with_the_employed_on_the_date(tmp_path: Path) -> None:
    officer = make_user("employment-export", "employment_officer")
    employer = make_employer(officer, headcount=200, hazardous=50)
    employed, left = make_person(), make_person()
    for person in (employed, left):
        give_status(person, "III", valid_from=dt.date(2020, 1, 1), until=None)
    placement_record(actor=officer, person=employed, employer=employer, started=dt.date(2023, 2, 1))
    gone = placement_record(
        actor=officer, person=left, employer=employer, started=dt.date(2022, 2, 1)
    )
    type(gone).objects.filter(pk=gone.pk).update(ended=dt.date(2023, 6, 30))
    worker = make_person()
    give_status(worker, "II", valid_from=dt.date(2020, 1, 1), until=None)
    make_workplace(officer, worker, first_month=dt.date(2023, 4, 1))
    SupportMeasure.objects.create(person=employed, kind="permanent_job", started=ON)
    SupportMeasure.objects.create(person=left, kind="grant", started=dt.date(2024, 5, 1))

    export(tmp_path / "out")

    by_id = {r["employer_id"]: r for r in rows(tmp_path / "out", "employers")}
    mine = by_id[employer.pk]
    assert (mine["headcount"], mine["hazardous_jobs"], mine["quota_employed"]) == (200, 50, 1)
    # 3 % of the 150 jobs without the hazardous ones (the rate of employers of 101–250).
    assert mine["quota_places"] == 4
    assert [r["first_month"] for r in rows(tmp_path / "out", "special_workplaces")] == [
        dt.date(2023, 4, 1)
    ]
    assert rows(tmp_path / "out", "support_measures") == [
        {"region_code": "71", "kind": "permanent_job", "started": ON}
    ]
    # The placements begun by the date: the persons employed on an earlier day.
    assert sorted(
        (r["started"], r["ended"])
        for r in rows(tmp_path / "out", "quota_placements")
        if r["employer_id"] == employer.pk
    ) == [(dt.date(2022, 2, 1), dt.date(2023, 6, 30)), (dt.date(2023, 2, 1), None)]
    assert domains.figures(tmp_path / "out", dt.date(2023, 3, 1))["quota_employed"] == 2
    assert domains.figures(tmp_path / "out", dt.date(2023, 5, 1))["quota_employed"] == 3
    assert domains.figures(tmp_path / "out", dt.date(2023, 7, 1))["quota_employed"] == 2
    earlier = domains.figures(tmp_path / "out", dt.date(2022, 6, 1))
    assert earlier["quota_employed"] == 1
    # The quota owed then is not known: the registry keeps the current headcount only.
    assert earlier["quota_places"] is None and earlier["employers"] is None
