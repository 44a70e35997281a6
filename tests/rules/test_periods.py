"""Periods: monthly amounts paid by the day (``proration: daily``) and one-off grants
(``period: once``): loader, the month screened by the day, rule tests by month."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from inclusio.rules import RuleError, load_programme_text
from inclusio.rules.cases import run_cases, situation_table
from inclusio.rules.periods import evaluate_month, month_days
from tests.rules.texts import explain

D = datetime.date

PROGRAMME = """\
id: monthly
titles: {kk: Ай, ru: Месяц, en: Month}
reference: {kk: "Example law", ru: "Example law", en: "Example law"}
entity: person
parameters:
  monthly_amount:
    - {effective: 2020-01-01, value: 10000, reference: a test}
    - {effective: 2020-04-15, value: 12000, reference: a test}
conditions:
  valid_on_date: since <= screening_date and (is_null(until) or until >= screening_date)
amount: monthly_amount
period: month
proration: daily
""" + explain("valid_on_date")


def load(text: str = PROGRAMME):  # type: ignore[no-untyped-def]
    return load_programme_text(text, file="monthly.yaml")


def month(records: list[dict[str, object]], first: D) -> dict[str, dict[str, object]]:
    iins = sorted({str(r["iin"]) for r in records} | {"800101400009"})
    tables = {
        "persons": situation_table("persons", [{"iin": i} for i in iins], "<test>", 1),
        "disability": situation_table("disability", records, "<test>", 1),
    }
    return {row["subject_id"]: row for row in evaluate_month(load(), tables, first).to_pylist()}


def test_a_right_that_starts_mid_month_is_paid_by_the_day() -> None:
    rows = month([{"iin": "800101400001", "category": "I", "since": D(2024, 1, 16)}], D(2024, 1, 1))
    # 16 days of 31 at 12,000: 6,193.548… → 6,194
    assert rows["800101400001"] == {
        "subject_id": "800101400001",
        "eligible": True,
        "days": 16,
        "amount_kzt": 6194,
    }
    assert rows["800101400009"] == {
        "subject_id": "800101400009",
        "eligible": False,
        "days": 0,
        "amount_kzt": None,
    }


def test_a_value_that_changes_mid_month_is_paid_old_before_and_new_after() -> None:
    rows = month([{"iin": "800101400001", "category": "I", "since": D(2019, 1, 1)}], D(2020, 4, 1))
    # 14 days at 10,000 and 16 at 12,000, of 30: 332,000 / 30 = 11,066.67 → 11,067
    assert rows["800101400001"]["amount_kzt"] == 11067
    assert rows["800101400001"]["days"] == 30


def test_a_right_that_ends_mid_month_and_a_whole_month() -> None:
    records = [
        {"iin": "800101400001", "category": "I", "since": D(2019, 1, 1), "until": D(2024, 2, 10)},
        {"iin": "800101400002", "category": "I", "since": D(2019, 1, 1)},
    ]
    rows = month(records, D(2024, 2, 1))
    assert rows["800101400001"]["amount_kzt"] == 4138  # 10/29 of 12,000 = 4,137.93
    assert rows["800101400002"]["amount_kzt"] == 12000  # every day of the month: no rounding


def test_month_days() -> None:
    assert len(month_days(D(2024, 2, 20))) == 29
    assert month_days(D(2023, 2, 20))[-1] == D(2023, 2, 28)


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("period: month", "period: week", 12, "period must be one of month, once"),
        ("proration: daily", "proration: hourly", 13, "proration must be one of daily"),
        ("period: month", "period: once", 13, "proration is for a monthly amount"),
        ("amount: monthly_amount\n", "", 11, "period is for an amount in money"),
    ],
)
def test_the_loader_refuses(old: str, new: str, line: int, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        load(PROGRAMME.replace(old, new, 1))
    assert message in caught.value.message
    assert (caught.value.file, caught.value.line) == ("monthly.yaml", line)


def test_a_one_off_grant_and_the_defaults() -> None:
    grant = load(PROGRAMME.replace("period: month\nproration: daily\n", "period: once\n"))
    assert (grant.period, grant.proration) == ("once", None)
    plain = load(PROGRAMME.replace("period: month\nproration: daily\n", ""))
    assert (plain.period, plain.proration) == ("month", None)
    with pytest.raises(RuleError, match="only for a programme with 'proration: daily'"):
        evaluate_month(plain, {"persons": None, "disability": None}, D(2024, 1, 1))


CASES = """\
programme: monthly.yaml
cases:
  - name: January 2024, the right from the 16th
    month: 2024-01
    persons: [{iin: "800101400001"}]
    disability: [{iin: "800101400001", category: I, since: 2024-01-16}]
    expect:
      "800101400001": {eligible: true, amount: 6194, days: 16}
  - name: wrong days
    month: 2024-01
    persons: [{iin: "800101400001"}]
    disability: [{iin: "800101400001", category: I, since: 2024-01-16}]
    expect:
      "800101400001": {days: 15}
"""


def test_rule_tests_screen_a_month_by_the_day(tmp_path: Path) -> None:
    (tmp_path / "monthly.yaml").write_text(PROGRAMME, encoding="utf-8")
    cases = tmp_path / "monthly.test.yaml"
    cases.write_text(CASES, encoding="utf-8")
    right, wrong = run_cases(cases)
    assert right.passed, right.failures
    assert [f.split(": ", 1)[1] for f in wrong.failures] == ["800101400001: days 16, expected 15"]
    cases.write_text(CASES.replace("month: 2024-01\n", "month: January\n", 1), encoding="utf-8")
    with pytest.raises(RuleError, match="'month' must be written YYYY-MM"):
        run_cases(cases)
