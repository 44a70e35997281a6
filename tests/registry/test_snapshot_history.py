"""The disability history part of an export: the periods of every status up to the date, drawn
from the registry's status records by the same rule as the statuses in force on a date."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from inclusio.core.audit import SYSTEM
from inclusio.registry.services import disability_status_record
from inclusio.snapshot.contract import DISABILITY_HISTORY, parquet_path
from inclusio.snapshot.history import validate_history
from tests.factories import give_status, make_person

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 1, 1)


def export(out: Path, on: dt.date = ON) -> Path:
    call_command(
        "snapshot_export", "--date", on.isoformat(), "--out", str(out), stdout=io.StringIO()
    )
    return out


def rows(directory: Path, name: str) -> list[dict]:
    return pq.read_table(parquet_path(directory, name)).to_pylist()


def in_force(history: list[dict], on: dt.date) -> set[tuple[str, str]]:
    return {
        (r["iin"], r["category"])
        for r in history
        if r["valid_from"] <= on and (r["valid_to"] is None or r["valid_to"] >= on)
    }


def test_the_history_agrees_with_the_statuses_exported_on_each_day(tmp_path: Path) -> None:
    renewed, refused, corrected, lapsed, future = (make_person() for _ in range(5))
    # Renewed at re-examination with another group: two periods, the first ending the day
    # before the second.
    give_status(renewed, "II", valid_from=dt.date(2019, 1, 1), until=dt.date(2021, 6, 30))
    give_status(renewed, "III", valid_from=dt.date(2021, 2, 1), until=None)
    # Refused at re-examination: the status ends the day before the refusal.
    give_status(refused, "I", valid_from=dt.date(2020, 3, 1), until=None)
    disability_status_record(
        actor=SYSTEM,
        person=refused,
        category="I",
        cause="general_disease",
        valid_from=dt.date(2022, 6, 1),
        reexamination_date=None,
        ended=True,
    )
    # A later decision taking effect earlier supersedes the first one from its own start.
    give_status(corrected, "III", valid_from=dt.date(2021, 1, 1), until=None)
    give_status(corrected, "II", valid_from=dt.date(2020, 7, 1), until=None)
    # Not re-examined: the status lapses after its re-examination date.
    give_status(lapsed, "II", valid_from=dt.date(2018, 5, 1), until=dt.date(2020, 5, 1))
    give_status(future, "I", valid_from=dt.date(2024, 6, 1), until=None)

    out = export(tmp_path / "out")
    history = rows(out, DISABILITY_HISTORY)

    assert validate_history(out) is not None
    periods = {(r["iin"], r["category"], r["valid_from"], r["valid_to"]) for r in history}
    assert periods == {
        (renewed.iin, "II", dt.date(2019, 1, 1), dt.date(2021, 1, 31)),
        (renewed.iin, "III", dt.date(2021, 2, 1), None),
        (refused.iin, "I", dt.date(2020, 3, 1), dt.date(2022, 5, 31)),
        (corrected.iin, "II", dt.date(2020, 7, 1), None),
        (lapsed.iin, "II", dt.date(2018, 5, 1), dt.date(2020, 5, 1)),
    }
    assert {r["person_id"] for r in history if r["iin"] == renewed.iin} == {renewed.pk}
    reexamined = {r["valid_from"]: r["reexamination_date"] for r in history}
    assert reexamined[dt.date(2019, 1, 1)] == dt.date(2021, 6, 30)
    for day in (
        dt.date(2018, 5, 1),
        dt.date(2020, 5, 1),
        dt.date(2020, 5, 2),
        dt.date(2020, 7, 1),
        dt.date(2021, 1, 31),
        dt.date(2021, 2, 1),
        dt.date(2022, 5, 31),
        dt.date(2022, 6, 1),
        ON,
    ):
        statuses = rows(export(tmp_path / day.isoformat(), day), "disability")
        assert in_force(history, day) == {(r["iin"], r["category"]) for r in statuses}, day
