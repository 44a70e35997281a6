"""A carer's right follows the cared person's age: on the child's 18th birthday it passes from
the benefit for raising a child with a disability to the allowance for caring for a group I
adult. The two programmes read the cared person's age with complementary limits
(``age(birth_date) < 18`` and ``>= 18``), so on every date exactly one of them can count the
same cared person; the adult's group I status, established at the re-examination on the
birthday, is what the allowance needs."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from inclusio.benefits.management.commands.rules import rule_files
from inclusio.countries.shared import country_parameters
from inclusio.rules import evaluate, load_programme
from inclusio.rules.cases import situation_table
from inclusio.rules.compiler import birth_cutoff
from inclusio.rules.loader import Programme

D = datetime.date
KZ = {p.stem: p for p in rule_files("kz")}
SHARED = country_parameters("kz")
CARER = "750101400001"
# 1.61 x the subsistence minimum in force on the day before the birthday (a shared parameter)
CHILD_AMOUNTS = {2024: 69885, 2026: 81870}  # 1.61 x 43,407 and 1.61 x 50,851
GROUP1_AMOUNT = 40000  # illustrative, from 2023-01-01


def programme(stem: str) -> Programme:
    path: Path = KZ[stem]
    return load_programme(path, shared=SHARED)


def paid(born: D, on: D) -> dict[str, int | None]:
    """What each carer programme pays the parent on ``on``, the record being the one in force:
    the child's until the day before the 18th birthday, group I from childhood from it."""
    child = born.strftime("%y%m%d") + "500002"
    cutoff = birth_cutoff(on, 18)
    adult = cutoff is not None and born <= cutoff  # 18 or older on ``on``, as age() counts
    record = (
        {"iin": child, "category": "I", "cause": "from_childhood", "since": on}
        if adult
        else {"iin": child, "category": "child", "since": D(2012, 1, 1), "until": on}
    )
    tables = {
        "persons": situation_table(
            "persons",
            [{"iin": CARER, "birth_date": D(1975, 1, 1)}, {"iin": child, "birth_date": born}],
            "<test>",
            1,
        ),
        "disability": situation_table("disability", [record], "<test>", 1),
        "care": situation_table(
            "care",
            [
                {
                    "carer_iin": CARER,
                    "cared_iin": child,
                    "relation": "parent",
                    "since": D(2012, 1, 1),
                }
            ],
            "<test>",
            1,
        ),
    }
    result = {}
    for stem in ("child_disability_carer_benefit", "group1_carer_allowance"):
        rows = evaluate(programme(stem), tables, on).to_pylist()
        result[stem] = next(r["amount_kzt"] for r in rows if r["subject_id"] == CARER)
    return result


@pytest.mark.parametrize(
    ("born", "day_before", "birthday"),
    [
        (D(2006, 3, 15), D(2024, 3, 14), D(2024, 3, 15)),
        # Born on 29 February: 18 on 1 March of a year without one, as age() counts.
        (D(2008, 2, 29), D(2026, 2, 28), D(2026, 3, 1)),
    ],
)
def test_the_right_switches_on_the_18th_birthday(born: D, day_before: D, birthday: D) -> None:
    assert paid(born, day_before) == {
        "child_disability_carer_benefit": CHILD_AMOUNTS[day_before.year],
        "group1_carer_allowance": None,
    }
    assert paid(born, birthday) == {
        "child_disability_carer_benefit": None,
        "group1_carer_allowance": GROUP1_AMOUNT,
    }


def test_the_age_limits_of_the_two_programmes_meet_exactly() -> None:
    child = programme("child_disability_carer_benefit")
    adult = programme("group1_carer_allowance")
    assert child.cared is not None and adult.cared is not None
    limits = {c.name: c.expression.source for c in child.cared.conditions}
    assert limits["under_18"] == "age(birth_date) < 18"
    assert {c.name: c.expression.source for c in adult.cared.conditions}["adult"] == (
        "age(birth_date) >= 18"
    )
