"""``members.parquet``: which cared person or family member met which per-person condition,
written beside ``results.parquet`` for the subjects a proposal or award is made from."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from inclusio.benefits.management.commands.rules import country_rules
from inclusio.countries.shared import country_parameters
from inclusio.rules.detail import MEMBER_SCHEMA, MEMBERS
from inclusio.rules.screen import RESULTS, screen

ON = datetime.date(2024, 1, 1)
KZ_RULES = country_rules("kz", country_parameters("kz"))
DETAILED = {  # programme → the input its count is read from
    "child_disability_carer_benefit": "cared_count",
    "group1_carer_allowance": "cared_count",
    "housing_priority": "member_count",
    "state_health_insurance_contribution": "cared_count",
}


@pytest.fixture(scope="module")
def out(
    synthetic_snapshot: Callable[[str, int], Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    directory = tmp_path_factory.mktemp("detail")
    screen(synthetic_snapshot("demo", 1), ON, list(KZ_RULES.programmes), directory)
    return directory


def test_the_detail_follows_its_schema_and_names_each_condition(out: Path) -> None:
    table = pq.read_table(out / MEMBERS)
    assert table.schema.equals(MEMBER_SCHEMA)
    assert table.num_rows > 0
    assert set(table["programme"].to_pylist()) == set(DETAILED)
    programmes = {p.id: p for p in KZ_RULES.programmes}
    for row in table.slice(0, 200).to_pylist():
        programme = programmes[row["programme"]]
        section = programme.cared or programme.members
        assert section is not None
        assert [r["condition"] for r in row["reasons"]] == [c.name for c in section.conditions]
        # Counted only when every condition holds.
        assert not row["counted"] or all(r["met"] for r in row["reasons"])


def test_the_counted_persons_are_the_count_the_results_hold(out: Path) -> None:
    """For every eligible subject of a detailed programme, the persons counted are as many as
    the count its amount and conditions read."""
    results = pq.read_table(out / RESULTS).filter(
        pc.field("eligible") & pc.field("programme").isin(list(DETAILED))
    )
    detail = pq.read_table(out / MEMBERS)
    counted: dict[tuple[str, str], int] = {}
    for row in detail.filter(pc.field("counted")).to_pylist():
        key = (row["programme"], row["subject_id"])
        counted[key] = counted.get(key, 0) + 1
    checked = 0
    for row in results.to_pylist():
        inputs = {i["name"]: i["value"] for i in row["inputs"]}
        expected = int(inputs[DETAILED[row["programme"]]])
        assert counted.get((row["programme"], row["subject_id"]), 0) == expected, row
        checked += 1
    assert checked > 0
    # Nobody but the eligible (no explained holders were asked for) is detailed.
    eligible = {(r["programme"], r["subject_id"]) for r in results.to_pylist()}
    assert (
        set(zip(detail["programme"].to_pylist(), detail["subject_id"].to_pylist(), strict=True))
        <= eligible
    )
