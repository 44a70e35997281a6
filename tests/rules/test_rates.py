"""Rates: ``rate:`` a share of a price (0..1) instead of money, shown as a percent."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from inclusio.countries import COUNTRIES_DIR
from inclusio.rules import RuleError, evaluate, load_programme_text
from inclusio.rules.cases import run_cases, situation_table
from inclusio.rules.loader import load_rule_file
from inclusio.rules.rates import percent
from inclusio.rules.results import RATE_TYPE
from inclusio.rules.screen import RESULTS, screen
from tests.rules.texts import explain

D = datetime.date

PROGRAMME = """\
id: museum
titles: {kk: Мұражай, ru: Музей, en: Museum}
reference: {kk: "Example law, art. 1", ru: "Example law, art. 1", en: "Example law, art. 1"}
entity: person
parameters:
  reduced_share:
    - {effective: 2020-01-01, value: 0.5, reference: a test}
    - {effective: 2024-07-01, value: 0.25, reference: a test}
conditions:
  free_of_charge: category in ["I", "II"]
  reduced: category == "III"
eligible: free_of_charge or reduced
rate: if_(free_of_charge, 1, reduced_share)
""" + explain("free_of_charge", "reduced")

TABLES = {
    "persons": situation_table(
        "persons",
        [{"iin": "800101400001"}, {"iin": "800101400002"}, {"iin": "800101400003"}],
        "<test>",
        1,
    ),
    "disability": situation_table(
        "disability",
        [
            {"iin": "800101400001", "category": "I", "since": D(2019, 1, 1)},
            {"iin": "800101400002", "category": "III", "since": D(2019, 1, 1)},
        ],
        "<test>",
        1,
    ),
}


def load(text: str = PROGRAMME):  # type: ignore[no-untyped-def]
    return load_programme_text(text, file="museum.yaml")


def test_the_rate_is_a_share_of_the_eligible_and_missing_for_the_others() -> None:
    rows = evaluate(load(), TABLES, D(2024, 1, 1)).to_pylist()
    assert [(r["subject_id"], r["rate"], r["amount_kzt"]) for r in rows] == [
        ("800101400001", Decimal("1.0000"), None),
        ("800101400002", Decimal("0.5000"), None),
        ("800101400003", None, None),
    ]
    later = evaluate(load(), TABLES, D(2024, 7, 1)).column("rate").to_pylist()
    assert later[1] == Decimal("0.25")


def test_outside_its_validity_nobody_has_a_rate() -> None:
    programme = load(PROGRAMME + "valid: {from: 2030-01-01}\n")
    assert evaluate(programme, TABLES, D(2024, 1, 1)).column("rate").to_pylist() == [None] * 3


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("rate: if_(free_of_charge, 1, reduced_share)", "rate: 1.5", 13, "share from 0 to 1"),
        ("rate: if_(free_of_charge, 1, reduced_share)", "rate: -0.5", 13, "a literal share"),
        ("if_(free_of_charge, 1, reduced_share)", "reduced_share * 2", 13, "no arithmetic"),
        ("if_(free_of_charge, 1, reduced_share)", "if_(reduced, 0.5, 50)", 13, "not 50"),
        ("if_(free_of_charge, 1, reduced_share)", "sex", 13, "rate must be a number"),
        ("value: 0.25", "value: 25", 8, "parameter 'reduced_share' is 25 from 2024-07-01"),
        ("rate: if_", "amount: 100\nrate: if_", 14, "an amount (money) or a rate, not both"),
        ("eligible: free_of_charge or reduced", "  rate: reduced", 13, "rename the condition"),
    ],
)
def test_the_loader_refuses(old: str, new: str, line: int, message: str) -> None:
    assert old in PROGRAMME
    with pytest.raises(RuleError) as caught:
        load(PROGRAMME.replace(old, new, 1))
    assert message in caught.value.message
    assert (caught.value.file, caught.value.line) == ("museum.yaml", line)


@pytest.mark.parametrize(
    ("share", "language", "text"),
    [
        (Decimal("0.5"), "en", "50%"),
        (Decimal("0.5000"), "ru", "50\N{NO-BREAK SPACE}%"),
        (Decimal(1), "kk", "100\N{NO-BREAK SPACE}%"),
        (Decimal("0.125"), "ru", "12,5\N{NO-BREAK SPACE}%"),
        (Decimal("0.125"), "en", "12.5%"),
    ],
)
def test_a_rate_is_shown_as_a_percent(share: Decimal, language: str, text: str) -> None:
    assert percent(share, language) == text


CASES = """\
programme: museum.yaml
cases:
  - name: rates
    date: 2024-01-01
    persons: [{iin: "800101400001"}, {iin: "800101400002"}, {iin: "800101400003"}]
    disability:
      - {iin: "800101400001", category: I, since: 2019-01-01}
      - {iin: "800101400002", category: III, since: 2019-01-01}
    expect:
      "800101400001": {rate: 100%}
      "800101400002": {rate: 0.5}
      "800101400003": {rate: null}
  - name: wrong rates
    date: 2024-01-01
    persons: [{iin: "800101400001"}, {iin: "800101400002"}]
    disability:
      - {iin: "800101400001", category: I, since: 2019-01-01}
    expect:
      "800101400001": {rate: 50%}
      "800101400002": {rate: half}
"""


def test_rule_tests_expect_a_rate_as_a_percent_or_a_share(tmp_path: Path) -> None:
    (tmp_path / "museum.yaml").write_text(PROGRAMME, encoding="utf-8")
    (tmp_path / "museum.test.yaml").write_text(CASES, encoding="utf-8")
    right, wrong = run_cases(tmp_path / "museum.test.yaml")
    assert right.passed
    assert [f.split(": ", 1)[1] for f in wrong.failures] == [
        "800101400001: rate 1.0000, expected 50%",
        "800101400002: rate 'half' is not a percent like 50% or a share like 0.5",
    ]


def test_the_columns_a_rate_reads_are_read() -> None:
    from inclusio.rules.columns import columns_read

    by_sex = load(
        PROGRAMME.replace("if_(free_of_charge, 1, reduced_share)", 'if_(sex == "F", 1, 0.5)')
    )
    assert "sex" in columns_read([by_sex])["persons"]


def test_the_screening_carries_the_rate_into_the_results(
    synthetic_snapshot: Callable[[str, int], Path], tmp_path: Path
) -> None:
    programmes = Path(COUNTRIES_DIR) / "kz" / "programmes"
    rules = [
        load_rule_file(programmes / f"{name}.yaml")
        for name in ("free_cultural_services", "free_legal_aid")
    ]
    screen(synthetic_snapshot("demo", 1), D(2024, 1, 1), rules, tmp_path)
    rows = pq.read_table(tmp_path / RESULTS)
    assert rows.schema.field("rate").type == RATE_TYPE
    seen = set()
    for row in rows.to_pylist():
        met = {reason["condition"]: reason["met"] for reason in row["reasons"]}
        if row["programme"] != "free_cultural_services" or not row["eligible"]:
            assert row["rate"] is None
            continue
        expected = Decimal(1) if met["free_of_charge"] else Decimal("0.5")
        assert row["rate"] == expected
        seen.add(expected)
    assert seen == {Decimal(1), Decimal("0.5")}  # the demo has both kinds of holder
