"""Programme files: what the loader accepts, and what it refuses with file and line."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from inclusio.countries.shared import country_parameters
from inclusio.rules import RuleError, Type, load_programme, load_programme_text
from inclusio.rules.life import EXPLAIN as LIFE_EXPLAIN
from tests.rules.texts import explain

FIXTURES = Path(__file__).parent / "fixtures"

HEAD = """\
id: example
titles: {kk: Мысал, ru: Пример, en: Example}
reference: {kk: "Example law, art. 1", ru: "Example law, art. 1", en: "Example law, art. 1"}
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
        explain:
          adult: {kk: Ересек, ru: Взрослый, en: Adult}
          working_adult: {kk: Жұмыс істейді, ru: Работает, en: Working}
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
            "    - {effective: 2021-01-01, value: true, reference: x}\n"
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
    body = "conditions:\n  group_1: category == 'I'\n" + explain("group_1")
    assert load(body).assignment == "consent"
    assert load(body + "assignment: automatic\n").assignment == "automatic"
    error = refused(body + "assignment: sometimes\n")
    assert error.line == 9
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


def test_every_condition_is_explained_in_three_languages() -> None:
    error = refused(
        "cared:\n  conditions:\n    child: age(birth_date) < 18\n"
        "conditions:\n  cares: cared_count >= 1\n" + explain("cares")
    )
    assert error.line == 7
    assert "the condition 'child' has no plain-language text" in error.message
    error = refused(
        "conditions:\n  group_1: category == 'I'\n  group_2: category == 'II'\n"
        + explain("group_1")
    )
    assert error.line == 7
    assert "'group_2' has no plain-language text" in error.message
    # A person programme's explain always holds the texts of the life events' conditions.
    explained = load("conditions:\n  group_1: category == 'I'\n" + explain("group_1")).explain
    assert {name: explained[name] for name in LIFE_EXPLAIN} == LIFE_EXPLAIN


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


def test_a_value_may_be_marked_illustrative_with_true_or_false_only() -> None:
    body = """\
    parameters:
      share:
        - {effective: 2020-01-01, value: 0.7, reference: a guess, illustrative: true}
        - {effective: 2024-01-01, value: 0.8, reference: the law}
    conditions:
      some: share > 0.5
    explain:
      some: {kk: Иә., ru: Да., en: Yes.}
    """
    share = load(body).parameters["share"]
    assert [v.illustrative for v in share.values] == [True, False]
    error = refused(body.replace("illustrative: true", "illustrative: maybe"))
    assert error.line == 7
    assert "illustrative must be true or false" in error.message


def test_the_worked_example_of_the_documentation_loads() -> None:
    docs = Path(__file__).parents[2] / "docs" / "rules.md"
    section = docs.read_text(encoding="utf-8").split("\n## Worked example\n", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    programme = load_programme_text(example, file="rules.md", shared=country_parameters("kz"))
    assert set(programme.explain) >= {c.name for c in programme.conditions}


@pytest.mark.parametrize(
    ("reference", "line", "words"),
    [
        ("reference: Example law, art. 1\n", 3, "reference must be a mapping"),
        ("reference: {kk: Заң, en: Law}\n", 3, "reference: missing 'ru'"),
        ("reference: {kk: Заң, ru: Закон, en: Law, de: Gesetz}\n", 3, "unknown language 'de'"),
        ("reference: {kk: Заң, ru: '', en: Law}\n", 3, "reference.ru must be a non-empty text"),
    ],
)
def test_the_reference_is_required_in_three_languages(
    reference: str, line: int, words: str
) -> None:
    text = HEAD.replace(HEAD.splitlines()[2] + "\n", reference) + "conditions:\n  a: employed\n"
    with pytest.raises(RuleError) as caught:
        load_programme_text(text, file="example.yaml")
    assert (caught.value.line, words in caught.value.message) == (line, True), caught.value


def test_a_reference_in_three_languages_and_an_illustrative_value() -> None:
    programme = load(
        """
        parameters:
          rate:
            - effective: 2020-01-01
              value: 1
              reference: {kk: "№ 224-VII Кодекс", ru: "Кодекс № 224-VII", en: "Code No. 224-VII"}
              illustrative: true
            - {effective: 2021-01-01, value: 1.6, reference: No. 224-VII}
        conditions:
          a: employed
        explain:
          a: {kk: Жұмыс істейді, ru: Работает, en: Employed}
        """
    )
    assert programme.reference == {
        "kk": "Example law, art. 1",
        "ru": "Example law, art. 1",
        "en": "Example law, art. 1",
    }
    first, second = programme.parameters["rate"].values
    assert first.reference == {
        "kk": "№ 224-VII Кодекс",
        "ru": "Кодекс № 224-VII",
        "en": "Code No. 224-VII",
    }
    assert (first.illustrative, second.illustrative) == (True, False)
    assert second.reference == "No. 224-VII"  # one text that reads the same in every language
    # 1 and 1.6 make a decimal parameter: the conversion keeps the flag
    assert first.value == Decimal("1") and isinstance(first.value, Decimal)


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (
            "{effective: 2020-01-01, value: 1, reference: x, illustrative: yes please}",
            "true or false",
        ),
        (
            "{effective: 2020-01-01, value: 1, reference: x, note: illustrative}",
            "unknown keys ['note']",
        ),
        ("{effective: 2020-01-01, value: 1, reference: {kk: x, en: x}}", "reference: missing 'ru'"),
    ],
)
def test_a_value_is_marked_illustrative_by_a_field_not_a_note(entry: str, words: str) -> None:
    error = refused(f"parameters:\n  rate:\n    - {entry}\nconditions:\n  a: employed\n")
    assert error.line == 7 and words in error.message, error
