"""Family aggregates (any, all, min, max, count, sum with where=) and the family's income per
member with disregards: loader, compiler (DuckDB, Spark), screening, rule tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis
import pyarrow.parquet as pq
import pytest

from inclusio.rules import RuleError, evaluate, load_programme_text
from inclusio.rules.assessment import Assessment
from inclusio.rules.cases import run_cases, situation_table
from inclusio.rules.columns import columns_read
from inclusio.rules.compiler import family_table, parameters_on, person_table
from inclusio.rules.loader import Programme, load_rule_text
from inclusio.rules.screen import screen
from inclusio.snapshot.contract import SCHEMAS, parquet_path
from tests.rules.texts import explain

D = datetime.date
ON = D(2024, 1, 1)

PROGRAMME = """\
id: family_example
titles: {kk: Мысал, ru: Пример, en: Example}
reference: {kk: "Example law, art. 1", ru: "Example law, art. 1", en: "Example law, art. 1"}
entity: family
members:
  conditions:
    lives_here: not is_null(family_id)
  aggregates:
    adults: count(age(birth_date) >= 18)
    youngest_child_age: min(age(birth_date), where=family_role == "child")
    eldest_birth: min(birth_date)
    top_earnings: max(monthly_income_kzt, where=age(birth_date) >= 18)
    any_group_1: any(category == "I")
    all_working: all(age(birth_date) < 18 or employed)
    earnings: sum(monthly_income_kzt, where=employed)
  income:
    disregard: [disability_benefit_kzt, carer_allowance_kzt]
conditions:
  single_parent: adults == 1 and youngest_child_age < 18
  poor: income_per_member < 50000
amount: max(0, 50000 * member_count - family_income)
""" + explain("lives_here", "single_parent", "poor")

PERSONS = [
    # Family 1: a single mother earning 90,000 and paid a carer's allowance, a child of 1 with
    # a disability, and a boy of 9.
    {
        "iin": "900101400001",
        "family_id": 1,
        "birth_date": D(1990, 1, 1),
        "employed": True,
        "monthly_income_kzt": 90000,
        "carer_allowance_kzt": 69885,
    },
    {"iin": "220601500002", "family_id": 1, "family_role": "child", "birth_date": D(2022, 6, 1)},
    {"iin": "140301500003", "family_id": 1, "family_role": "child", "birth_date": D(2014, 3, 1)},
    # Family 2: a couple, one with group I and its benefit, the other out of work; no child.
    {
        "iin": "600101300004",
        "family_id": 2,
        "birth_date": D(1960, 1, 1),
        "monthly_income_kzt": 120000,
        "disability_benefit_kzt": 60770,
    },
    {"iin": "620101400005", "family_id": 2, "family_role": "spouse", "birth_date": D(1962, 1, 1)},
]
DISABILITY = [
    {"iin": "220601500002", "category": "child", "since": D(2023, 1, 1)},
    {"iin": "600101300004", "category": "I", "since": D(2019, 1, 1)},
]


def tables(persons: list[dict[str, Any]] = PERSONS) -> dict[str, Any]:
    return {
        "persons": situation_table("persons", persons, "<test>", 1),
        "disability": situation_table("disability", DISABILITY, "<test>", 1),
    }


def load(text: str = PROGRAMME) -> Programme:
    return load_programme_text(text, file="example.yaml")


def values(programme: Programme, connection: Any = None) -> dict[int, dict[str, Any]]:
    given = tables()
    base = person_table(ibis.memtable(given["persons"]), ibis.memtable(given["disability"]))
    table = family_table(programme, base, ON, parameters_on(programme, ON)).order_by("family_id")
    backend = connection if connection is not None else ibis.duckdb.connect()
    return {row["family_id"]: row for row in backend.to_pyarrow(table).to_pylist()}


def test_each_aggregate_over_the_members() -> None:
    rows = values(load())
    single, couple = rows[1], rows[2]
    assert (single["adults"], couple["adults"]) == (1, 2)
    assert single["youngest_child_age"] == 1  # born 2022-06-01
    assert couple["youngest_child_age"] is None  # no child: a minimum over nobody is missing
    assert (single["eldest_birth"], couple["eldest_birth"]) == (D(1990, 1, 1), D(1960, 1, 1))
    assert (single["top_earnings"], couple["top_earnings"]) == (90000, 120000)
    assert (single["any_group_1"], couple["any_group_1"]) == (False, True)
    # The children do not need a job; the spouse without one makes "all" false.
    assert (single["all_working"], couple["all_working"]) == (True, False)
    assert (single["earnings"], couple["earnings"]) == (90000, 0)


def test_the_income_per_member_leaves_out_the_disregarded_benefits() -> None:
    rows = values(load())
    assert rows[1]["member_count"] == 3
    assert rows[1]["family_income"] == 90000  # not the carer's 69,885
    assert rows[1]["income_per_member"] == 30000
    assert rows[2]["family_income"] == 120000  # not the benefit of 60,770
    assert rows[2]["income_per_member"] == 60000


def test_a_benefit_not_disregarded_counts_as_income() -> None:
    counted = load(PROGRAMME.replace("[disability_benefit_kzt, carer_allowance_kzt]", "[]"))
    rows = values(counted)
    assert rows[1]["family_income"] == 90000 + 69885
    assert rows[2]["family_income"] == 120000 + 60770


def test_the_family_conditions_and_amount_read_them() -> None:
    rows = {r["subject_id"]: r for r in evaluate(load(), tables(), ON).to_pylist()}
    assert rows["1"] == {
        "subject_id": "1",
        "eligible": True,
        "amount_kzt": (50000 - 30000) * 3,
        "single_parent": True,
        "poor": True,
    }
    assert (rows["2"]["eligible"], rows["2"]["single_parent"], rows["2"]["poor"]) == (
        False,
        False,
        False,
    )


def test_a_family_without_a_member_who_counts_has_no_income_per_member() -> None:
    nobody = load(PROGRAMME.replace("not is_null(family_id)", "age(birth_date) > 100"))
    rows = values(nobody)
    assert rows[1]["member_count"] == 0 and rows[1]["family_income"] == 0
    assert rows[1]["income_per_member"] is None  # never a division by zero
    assert not evaluate(nobody, tables(), ON).column("eligible").to_pylist()[0]


def test_the_income_columns_counted_are_read_and_the_disregarded_are_not() -> None:
    read = columns_read([load()])["persons"]
    assert "monthly_income_kzt" in read
    assert not read & {"disability_benefit_kzt", "carer_allowance_kzt"}
    assert {"family_role", "employed", "birth_date"} <= read


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("count(age(birth_date) >= 18)", "count(age(birth_date))", 9, "takes a condition over"),
        ("count(age(birth_date) >= 18)", "count(age(birth_date) >= 18) == 1", 9, "one call of"),
        ("count(age(birth_date) >= 18)", "count(employed, where=employed)", 9, "no keyword"),
        ("min(birth_date)", "min(birth_date, where=1)", 11, "where= takes a condition"),
        ("min(birth_date)", "min(sex)", 11, "min() takes a number or a date, not string"),
        ("min(birth_date)", "min(birth_date, since)", 11, "takes 1 argument"),
        ("min(birth_date)", "min(birth_date, when=employed)", 11, "only where="),
        ('any(category == "I")', "any(count(employed))", 13, "only in aggregates"),
        ("sum(monthly_income_kzt, where=employed)", "sum(sex)", 15, "sum() takes a number"),
        ("    adults:", "    member_count:", 9, "reserved"),
        ("    adults:", "    employed:", 9, "already a column"),
        ("    adults:", "    lives_here:", 9, "already a column"),
        ("disability_benefit_kzt, carer", "pension_kzt, carer", 17, "not an income column"),
        ("carer_allowance_kzt]", "disability_benefit_kzt]", 17, "given twice"),
        ("disregard: [", "ignore: [", 17, "unknown key 'ignore'"),
        ("  income:\n", "  wealth:\n", 16, "members: unknown key 'wealth'"),
        (
            "[disability_benefit_kzt, carer_allowance_kzt]",
            "[monthly_income_kzt, disability_benefit_kzt, carer_allowance_kzt]",
            17,
            "nothing is counted",
        ),
        ("adults == 1", "count(employed) == 1", 19, "only in aggregates"),
        ("youngest_child_age < 18", 'youngest_child_age < date("2020-01-01")', 19, "compare"),
    ],
)
def test_the_loader_refuses(old: str, new: str, line: int, message: str) -> None:
    assert old in PROGRAMME
    with pytest.raises(RuleError) as caught:
        load(PROGRAMME.replace(old, new, 1))
    assert message in caught.value.message
    assert (caught.value.file, caught.value.line) == ("example.yaml", line)


def test_aggregates_and_income_are_for_family_programmes_only() -> None:
    person = PROGRAMME.replace("entity: family", "entity: person")
    with pytest.raises(RuleError, match="'members' is for entity 'family' only"):
        load(person)
    with pytest.raises(RuleError, match="unknown name 'income_per_member'"):
        load(
            PROGRAMME.replace(
                "  income:\n    disregard: [disability_benefit_kzt, carer_allowance_kzt]\n", ""
            )
        )


ASSESSMENT = """\
id: youngest
kind: assessment
titles: {kk: Кіші, ru: Младший, en: Youngest}
reference: {kk: "a test", ru: "a test", en: "a test"}
entity: family
aggregates:
  youngest: min(age(birth_date))
  disabled_youngest: min(age(birth_date), where=not is_null(category))
  eldest_recorded: max(since)
  anyone_group_1: any(category == "I")
  all_recorded: all(not is_null(category))
indicators:
  young_disabled:
    domain: health
    when: disabled_youngest < 18
    points: 10
    explain: {kk: Б, ru: Р, en: A child with a disability}
  baby:
    domain: social
    when: youngest < 3 and not all_recorded
    points: 5
    explain: {kk: Б, ru: Р, en: A baby}
  recent:
    domain: health
    when: eldest_recorded >= date("2023-01-01") or anyone_group_1
    points: 1
    explain: {kk: Ж, ru: Н, en: Recent}
levels:
  - {level: worse, min_score: 10, titles: {kk: Н, ru: Х, en: Worse}}
  - {level: bad, min_score: 1, titles: {kk: Н, ru: П, en: Bad}}
  - {level: fine, min_score: 0, titles: {kk: Т, ru: С, en: Fine}}
"""


def test_the_screening_gives_the_compilers_answer_for_every_aggregate(
    synthetic_snapshot: Callable[[str, int], Path], tmp_path: Path
) -> None:
    # The screening takes the persons without a record and the recorded ones apart: sums and
    # counts are corrected, a minimum or maximum combined; both must give the direct answer.
    snapshot = synthetic_snapshot("demo", 1)
    any_one = PROGRAMME.replace("lives_here: not is_null(family_id)", "any_one: True")
    programme = load(any_one.replace("lives_here", "any_one"))
    assessment = load_rule_text(ASSESSMENT, file="youngest.yaml")
    assert isinstance(assessment, Assessment)
    summary = screen(snapshot, ON, [programme], tmp_path, assessments=[assessment])
    given = {name: pq.read_table(parquet_path(snapshot, name)) for name in SCHEMAS}
    direct = {r["subject_id"]: r for r in evaluate(programme, given, ON).to_pylist()}
    written = [r for r in pq.read_table(summary.path).to_pylist() if r["programme"] == programme.id]
    assert len(written) > 50
    for row in written:
        assert row["amount_kzt"] == direct[row["subject_id"]]["amount_kzt"]
    assert {r["subject_id"] for r in written} == {s for s, r in direct.items() if r["eligible"]}

    from inclusio.rules.assessment import assess

    expected = {r["subject_id"]: r for r in assess(assessment, given, ON).to_pylist()}
    scores = pq.read_table(summary.path.parent / "assessments.parquet").to_pylist()
    assert len(scores) > 50
    for row in scores:
        assert (row["level"], row["score"]) == (
            expected[row["family_id"]]["level"],
            expected[row["family_id"]]["score"],
        )
    assert len({row["level"] for row in scores}) == 3


CASES = """\
programme: example.yaml
cases:
  - name: a single mother of a young child with a disability
    date: 2024-01-01
    persons:
      - iin: "900101400001"
        family_id: 1
        birth_date: 1990-01-01
        employed: true
        monthly_income_kzt: 90000
        carer_allowance_kzt: 69885
      - {iin: "220601500002", family_id: 1, family_role: child, birth_date: 2022-06-01}
    expect:
      "1": {eligible: true, amount: 10000, reasons: {single_parent: true, poor: true}}
"""


def test_rule_test_cases_give_the_income_columns(tmp_path: Path) -> None:
    (tmp_path / "example.yaml").write_text(PROGRAMME, encoding="utf-8")
    cases = tmp_path / "example.test.yaml"
    cases.write_text(CASES, encoding="utf-8")
    outcomes = run_cases(cases)
    assert [o.failures for o in outcomes] == [()]


@pytest.mark.xdist_group("spark")
def test_spark_gives_the_same_aggregates() -> None:
    from inclusio.rules.engines import connect

    spark = connect("spark")
    assert values(load(), spark) == values(load())
    assert evaluate(load(), tables(), ON, connection=spark).equals(evaluate(load(), tables(), ON))
