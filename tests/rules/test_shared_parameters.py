"""Shared parameters in the rule library: given by the caller as plain data, named by a file,
read like its own parameters, and refused at load with file and line when they cannot be."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

import pytest

from inclusio.countries.shared import country_parameters, shared_parameters
from inclusio.rules import RuleError, Type, evaluate, load_programme_text
from inclusio.rules.cases import situation_table
from tests.rules.texts import explain

KEYS = {"minimum": {"kind": "money"}, "rate": {"kind": "decimal"}, "empty": {"kind": "money"}}
SHARED = shared_parameters(
    KEYS,
    [
        {"key": "minimum", "effective": "2024-01-01", "value": 43407, "reference": "Budget 2024"},
        {"key": "minimum", "effective": "2023-01-01", "value": 40567, "reference": "Budget 2023"},
        {"key": "rate", "effective": datetime.date(2023, 1, 1), "value": "1.5", "reference": "r"},
        {"key": "other", "effective": "2023-01-01", "value": 1, "reference": "not declared"},
    ],
)

HEAD = """\
id: example
titles: {kk: Мысал, ru: Пример, en: Example}
reference: {kk: "Example law, art. 1", ru: "Example law, art. 1", en: "Example law, art. 1"}
entity: person
"""


def load(body: str):  # type: ignore[no-untyped-def]
    return load_programme_text(HEAD + textwrap.dedent(body), file="example.yaml", shared=SHARED)


def refused(body: str) -> RuleError:
    with pytest.raises(RuleError) as caught:
        load(body)
    assert caught.value.file == "example.yaml"
    return caught.value


def test_the_mapping_is_typed_sorted_and_keeps_only_declared_keys() -> None:
    assert set(SHARED) == {"minimum", "rate", "empty"}
    assert [v.effective.year for v in SHARED["minimum"].values] == [2023, 2024]
    assert SHARED["minimum"].kind == "money" and SHARED["minimum"].values[0].value == 40567
    assert SHARED["rate"].kind == "decimal" and SHARED["rate"].values[0].value == Decimal("1.5")
    with pytest.raises(ValueError, match="'wage': kind must be one of money, decimal"):
        shared_parameters({"wage": {"kind": "float"}}, [])
    assert SHARED["empty"].values == ()
    kz = country_parameters("kz")
    assert [v.value for v in kz["subsistence_minimum"].values] == [
        28284,
        29698,
        31183,
        32668,
        34302,
        36018,
        37389,
        40567,
        43407,
        46228,
        50851,
    ]


def test_a_shared_parameter_is_read_like_the_files_own() -> None:
    programme = load(
        """\
        shared: [minimum, rate]
        parameters:
          coefficient:
            - {effective: 2023-01-01, value: 2, reference: own law}
        conditions:
          adult: age(birth_date) >= 18
        amount: minimum * coefficient * rate
        explain:
          minimum: {kk: Ең төмен, ru: Минимум, en: Minimum}
          adult: {kk: Ересек, ru: Взрослый, en: Adult}
        """
    )
    minimum = programme.parameters["minimum"]
    assert (minimum.type, minimum.line, minimum.file) == (Type.INT, 5, "example.yaml")
    assert minimum.value_on(datetime.date(2024, 1, 1)).reference == "Budget 2024"
    persons = situation_table("persons", [{"iin": "800101400001"}], "<test>", 1)
    disability = situation_table("disability", [], "<test>", 1)
    tables = {"persons": persons, "disability": disability}
    (row,) = evaluate(programme, tables, datetime.date(2024, 1, 1)).to_pylist()
    assert row["amount_kzt"] == 130221  # 43,407 × 2 × 1.5
    with pytest.raises(RuleError, match="no value on 2022-12-31") as early:
        evaluate(programme, tables, datetime.date(2022, 12, 31))
    assert early.value.line == 5  # the `shared` line


def test_a_shared_parameter_without_any_value_is_an_error_when_read_not_a_zero() -> None:
    programme = load("shared: [empty]\nconditions:\n  some: empty > 0\n" + explain("some"))
    persons = situation_table("persons", [{"iin": "800101400001"}], "<test>", 1)
    disability = situation_table("disability", [], "<test>", 1)
    with pytest.raises(RuleError, match="'empty' has no value on 2024-01-01: it has no value yet"):
        evaluate(
            programme, {"persons": persons, "disability": disability}, datetime.date(2024, 1, 1)
        )


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("shared: [wage]\n", 5, "unknown shared parameter 'wage' (the country's are: empty,"),
        ("shared: minimum\n", 5, "shared: a list of the country's parameter names"),
        ("shared: []\n", 5, "shared: a list of the country's parameter names"),
        ("shared: [minimum, minimum]\n", 5, "'minimum' is already a column, parameter"),
        ("shared: [birth_date]\n", 5, "unknown shared parameter 'birth_date'"),
        (
            "parameters:\n  minimum:\n    - {effective: 2023-01-01, value: 1, reference: copy}\n",
            6,
            "'minimum' is a shared parameter of the country: name it under 'shared'",
        ),
    ],
)
def test_what_cannot_be_shared_is_refused_at_load(body: str, line: int, message: str) -> None:
    error = refused(body + "conditions:\n  adult: age(birth_date) >= 18\n")
    assert error.line == line
    assert message in error.message


def test_a_condition_may_not_take_a_shared_name_and_nothing_divides_by_a_zero_value() -> None:
    error = refused("shared: [minimum]\nconditions:\n  minimum: age(birth_date) >= 18\n")
    assert "'minimum' is already a column, parameter or condition" in error.message
    zero = shared_parameters(
        {"minimum": {"kind": "money"}},
        [{"key": "minimum", "effective": "2023-01-01", "value": 0, "reference": "r"}],
    )
    with pytest.raises(RuleError, match="zero"):
        load_programme_text(
            HEAD + "shared: [minimum]\nconditions:\n  a: 1 / minimum > 0\n",
            file="example.yaml",
            shared=zero,
        )


def test_without_the_mapping_a_file_that_names_a_shared_parameter_is_refused() -> None:
    with pytest.raises(
        RuleError, match=r"unknown shared parameter 'minimum' \(the country's are: none\)"
    ):
        load_programme_text(HEAD + "shared: [minimum]\nconditions:\n  a: True\n", file="x.yaml")
