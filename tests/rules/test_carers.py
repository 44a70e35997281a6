"""Carer programmes: a ``cared`` section tests each cared person through the care links, and the
carer's conditions read ``cared_count``."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path
from typing import Any

import ibis
import pytest

from inclusio.countries.shared import country_parameters
from inclusio.rules import RuleError, evaluate, load_programme, load_programme_text
from inclusio.rules.cases import situation_table
from tests.rules.texts import explain

D = datetime.date
PROGRAMMES = Path(__file__).parents[2] / "src" / "inclusio" / "countries" / "kz" / "programmes"

HEAD = """\
id: example
titles: {kk: Мысал, ru: Пример, en: Example}
reference: {kk: "Example law, art. 1", ru: "Example law, art. 1", en: "Example law, art. 1"}
entity: person
"""

CARER = """\
parameters:
  per_child:
    - {effective: 2020-01-01, value: 1000, reference: a test}
cared:
  earliest_carer_only: true
  conditions:
    parent: care_relation == "parent"
    child: age(birth_date) < 18 and category == "child"
conditions:
  cares: cared_count >= 1
amount: cared_count * per_child
""" + explain("parent", "child", "cares")


def load(body: str):  # type: ignore[no-untyped-def]
    return load_programme_text(HEAD + textwrap.dedent(body), file="example.yaml")


def refused(body: str) -> RuleError:
    with pytest.raises(RuleError) as caught:
        load(body)
    assert caught.value.file == "example.yaml"
    return caught.value


def tables(
    persons: list[dict[str, Any]],
    disability: list[dict[str, Any]],
    care: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    result = {
        "persons": situation_table("persons", persons, "<test>", 1),
        "disability": situation_table("disability", disability, "<test>", 1),
    }
    if care is not None:
        result["care"] = situation_table("care", care, "<test>", 1)
    return result


FAMILY = tables(
    [
        {"iin": "800101400001"},
        {"iin": "800101300002"},
        {"iin": "150101500001", "birth_date": D(2015, 1, 1)},
        {"iin": "160101500002", "birth_date": D(2016, 1, 1)},
    ],
    [
        {"iin": "150101500001", "category": "child", "since": D(2016, 1, 1)},
        {"iin": "160101500002", "category": "child", "since": D(2017, 1, 1)},
    ],
    [
        {
            "carer_iin": "800101400001",
            "cared_iin": "150101500001",
            "relation": "parent",
            "since": D(2015, 1, 1),
        },
        {
            "carer_iin": "800101300002",
            "cared_iin": "150101500001",
            "relation": "parent",
            "since": D(2015, 1, 1),
        },
        {
            "carer_iin": "800101300002",
            "cared_iin": "160101500002",
            "relation": "parent",
            "since": D(2016, 1, 1),
        },
    ],
)


def test_the_cared_section_loads() -> None:
    programme = load(CARER)
    assert programme.cared is not None
    assert programme.cared.earliest_carer_only is True
    assert [c.name for c in programme.cared.conditions] == ["parent", "child"]
    assert [c.name for c in programme.conditions] == ["cares"]


def test_cared_count_per_carer_with_the_earliest_carer_rule() -> None:
    rows = evaluate(load(CARER), FAMILY, D(2024, 1, 1)).to_pylist()
    by_iin = {row["subject_id"]: row for row in rows}
    # both parents since the same day: the first child goes to the smaller IIN
    assert by_iin["800101300002"]["amount_kzt"] == 2000
    assert by_iin["800101400001"]["eligible"] is False
    assert by_iin["800101400001"]["amount_kzt"] is None
    assert by_iin["150101500001"]["cares"] is False


def test_without_the_earliest_carer_rule_every_carer_counts() -> None:
    programme = load(CARER.replace("earliest_carer_only: true", "earliest_carer_only: false"))
    rows = evaluate(programme, FAMILY, D(2024, 1, 1)).to_pylist()
    amounts = {row["subject_id"]: row["amount_kzt"] for row in rows}
    assert amounts["800101400001"] == 1000
    assert amounts["800101300002"] == 2000


def test_ibis_tables_work_as_well() -> None:
    as_ibis = {name: ibis.memtable(table) for name, table in FAMILY.items()}
    rows = evaluate(load(CARER), as_ibis, D(2024, 1, 1)).to_pylist()
    assert [row["amount_kzt"] for row in rows if row["eligible"]] == [2000]


def test_a_carer_programme_needs_the_care_table() -> None:
    without_care = {k: v for k, v in FAMILY.items() if k != "care"}
    with pytest.raises(RuleError, match="'care'"):
        evaluate(load(CARER), without_care, D(2024, 1, 1))


def test_other_programmes_still_run_without_a_care_table() -> None:
    programme = load("conditions:\n  child: category == 'child'\n" + explain("child"))
    without_care = {k: v for k, v in FAMILY.items() if k != "care"}
    rows = evaluate(programme, without_care, D(2024, 1, 1)).to_pylist()
    assert sum(row["eligible"] for row in rows) == 2


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        (CARER.replace("earliest_carer_only: true", "earliest: true"), "unknown key", 9),
        (CARER.replace("earliest_carer_only: true", "earliest_carer_only: 1"), "true or false", 9),
        (CARER.replace('care_relation == "parent"', "care_relation"), "true or false", 11),
        (CARER.replace('care_relation == "parent"', "nobody"), "nobody", 11),
        (CARER.replace("    parent:", "    category:"), "already", 11),
        (CARER.replace("  cares: cared_count >= 1", "  cares: parent"), "parent", 14),
        ("conditions:\n  cares: cared_count >= 1\n", "cared_count", 6),
        ("cared: {}\nconditions:\n  a: true\n", "missing key 'conditions'", 5),
        ("cared: {conditions: {}}\nconditions:\n  a: true\n", "at least one", 5),
    ],
)
def test_the_cared_section_is_checked(body: str, message: str, line: int) -> None:
    error = refused(body)
    assert message in error.message
    assert error.line == line


def test_cared_count_is_a_reserved_name() -> None:
    body = "parameters:\n  cared_count:\n    - {effective: 2020-01-01, value: 1, reference: r}\n"
    assert "reserved" in refused(body + "conditions:\n  a: true\n").message


def test_the_child_carer_benefit_before_the_first_subsistence_minimum_is_an_error() -> None:
    programme = load_programme(
        PROGRAMMES / "child_disability_carer_benefit.yaml", shared=country_parameters("kz")
    )
    with pytest.raises(RuleError, match="no value on 2017-12-31"):
        evaluate(programme, FAMILY, D(2017, 12, 31))


def test_the_group1_allowance_before_2018_07_01_is_nobody_not_an_error() -> None:
    programme = load_programme(PROGRAMMES / "group1_carer_allowance.yaml")
    rows = evaluate(programme, FAMILY, D(2010, 1, 1)).to_pylist()
    assert not any(row["eligible"] for row in rows)
    first = programme.parameters["group1_carer_allowance_amount"].values[0].effective
    assert programme.valid_from == first == D(2018, 7, 1)
