"""Assessments (``kind: assessment``): what the loader refuses, and one row per family."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import ibis
import pyarrow as pa
import pytest

from inclusio.countries.shared import country_parameters
from inclusio.rules import RuleError, load_programme, load_programme_text
from inclusio.rules.assessment import Assessment, assess, assessment_table
from inclusio.rules.cases import families_table, situation_table
from inclusio.rules.compiler import person_table
from inclusio.rules.loader import load_rule_file, load_rule_text

D = datetime.date
KZ = Path(__file__).parents[2] / "src" / "inclusio" / "countries" / "kz" / "programmes"

EXAMPLE = """\
id: example
kind: assessment
titles: {kk: Мысал, ru: Пример, en: Example}
reference: {kk: "Example methodology", ru: "Example methodology", en: "Example methodology"}
entity: family
parameters:
  minimum:
    - {effective: 2020-01-01, value: 1000, reference: a test}
    - {effective: 2024-01-01, value: 2000, reference: a test}
member_conditions:
  adult: age(birth_date) >= 18
aggregates:
  income: sum(monthly_income_kzt)
  workers: count(adult and employed)
indicators:
  poor:
    domain: economic
    when: income < minimum * members
    points: 20
    explain: {kk: Кедей, ru: Бедно, en: Poor}
  no_worker:
    domain: social
    when: workers == 0
    points: 10
    explain: {kk: Жұмыссыз, ru: Без работы, en: No work}
levels:
  - {level: crisis, min_score: 30, titles: {kk: Д, ru: К, en: Crisis}}
  - {level: poor, min_score: 20, titles: {kk: Н, ru: Б, en: Poor}}
  - {level: stable, min_score: 0, titles: {kk: Т, ru: С, en: Stable}}
"""


def load(text: str) -> Assessment:
    loaded = load_rule_text(textwrap.dedent(text), file="example.yaml")
    assert isinstance(loaded, Assessment)
    return loaded


def refused(text: str) -> RuleError:
    with pytest.raises(RuleError) as caught:
        load_rule_text(text, file="example.yaml")
    assert caught.value.file == "example.yaml"
    return caught.value


def test_the_example_loads() -> None:
    assessment = load(EXAMPLE)
    assert [i.name for i in assessment.indicators] == ["poor", "no_worker"]
    assert assessment.aggregates["workers"].function == "count"
    assert [level.name for level in assessment.levels] == ["crisis", "poor", "stable"]
    assert assessment.level_of(35) == "crisis"
    assert assessment.level_of(20) == "poor"
    assert assessment.level_of(0) == "stable"
    assert assessment.explain["poor"]["en"] == "Poor"


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        # sum and count belong to the aggregates section only
        ("when: workers == 0", "when: count(workers) == 0", 23, "only in aggregates over a fam"),
        ("adult: age(birth_date) >= 18", "adult: sum(1) >= 18", 11, "only in aggregates over"),
        (
            "income: sum(monthly_income_kzt)",
            "income: monthly_income_kzt",
            13,
            "an aggregate is one call of",
        ),
        ("sum(monthly_income_kzt)", "sum(sum(monthly_income_kzt))", 13, "only in aggregates"),
        ("sum(monthly_income_kzt)", "sum(employed)", 13, "sum() takes a number, not bool"),
        (
            "count(adult and employed)",
            "count(monthly_income_kzt)",
            14,
            "takes a condition over the members",
        ),
        ("sum(monthly_income_kzt)", "sum(monthly_income_kzt, 1)", 13, "takes 1 argument"),
        ("count(adult and employed)", "count(housing == 'none')", 14, "unknown name 'housing'"),
        ("when: workers == 0", "when: adult", 23, "unknown name 'adult'"),
        ("domain: social", "domain: wealth", 22, "domain must be one of economic, social"),
        ("points: 10", "points: 2.5", 24, "points must be a whole number"),
        ("points: 10", "points: true", 24, "points must be a whole number"),
        ("points: 10", "points: '10'", 24, "points must be a whole number"),
        ("min_score: 20", "min_score: 30", 28, "each min_score must be below"),
        ("min_score: 20", "min_score: 40", 28, "each min_score must be below"),
        ("stable, min_score: 0", "stable, min_score: 5", 29, "min_score 0"),
        ("level: poor,", "level: crisis,", 28, "given twice"),
        ("  no_worker:\n", "  score:\n", 21, "reserved"),
        ("  workers:", "  members:", 14, "already a column"),
        ("    explain: {kk: Жұмыссыз, ru: Без работы, en: No work}\n", "", 22, "missing 'expl"),
        ("en: No work}", "de: Arbeit}", 25, "unknown language 'de'"),
        ("    points: 10\n", "    points: 10\n    weight: 2\n", 25, "unknown key 'weight'"),
        ("entity: family", "entity: person", 5, "entity must be 'family'"),
        ("kind: assessment", "kind: survey", 2, "kind must be one of programme, assessment"),
    ],
)
def test_the_loader_refuses(old: str, new: str, line: int, message: str) -> None:
    assert old in EXAMPLE
    error = refused(EXAMPLE.replace(old, new, 1))
    assert message in error.message
    assert error.line == line


def test_sum_and_count_are_refused_in_a_programme() -> None:
    body = """\
    id: example
    titles: {kk: Мысал, ru: Пример, en: Example}
    reference: {kk: Example law, ru: Example law, en: Example law}
    entity: person
    conditions:
      rich: sum(monthly_income_kzt) > 10
    """
    with pytest.raises(RuleError, match="only in aggregates over a family's members") as caught:
        load_programme_text(textwrap.dedent(body), file="example.yaml")
    assert caught.value.line == 6


def test_load_programme_refuses_an_assessment_and_load_rule_file_takes_both(
    tmp_path: Path,
) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    with pytest.raises(RuleError, match="this is an assessment") as caught:
        load_programme(path)
    assert caught.value.line == 2
    assert isinstance(load_rule_file(path), Assessment)
    assert load_rule_file(KZ / "free_legal_aid.yaml").kind == "programme"


def tables() -> dict[str, pa.Table]:
    persons = situation_table(
        "persons",
        [
            {"iin": "800101400001", "family_id": 1, "employed": True, "monthly_income_kzt": 2500},
            {"iin": "800101300002", "family_id": 1},
            {"iin": "800101400003", "family_id": 2},
            {"iin": "150101500004", "family_id": 3, "birth_date": D(2015, 1, 1)},
            {"iin": "800101400005", "family_id": 3, "monthly_income_kzt": 7000},
        ],
        "<test>",
        1,
    )
    return {
        "persons": persons,
        "disability": situation_table("disability", [], "<test>", 1),
        "families": families_table([{"family_id": 4, "members": 3}], persons, "<test>", 1),
    }


def test_one_row_per_family_with_level_score_and_indicators() -> None:
    rows = assess(load(EXAMPLE), tables(), D(2024, 1, 1)).to_pylist()
    assert rows == [
        {"subject_id": "1", "level": "poor", "score": 20, "poor": True, "no_worker": False},
        {"subject_id": "2", "level": "crisis", "score": 30, "poor": True, "no_worker": True},
        {"subject_id": "3", "level": "stable", "score": 10, "poor": False, "no_worker": True},
    ]  # family 4 has no persons: no row


def test_the_result_types() -> None:
    result = assess(load(EXAMPLE), tables(), D(2024, 1, 1))
    assert result.schema.field("subject_id").type == pa.string()
    assert result.schema.field("level").type == pa.string()
    assert result.schema.field("score").type == pa.int64()
    assert result.schema.field("poor").type == pa.bool_()


def test_dated_parameters_and_a_date_before_every_value() -> None:
    rows = assess(load(EXAMPLE), tables(), D(2023, 12, 31)).to_pylist()
    assert [r["poor"] for r in rows] == [False, True, False]  # family 1: 2500 ≥ 2 × 1000
    with pytest.raises(RuleError, match="no value on 2019-12-31"):
        assess(load(EXAMPLE), tables(), D(2019, 12, 31))


def test_a_person_table_restricted_to_some_families() -> None:
    data = tables()
    persons = ibis.memtable(data["persons"])
    base = person_table(persons.filter(persons.family_id == 3), ibis.memtable(data["disability"]))
    table = assessment_table(load(EXAMPLE), base, ibis.memtable(data["families"]), D(2024, 1, 1))
    rows = ibis.duckdb.connect().to_pyarrow(table).to_pylist()
    assert rows == [
        {"subject_id": "3", "level": "stable", "score": 10, "poor": False, "no_worker": True}
    ]


def docs_example() -> str:
    """The worked example of docs/rules.md's Assessments section."""
    text = (Path(__file__).parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    section = text.split("## Assessments", 1)[1].split("### Worked example", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_worked_example_of_the_docs_gives_what_the_docs_say() -> None:
    # It names the country's subsistence minimum (shared), as its parameters.json gives it.
    assessment = load_rule_text(docs_example(), file="docs.yaml", shared=country_parameters("kz"))
    assert isinstance(assessment, Assessment)
    pensioners = [
        {"iin": "550101400001", "family_id": 1, "birth_date": D(1955, 1, 1)},
        {"iin": "550101300002", "family_id": 1, "birth_date": D(1955, 1, 1)},
    ]
    pensioners[0]["monthly_income_kzt"] = 45000
    pensioners[1]["monthly_income_kzt"] = 40000
    persons = situation_table("persons", pensioners, "<test>", 1)

    def level(on: datetime.date, housing: str) -> tuple[str, int]:
        families = families_table([{"family_id": 1, "housing": housing}], persons, "<test>", 1)
        data = {
            "persons": persons,
            "disability": situation_table("disability", [], "<test>", 1),
            "families": families,
        }
        row = assess(assessment, data, on).to_pylist()[0]
        return row["level"], row["score"]

    assert level(D(2024, 1, 1), "rent") == ("unsatisfactory", 35)
    assert level(D(2023, 12, 31), "rent") == ("unsatisfactory", 15)
    assert level(D(2024, 1, 1), "none") == ("crisis", 55)
