"""Employment test data, built through the app's services."""

from __future__ import annotations

import datetime as dt
import itertools

from inclusio.core.models import User
from inclusio.employment.models import Employer, Placement, SpecialWorkplace
from inclusio.employment.services import employer_create, placement_record, workplace_create
from inclusio.registry.models import Person
from inclusio.synthetic.marketplace import make_bin, make_iban

_serials = itertools.count(1)


def new_bin() -> str:
    return make_bin(5_000 + next(_serials), dt.date(2015, 3, 1))  # apart from other tests


def make_employer(
    officer: User, *, headcount: int = 200, hazardous: int = 0, iban: bool = True
) -> Employer:
    return employer_create(
        actor=officer,
        bin=new_bin(),
        name="Astana Su LLP",
        region_code=officer.region_id or "71",
        headcount=headcount,
        hazardous_jobs=hazardous,
        iban=make_iban(next(_serials)) if iban else "",
    )


def make_workplace(
    officer: User,
    person: Person,
    *,
    first_month: dt.date = dt.date(2024, 1, 1),
    wage: int = 150_001,
    equipment: int = 400_000,
) -> SpecialWorkplace:
    employer = make_employer(officer)
    placement: Placement = placement_record(
        actor=officer, person=person, employer=employer, started=first_month
    )
    return workplace_create(
        actor=officer,
        placement=placement,
        first_month=first_month,
        monthly_wage_kzt=wage,
        equipment_kzt=equipment,
    )
