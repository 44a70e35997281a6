"""Family programmes: ``entity: family`` with a ``members`` section; one row per family."""

from __future__ import annotations

import datetime
import textwrap

import ibis
import pytest

from inclusio.rules import RuleError, evaluate, load_programme_text
from inclusio.rules.cases import situation_table
from inclusio.rules.compiler import person_table, programme_table
from tests.rules.texts import explain

D = datetime.date

HEAD = """\
id: example
titles: {kk: Мысал, ru: Пример, en: Example}
reference: {kk: "Example law, art. 1", ru: "Example law, art. 1", en: "Example law, art. 1"}
entity: family
"""

FAMILY = """\
parameters:
  per_member:
    - {effective: 2020-01-01, value: 500, reference: a test}
members:
  conditions:
    group_1: category == "I"
conditions:
  some: member_count >= 1
amount: member_count * per_member
""" + explain("group_1", "some")

TABLES = {
    "persons": situation_table(
        "persons",
        [
            {"iin": "800101400001", "family_id": 1},
            {"iin": "800101300002", "family_id": 1},
            {"iin": "800101400003", "family_id": 2},
        ],
        "<test>",
        1,
    ),
    "disability": situation_table(
        "disability",
        [
            {"iin": "800101400001", "category": "I", "since": D(2019, 1, 1)},
            {"iin": "800101300002", "category": "I", "since": D(2019, 1, 1)},
        ],
        "<test>",
        1,
    ),
}


def load(body: str):  # type: ignore[no-untyped-def]
    return load_programme_text(HEAD + textwrap.dedent(body), file="example.yaml")


def test_one_row_per_family_with_its_member_count() -> None:
    rows = evaluate(load(FAMILY), TABLES, D(2024, 1, 1)).to_pylist()
    assert rows == [
        {"subject_id": "1", "eligible": True, "amount_kzt": 1000, "some": True},
        {"subject_id": "2", "eligible": False, "amount_kzt": None, "some": False},
    ]


def test_outside_its_validity_every_family_is_not_eligible() -> None:
    programme = load(FAMILY + "valid: {from: 2025-01-01}\n")
    rows = evaluate(programme, TABLES, D(2010, 1, 1)).to_pylist()
    assert [(r["subject_id"], r["eligible"]) for r in rows] == [("1", False), ("2", False)]


def test_programme_table_takes_the_person_table() -> None:
    base = person_table(ibis.memtable(TABLES["persons"]), ibis.memtable(TABLES["disability"]))
    table = programme_table(load(FAMILY), base, D(2024, 1, 1))
    assert ibis.duckdb.connect().to_pyarrow(table.order_by("subject_id")).num_rows == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("conditions:\n  a: member_count >= 1\n", "needs a 'members' section"),
        (FAMILY.replace("group_1:", "category:"), "already"),
        (FAMILY.replace("  some: member_count >= 1", "  some: category == 'I'"), "category"),
        (FAMILY + "cared:\n  conditions: {x: 'true'}\n", "'cared' is for entity 'person' only"),
        (FAMILY.replace("  conditions:\n    group_1", "  rules:\n    group_1"), "unknown key"),
        (FAMILY.replace("    group_1: category", "    group_1: 1 + category"), "cannot apply +"),
        (FAMILY.replace('category == "I"', "category"), "true or false"),
    ],
)
def test_the_members_section_is_checked(body: str, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        load(body)
    assert message in caught.value.message


def test_members_is_for_family_programmes_only() -> None:
    body = HEAD.replace("entity: family", "entity: person") + FAMILY
    with pytest.raises(RuleError, match="'members' is for entity 'family' only"):
        load_programme_text(body, file="example.yaml")
