"""What-if: a drafted programme beside the law in force, over a whole (demo-scale) snapshot."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inclusio.benefits.management.commands.rules import country_rules, rule_files
from inclusio.benefits.management.commands.screen import REFORM_CSV
from inclusio.countries.shared import country_parameters
from inclusio.rules.compiler import evaluate
from inclusio.rules.errors import RuleError
from inclusio.rules.loader import Programme, load_programme_text
from inclusio.rules.reform import compare
from inclusio.snapshot.contract import SCHEMAS, parquet_path

ON = datetime.date(2024, 1, 1)
CARER = "child_disability_carer_benefit"
SHARED = country_parameters("kz")
IN_FORCE = """      value: 1.61
      reference:
        kk: Қазақстан Республикасының 2023 жылғы 20 сәуірдегі № 224-VII Әлеуметтік кодексі
        ru: Социальный кодекс Республики Казахстан от 20 апреля 2023 года № 224-VII
        en: Social Code of the Republic of Kazakhstan of 20 April 2023 No. 224-VII"""


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 1)


@pytest.fixture(scope="module")
def in_force() -> list[Programme]:
    return list(country_rules("kz", SHARED).programmes)


def carer_text() -> str:
    return next(p for p in rule_files("kz") if p.stem == CARER).read_text(encoding="utf-8")


def draft(text: str, file: str = "draft.yaml") -> Programme:
    return load_programme_text(text, file=file, shared=SHARED)


def raised_coefficient(effective: str = "2024-01-01") -> str:
    text = carer_text()
    assert IN_FORCE in text
    return text.replace(
        IN_FORCE,
        f"{IN_FORCE}\n    - effective: {effective}\n      value: 1.75\n"
        "      reference: draft amendment",
    )


def eligible_amounts(programme: Programme, snapshot: Path) -> dict[str, int]:
    tables = {name: pq.read_table(parquet_path(snapshot, name)) for name in SCHEMAS}
    return {
        row["subject_id"]: row["amount_kzt"]
        for row in evaluate(programme, tables, ON).to_pylist()
        if row["eligible"]
    }


def test_a_higher_coefficient_costs_more_for_the_same_recipients(
    snapshot: Path, in_force: list[Programme]
) -> None:
    proposed = draft(raised_coefficient())
    comparison = compare(snapshot, ON, in_force, [proposed])
    total = comparison.total(CARER)

    before = eligible_amounts(next(p for p in in_force if p.id == CARER), snapshot)
    after = eligible_amounts(proposed, snapshot)
    assert len(before) > 10
    assert total.recipients_before == total.recipients_after == len(before)
    assert (total.gained, total.lost) == (0, 0)
    assert total.monthly_before_kzt == sum(before.values())
    assert total.monthly_after_kzt == sum(after.values()) > total.monthly_before_kzt
    assert total.yearly_change_kzt == 12 * (total.monthly_after_kzt - total.monthly_before_kzt)
    # The regions add up to the whole, and every region is a real one.
    regions = comparison.by_region()
    assert sum(r.monthly_after_kzt for r in regions) == total.monthly_after_kzt
    assert all(len(r.region_code) == 2 for r in regions)


def test_a_change_from_a_later_date_changes_nothing_before_it(
    snapshot: Path, in_force: list[Programme]
) -> None:
    comparison = compare(snapshot, ON, in_force, [draft(raised_coefficient("2024-01-02"))])
    total = comparison.total()
    assert total.recipients_before > 0
    assert total.monthly_change_kzt == 0


def test_a_narrower_condition_loses_recipients(snapshot: Path, in_force: list[Programme]) -> None:
    text = carer_text().replace("under_18: age(birth_date) < 18", "under_18: age(birth_date) < 7")
    proposed = draft(text)
    total = compare(snapshot, ON, in_force, [proposed]).total()
    before = eligible_amounts(next(p for p in in_force if p.id == CARER), snapshot)
    after = eligible_amounts(proposed, snapshot)
    assert total.lost == len(set(before) - set(after)) > 0
    assert total.gained == 0
    assert total.monthly_after_kzt == sum(after.values())


def test_a_new_programme_gains_everyone_it_finds(snapshot: Path, in_force: list[Programme]) -> None:
    text = carer_text().replace(f"id: {CARER}", "id: new_carer_supplement")
    total = compare(snapshot, ON, in_force, [draft(text)]).total()
    assert total.recipients_before == 0
    assert total.gained == total.recipients_after > 0


def test_a_draft_for_another_kind_of_subject_is_refused(
    snapshot: Path, in_force: list[Programme]
) -> None:
    housing = next(p for p in rule_files("kz") if p.stem == "housing_priority")
    text = housing.read_text(encoding="utf-8").replace("id: housing_priority", f"id: {CARER}")
    with pytest.raises(RuleError, match="for a family, the programme in force for a person"):
        compare(snapshot, ON, in_force, [draft(text)])


@pytest.mark.django_db  # the screen command reads the shared parameters there
def test_the_command_prints_and_writes_the_difference(snapshot: Path, tmp_path: Path) -> None:
    file = tmp_path / "draft.yaml"
    file.write_text(raised_coefficient(), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "screen",
        "--snapshot",
        str(snapshot),
        "--date",
        ON.isoformat(),
        "--out",
        str(tmp_path / "out"),
        "--reform",
        str(file),
        stdout=out,
    )
    assert CARER in out.getvalue()
    with (tmp_path / "out" / REFORM_CSV).open(encoding="utf-8") as written:
        rows = list(csv.DictReader(written))
    assert rows and {row["programme"] for row in rows} == {CARER}
    assert sum(int(r["monthly_after_kzt"]) - int(r["monthly_before_kzt"]) for r in rows) > 0
    assert not (tmp_path / "out" / "results.parquet").exists()  # nothing screened for real


@pytest.mark.django_db  # the screen command reads the shared parameters there
def test_the_command_refuses_a_broken_draft_and_writes_nothing(
    snapshot: Path, tmp_path: Path
) -> None:
    file = tmp_path / "draft.yaml"
    file.write_text(carer_text().replace("cared_count >= 1", "cared_count >= 'one'"), "utf-8")
    with pytest.raises(CommandError, match=r"draft\.yaml:\d+"):
        call_command(
            "screen",
            "--snapshot",
            str(snapshot),
            "--date",
            ON.isoformat(),
            "--out",
            str(tmp_path / "out"),
            "--reform",
            str(file),
        )
    assert not (tmp_path / "out").exists()
