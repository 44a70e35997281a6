"""The amount as computed for one person (``inclusio.rules.explanation``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from inclusio.benefits.management.commands.rules import country_rules
from inclusio.countries.shared import country_parameters
from inclusio.rules.explanation import amount_inputs, computation
from inclusio.rules.loader import Programme, load_programme_text
from tests.rules.texts import explain

ON = datetime.date(2024, 1, 1)
KZ = {p.id: p for p in country_rules("kz", country_parameters("kz")).programmes}
# The values as the explanation stores them: a decimal as text, money as a number.
DISABILITY = {
    "coefficient_group_1": "1.40",
    "coefficient_group_2": "1.16",
    "coefficient_group_3": "0.88",
    "subsistence_minimum": 43407,
}


def english(value: Decimal | int) -> str:
    return f"{value:,}"


def kazakh(value: Decimal | int) -> str:
    return f"{value:,}".replace(",", "\u00a0").replace(".", ",")


def programme(amount: str, *, parameters: str = "") -> Programme:
    text = f"""\
id: example
titles: {{kk: Мысал, ru: Пример, en: Example}}
reference: {{kk: Заң, ru: Закон, en: Law}}
entity: person
parameters:
  minimum:
    - {{effective: 2020-01-01, value: 43407, reference: a law}}
  rate:
    - {{effective: 2020-01-01, value: 0.5, reference: a law}}
{parameters}conditions:
  adult: age(birth_date) >= 18
amount: {amount}
{explain("adult")}"""
    return load_programme_text(text, file="example.yaml")


@pytest.mark.parametrize(
    ("category", "text", "not_taken"),
    [
        ("III", "0.88 × 43,407 = 38,198", {"coefficient_group_1", "coefficient_group_2"}),
        ("II", "1.16 × 43,407 = 50,352", {"coefficient_group_1", "coefficient_group_3"}),
        ("I", "1.40 × 43,407 = 60,770", {"coefficient_group_2", "coefficient_group_3"}),
    ],
)
def test_only_the_persons_own_branch_is_shown(
    category: str, text: str, not_taken: set[str]
) -> None:
    amount = round(Decimal(text.split(" ")[0]) * 43407)
    shown = computation(
        KZ["disability_benefit"], ON, DISABILITY, {"category": category}, amount, english
    )
    assert shown.text == text
    assert shown.not_taken == not_taken


def test_the_numbers_are_in_the_readers_format() -> None:
    shown = computation(
        KZ["disability_benefit"], ON, DISABILITY, {"category": "III"}, 38198, kazakh
    )
    assert shown.text == "0,88 × 43\u00a0407 = 38\u00a0198"


def test_a_carer_reads_how_many_children_the_amount_counts() -> None:
    carer = KZ["child_disability_carer_benefit"]
    parameters = {"carer_coefficient": "1.61", "subsistence_minimum": 43407}
    shown = computation(carer, ON, parameters, {"cared_count": "2"}, 139771, english)
    assert shown.text == "2 × 1.61 × 43,407 = 139,771"
    assert shown.not_taken == frozenset()


def test_max_shows_the_argument_it_chose() -> None:
    top_up = programme("max(0, minimum - monthly_income_kzt)")
    shown = computation(
        top_up, ON, {"minimum": 43407}, {"monthly_income_kzt": "10000"}, 33407, english
    )
    assert shown.text == "43,407 − 10,000 = 33,407"
    # above the minimum, max chose 0: a single value, nothing to compute
    assert (
        computation(
            top_up, ON, {"minimum": 43407}, {"monthly_income_kzt": "50000"}, 0, english
        ).text
        == ""
    )


def test_brackets_are_kept_where_they_change_the_result() -> None:
    # max(0, …) because the amount is never negative (the loader's safety check)
    both = programme("max(0, (minimum - monthly_income_kzt) * rate + minimum / (2 + 2))")
    shown = computation(
        both, ON, {"minimum": 43407, "rate": "0.5"}, {"monthly_income_kzt": "3407"}, 30852, english
    )
    assert shown.text == "(43,407 − 3,407) × 0.5 + 43,407 ÷ (2 + 2) = 30,852"


def test_a_branch_on_age_and_dates_is_pruned_with_the_persons_values() -> None:
    by_age = programme(
        'if_(age(birth_date) < 18 and screening_date >= date("2023-01-01"),'
        " minimum * rate, minimum)"
    )
    young = computation(
        by_age, ON, {"minimum": 43407, "rate": "0.5"}, {"birth_date": "2010-05-17"}, 21704, english
    )
    assert young.text == "43,407 × 0.5 = 21,704"
    adult = computation(
        by_age, ON, {"minimum": 43407, "rate": "0.5"}, {"birth_date": "1980-05-17"}, 43407, english
    )
    assert adult.text == ""  # the minimum alone
    assert adult.not_taken == {"rate"}


def test_nothing_is_shown_without_a_value_it_needs() -> None:
    shown = computation(KZ["disability_benefit"], ON, DISABILITY, {}, 38198, english)
    assert shown.text == ""
    missing = computation(
        KZ["disability_benefit"],
        ON,
        {"subsistence_minimum": 43407},
        {"category": "III"},
        1,
        english,
    )
    assert missing.text == ""
    assert computation(KZ["free_legal_aid"], ON, {}, {}, 0, english).text == ""


def test_a_single_value_is_not_a_computation() -> None:
    amount = {"home_education_monthly_amount": 7971}
    assert computation(KZ["home_education_reimbursement"], ON, amount, {}, 7971, english).text == ""


def test_the_inputs_are_the_subjects_own_values_the_amount_reads() -> None:
    assert amount_inputs(KZ["disability_benefit"]) == ("category",)
    assert amount_inputs(KZ["child_disability_carer_benefit"]) == ("cared_count",)
    assert amount_inputs(KZ["group1_carer_allowance"]) == ("cared_count",)
    assert amount_inputs(KZ["housing_priority"]) == ("member_count",)
    assert amount_inputs(KZ["free_legal_aid"]) == ()
    assert amount_inputs(programme("if_(adult, minimum, rate * monthly_income_kzt)")) == (
        "monthly_income_kzt",
    )
