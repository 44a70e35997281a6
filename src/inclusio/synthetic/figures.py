"""The national figures the synthetic population reproduces, and the age bands they count.

Figures are those of DOMAIN.md, "Population figures at 1 January 2024" (from the state report in
seed/). The generator draws exact quotas from them, scaled and rounded to whole persons; the
checker compares a written snapshot against the same numbers, so both read them from here.

Age is the age in whole years on the reference date. The report does not define its bands, so:
children are under 18, working age is 18 to 62 inclusive, elderly is 63 and over, and "children
aged 7–18" is read as aged 7 to 17 inclusive (a person of 18 is no longer a child).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

REFERENCE_DATE = dt.date(2024, 1, 1)
ADULT_AGE = 18
ELDERLY_AGE = 63
SCHOOL_AGE = 7

NATIONAL_PERSONS = 20_000_000
NATIONAL_FAMILIES = 6_000_000

PWD_MALE = 404_000
PWD_FEMALE = 320_900
PWD_URBAN_SHARE = 0.582
PWD_WORKING_AGE = 420_300
PWD_ELDERLY = 195_100
PWD_CHILDREN = 109_500
PWD_CHILDREN_SCHOOL_AGE = 74_928
# Families raising children with disabilities, by how many such children they raise (4 = four
# or more). These families hold 109,145 children; the other 355 of the 109,500 are raised by a
# guardian rather than a parent, so their households are not counted here.
FAMILIES_BY_CHILDREN_WITH_DISABILITIES = {1: 99_971, 2: 4_123, 3: 248, 4: 46}
FAMILIES_RAISING_CHILDREN_WITH_DISABILITIES = 104_388
# Recipients of the home-education reimbursement (2023): children with disabilities taught at
# home, so that the home_schooled flag has realistic volume.
HOME_SCHOOLED_CHILDREN = 15_061

# The share of individual rehabilitation programmes carried out, by year (percent; seed §60,
# DOMAIN.md system 3). The synthetic programmes reproduce them; later years keep the last one.
IMPLEMENTATION_RATES_PCT = {2020: 78.8, 2021: 81.3, 2022: 90.8, 2023: 92.9}


def implementation_rate_pct(year: int) -> float:
    """The seed's rate of a year; a year after the seed's keeps its last one."""
    return IMPLEMENTATION_RATES_PCT.get(
        year, IMPLEMENTATION_RATES_PCT[max(IMPLEMENTATION_RATES_PCT)]
    )


# Persons with disabilities on 1 January of the report's years (2018–2023), which the status
# history (history.py) reproduces. The seed states the count only on 1 January 2024 (§12):
# these earlier totals are illustrative, a steady growth towards it, not statistics. Children
# are stated for 2021 and 2023 (§31: 98,300 and 109,500, read as at each year's end, since the
# 2023 figure is the 1 January 2024 one): on 1 January 2022 the history holds 98,300; the
# children of the other years are illustrative, a growth through it.
PWD_BY_YEAR = {
    2018: 660_000,
    2019: 671_000,
    2020: 682_000,
    2021: 691_000,
    2022: 702_000,
    2023: 713_000,
}
CHILDREN_BY_YEAR = {
    2018: 84_000,
    2019: 88_000,
    2020: 91_500,
    2021: 95_000,
    2022: 98_300,
    2023: 104_000,
}
# Of those counted on 1 January of a year, the share no longer with a status on the reference
# date grows by this much a year back (statuses not confirmed at re-examination); illustrative.
FORMER_SHARE_PER_YEAR = 0.035

# The shares as the report states them (percent); the counts above give the same to 0.1 pp.
SHARE_URBAN_PCT = 58.2
SHARE_MALE_PCT = 55.7
SHARE_WORKING_AGE_PCT = 58.0
SHARE_ELDERLY_PCT = 26.9
SHARE_CHILDREN_PCT = 15.1
SHARE_CHILDREN_SCHOOL_AGE_PCT = 68.4


@dataclass(frozen=True)
class Quotas:
    """The national figures scaled to one snapshot, in whole persons and families."""

    persons: int
    families: int
    pwd_male: int
    pwd_female: int
    pwd_urban: int
    working_age: int
    elderly: int
    children: int
    children_school_age: int
    families_by_children: dict[int, int]
    home_schooled: int

    @property
    def pwd(self) -> int:
        return self.pwd_male + self.pwd_female

    @property
    def children_raised_by_parents(self) -> int:
        return sum(k * n for k, n in self.families_by_children.items())

    @property
    def children_raised_by_guardians(self) -> int:
        return self.children - self.children_raised_by_parents


def quotas(scale: float) -> Quotas:
    def scaled(value: int) -> int:
        return round(value * scale)

    pwd_male, pwd_female = scaled(PWD_MALE), scaled(PWD_FEMALE)
    children, elderly = scaled(PWD_CHILDREN), scaled(PWD_ELDERLY)
    by_children = {k: scaled(n) for k, n in FAMILIES_BY_CHILDREN_WITH_DISABILITIES.items()}
    # Rounding at small scales may leave fewer children than the families need; the families'
    # distribution is the finer figure, so children grow to fit it.
    children = max(children, sum(k * n for k, n in by_children.items()))
    return Quotas(
        persons=scaled(NATIONAL_PERSONS),
        families=scaled(NATIONAL_FAMILIES),
        pwd_male=pwd_male,
        pwd_female=pwd_female,
        pwd_urban=round((pwd_male + pwd_female) * PWD_URBAN_SHARE),
        working_age=pwd_male + pwd_female - children - elderly,
        elderly=elderly,
        children=children,
        children_school_age=scaled(PWD_CHILDREN_SCHOOL_AGE),
        families_by_children=by_children,
        home_schooled=scaled(HOME_SCHOOLED_CHILDREN),
    )
