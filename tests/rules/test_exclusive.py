"""Exclusivity groups: one programme of a group proposed (stated priority, then the higher
amount), the others alternatives; loader and rule-set refusals; the screening's choices file;
rule tests with ``exclusive_with``."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inclusio.rules import RuleError, load_programme_text
from inclusio.rules.cases import run_cases
from inclusio.rules.exclusive import CHOICE_SCHEMA, CHOICES, choose
from inclusio.rules.loader import Programme
from inclusio.rules.ruleset import load_rules
from inclusio.rules.screen import RESULTS, screen
from tests.rules.texts import explain

ON = datetime.date(2024, 1, 1)


def programme(
    name: str, amount: str | None, condition: str, exclusive: str = "{group: state_benefit}"
) -> str:
    return (
        f"id: {name}\n"
        f"titles: {{kk: {name}, ru: {name}, en: {name}}}\n"
        "reference: {kk: Example law, ru: Example law, en: Example law}\n"
        "entity: person\n"
        f"exclusive: {exclusive}\n"
        "conditions:\n"
        f"  qualifies: {condition}\n"
        + (f"amount: {amount}\n" if amount is not None else "")
        + explain("qualifies")
    )


LOW = programme("low", "10000", 'category in ["I", "II"]')
HIGH = programme("high", "20000", 'category == "I"')


def load(text: str) -> Programme:
    return load_programme_text(text, file="example.yaml")


def results(rows: list[tuple[str, str, bool, int | None]]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "subject_id": subject,
                "subject_kind": "person",
                "programme": name,
                "eligible": eligible,
                "amount_kzt": amount,
            }
            for subject, name, eligible, amount in rows
        ]
    )


def test_the_higher_amount_is_proposed_and_the_others_are_alternatives() -> None:
    chosen = choose(
        results(
            [
                ("a", "low", True, 10000),
                ("a", "high", True, 20000),
                ("b", "low", True, 10000),
                ("b", "high", False, None),
                ("c", "low", False, None),
            ]
        ),
        [load(LOW), load(HIGH)],
    )
    assert chosen.schema == CHOICE_SCHEMA
    assert [(r["subject_id"], r["programme"], r["proposed"]) for r in chosen.to_pylist()] == [
        ("a", "high", True),
        ("a", "low", False),
        ("b", "low", True),
    ]


def test_a_stated_priority_comes_before_the_amount() -> None:
    first = load(LOW.replace("{group: state_benefit}", "{group: state_benefit, priority: 1}"))
    chosen = choose(
        results([("a", "low", True, 10000), ("a", "high", True, 20000)]), [first, load(HIGH)]
    )
    assert [(r["programme"], r["proposed"]) for r in chosen.to_pylist()] == [
        ("low", True),
        ("high", False),
    ]


def test_an_entitlement_without_money_counts_as_zero_and_ties_go_by_id() -> None:
    free = load(programme("free", None, "True"))
    chosen = choose(
        results([("a", "free", True, None), ("a", "low", True, 10000), ("b", "free", True, None)]),
        [free, load(LOW)],
    )
    assert [(r["subject_id"], r["programme"], r["proposed"]) for r in chosen.to_pylist()] == [
        ("a", "low", True),
        ("a", "free", False),
        ("b", "free", True),
    ]
    assert choose(results([("a", "other", True, 5)]), [free]).num_rows == 0


@pytest.mark.parametrize(
    ("exclusive", "message"),
    [
        ("{group: State}", "lower_case_with_underscores"),
        ("{priority: 1}", "missing key 'group'"),
        ("{group: a, priority: 0}", "priority must be a whole number >= 1"),
        ("{group: a, priority: true}", "priority must be a whole number >= 1"),
        ("{group: a, rank: 1}", "unknown key 'rank'"),
        ("state_benefit", "exclusive must be a mapping"),
    ],
)
def test_the_loader_refuses(exclusive: str, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        load(programme("low", "1", "True", exclusive))
    assert message in caught.value.message
    assert (caught.value.file, caught.value.line) == ("example.yaml", 5)


def write(folder: Path, *texts: str) -> list[Path]:
    paths = []
    for text in texts:
        path = folder / f"{text.split()[1]}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_a_group_of_mixed_entities_or_with_an_automatic_award_is_refused(tmp_path: Path) -> None:
    family = programme("household", "1", "member_count >= 1").replace(
        "entity: person", "entity: family\nmembers: {aggregates: {n: count(True)}}"
    )
    with pytest.raises(RuleError, match="household is a family programme and low") as caught:
        load_rules(write(tmp_path, LOW, family), {})
    assert caught.value.line == 6
    automatic = HIGH + "assignment: automatic\n"
    with pytest.raises(RuleError, match="an automatic award leaves nothing to choose"):
        load_rules(write(tmp_path, automatic), {})
    assert len(load_rules(write(tmp_path, LOW, HIGH), {}).programmes) == 2


def test_the_screening_writes_the_choices(
    synthetic_snapshot: Callable[[str, int], Path], tmp_path: Path
) -> None:
    summary = screen(synthetic_snapshot("demo", 1), ON, [load(LOW), load(HIGH)], tmp_path)
    written = pq.read_table(summary.path).to_pylist()
    eligible = {(r["subject_id"], r["programme"]) for r in written if r["eligible"]}
    choices = pq.read_table(tmp_path / CHOICES).to_pylist()
    assert {(c["subject_id"], c["programme"]) for c in choices} == eligible
    proposed = {c["subject_id"]: c["programme"] for c in choices if c["proposed"]}
    both = {s for s, p in eligible if p == "high"}
    assert both and all(proposed[s] == "high" for s in both)
    assert {s for s, p in proposed.items() if p == "low"} == {
        s for s, p in eligible if p == "low"
    } - both
    assert len(proposed) == len({s for s, _ in eligible})  # one proposed per subject
    # A run without a group removes an earlier run's choices, which would no longer match.
    screen(synthetic_snapshot("demo", 1), ON, [load(LOW.replace("exclusive:", "#"))], tmp_path)
    assert (tmp_path / RESULTS).exists() and not (tmp_path / CHOICES).exists()


CASES = """\
programme: low.yaml
exclusive_with: [high.yaml]
cases:
  - name: group I takes the higher, group II the only one
    date: 2024-01-01
    persons: [{iin: "800101400001"}, {iin: "800101400002"}, {iin: "800101400003"}]
    disability:
      - {iin: "800101400001", category: I, since: 2019-01-01}
      - {iin: "800101400002", category: II, since: 2019-01-01}
    expect:
      "800101400001": {eligible: true, amount: 10000, proposed: false}
      "800101400002": {eligible: true, proposed: true}
      "800101400003": {eligible: false, proposed: null}
  - name: wrong
    date: 2024-01-01
    persons: [{iin: "800101400001"}]
    disability: [{iin: "800101400001", category: I, since: 2019-01-01}]
    expect:
      "800101400001": {proposed: true}
"""


def test_rule_tests_say_which_programme_of_the_group_is_proposed(tmp_path: Path) -> None:
    write(tmp_path, LOW, HIGH)
    cases = tmp_path / "low.test.yaml"
    cases.write_text(CASES, encoding="utf-8")
    right, wrong = run_cases(cases)
    assert right.passed, right.failures
    assert [f.split(": ", 1)[1] for f in wrong.failures] == [
        "800101400001: proposed False, expected True"
    ]
    cases.write_text(CASES.replace("[high.yaml]", "[low.yaml, other.yaml]"), encoding="utf-8")
    (tmp_path / "other.yaml").write_text(
        programme("other", "1", "True", "{group: b}"), encoding="utf-8"
    )
    with pytest.raises(RuleError, match=r"other\.yaml is not in the group 'state_benefit'"):
        run_cases(cases)
