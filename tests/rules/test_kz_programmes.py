"""Kazakhstan's programme files: each loads, its YAML rule tests pass, and `inclusio rules test`
runs them (and fails loudly on a failing case or a broken file)."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inclusio import countries
from inclusio.benefits.management.commands.rules import cases_file_of, rule_files
from inclusio.countries.shared import country_parameters
from inclusio.rules import RuleError, evaluate, load_programme
from inclusio.rules.assessment import Assessment
from inclusio.rules.cases import run_cases, situation_table
from inclusio.rules.loader import Programme, load_rule_file, load_rule_text

PROGRAMMES = rule_files("kz")
SHARED = country_parameters("kz")  # the shared parameters as countries/kz/parameters.json has them
EXPECTED = {
    "child_disability_carer_benefit",
    "group1_carer_allowance",
    "disability_benefit",
    "free_legal_aid",
    "free_cultural_services",
    "home_education_reimbursement",
    "state_health_insurance_contribution",
    "housing_priority",
    "family_wellbeing",
    "targeted_social_assistance",
}


def test_the_kz_programmes_are_all_there() -> None:
    assert {load_rule_file(path, shared=SHARED).id for path in PROGRAMMES} == EXPECTED
    for path in PROGRAMMES:
        assert load_rule_file(path, shared=SHARED).id == path.stem, (
            "a programme file is named after its id"
        )
        assert cases_file_of(path).is_file(), f"{path.name} has no rule tests"


@pytest.mark.parametrize("path", PROGRAMMES, ids=[p.stem for p in PROGRAMMES])
def test_the_rule_tests_pass(path: Path) -> None:
    outcomes = run_cases(cases_file_of(path), load_rule_file(path, shared=SHARED))
    assert outcomes
    failures = [failure for outcome in outcomes for failure in outcome.failures]
    assert not failures, "\n".join(failures)


def test_shared_parameters_are_named_never_copied() -> None:
    """A programme that reads a country parameter names it under ``shared`` and gets the
    country's values; a copy in its own ``parameters`` is refused at load."""
    readers = set()
    for path in PROGRAMMES:
        rule = load_rule_file(path, shared=SHARED)
        for name, parameter in rule.parameters.items():
            if name in SHARED:
                readers.add(rule.id)
                assert [(v.effective, v.value) for v in parameter.values] == [
                    (v.effective, v.value) for v in SHARED[name].values
                ]
    assert readers == {
        "disability_benefit",
        "child_disability_carer_benefit",
        "family_wellbeing",
        "targeted_social_assistance",
    }
    assert all(row["key"] in SHARED for row in countries.parameters("kz"))


def test_a_programme_that_copies_a_shared_parameter_is_refused(tmp_path: Path) -> None:
    path = PROGRAMMES[0].parent / "disability_benefit.yaml"
    copied = path.read_text(encoding="utf-8").replace(
        "shared: [subsistence_minimum]\nparameters:\n",
        "parameters:\n  subsistence_minimum:\n"
        "    - {effective: 2023-01-01, value: 40567, reference: a copy}\n",
    )
    with pytest.raises(RuleError, match="'subsistence_minimum' is a shared parameter") as refusal:
        load_rule_text(copied, file="copy.yaml", shared=SHARED)
    assert refusal.value.file == "copy.yaml" and refusal.value.line == 33


def test_a_programme_that_names_an_unknown_shared_parameter_is_refused_at_load() -> None:
    path = PROGRAMMES[0].parent / "disability_benefit.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "shared: [subsistence_minimum]", "shared: [subsistence_minimum, minimum_wage]"
    )
    with pytest.raises(RuleError) as refusal:
        load_rule_text(text, file="unknown.yaml", shared=SHARED)
    message = str(refusal.value)
    assert message.startswith(
        "unknown.yaml:32: unknown shared parameter 'minimum_wage' (the country's are: "
    )
    assert " monthly_calculation_index, " in message  # in the order of their names
    assert message.endswith(", subsistence_minimum)")
    with pytest.raises(RuleError, match="unknown shared parameter 'subsistence_minimum'"):
        load_rule_file(path)  # without the country's parameters, nothing is shared


def test_illustrative_values_say_so() -> None:
    for stem in (
        "disability_benefit",
        "home_education_reimbursement",
        "child_disability_carer_benefit",
        "group1_carer_allowance",
        "family_wellbeing",
        "targeted_social_assistance",
    ):
        text = (PROGRAMMES[0].parent / f"{stem}.yaml").read_text(encoding="utf-8")
        assert "ILLUSTRATIVE" in text
    # …and in a field the pages read, not only in a comment
    marked = {
        (programme.id, name)
        for path in PROGRAMMES
        if not isinstance(programme := load_rule_file(path, shared=SHARED), Assessment)
        for name, parameter in programme.parameters.items()
        if any(value.illustrative for value in parameter.values)
    }
    assert marked == {
        ("disability_benefit", "coefficient_group_1"),
        ("disability_benefit", "coefficient_group_2"),
        ("disability_benefit", "coefficient_group_3"),
        ("home_education_reimbursement", "home_education_monthly_amount"),
        ("child_disability_carer_benefit", "carer_coefficient"),
        ("group1_carer_allowance", "group1_carer_allowance_amount"),
        ("targeted_social_assistance", "poverty_line_share"),
    }
    carer = load_rule_file(
        PROGRAMMES[0].parent / "child_disability_carer_benefit.yaml", shared=SHARED
    )
    assert isinstance(carer, Programme)
    assert [v.illustrative for v in carer.parameters["carer_coefficient"].values] == [True, False]


@pytest.mark.parametrize("path", PROGRAMMES, ids=[p.stem for p in PROGRAMMES])
def test_what_a_citizen_reads_is_law_in_their_language_never_an_internal_note(path: Path) -> None:
    """References (the programme's and each value's) and plain-language texts: in kk, ru and
    en, and none of the demonstration's notes (the seed, the CRPD report's paragraphs)."""
    rule = load_rule_file(path, shared=SHARED)
    references = [rule.reference]
    for name, parameter in rule.parameters.items():
        if name not in SHARED:
            references += [value.reference for value in parameter.values]
    for reference in references:
        assert isinstance(reference, dict) and set(reference) == {"kk", "ru", "en"}, path.name
        assert reference["kk"] != reference["en"] and reference["ru"] != reference["en"]
    texts = [t for r in references for t in r.values()]  # type: ignore[union-attr]
    texts += [t for texts in rule.explain.values() for t in texts.values()]
    for text in texts:
        lowered = text.lower()
        for note in ("seed", "illustrative", "crpd report", "§"):
            assert note not in lowered, f"{path.name}: {text!r}"


def test_the_poverty_line_share_is_marked_illustrative() -> None:
    programme = load_programme(
        PROGRAMMES[0].parent / "targeted_social_assistance.yaml", shared=SHARED
    )
    assert all(v.illustrative for v in programme.parameters["poverty_line_share"].values)
    assert not any(v.illustrative for v in programme.parameters["subsistence_minimum"].values)


def test_disability_benefit_before_the_first_subsistence_minimum_is_an_error() -> None:
    programme = load_programme(PROGRAMMES[0].parent / "disability_benefit.yaml", shared=SHARED)
    persons = situation_table("persons", [{"iin": "800101400001"}], "<test>", 1)
    disability = situation_table(
        "disability",
        [{"iin": "800101400001", "category": "I", "since": datetime.date(2019, 1, 1)}],
        "<test>",
        1,
    )
    with pytest.raises(RuleError, match="no value on 2017-12-31"):
        evaluate(
            programme, {"persons": persons, "disability": disability}, datetime.date(2017, 12, 31)
        )


def test_the_command_runs_every_kz_programme() -> None:
    out = StringIO()
    call_command("rules", "test", "--country", "kz", stdout=out)
    lines = out.getvalue().splitlines()
    cases = [line for line in lines if line.startswith(("PASS ", "FAIL "))]
    assert len(cases) >= len(EXPECTED)
    assert all(line.startswith("PASS ") for line in cases)
    assert lines[-1] == f"{len(cases)} passed, 0 failed"


FAILING_PROGRAMME = """\
id: failing
titles: {kk: k, ru: r, en: e}
reference: {kk: "a test", ru: "a test", en: "a test"}
entity: person
conditions:
  group_1: category == "I"
explain:
  group_1: {kk: I топ, ru: I группа, en: Group I}
"""

FAILING_CASES = """\
programme: failing.yaml
cases:
  - name: right
    date: 2024-01-01
    persons: [{iin: "800101400001"}]
    disability: [{iin: "800101400001", category: I, since: 2019-01-01}]
    expect:
      "800101400001": {eligible: true}
  - name: wrong
    date: 2024-01-01
    persons: [{iin: "800101400001"}]
    expect:
      "800101400001": {eligible: true}
"""


def test_a_failing_case_gives_a_non_zero_exit(tmp_path: Path) -> None:
    (tmp_path / "failing.yaml").write_text(FAILING_PROGRAMME, encoding="utf-8")
    (tmp_path / "failing.test.yaml").write_text(FAILING_CASES, encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="1 passed, 1 failed"):
        call_command("rules", "test", str(tmp_path / "failing.yaml"), stdout=out)
    text = out.getvalue()
    assert "PASS " in text
    failed = [line for line in text.splitlines() if line.startswith("FAIL ")]
    assert any(line.endswith(f"{tmp_path / 'failing.test.yaml'}:9: wrong") for line in failed)
    assert "800101400001: eligible False, expected True" in text


def test_a_rule_file_that_fails_to_load_is_named_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(FAILING_PROGRAMME.replace('category == "I"', "since > 3"), encoding="utf-8")
    (tmp_path / "broken.test.yaml").write_text(
        FAILING_CASES.replace("failing.yaml", "broken.yaml"), encoding="utf-8"
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rules", "test", str(broken), stdout=out)
    assert f"{broken}:6: " in out.getvalue()
    assert "0 passed, 0 failed, 1 file with errors" in out.getvalue()


def test_a_programme_without_rule_tests_fails(tmp_path: Path) -> None:
    lonely = tmp_path / "failing.yaml"
    lonely.write_text(FAILING_PROGRAMME, encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rules", "test", str(lonely), stdout=out)
    assert "no rule tests" in out.getvalue()


def test_a_rule_test_file_without_cases_fails(tmp_path: Path) -> None:
    (tmp_path / "failing.yaml").write_text(FAILING_PROGRAMME, encoding="utf-8")
    empty = tmp_path / "failing.test.yaml"
    empty.write_text("programme: failing.yaml\ncases: []\n", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rules", "test", str(empty), stdout=out)
    assert f"{empty}: no cases" in out.getvalue()


@pytest.mark.parametrize("path", PROGRAMMES, ids=[p.stem for p in PROGRAMMES])
def test_every_condition_and_parameter_is_explained_in_three_languages(path: Path) -> None:
    programme = load_rule_file(path, shared=SHARED)
    names = list(programme.parameters)
    if isinstance(programme, Assessment):
        names += [indicator.name for indicator in programme.indicators]
    else:
        names += [c.name for c in programme.conditions]
        for section in (programme.cared, programme.members):
            if section is not None:
                names += [c.name for c in section.conditions]
    missing = sorted(set(names) - set(programme.explain))
    assert not missing, f"{path.name}: no plain-language text for {missing}"
    for name, texts in programme.explain.items():
        assert set(texts) == {"kk", "ru", "en"}, name
        assert all(text.strip() for text in texts.values()), name
