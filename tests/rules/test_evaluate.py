"""Compiled rules evaluated on DuckDB through Ibis, and the YAML rule cases."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inclusio.rules import RuleError, evaluate, load_programme, load_programme_text
from inclusio.rules.cases import run_cases, situation_table
from inclusio.snapshot.contract import SCHEMAS
from tests.rules.texts import explain

FIXTURES = Path(__file__).parent / "fixtures"
D = datetime.date


def situation(persons: list[dict[str, Any]], disability: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "persons": situation_table("persons", persons, "test", 1),
        "disability": situation_table("disability", disability, "test", 1),
    }


PEOPLE = situation(
    [
        {"iin": "001", "birth_date": D(1980, 1, 1)},
        {"iin": "002", "birth_date": D(1975, 7, 1)},
        {"iin": "003", "birth_date": D(2008, 7, 1)},  # 15 on 2023-07-01
        {"iin": "004", "birth_date": D(1990, 5, 5)},  # no disability record
    ],
    [
        {"iin": "001", "category": "I", "since": D(2019, 1, 1)},
        {"iin": "002", "category": "III", "since": D(2019, 1, 1), "until": D(2025, 1, 1)},
        {"iin": "003", "category": "child", "since": D(2010, 1, 1)},
    ],
)


def test_the_example_programme_on_duckdb() -> None:
    programme = load_programme(FIXTURES / "disability_benefit.yaml")
    result = evaluate(programme, PEOPLE, D(2023, 7, 1))
    assert result.schema.field("amount_kzt").type == pa.int64()
    assert result.schema.field("eligible").type == pa.bool_()
    assert result.column_names == [
        "subject_id",
        "eligible",
        "amount_kzt",
        "has_group",
        "valid_on_date",
        "adult",
        "not_deceased",  # the life events' conditions follow every person programme's own
        "not_emigrated",
        "not_imprisoned",
    ]
    rows = {row["subject_id"]: row for row in result.to_pylist()}
    assert rows["001"]["eligible"] is True
    assert rows["001"]["amount_kzt"] == 65313  # 1.61 × 40 567 = 65 312.87
    assert rows["002"]["amount_kzt"] == 38539  # 0.95 × 40 567 = 38 538.65
    assert rows["003"] == {
        "subject_id": "003",
        "eligible": False,
        "amount_kzt": None,
        "has_group": False,
        "valid_on_date": True,
        "adult": False,
        "not_deceased": True,
        "not_emigrated": True,
        "not_imprisoned": True,
    }
    assert rows["004"]["eligible"] is False
    assert rows["004"]["valid_on_date"] is False  # unknown (no record) counts as false


def test_a_date_before_a_parameters_first_value_is_an_error() -> None:
    programme = load_programme(FIXTURES / "disability_benefit.yaml")
    with pytest.raises(RuleError) as caught:
        evaluate(programme, PEOPLE, D(2021, 12, 31))
    assert "subsistence_minimum" in caught.value.message
    assert caught.value.file.endswith("disability_benefit.yaml")


def test_outside_its_validity_nobody_is_eligible() -> None:
    programme = load_programme(FIXTURES / "disability_benefit.yaml")
    result = evaluate(programme, PEOPLE, D(2017, 12, 31)).to_pylist()
    assert [row["eligible"] for row in result] == [False] * 4
    assert [row["amount_kzt"] for row in result] == [None] * 4


def test_the_yaml_cases_pass() -> None:
    outcomes = run_cases(FIXTURES / "disability_benefit.test.yaml")
    assert len(outcomes) == 2
    assert [failure for o in outcomes for failure in o.failures] == []


def test_a_failing_case_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        (FIXTURES / "disability_benefit.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "p.test.yaml").write_text(
        textwrap.dedent(
            """\
            programme: p.yaml
            cases:
              - name: wrong amount
                date: 2023-07-01
                persons: [{iin: "001"}]
                disability: [{iin: "001", category: I, since: 2019-01-01}]
                expect:
                  "001": {eligible: true, amount: 1, reasons: {adult: false}}
            """
        ),
        encoding="utf-8",
    )
    (outcome,) = run_cases(tmp_path / "p.test.yaml")
    assert not outcome.passed
    assert outcome.line == 3
    assert any("amount 65313, expected 1" in f for f in outcome.failures)
    assert any("adult True, expected False" in f for f in outcome.failures)


LANGUAGE = (
    """\
id: language
titles: {kk: Тіл, ru: Язык, en: Language}
reference: {kk: "none", ru: "none", en: "none"}
entity: person
parameters:
  half:
    - {effective: 2020-01-01, value: 0.5, reference: x}
conditions:
  working_age: 18 <= age(birth_date) < 63
  birthday_today: age(birth_date) > age(birth_date) - 1 and not is_null(birth_date)
  not_group_three: category not in ["III"]
  recent: since >= date("2020-01-01")
"""
    + explain("working_age", "birthday_today", "not_group_three", "recent")
    + """\
eligible: working_age or recent
amount: |
  max(0, if_(working_age, max(monthly_income_kzt, 100), min(monthly_income_kzt, 100))
  + monthly_income_kzt * half - monthly_income_kzt / 4 * 2)
"""
)


def test_the_language_compiles_and_runs() -> None:
    programme = load_programme_text(LANGUAGE, file="language.yaml")
    tables = situation(
        [
            {"iin": "a", "birth_date": D(2005, 7, 1), "monthly_income_kzt": 5},  # 18 today
            {"iin": "b", "birth_date": D(2005, 7, 2), "monthly_income_kzt": 301},  # 17
            {"iin": "c", "birth_date": D(1960, 7, 1), "monthly_income_kzt": 1},  # 63 today
        ],
        [{"iin": "b", "category": "III", "since": D(2021, 1, 1)}],
    )
    rows = {r["subject_id"]: r for r in evaluate(programme, tables, D(2023, 7, 1)).to_pylist()}
    assert rows["a"]["working_age"] is True
    assert rows["b"]["working_age"] is False
    assert rows["c"]["working_age"] is False
    assert rows["b"]["not_group_three"] is False
    assert rows["a"]["not_group_three"] is False  # no record: unknown, so false
    assert rows["b"]["recent"] is True
    # a: max(5, 100) + 2.5 - 2.5 = 100; b: min(301, 100) + 150.5 - 150.5 = 100
    assert rows["a"]["amount_kzt"] == 100
    assert rows["b"]["amount_kzt"] == 100
    assert rows["c"]["eligible"] is False
    assert rows["c"]["amount_kzt"] is None


def test_amounts_round_half_up_to_whole_tenge() -> None:
    programme = load_programme_text(
        LANGUAGE.split("eligible:")[0] + "eligible: True\namount: monthly_income_kzt * half\n",
        file="half.yaml",
    )
    tables = situation(
        [
            {"iin": "a", "monthly_income_kzt": 5},  # 2.5 → 3
            {"iin": "b", "monthly_income_kzt": 7},  # 3.5 → 4
            {"iin": "c", "monthly_income_kzt": 4},  # 2.0 → 2
        ],
        [],
    )
    amounts = [r["amount_kzt"] for r in evaluate(programme, tables, D(2023, 7, 1)).to_pylist()]
    assert amounts == [3, 4, 2]


def test_a_quotient_rounds_as_written_not_as_a_float() -> None:
    programme = load_programme_text(
        LANGUAGE.split("eligible:")[0]
        + "eligible: True\namount: round_half_up(monthly_income_kzt / 1000)\n",
        file="quotient.yaml",
    )
    # 2 675 / 1 000 = 2.675 → 3 and 1 500 / 1 000 = 1.5 → 2 (half up).
    tables = situation(
        [{"iin": "a", "monthly_income_kzt": 2675}, {"iin": "b", "monthly_income_kzt": 1500}], []
    )
    amounts = [r["amount_kzt"] for r in evaluate(programme, tables, D(2023, 7, 1)).to_pylist()]
    assert amounts == [3, 2]


def test_evaluation_over_parquet_files(tmp_path: Path) -> None:
    for name in ("persons", "disability"):
        pq.write_table(PEOPLE[name].cast(SCHEMAS[name]), tmp_path / f"{name}.parquet")
    connection = ibis.duckdb.connect()
    tables = {
        name: connection.read_parquet(tmp_path / f"{name}.parquet", table_name=name)
        for name in ("persons", "disability")
    }
    programme = load_programme(FIXTURES / "disability_benefit.yaml")
    result = evaluate(programme, tables, D(2023, 6, 30), connection=connection)
    amounts = dict(
        zip(result["subject_id"].to_pylist(), result["amount_kzt"].to_pylist(), strict=True)
    )
    assert amounts == {"001": 56794, "002": 35699, "003": None, "004": None}


def test_the_rules_package_does_not_import_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import inclusio.rules, inclusio.rules.cases; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    src = str(Path(__file__).parents[2] / "src")
    completed = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": src}, check=False)
    assert completed.returncode == 0
