"""Rights end from the day of a life event: death, emigration, imprisonment until release.

Every person programme carries the conditions ``not_deceased``, ``not_emigrated`` and
``not_imprisoned`` after its own, so the reasons name the event; a carer's right ends when the
cared person dies; a member who died counts for no family programme; a snapshot without the
life-event columns screens as before.
"""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inclusio.benefits.management.commands.rules import country_rules
from inclusio.countries.shared import country_parameters
from inclusio.rules import RuleError, evaluate, load_programme, load_programme_text
from inclusio.rules.cases import situation_table
from inclusio.rules.life import LIFE_CONDITIONS
from inclusio.rules.screen import screen
from inclusio.snapshot.contract import LIFE_EVENTS, parquet_path
from inclusio.snapshot.validate import validate_snapshot

D = datetime.date
ON = D(2024, 3, 1)
PROGRAMMES = Path(__file__).parents[2] / "src" / "inclusio" / "countries" / "kz" / "programmes"
SHARED = country_parameters("kz")


def kz(name: str) -> Any:
    return load_programme(PROGRAMMES / f"{name}.yaml", shared=SHARED)


def tables(persons: list[dict[str, Any]], disability: list[dict[str, Any]], care: Any = ()) -> Any:
    return {
        "persons": situation_table("persons", persons, "<test>", 1),
        "disability": situation_table("disability", disability, "<test>", 1),
        "care": situation_table("care", list(care), "<test>", 1),
    }


def rows(programme: Any, situation: Any, on: datetime.date = ON) -> dict[str, dict[str, Any]]:
    return {row["subject_id"]: row for row in evaluate(programme, situation, on).to_pylist()}


# One person with group II each, and the event of each (before, on and after ON).
EVENTS = {
    "800101400001": {},
    "800101400002": {"death_date": D(2024, 2, 10)},
    "800101400003": {"death_date": ON},  # the day of death: the right has ended
    "800101400004": {"death_date": D(2024, 3, 2)},  # dies the day after: still paid on ON
    "800101400005": {"emigration_date": D(2023, 12, 1)},
    "800101400006": {"imprisonment_date": D(2023, 5, 1)},
    "800101400007": {"imprisonment_date": D(2023, 5, 1), "release_date": ON},  # free again
    "800101400008": {"imprisonment_date": D(2023, 5, 1), "release_date": D(2024, 6, 1)},
}
# The conditions that fail, per person.
FAILED = {
    "800101400001": set(),
    "800101400002": {"not_deceased"},
    "800101400003": {"not_deceased"},
    "800101400004": set(),
    "800101400005": {"not_emigrated"},
    "800101400006": {"not_imprisoned"},
    "800101400007": set(),
    "800101400008": {"not_imprisoned"},
}


def group_ii() -> Any:
    return tables(
        [{"iin": iin, "birth_date": D(1980, 1, 1), **event} for iin, event in EVENTS.items()],
        [{"iin": iin, "category": "II", "since": D(2019, 1, 1)} for iin in EVENTS],
    )


@pytest.mark.parametrize("programme", ["disability_benefit", "free_cultural_services"])
def test_a_life_event_ends_every_right_from_its_day_and_names_itself(programme: str) -> None:
    # free_cultural_services states its own ``eligible:``; the events end it all the same.
    result = rows(kz(programme), group_ii())
    for iin, failed in FAILED.items():
        row = result[iin]
        assert row["eligible"] is not failed, iin
        assert {name for name in LIFE_CONDITIONS if not row[name]} == failed, iin
        if failed:
            assert row["amount_kzt"] is None


def test_before_the_event_the_right_holds() -> None:
    result = rows(kz("disability_benefit"), group_ii(), D(2023, 1, 1))
    assert all(row["eligible"] for row in result.values())
    assert {row["amount_kzt"] for row in result.values()} == {47058}  # 1.16 × 40,567


def test_a_carers_right_ends_when_the_cared_person_dies() -> None:
    carers = [
        {"iin": "850101400001", "birth_date": D(1985, 1, 1)},
        {"iin": "860101400002", "birth_date": D(1986, 1, 1)},
    ]
    children = [
        {"iin": "150301500001", "birth_date": D(2015, 3, 1)},
        {"iin": "160301500002", "birth_date": D(2016, 3, 1), "death_date": D(2024, 1, 20)},
    ]
    disability = [{"iin": c["iin"], "category": "child", "since": D(2016, 1, 1)} for c in children]
    care = [
        {"carer_iin": "850101400001", "cared_iin": "150301500001", "relation": "parent"},
        {"carer_iin": "850101400001", "cared_iin": "160301500002", "relation": "parent"},
        {"carer_iin": "860101400002", "cared_iin": "160301500002", "relation": "parent"},
    ]
    for link in care:
        link["since"] = D(2016, 3, 1)
    situation = tables(carers + children, disability, care)
    programme = kz("child_disability_carer_benefit")
    before = rows(programme, situation, D(2024, 1, 19))
    after = rows(programme, situation, D(2024, 1, 20))
    # Before: two children for the first carer (the earliest link; ties: the smaller IIN).
    assert before["850101400001"]["amount_kzt"] == 139771  # 2 × 1.61 × 43,407 = 139,770.54
    assert before["860101400002"]["eligible"] is False
    # From the day of the death: one child; the other carer does not take over the dead child.
    assert after["850101400001"]["amount_kzt"] == 69885
    assert after["860101400002"]["eligible"] is False
    assert after["860101400002"]["raises_a_child_with_disability"] is False
    # The child's own rights (as a person) end too.
    assert after["160301500002"]["not_deceased"] is False


def test_a_member_who_died_counts_for_no_family_programme() -> None:
    persons = [
        {"iin": "800101400001", "family_id": 1, "birth_date": D(1980, 1, 1)},
        {"iin": "500101400002", "family_id": 1, "birth_date": D(1950, 1, 1)},
        {"iin": "800101400003", "family_id": 2, "birth_date": D(1980, 1, 1)},
        {"iin": "500101400004", "family_id": 2, "birth_date": D(1950, 1, 1)},
    ]
    persons[1]["death_date"] = D(2024, 2, 1)
    disability = [
        {"iin": "500101400002", "category": "I", "since": D(2019, 1, 1)},
        {"iin": "500101400004", "category": "I", "since": D(2019, 1, 1)},
    ]
    result = rows(kz("housing_priority"), tables(persons, disability))
    assert result["1"]["eligible"] is False
    assert result["2"]["eligible"] is True
    assert "not_deceased" not in result["2"]  # a family programme has no life conditions


def test_a_rule_file_cannot_name_a_condition_like_a_life_event() -> None:
    text = (
        "id: x\ntitles: {kk: X, ru: X, en: X}\n"
        "reference: {kk: a law, ru: a law, en: a law}\nentity: person\n"
        "conditions:\n  not_deceased: true\n"
    )
    with pytest.raises(RuleError, match="reserved"):
        load_programme_text(text)


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 1)


def test_a_snapshot_without_life_events_validates_and_screens_as_no_event(
    snapshot: Path, tmp_path: Path
) -> None:
    older = tmp_path / "older"
    shutil.copytree(snapshot, older)
    persons = pq.read_table(parquet_path(older, "persons"))
    pq.write_table(persons.drop_columns(list(LIFE_EVENTS)), parquet_path(older, "persons"))
    validate_snapshot(older)  # every column of the contract demanded but the optional ones
    rules = country_rules("kz", SHARED)
    on = D(2025, 6, 1)  # after many of the synthetic events
    with_events, without = (
        screen(folder, on, rules.programmes, tmp_path / folder.name / "out")
        for folder in (snapshot, older)
    )
    assert without.subjects > with_events.subjects  # the dead, gone and imprisoned are back
    table = pq.read_table(without.path)
    reasons = table.filter(pa.compute.equal(table["programme"], "disability_benefit"))
    names = {r["condition"] for row in reasons["reasons"].to_pylist() for r in row}
    assert set(LIFE_CONDITIONS) <= names


def test_nobody_who_died_emigrated_or_is_imprisoned_is_eligible(
    snapshot: Path, tmp_path: Path
) -> None:
    on = D(2025, 6, 1)
    rules = country_rules("kz", SHARED)
    summary = screen(snapshot, on, rules.programmes, tmp_path / "out")
    persons = pq.read_table(parquet_path(snapshot, "persons")).to_pylist()
    ended = {
        p["iin"]
        for p in persons
        if (p["death_date"] and p["death_date"] <= on)
        or (p["emigration_date"] and p["emigration_date"] <= on)
        or (
            p["imprisonment_date"]
            and p["imprisonment_date"] <= on
            and not (p["release_date"] and p["release_date"] <= on)
        )
    }
    assert len(ended) > 50
    results = pq.read_table(summary.path).to_pylist()
    eligible = {r["subject_id"] for r in results if r["subject_kind"] == "person" and r["eligible"]}
    assert eligible and not eligible & ended
