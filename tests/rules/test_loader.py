"""Programme files: what the loader accepts, and what it refuses with file and line."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from inclusio.rules import RuleError, Type, load_programme, load_programme_text
from inclusio.rules.life import EXPLAIN as LIFE_EXPLAIN

FIXTURES = Path(__file__).parent / "fixtures"

HEAD = """\
id: example
titles: {kk: Мысал, ru: Пример, en: Example}
reference: Example law, art. 1
entity: person
"""


def load(body: str):  # type: ignore[no-untyped-def]
    return load_programme_text(HEAD + textwrap.dedent(body), file="example.yaml")


def refused(body: str) -> RuleError:
    with pytest.raises(RuleError) as caught:
        load(body)
    assert caught.value.file == "example.yaml"
    return caught.value


def test_the_example_programme_loads() -> None:
    programme = load_programme(FIXTURES / "disability_benefit.yaml")
    assert programme.id == "disability_benefit"
    assert programme.titles["ru"] == "Пособие по инвалидности"
    assert [c.name for c in programme.conditions] == ["has_group", "valid_on_date", "adult"]
    assert programme.amount is not None
    assert programme.amount.type == Type.DECIMAL
    coefficient = programme.parameters["coefficient_group_1"]
    assert coefficient.type == Type.DECIMAL
    assert coefficient.value_on(datetime.date(2023, 6, 30)).value == Decimal("1.40")
    assert coefficient.value_on(datetime.date(2023, 7, 1)).value == Decimal("1.61")
    assert programme.valid_from == datetime.date(2018, 1, 1)


def test_a_date_before_every_value_is_an_error_not_zero() -> None:
    programme = load_programme(FIXTURES / "disability_benefit.yaml")
    minimum = programme.parameters["subsistence_minimum"]
    with pytest.raises(RuleError) as caught:
        minimum.value_on(datetime.date(2021, 12, 31))
    assert "no value on 2021-12-31" in caught.value.message
    assert caught.value.line == 13


def test_conditions_may_use_earlier_conditions_and_parameters() -> None:
    programme = load(
        """
        parameters:
          adult_age:
            - {effective: 2020-01-01, value: 18, reference: Civil Code}
        conditions:
          adult: age(birth_date) >= adult_age
          working_adult: adult and employed
        eligible: working_adult or adult
        """
    )
    assert programme.eligible is not None
    assert programme.amount is None


def test_an_error_in_a_condition_names_its_line() -> None:
    error = refused(
        """
        conditions:
          adult: age(birth_date) >= 18
          rich: monthly_income_kzt > date("2020-01-01")
        """
    )
    assert error.line == 8
    assert "cannot compare int with date" in error.message


def test_an_error_in_a_block_expression_names_the_line_inside_it() -> None:
    error = refused(
        """
        conditions:
          adult: age(birth_date) >= 18
        amount: |
          100 +
          200 * os.getpid()
        """
    )
    assert error.line == 10
    assert "attribute access" in error.message


def test_a_condition_cannot_use_a_later_condition() -> None:
    error = refused(
        """
        conditions:
          first: second
          second: employed
        """
    )
    assert error.line == 7
    assert "unknown name 'second'" in error.message


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("conditions:\n  a: monthly_income_kzt\n", 6, "must be true or false"),
        ("conditions:\n  a: employed\namount: employed\n", 7, "amount must be a number"),
        ("conditions:\n  a: employed\neligible: 1\n", 7, "eligible must be a bool"),
        ("conditions:\n  employed: employed\n", 6, "already a column"),
        ("conditions:\n  eligible: employed\n", 6, "reserved"),
        ("conditions:\n  age: employed\n", 6, "a function"),
        ("conditions:\n  a: employed\ncolour: red\n", 7, "unknown key 'colour'"),
        ("conditions:\n  a: employed\n  a: employed\n", 7, "given twice"),
        ("conditions: {}\n", 5, "at least one condition"),
        ("conditions:\n  a: [employed\n", 7, "not valid YAML"),
        (
            "parameters:\n  rate:\n    - {effective: 2020-01-01, value: 1}\n"
            "conditions:\n  a: employed\n",
            7,
            "missing 'reference'",
        ),
        (
            "parameters:\n  rate:\n"
            "    - {effective: 2020-01-01, value: 1, reference: x}\n"
            "    - {effective: 2021-01-01, value: yes, reference: x}\n"
            "conditions:\n  a: employed\n",
            6,
            "values of different types",
        ),
        (
            "parameters:\n  rate:\n"
            "    - {effective: 2020-01-01, value: 1, reference: x}\n"
            "    - {effective: 2020-01-01, value: 2, reference: x}\n"
            "conditions:\n  a: employed\n",
            6,
            "same day",
        ),
        (
            "parameters:\n  rate:\n"
            "    - {effective: 2020-01-01, value: 2, reference: x}\n"
            "    - {effective: 2021-01-01, value: 0, reference: x}\n"
            "conditions:\n  a: monthly_income_kzt / rate > 1\n",
            10,
            "division by zero",
        ),
        ("valid: {from: 2020-01-01, until: 2019-01-01}\nconditions:\n  a: employed\n", 5, "before"),
    ],
)
def test_refusals(body: str, line: int, words: str) -> None:
    error = refused(body)
    assert words in error.message
    assert error.line == line


def test_a_family_programme_needs_a_members_section() -> None:
    with pytest.raises(RuleError) as caught:
        load_programme_text(
            HEAD.replace("entity: person", "entity: family") + "conditions:\n  a: urban\n",
            file="f.yaml",
        )
    assert caught.value.line == 4
    assert "needs a 'members' section" in caught.value.message


def test_missing_keys() -> None:
    with pytest.raises(RuleError) as caught:
        load_programme_text("id: x\n", file="f.yaml")
    assert "missing key 'titles'" in caught.value.message


def test_assignment_is_consent_unless_the_file_says_automatic() -> None:
    body = "conditions:\n  group_1: category == 'I'\n"
    assert load(body).assignment == "consent"
    assert load(body + "assignment: automatic\n").assignment == "automatic"
    error = refused(body + "assignment: sometimes\n")
    assert error.line == 7
    assert "assignment must be one of consent, automatic" in error.message


EXPLAINED = """\
parameters:
  amount_per_month:
    - {effective: 2020-01-01, value: 500, reference: a test}
conditions:
  group_1: category == "I"
amount: amount_per_month
explain:
  group_1:
    kk: Сізде I топтағы мүгедектік бар.
    ru: У вас I группа инвалидности.
    en: You have disability group I.
  amount_per_month: {kk: Айлық сома, ru: Сумма в месяц, en: Amount per month}
"""


def test_explain_gives_plain_language_per_condition_and_parameter() -> None:
    programme = load(EXPLAINED)
    assert programme.explain["group_1"]["en"] == "You have disability group I."
    assert programme.explain["amount_per_month"] == {
        "kk": "Айлық сома",
        "ru": "Сумма в месяц",
        "en": "Amount per month",
    }
    # A person programme's explain always holds the texts of the life events' conditions.
    assert load("conditions:\n  group_1: category == 'I'\n").explain == LIFE_EXPLAIN


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (EXPLAINED.replace("  group_1:\n    kk", "  group_2:\n    kk"), 12, "'group_2' is not"),
        (EXPLAINED.replace("    ru: У вас I группа инвалидности.\n", ""), 13, "missing 'ru'"),
        (EXPLAINED.replace("ru: Сумма в месяц", "de: Betrag"), 16, "unknown language 'de'"),
        (EXPLAINED.replace("en: Amount per month", "en: ''"), 16, "non-empty text"),
        (EXPLAINED.replace("  group_1:\n    kk:", "  group_1: [1]\n  x:\n    kk:"), 12, "mapping"),
    ],
)
def test_explain_is_checked(body: str, line: int, message: str) -> None:
    error = refused(body)
    assert message in error.message
    assert error.line == line


def test_explain_refuses_a_name_shared_by_a_cared_and_a_programme_condition() -> None:
    body = """\
    cared:
      conditions:
        adult: age(birth_date) >= 18
    conditions:
      adult: cared_count >= 1
    explain:
      adult: {kk: a, ru: b, en: c}
    """
    assert "names two conditions" in refused(body).message
