"""The periodic report held to the seed: every figure the 2018–2023 report states (§12–13, §30,
§47–49, §52, §60, §66, §88, §118, §123–124) against the figure the report generated from the
synthetic snapshot states, read from the report itself (its line, in English) and traced to the
query that produced it.

The seed states some figures exactly (404,000 men), some rounded ("approximately 725,000"), some
as a bound ("over 40,000", "more than ₸236 million"): each statement carries how it is stated,
and a figure agrees when the report's value, rounded as the seed rounds, is the seed's. At
another scale than the national one the synthetic generator draws every count scaled and
rounded to whole units (``figures.quotas``, ``domains.expected``), so ``statements(scale)``
gives those, and the shares recomputed from them. ``bench/bench_crpd_report.py`` runs it on the
national snapshot; a test at a small scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inclusio.crpd.report import Line, Report, to_html
from inclusio.synthetic import domains, figures, orders

ABOUT, OVER = "about", "over"


@dataclass(frozen=True)
class Statement:
    """One figure of the seed: where, which report figure (its query's name), the value and how
    it is stated — ``about`` within half a ``step`` (0: exactly), ``over``: greater than it."""

    paragraph: str
    query: str
    value: float
    how: str = ABOUT
    step: float = 0

    def holds(self, found: float) -> bool:
        if self.how == OVER:
            return found > self.value
        return abs(found - self.value) <= self.step / 2 + 1e-9

    @property
    def stated(self) -> str:
        shown = f"{self.value:,.1f}" if self.value != int(self.value) else f"{int(self.value):,}"
        if self.how == OVER:
            return f"over {shown}"
        return f"about {shown}" if self.step >= 1 else shown


@dataclass(frozen=True)
class Comparison:
    statement: Statement
    shown: str  # the report's figure as it prints it; "" when the report has no such figure
    found: float | None  # that figure read as a number; None: no figure, or "no data"
    traced: bool  # the line links its query, which the report's list of queries names

    @property
    def ok(self) -> bool:
        return self.found is not None and self.traced and self.statement.holds(self.found)


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def statements(scale: float = 1.0) -> list[Statement]:
    """The seed's figures at ``scale``: at the national one as the seed states them; at another
    the generator's scaled counts (exact) and the shares they make (to 0.1 point)."""
    if scale == 1.0:
        return _NATIONAL
    quota = figures.quotas(scale)
    expected = domains.expected(scale)
    pct = 0.1
    counts = [
        ("§12", "persons_with_disabilities", quota.pwd),
        ("§13", "pwd_male", quota.pwd_male),
        ("§13", "pwd_female", quota.pwd_female),
        ("§13", "pwd_working_age", quota.working_age),
        ("§13", "pwd_elderly", quota.elderly),
        ("§30", "children_with_disabilities", quota.children),
        ("§30", "children_school_age", quota.children_school_age),
        (
            "§88",
            "families_raising_children_with_disabilities",
            sum(quota.families_by_children.values()),
        ),
        *((paragraph, query, expected[name]) for paragraph, query, name in _DOMAIN_COUNTS),
        *(
            ("§60", query, round(orders.ORDERS_2023[kind] * scale))
            for query, kind in _PORTAL_RECEIVED
        ),
        # Each sanatorium gives a stay when the scale has as many stays (``orders``).
        (
            "§118",
            "portal_sanatorium_organisations",
            min(orders.SANATORIUMS, round(orders.ORDERS_2023["sanatorium_treatment"] * scale)),
        ),
    ]
    shares = [
        ("§12", "pwd_share_of_population_pct", _pct(quota.pwd, quota.persons)),
        ("§13", "pwd_urban_pct", _pct(quota.pwd_urban, quota.pwd)),
        ("§13", "pwd_rural_pct", _pct(quota.pwd - quota.pwd_urban, quota.pwd)),
        ("§13", "pwd_male_pct", _pct(quota.pwd_male, quota.pwd)),
        ("§13", "pwd_female_pct", _pct(quota.pwd_female, quota.pwd)),
        ("§13", "pwd_working_age_pct", _pct(quota.working_age, quota.pwd)),
        ("§13", "pwd_elderly_pct", _pct(quota.elderly, quota.pwd)),
        ("§30", "children_share_pct", _pct(quota.children, quota.pwd)),
        ("§30", "children_school_age_pct", _pct(quota.children_school_age, quota.children)),
        (
            "§48",
            "facilities_adapted_pct",
            _pct(expected["facilities_adapted"], expected["facilities"]),
        ),
    ]
    return [
        *(Statement(paragraph, query, value) for paragraph, query, value in counts),
        *(Statement(paragraph, query, value, step=pct) for paragraph, query, value in shares),
        # The rate of a year's lines is drawn to a fraction of a line: at a small scale that
        # fraction may move the rounded share by a tenth.
        Statement("§60", "programme_implementation_pct", _LAST_RATE, step=0.4),
        Statement(
            "§49", "accessibility_fines_in_period_kzt", domains.FINES_AT_LEAST_KZT * scale, OVER
        ),
    ]


# The domains' counts the generator draws exactly at every scale: (paragraph, report figure,
# ``domains.expected`` name).
_DOMAIN_COUNTS = (
    ("§47", "housing_waiting_persons", "waiting_persons"),
    ("§47", "housing_waiting_families", "waiting_families"),
    ("§47", "housing_housed_persons_in_period", "housed_persons"),
    ("§47", "housing_housed_families_in_period", "housed_families"),
    ("§48", "facilities_on_the_map", "facilities"),
    ("§48", "facilities_adapted", "facilities_adapted"),
    ("§49", "accessibility_inspections_in_period", "inspections"),
    ("§49", "accessibility_prescriptions_in_period", "prescriptions"),
    ("§52", "courts_on_the_map", "courts"),
    ("§52", "courts_barrier_free", "courts_adapted"),
    ("§123", "quota_employed", "quota_employed"),
    ("§123", "special_workplaces_in_period", "special_workplaces"),
    ("§124", "employment_support_covered", "support_measures"),
    ("§124", "employment_support_permanent_job", "support_permanent_job"),
    ("§66", "emergency_residences_kept", "residences"),
)
# What the portal delivered in the report's last year (seed §60), by the report figure and the
# kind of the orders' file.
_PORTAL_RECEIVED = (
    ("portal_technical_aids_received", "technical_aid"),
    ("portal_sign_language_received", "sign_language"),
    ("portal_personal_assistants_received", "personal_assistant"),
    ("portal_sanatorium_stays_received", "sanatorium_treatment"),
)
_LAST_RATE = figures.IMPLEMENTATION_RATES_PCT[max(figures.IMPLEMENTATION_RATES_PCT)]

# As the seed states them on 1 January 2024 (the period 2018–2023 for §47, §49 and §123).
_NATIONAL = [
    Statement("§12", "persons_with_disabilities", 725_000, step=1_000),
    Statement("§12", "pwd_share_of_population_pct", 3.6, step=0.1),
    Statement("§13", "pwd_urban_pct", figures.SHARE_URBAN_PCT, step=0.1),
    Statement("§13", "pwd_rural_pct", 41.8, step=0.1),
    Statement("§13", "pwd_male", figures.PWD_MALE),
    Statement("§13", "pwd_male_pct", figures.SHARE_MALE_PCT, step=0.1),
    Statement("§13", "pwd_female", figures.PWD_FEMALE),
    Statement("§13", "pwd_female_pct", 44.3, step=0.1),
    Statement("§13", "pwd_working_age", figures.PWD_WORKING_AGE),
    Statement("§13", "pwd_working_age_pct", 58, step=1),
    Statement("§13", "pwd_elderly", figures.PWD_ELDERLY),
    Statement("§13", "pwd_elderly_pct", figures.SHARE_ELDERLY_PCT, step=0.1),
    Statement("§30", "children_with_disabilities", figures.PWD_CHILDREN, step=100),
    Statement("§30", "children_share_pct", figures.SHARE_CHILDREN_PCT, step=0.1),
    Statement("§30", "children_school_age", figures.PWD_CHILDREN_SCHOOL_AGE),
    Statement("§30", "children_school_age_pct", figures.SHARE_CHILDREN_SCHOOL_AGE_PCT, step=0.1),
    Statement("§88", "families_raising_children_with_disabilities", 104_388),
    Statement("§60", "programme_implementation_pct", _LAST_RATE, step=0.1),
    # "approximately 532,400 …, 8,200 …, 26,400 … and 84,500 …": to the hundred.
    Statement("§60", "portal_technical_aids_received", 532_400, step=100),
    Statement("§60", "portal_sign_language_received", 8_200, step=100),
    Statement("§60", "portal_personal_assistants_received", 26_400, step=100),
    Statement("§60", "portal_sanatorium_stays_received", 84_500, step=100),
    Statement("§118", "portal_sanatorium_organisations", orders.SANATORIUMS),
    Statement("§66", "emergency_residences_kept", domains.NATIONAL_RESIDENCES),
    Statement("§47", "housing_waiting_persons", domains.WAITING_PERSONS),
    Statement("§47", "housing_waiting_families", domains.WAITING_FAMILIES),
    Statement("§47", "housing_housed_persons_in_period", domains.HOUSED_PERSONS),
    Statement("§47", "housing_housed_families_in_period", domains.HOUSED_FAMILIES),
    Statement("§48", "facilities_on_the_map", 40_000, OVER),
    Statement("§48", "facilities_adapted", domains.NATIONAL_ADAPTED),
    Statement("§48", "facilities_adapted_pct", 33, step=1),
    Statement("§49", "accessibility_inspections_in_period", domains.NATIONAL_INSPECTIONS),
    Statement("§49", "accessibility_prescriptions_in_period", domains.NATIONAL_PRESCRIPTIONS),
    Statement("§49", "accessibility_fines_in_period_kzt", domains.FINES_AT_LEAST_KZT, OVER),
    Statement("§52", "courts_on_the_map", domains.NATIONAL_COURTS),
    Statement("§52", "courts_barrier_free", domains.NATIONAL_COURTS_ADAPTED),
    Statement("§123", "quota_employed", domains.QUOTA_EMPLOYED, step=100),
    Statement("§123", "special_workplaces_in_period", domains.SPECIAL_WORKPLACES_ORGANISED),
    Statement("§124", "employment_support_covered", domains.SUPPORT_TOTAL),
    Statement(
        "§124",
        "employment_support_permanent_job",
        domains.SUPPORT_MEASURES_COVERED["permanent_job"],
    ),
]

_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")


def read_value(shown: str) -> float | None:
    """A figure as the English report prints it ("724,900", "3.6 %") as a number; None for
    anything else ("no data")."""
    text = shown.replace("\u00a0", " ").removesuffix("%").strip()
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", ""))


def compare(report: Report, wanted: list[Statement]) -> list[Comparison]:
    """Each statement against the report's figure of the same query on the report's date (the
    first line naming the query: the yearly lines that follow name it too). The report must be
    built in English, whose numbers ``read_value`` reads."""
    lines: dict[str, Line] = {}
    for section in report.sections:
        for each in section.lines:
            if each.query and each.query not in lines:
                lines[each.query] = each
    listed = {name for name, _ in report.queries}
    html = to_html(report)
    found = []
    for statement in wanted:
        line = lines.get(statement.query)
        shown = line.value if line is not None else ""
        traced = (
            line is not None
            and statement.query in listed
            and f'href="#query-{statement.query}"' in html
            and f'id="query-{statement.query}"' in html
        )
        found.append(Comparison(statement, shown, read_value(shown), traced))
    return found
