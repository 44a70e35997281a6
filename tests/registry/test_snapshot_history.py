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


def manifest_of(directory: Path) -> dict:
    from inclusio.snapshot.contract import read_manifest

    return read_manifest(directory)


def test_history_from_is_the_latest_start_vouched_for_else_the_first_recorded_day(
    tmp_path: Path,
) -> None:
    from django.utils import timezone

    from inclusio.core.models import AuditEvent
    from inclusio.registry.models import DisabilityStatus, StatusHistoryStart
    from inclusio.registry.services import status_history_start_record

    # No status yet: the export's own date.
    assert manifest_of(export(tmp_path / "empty"))["history_from"] == ON.isoformat()
    # A status recorded today that has held since 2019: the registry knows nothing of the
    # statuses that ended before it began, so the history answers from the day it recorded
    # its first status, not from 2019.
    person = make_person()
    give_status(person, "II", valid_from=dt.date(2019, 1, 1), until=None)
    today = timezone.localdate()
    assert manifest_of(export(tmp_path / "recorded"))["history_from"] == today.isoformat()
    # Loads of earlier records vouch for the days they are complete from: the latest holds.
    status_history_start_record(
        actor=SYSTEM, day=dt.date(2018, 1, 1), source=DisabilityStatus.Source.IMPORT
    )
    status_history_start_record(
        actor=SYSTEM,
        day=dt.date(2019, 1, 1),
        source=DisabilityStatus.Source.SYNTHETIC,
        reference="snapshot-demo",
    )
    out = export(tmp_path / "declared")
    assert manifest_of(out)["history_from"] == "2019-01-01"
    assert StatusHistoryStart.objects.count() == 2
    events = AuditEvent.objects.filter(action="status_history_start_record")
    assert [e.data["day"] for e in events] == ["2018-01-01", "2019-01-01"]
    assert {e.actor_name for e in events} == {"system"}
    # Exported twice, the same manifest.
    again = export(tmp_path / "again")
    assert manifest_of(again)["files"] == manifest_of(out)["files"]
    assert manifest_of(again)["history_from"] == "2019-01-01"


@pytest.mark.parametrize(
    ("day", "source", "code"),
    [
        ("tomorrow", "synthetic", "HISTORY_START_FUTURE"),
        (dt.date(2018, 1, 1), "census", "REQUIRED"),
    ],
)
def test_a_start_after_today_or_of_an_unknown_source_is_refused(
    day: object, source: str, code: str
) -> None:
    from django.utils import timezone, translation

    from inclusio.core.errors import ValidationFailed
    from inclusio.core.models import AuditEvent
    from inclusio.registry.models import StatusHistoryStart
    from inclusio.registry.services import status_history_start_record

    when = timezone.localdate() + dt.timedelta(days=1) if day == "tomorrow" else day
    assert isinstance(when, dt.date)
    with pytest.raises(ValidationFailed) as refused:
        status_history_start_record(actor=SYSTEM, day=when, source=source)
    assert refused.value.code == code
    english = refused.value.message
    for language in ("ru", "kk"):
        with translation.override(language):
            assert refused.value.message != english
    assert not StatusHistoryStart.objects.exists()
    assert not AuditEvent.objects.filter(action="status_history_start_record").exists()
