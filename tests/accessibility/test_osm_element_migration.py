"""The migration that keeps the OpenStreetMap element on each assessment back-fills the
assessments imported before it: each takes its facility's element, inspections none."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("accessibility", "0003_control_inspections_reports")
AFTER = ("accessibility", "0004_tidy_assessment_osm_element")


def _migrate(target: tuple[str, str]) -> Any:
    """The database migrated to the target; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def _facility(apps: Any, name: str, osm_id: str) -> Any:
    return apps.get_model("accessibility", "Facility").objects.create(
        name_kk=name,
        name_ru=name,
        name_en=name,
        category="health",
        owner="state",
        owner_bin="",
        address="Астана",
        region_id="71",
        latitude=51.128,
        longitude=71.43,
        osm_id=osm_id,
    )


def _assessment(apps: Any, facility: Any, source: str) -> int:
    created = apps.get_model("accessibility", "Assessment").objects.create(
        facility=facility,
        assessed_on=dt.date(2024, 3, 1),
        results={},
        ratings={},
        adapted=False,
        source=source,
    )
    return int(created.pk)


@pytest.mark.django_db(transaction=True)
def test_earlier_openstreetmap_assessments_take_their_facilitys_element() -> None:
    try:
        before = _migrate(BEFORE)
        mapped = _facility(before, "Дәріхана", "node/1002")
        unmapped = _facility(before, "Емхана", "")
        imported = _assessment(before, mapped, "openstreetmap")
        inspected = _assessment(before, mapped, "")
        imported_unmapped = _assessment(before, unmapped, "openstreetmap")

        after = _migrate(AFTER)
        elements = dict(
            after.get_model("accessibility", "Assessment").objects.values_list("pk", "osm_element")
        )
        assert elements == {imported: "node/1002", inspected: "", imported_unmapped: ""}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
