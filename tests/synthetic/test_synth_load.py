"""Loading a demo snapshot's registry part into the database, twice."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from inclusio import countries
from inclusio.core.errors import ValidationFailed
from inclusio.core.models import AuditEvent
from inclusio.registry.models import CareLink, DisabilityStatus, Family, FamilyMembership, Person
from inclusio.synthetic.load import load_snapshot, read_registry_part
from inclusio.synthetic.names import POOLS


def expected_counts(snapshot: Path) -> dict[str, int]:
    """What the registry should gain: persons with disabilities and carers, and around them."""
    persons = pq.read_table(snapshot / "persons.parquet", columns=["iin", "family_id"])
    disability = pq.read_table(snapshot / "disability.parquet", columns=["iin"])
    care = pq.read_table(snapshot / "care.parquet")
    history = pq.read_table(snapshot / "disability_history.parquet", columns=["iin"])
    # The persons whose every status has ended are in the history only: loaded too.
    wanted = pc.unique(
        pa.concat_arrays(
            [
                disability["iin"].combine_chunks(),
                care["carer_iin"].combine_chunks(),
                history["iin"].combine_chunks(),
            ]
        )
    )
    loaded = persons.filter(pc.is_in(persons["iin"], value_set=wanted))
    return {
        "families": len(pc.unique(loaded["family_id"])),
        "persons": len(wanted),
        "memberships": len(wanted),
        # The history holds every status in force as its latest period, and the earlier ones;
        # a person without a status today gets the refusal that ended their last one.
        "earlier_statuses": len(history)
        - len(disability)
        + len(pc.unique(history["iin"]))
        - len(disability),
        "statuses": len(disability),
        "care_links": len(care),
    }


def registry_counts() -> dict[str, int]:
    in_force = DisabilityStatus.objects.filter(superseded_at__isnull=True, ended=False).count()
    return {
        "families": Family.objects.count(),
        "persons": Person.objects.count(),
        "memberships": FamilyMembership.objects.count(),
        "earlier_statuses": DisabilityStatus.objects.count() - in_force,
        "statuses": in_force,
        "care_links": CareLink.objects.count(),
    }


@pytest.mark.django_db
def test_load_adds_the_registry_part_once(demo_snapshot: Path) -> None:
    expected = expected_counts(demo_snapshot)

    first = load_snapshot(demo_snapshot)
    assert {what: first[what] for what in expected} == expected
    assert first["already_registered"] == 0
    assert registry_counts() == expected
    event = AuditEvent.objects.get(action="synthetic_load")
    assert event.entity_id == demo_snapshot.name
    assert event.data["persons"] == expected["persons"]

    second = load_snapshot(demo_snapshot)
    assert {what: second[what] for what in expected} == dict.fromkeys(expected, 0)
    assert second["already_registered"] == expected["persons"]
    assert registry_counts() == expected
    assert AuditEvent.objects.filter(action="synthetic_load").count() == 1


@pytest.mark.django_db
def test_loaded_rows_match_the_snapshot(demo_snapshot: Path) -> None:
    load_snapshot(demo_snapshot)
    disability = pq.read_table(demo_snapshot / "disability.parquet").to_pylist()
    persons = {
        row["iin"]: row for row in pq.read_table(demo_snapshot / "persons.parquet").to_pylist()
    }
    families = {
        row["family_id"]: row
        for row in pq.read_table(demo_snapshot / "families.parquet").to_pylist()
    }
    for row in disability[::25]:
        person = Person.objects.select_related("membership__family").get(iin=row["iin"])
        source, family = persons[row["iin"]], families[persons[row["iin"]]["family_id"]]
        assert (person.birth_date, person.sex, person.region_id, person.urban) == (
            source["birth_date"],
            source["sex"],
            source["region_code"],
            source["urban"],
        )
        assert person.surname and person.given_name and person.patronymic and person.address
        assert (person.latitude, person.longitude) == (family["latitude"], family["longitude"])
        assert person.membership.family.external_ref == family["family_id"]
        assert person.membership.role == source["family_role"]
        status = person.statuses.get(superseded_at__isnull=True)
        assert status.source == DisabilityStatus.Source.SYNTHETIC
        assert (status.category, status.cause, status.valid_from, status.reexamination_date) == (
            row["category"],
            row["cause"],
            row["since"],
            row["until"],
        )
        assert status.work_capacity_loss_pct == row["work_capacity_loss_pct"]
        assert status.limitations == [
            name
            for name in ("mobility", "vision", "hearing", "speech", "intellectual", "psychosocial")
            if row[name]
        ]


def test_names_and_addresses_are_derived_the_same_way_every_time(demo_snapshot: Path) -> None:
    regions = countries.regions("kz")
    first = read_registry_part(demo_snapshot, regions)["synth_person"]
    assert first.equals(read_registry_part(demo_snapshot, regions)["synth_person"])
    rows = first.to_pylist()
    assert all(row["surname"] and row["given_name"] and row["patronymic"] for row in rows)
    # A family shares one surname, in the form for each member's sex.
    male_form = {female: male for pool in POOLS for male, female in pool.surnames}
    by_family: dict[int, set[str]] = {}
    for row in rows:
        surname = male_form[row["surname"]] if row["sex"] == "F" else row["surname"]
        by_family.setdefault(row["family_ref"], set()).add(surname)
    assert all(len(stems) == 1 for stems in by_family.values())
    assert {row["preferred_language"] for row in rows} == {"kk", "ru"}


@pytest.mark.django_db
def test_the_command_prints_what_it_added(demo_snapshot: Path) -> None:
    out = StringIO()
    call_command("synth_load", str(demo_snapshot), stdout=out)
    assert f"{expected_counts(demo_snapshot)['persons']:,} persons" in out.getvalue()
    earlier = expected_counts(demo_snapshot)["earlier_statuses"]
    assert f"recorded as decisions: {earlier:,}." in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_a_folder_without_a_snapshot(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("synth_load", str(tmp_path))


HISTORY_COLUMNS = [
    "iin",
    "category",
    "cause",
    "work_capacity_loss_pct",
    "valid_from",
    "valid_to",
    "reexamination_date",
]


@pytest.mark.django_db
def test_the_export_after_the_load_holds_the_snapshots_history_and_its_figures(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    from inclusio.crpd import figures as crpd_figures
    from inclusio.registry.models import StatusHistoryStart
    from inclusio.snapshot.contract import read_manifest
    from inclusio.statistics.errors import ErrorCode
    from inclusio.statistics.publish import compute_datasets
    from inclusio.statistics.tables import TABLES, TOTAL, Snapshot, compute
    from inclusio.synthetic import figures as seed

    counts = load_snapshot(demo_snapshot)
    assert counts["earlier_statuses"] > 0
    generated = read_manifest(demo_snapshot)
    assert generated["history_from"] == "2018-01-01"  # the first year's point, unshifted
    start = StatusHistoryStart.objects.get()
    assert (start.day, start.source) == (dt.date(2018, 1, 1), DisabilityStatus.Source.SYNTHETIC)
    declared = AuditEvent.objects.get(action="status_history_start_record")
    assert declared.data["day"] == "2018-01-01" and declared.actor_name == "system"

    out = tmp_path / "export"
    call_command(
        "snapshot_export",
        "--date",
        "2024-01-01",
        "--out",
        str(out),
        "--population",
        str(demo_snapshot),
        stdout=StringIO(),
    )
    assert read_manifest(out)["history_from"] == "2018-01-01"
    exported = pq.read_table(out / "disability_history.parquet", columns=HISTORY_COLUMNS)
    drawn = pq.read_table(demo_snapshot / "disability_history.parquet", columns=HISTORY_COLUMNS)
    key = [(name, "ascending") for name in ("iin", "valid_from")]
    assert exported.sort_by(key).to_pylist() == drawn.sort_by(key).to_pylist()

    table = TABLES["PWD_REGION_GROUP_SEX"]
    for folder in (out, demo_snapshot):
        opened = Snapshot.open(folder)
        try:
            for year, national in seed.PWD_BY_YEAR.items():
                cell = compute(table, opened, dt.date(year, 1, 1)).values[(TOTAL, TOTAL, TOTAL)]
                assert cell == round(national * 0.001), (folder.name, year)
            with pytest.raises(ValidationFailed) as refused:
                compute_datasets(opened, dt.date(2017, 12, 31), datasets=[table.id])
            assert refused.value.code == ErrorCode.DATE_BEFORE_HISTORY
        finally:
            opened.close()
    # The CRPD report's yearly lines read the export's history: one a year, the generator's.
    yearly = crpd_figures.yearly(out, range(2018, 2024))
    assert [day.year for day, _ in yearly] == list(range(2018, 2024))
    for day, found in yearly:
        (count,) = [f.value for f in found if f.name == "persons_with_disabilities"]
        assert count == round(seed.PWD_BY_YEAR[day.year] * 0.001), day
