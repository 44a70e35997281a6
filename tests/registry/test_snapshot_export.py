"""``inclusio snapshot-export``: the registry's part of a snapshot from the database, merged with
the population register's part; bad input refused with a translated error, nothing written."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from inclusio.core.audit import SYSTEM
from inclusio.core.models import AuditEvent
from inclusio.registry.models import CareLink
from inclusio.registry.services import (
    care_link_create,
    disability_status_record,
    family_create,
)
from inclusio.snapshot.contract import MANIFEST, SCHEMAS, parquet_path
from tests.benefits.builders import Snapshot
from tests.factories import give_status, make_person

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 1, 1)


def export(out: Path, *extra: str, on: dt.date = ON) -> str:
    stdout = io.StringIO()
    call_command(
        "snapshot_export", "--date", on.isoformat(), "--out", str(out), *extra, stdout=stdout
    )
    return stdout.getvalue()


def rows(directory: Path, name: str) -> list[dict]:
    return pq.read_table(parquet_path(directory, name)).to_pylist()


def test_the_statuses_valid_on_the_date_with_the_platforms_ids(tmp_path: Path) -> None:
    valid, expired, future, ended = (make_person() for _ in range(4))
    give_status(valid, "II", valid_from=dt.date(2023, 1, 1), until=dt.date(2025, 1, 1))
    give_status(expired, "III", valid_from=dt.date(2020, 1, 1), until=dt.date(2023, 6, 1))
    give_status(future, "I", valid_from=dt.date(2024, 6, 1), until=None)
    give_status(ended, "II", valid_from=dt.date(2022, 1, 1), until=None)
    # A refusal at re-examination records an ended row: from its date on, there is no status.
    disability_status_record(
        actor=SYSTEM,
        person=ended,
        category="II",
        cause="general_disease",
        valid_from=dt.date(2023, 9, 1),
        reexamination_date=None,
        ended=True,
    )

    text = export(tmp_path / "out")

    statuses = rows(tmp_path / "out", "disability")
    assert [(r["iin"], r["category"], r["person_id"]) for r in statuses] == [
        (valid.iin, "II", valid.pk)
    ]
    assert statuses[0]["since"] == dt.date(2023, 1, 1)
    assert statuses[0]["until"] == dt.date(2025, 1, 1)
    assert statuses[0]["mobility"] is True and statuses[0]["speech"] is False
    assert "1 statuses" in text
    # Before the ending row, the earlier status was in force.
    earlier = rows_on(tmp_path / "earlier", dt.date(2023, 3, 1))
    assert {r["iin"] for r in earlier} == {valid.iin, expired.iin, ended.iin}


def rows_on(out: Path, on: dt.date) -> list[dict]:
    export(out, on=on)
    return rows(out, "disability")


def test_care_links_and_registered_families(tmp_path: Path) -> None:
    parent, child = make_person(), make_person(birth_date=dt.date(2015, 3, 1))
    give_status(child, "child", valid_from=dt.date(2020, 1, 1), until=None)
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=dt.date(2015, 3, 1)
    )
    family = family_create(
        actor=SYSTEM,
        region_code="71",
        urban=True,
        housing="own",
        members=[(parent, "head"), (child, "child")],
    )

    export(tmp_path / "out")

    assert rows(tmp_path / "out", "care") == [
        {
            "carer_iin": parent.iin,
            "cared_iin": child.iin,
            "relation": "parent",
            "since": dt.date(2015, 3, 1),
            "carer_person_id": parent.pk,
            "cared_person_id": child.pk,
        }
    ]
    members = rows(tmp_path / "out", "registry_families")
    assert sorted((r["iin"], r["family_role"]) for r in members) == sorted(
        [(parent.iin, "head"), (child.iin, "child")]
    )
    assert {r["registry_family_id"] for r in members} == {family.pk}
    # Without the population part, the folder holds the registry's, the rehabilitation and the
    # domains' parts.
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert manifest["parts"] == ["registry", "rehabilitation", "domains"]
    assert manifest["date"] == "2024-01-01"
    assert not parquet_path(tmp_path / "out", "persons").exists()
    assert AuditEvent.objects.filter(action="snapshot_export").count() == 1


def test_the_population_is_merged_and_its_families_matched(tmp_path: Path) -> None:
    head, member, stranger = make_person(), make_person(), make_person()
    give_status(member, "II")
    family = family_create(
        actor=SYSTEM,
        region_code="71",
        urban=True,
        housing="rent",
        members=[(head, "head"), (member, "spouse")],
    )
    population = Snapshot()
    population.person(head.iin, family_id=500)
    population.person(member.iin, family_id=500, role="spouse", category="III")
    population.person(stranger.iin, family_id=501)
    population.write(tmp_path / "population", "pop")

    text = export(tmp_path / "out", "--population", str(tmp_path / "population"))

    out = tmp_path / "out"
    families = {r["family_id"]: r["registry_family_id"] for r in rows(out, "families")}
    assert families == {500: family.pk, 501: None}
    assert len(rows(out, "persons")) == 3
    # The registry is the source of statuses: group II, not the population folder's III.
    assert [(r["iin"], r["category"]) for r in rows(out, "disability")] == [(member.iin, "II")]
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["parts"] == ["registry", "rehabilitation", "domains", "population"]
    assert manifest["files"]["persons"]["rows"] == 3
    assert manifest["population"]["tag"] == "pop"
    assert "population 3 persons, 2 families" in text
    # The same registry and population give the same snapshot (its identity is the manifest).
    first = (out / MANIFEST).read_bytes()
    export(out, "--population", str(tmp_path / "population"))
    assert (out / MANIFEST).read_bytes() == first
    # Exported again without the population, the folder keeps none of the earlier one.
    export(out)
    assert not parquet_path(out, "persons").exists()
    assert not parquet_path(out, "families").exists()


def test_a_status_of_a_person_missing_from_the_population_is_counted(tmp_path: Path) -> None:
    registered = make_person()
    give_status(registered, "I")
    population = Snapshot()
    population.person(make_person().iin)
    population.write(tmp_path / "population", "pop")
    text = export(tmp_path / "out", "--population", str(tmp_path / "population"))
    assert "(1 statuses of persons not in it)" in text


def refused(tmp_path: Path, *arguments: str) -> str:
    with translation.override("ru"), pytest.raises(CommandError) as caught:
        call_command("snapshot_export", *arguments, stdout=io.StringIO())
    return str(caught.value)


def nothing_in(directory: Path) -> bool:
    return not directory.exists() or not any(directory.iterdir())


def test_a_bad_date_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, "--date", "2024-02-30", "--out", str(tmp_path / "out"))
    assert "2024-02-30" in message and "ГГГГ-ММ-ДД" in message
    assert nothing_in(tmp_path / "out")


def test_an_output_whose_folder_is_missing_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "out"
    message = refused(tmp_path, "--date", "2024-01-01", "--out", str(out))
    assert str(out.parent) in message and "не существует" in message
    assert not out.parent.exists()
    assert not AuditEvent.objects.filter(action="snapshot_export").exists()


def test_an_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder")
    message = refused(tmp_path, "--date", "2024-01-01", "--out", str(out))
    assert "это не папка" in message
    assert out.read_text() == "not a folder"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_missing_population_folder_is_refused(tmp_path: Path) -> None:
    message = refused(
        tmp_path,
        "--date",
        "2024-01-01",
        "--out",
        str(tmp_path / "out"),
        "--population",
        str(tmp_path / "nowhere"),
    )
    assert "nowhere" in message and "не существует" in message
    assert nothing_in(tmp_path / "out")


def test_a_population_folder_that_is_not_a_snapshot_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "notes.txt").write_text("hello")
    message = refused(
        tmp_path,
        "--date",
        "2024-01-01",
        "--out",
        str(tmp_path / "out"),
        "--population",
        str(tmp_path / "folder"),
    )
    assert "manifest.json" in message and "не является снимком" in message
    assert nothing_in(tmp_path / "out")


def test_a_population_missing_a_required_column_is_refused_naming_it(tmp_path: Path) -> None:
    population = Snapshot()
    population.person(make_person().iin)
    directory = population.write(tmp_path / "population", "pop")
    path = parquet_path(directory, "persons")
    pq.write_table(pq.read_table(path).drop_columns(["family_id"]), path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "kept.txt").write_text("an earlier file")
    message = refused(
        tmp_path,
        "--date",
        "2024-01-01",
        "--out",
        str(tmp_path / "out"),
        "--population",
        str(directory),
    )
    assert "persons.parquet" in message and "'family_id'" in message and "нет столбца" in message
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["kept.txt"]


def test_an_optional_column_may_be_missing_from_the_population(tmp_path: Path) -> None:
    """The foundation's families carry no coordinates: the export takes them as they are."""
    population = Snapshot()
    population.person(make_person().iin)
    directory = population.write(tmp_path / "population", "pop")
    path = parquet_path(directory, "families")
    pq.write_table(pq.read_table(path).drop_columns(["latitude", "longitude"]), path)
    export(tmp_path / "out", "--population", str(directory))
    names = pq.read_schema(parquet_path(tmp_path / "out", "families")).names
    assert "latitude" not in names and "registry_family_id" in names
    assert set(names) - {"registry_family_id"} <= set(SCHEMAS["families"].names)


def test_care_links_ended_before_the_date_are_not_exported(tmp_path: Path) -> None:
    carer, cared = make_person(), make_person()
    care_link_create(
        actor=SYSTEM, carer=carer, cared=cared, relation="other", since=dt.date(2020, 1, 1)
    )
    CareLink.objects.update(until=dt.date(2023, 1, 1))
    export(tmp_path / "out")
    assert rows(tmp_path / "out", "care") == []


def test_a_representative_by_power_of_attorney_is_not_exported_as_a_carer(
    tmp_path: Path,
) -> None:
    # The care file is what the carer programmes read; an attorney acts for the person, and
    # does not care for them.
    person, attorney = make_person(), make_person()
    give_status(person, "I", valid_from=dt.date(2020, 1, 1), until=None)
    care_link_create(
        actor=SYSTEM, carer=attorney, cared=person, relation="attorney", since=dt.date(2020, 1, 1)
    )
    export(tmp_path / "out")
    assert rows(tmp_path / "out", "care") == []
