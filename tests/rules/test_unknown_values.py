"""A missing value makes a test unknown; unknown is never met, and neither is its negation.

``not c`` for a named condition ``c`` and ``not (c's expression)`` written inline agree on every
row, on DuckDB: both unknown, both not met. Only where a test becomes a decision (a condition's
column, the eligibility, a member or cared person counting, ``if_``) does unknown count as not
met. A person without a disability record has no ``category`` and no ``work_capacity_loss_pct``.
"""

from __future__ import annotations

import datetime
import textwrap
from typing import Any

from inclusio.rules import evaluate, load_programme_text
from inclusio.rules.cases import situation_table
from tests.rules.texts import explain

D = datetime.date
ON = D(2024, 1, 1)

HEAD = """\
id: unknowns
titles: {kk: Белгісіз, ru: Неизвестное, en: Unknowns}
reference: {kk: "Example law, art. 1", ru: "Example law, art. 1", en: "Example law, art. 1"}
entity: person
"""


def situation() -> dict[str, Any]:
    return {
        "persons": situation_table(
            "persons",
            [{"iin": "001"}, {"iin": "002"}, {"iin": "003", "family_id": 2}],
            "test",
            1,
        ),
        "disability": situation_table(
            "disability",
            [
                {"iin": "001", "category": "I", "since": D(2019, 1, 1)},
                {"iin": "002", "category": "III", "since": D(2019, 1, 1)},
            ],
            "test",
            1,
        ),
    }


def rows(body: str, *explained: str) -> dict[str, dict[str, Any]]:
    text = HEAD + textwrap.dedent(body) + explain(*explained)
    programme = load_programme_text(text, file="unknowns.yaml")
    return {row["subject_id"]: row for row in evaluate(programme, situation(), ON).to_pylist()}


def test_not_a_named_condition_is_not_the_inline_test_on_a_known_value_either() -> None:
    result = rows(
        """
        conditions:
          severe: category in ["I", "II"]
          mild_named: not severe
          mild_inline: not (category in ["I", "II"])
          partial_named: not severe and category == "III"
          partial_inline: not (category in ["I", "II"]) and category == "III"
          either_named: severe or not severe
          either_inline: category in ["I", "II"] or not (category in ["I", "II"])
        eligible: not severe
        """,
        "severe",
        "mild_named",
        "mild_inline",
        "partial_named",
        "partial_inline",
        "either_named",
        "either_inline",
    )
    for form in ("mild", "partial", "either"):
        for subject, row in result.items():
            assert row[f"{form}_named"] == row[f"{form}_inline"], (form, subject)
    assert [result[s]["mild_named"] for s in ("001", "002", "003")] == [False, True, False]
    assert [result[s]["either_named"] for s in ("001", "002", "003")] == [True, True, False]
    # No record: not severe, and not "not severe" either; the eligibility agrees.
    assert result["003"]["severe"] is False
    assert [result[s]["eligible"] for s in ("001", "002", "003")] == [False, True, False]


def test_is_null_of_a_named_condition_tells_an_unknown_test() -> None:
    result = rows(
        """
        conditions:
          severe: category in ["I", "II"]
          undecided: is_null(severe)
        """,
        "severe",
        "undecided",
    )
    assert [result[s]["undecided"] for s in ("001", "002", "003")] == [False, False, True]


def test_if_reads_an_unknown_test_as_not_met_named_or_inline() -> None:
    result = rows(
        """
        conditions:
          severe: category in ["I", "II"]
          anyone: age(birth_date) >= 0
        eligible: anyone
        amount: if_(not severe, 100, 7) + if_(not (category in ["I", "II"]), 1000, 70)
        """,
        "severe",
        "anyone",
    )
    assert [result[s]["amount_kzt"] for s in ("001", "002", "003")] == [77, 1100, 77]
