"""The periodic report held to the seed (``synthetic.report_check``), at a small scale: the
report generated from the demo snapshot states every figure the seed states, scaled as the
generator draws it, each linked to its query; a figure off, missing or untraced fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from inclusio.crpd.report import Report, build
from inclusio.synthetic import report_check
from inclusio.synthetic.report_check import OVER, Statement, compare, read_value, statements

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 7)


@pytest.fixture
def report(demo: Path) -> Report:
    return build(first_year=2018, last_year=2023, snapshot=demo, language="en")


def test_the_report_states_the_seeds_figures_at_the_scale(report: Report) -> None:
    compared = compare(report, statements(0.001))
    assert [c.statement.query for c in compared if not c.ok] == []
    assert {c.statement.paragraph for c in compared} >= {
        "§12",
        "§13",
        "§30",
        "§47",
        "§48",
        "§49",
        "§60",
        "§66",
        "§88",
        "§118",
        "§123",
        "§124",
    }
    men = next(c for c in compared if c.statement.query == "pwd_male")
    assert (men.shown, men.found) == ("404", 404.0)
    # What the portal delivered in 2023 and the homes the dispatchers keep, at the scale.
    found = {c.statement.query: c.found for c in compared}
    assert found["portal_technical_aids_received"] == 532.0
    assert found["portal_sanatorium_stays_received"] == 84.0
    assert found["portal_sanatorium_organisations"] == 84.0
    assert found["emergency_residences_kept"] == 95.0


def test_a_figure_off_the_seeds_fails(report: Report) -> None:
    off = [
        Statement("§13", "pwd_male", 405),
        Statement("§48", "facilities_on_the_map", 1_000, OVER),
        Statement("§13", "pwd_male_pct", 12.3, step=0.1),
    ]
    assert [c.ok for c in compare(report, off)] == [False, False, False]
    # Within the rounding the seed states, an approximate figure agrees.
    assert compare(report, [Statement("§12", "persons_with_disabilities", 720, step=10)])[0].ok


def test_a_figure_the_report_lacks_or_does_not_trace_fails(report: Report) -> None:
    wanted = [Statement("§13", "pwd_male", 404)]
    section = next(s for s in report.sections if any(x.query == "pwd_male" for x in s.lines))
    kept, queries = section.lines, report.queries
    section.lines = [line for line in kept if line.query != "pwd_male"]
    (missing,) = compare(report, wanted)
    assert (missing.ok, missing.shown, missing.traced) == (False, "", False)
    # The figure is there but the report does not name its query: not traceable.
    section.lines = kept
    report.queries = [(name, label) for name, label in queries if name != "pwd_male"]
    (untraced,) = compare(report, wanted)
    assert (untraced.ok, untraced.found, untraced.traced) == (False, 404.0, False)
    report.queries = queries
    assert compare(report, wanted)[0].ok


def test_the_national_statements_are_the_seeds() -> None:
    national = {s.query: s for s in statements()}
    assert national["pwd_male"].value == 404_000 and national["pwd_male"].step == 0
    assert national["persons_with_disabilities"].holds(724_900)
    assert not national["persons_with_disabilities"].holds(723_000)
    assert national["accessibility_fines_in_period_kzt"].holds(236_500_000)
    assert not national["accessibility_fines_in_period_kzt"].holds(236_000_000)
    assert national["pwd_working_age_pct"].holds(58.0)
    assert len(national) == len(report_check.statements())
    # 34 figures before the portal's volumes (§60), its sanatoriums (§118) and the homes (§66).
    assert len(report_check.statements()) == 40
    assert national["portal_technical_aids_received"].holds(532_400)
    assert not national["portal_technical_aids_received"].holds(532_300)
    assert national["portal_sanatorium_organisations"].value == 104
    assert national["emergency_residences_kept"].value == 95_087


@pytest.mark.parametrize(
    ("shown", "value"),
    [("724,900", 724900.0), ("3.6 %", 3.6), ("236,500,000", 236500000.0), ("no data", None)],
)
def test_the_figures_are_read_as_the_english_report_prints_them(
    shown: str, value: float | None
) -> None:
    assert read_value(shown) == value
