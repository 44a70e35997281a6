"""Static safety at load: a divisor that can be zero, an amount that can be negative, missing or
too large is refused with the file and the line, unless a guard rules it out."""

from __future__ import annotations

import pytest

from inclusio.rules import RuleError, load_programme_text
from tests.rules.texts import explain

PROGRAMME = """\
id: example
titles: {{kk: Мысал, ru: Пример, en: Example}}
reference: {{kk: "Example law, art. 1", ru: "Example law, art. 1", en: "Example law, art. 1"}}
entity: person
parameters:
  subsistence_minimum:
    - {{effective: 2023-01-01, value: 40567, reference: law}}
    - {{effective: 2024-01-01, value: 43407, reference: law}}
  coefficient:
    - {{effective: 2023-01-01, value: 1.61, reference: law}}
  rate:
    - {{effective: 2023-01-01, value: 0.5, reference: law}}
    - {{effective: 2024-01-01, value: 0, reference: law}}
conditions:
  adult: age(birth_date) >= 18
  ratio_ok: {condition}
amount: {amount}
"""
AMOUNT_LINE = 17
CONDITION_LINE = 16


def load(amount: str, condition: str = "urban"):  # type: ignore[no-untyped-def]
    # the explain block follows the amount, so the lines above keep their numbers
    text = PROGRAMME.format(amount=amount, condition=condition) + explain("adult", "ratio_ok")
    return load_programme_text(text, file="countries/kz/programmes/example.yaml")


def refused(amount: str, condition: str = "urban") -> RuleError:
    with pytest.raises(RuleError) as caught:
        load(amount, condition)
    assert caught.value.file == "countries/kz/programmes/example.yaml"
    return caught.value


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (
            "subsistence_minimum * 100 / monthly_income_kzt",
            "the divisor monthly_income_kzt can be 0",
        ),
        ("subsistence_minimum / rate", "the divisor rate can be 0"),
        ("subsistence_minimum / (monthly_income_kzt - 5)", "can be 0"),
        ("subsistence_minimum / if_(urban, monthly_income_kzt, 1)", "can be 0"),
        ("subsistence_minimum / max(0, monthly_income_kzt)", "can be 0"),
        # a condition that does not hold says nothing of a missing value
        ("if_(monthly_income_kzt < 1, 0, 1 / work_capacity_loss_pct)", "can be 0"),
    ],
)
def test_a_divisor_that_can_be_zero_is_refused_with_the_line(amount: str, words: str) -> None:
    error = refused(amount)
    assert "division by zero" in error.message
    assert words in error.message
    assert error.line == AMOUNT_LINE


def test_a_divisor_in_a_condition_is_refused_with_the_condition_line() -> None:
    error = refused("subsistence_minimum", condition="subsistence_minimum / monthly_income_kzt > 2")
    assert "division by zero" in error.message
    assert error.line == CONDITION_LINE


@pytest.mark.parametrize(
    "amount",
    [
        "if_(monthly_income_kzt > 0, subsistence_minimum * 100 / monthly_income_kzt, 0)",
        "if_(monthly_income_kzt <= 0, 0, subsistence_minimum * 100 / monthly_income_kzt)",
        "if_(not (monthly_income_kzt < 1), subsistence_minimum / monthly_income_kzt, 0)",
        "if_(urban and monthly_income_kzt >= 1, subsistence_minimum / monthly_income_kzt, 0)",
        "subsistence_minimum * 100 / max(1, monthly_income_kzt)",
        "if_(monthly_income_kzt != 0, subsistence_minimum / max(1, monthly_income_kzt), 0)",
        "subsistence_minimum / 30 * 15",
    ],
)
def test_a_guarded_divisor_loads(amount: str) -> None:
    assert load(amount).amount is not None


@pytest.mark.parametrize(
    "amount",
    [
        "subsistence_minimum - monthly_income_kzt",
        "-subsistence_minimum",
        "min(-1, subsistence_minimum)",
        "if_(urban, subsistence_minimum, monthly_income_kzt - 1)",
    ],
)
def test_an_amount_that_can_be_negative_is_refused(amount: str) -> None:
    error = refused(amount)
    assert "can be negative" in error.message
    assert "max(0, ...)" in error.message
    assert error.line == AMOUNT_LINE


def test_a_top_up_guarded_by_max_zero_loads() -> None:
    assert load("max(0, subsistence_minimum - monthly_income_kzt)").amount is not None


@pytest.mark.parametrize(
    "amount",
    [
        "work_capacity_loss_pct * 100",
        "if_(urban, work_capacity_loss_pct, 0)",
        "subsistence_minimum + work_capacity_loss_pct",
    ],
)
def test_an_amount_that_can_be_missing_is_refused(amount: str) -> None:
    error = refused(amount)
    assert "can be missing" in error.message
    assert "if_(is_null(x), 0, x)" in error.message
    assert error.line == AMOUNT_LINE


@pytest.mark.parametrize(
    "amount",
    [
        "if_(is_null(work_capacity_loss_pct), 0, work_capacity_loss_pct * 1000)",
        "if_(not is_null(work_capacity_loss_pct), work_capacity_loss_pct, 0)",
        "if_(work_capacity_loss_pct >= 30, subsistence_minimum, 0)",
        # the engines' min and max skip a missing value
        "max(0, work_capacity_loss_pct)",
    ],
)
def test_a_guarded_missing_value_loads(amount: str) -> None:
    assert load(amount).amount is not None


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("monthly_income_kzt * 1000", "can exceed"),
        ("subsistence_minimum * coefficient ** 20", "more than 38 digits"),
        ("max(0, subsistence_minimum - family_id)", "can exceed"),
    ],
)
def test_an_amount_that_can_overflow_is_refused(amount: str, words: str) -> None:
    error = refused(amount)
    assert words in error.message
    assert error.line == AMOUNT_LINE


def test_a_power_is_exact_and_bounded() -> None:
    assert load("coefficient ** 10 * subsistence_minimum").amount is not None
    error = refused("coefficient ** subsistence_minimum")
    assert "exponent of **" in error.message


def test_a_power_of_a_column_may_overflow() -> None:
    error = refused("monthly_income_kzt ** 4")
    assert "digits" in error.message or "can exceed" in error.message
