"""Synthetic employment data reproducing the seed's figures (§123–124): employers under the job
quota with about 8,200 persons employed through it at the end of 2023, 616 special workplaces
organised since 2018, and 34,895 persons covered by employment support measures at 1 January
2024 in the report's ten categories.

``national_employment`` draws the whole country as numpy columns (no database), which
``national_check`` holds to the figures and the quota benchmark computes over; ``load_region``
puts one region's share into the database for the demo, on the region's registry persons.
Employers' sizes are illustrative: the seed gives no count of employers; the split by region
follows the regions' population shares.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from inclusio import countries
from inclusio.core.audit import SYSTEM, record_write
from inclusio.core.models import Region
from inclusio.employment.models import (
    Employer,
    Placement,
    SpecialWorkplace,
    SupportMeasure,
    Vacancy,
)
from inclusio.registry.models import DisabilityStatus

# The seed's figures (§123–124) are the snapshot generator's, which imports no Django: defined
# there once, loaded into the database here.
from inclusio.synthetic.domains import (
    NATIONAL_EMPLOYERS,
    QUOTA_EMPLOYED,
    SUPPORT_TOTAL,
)
from inclusio.synthetic.domains import SPECIAL_WORKPLACES_ORGANISED as SPECIAL_WORKPLACES
from inclusio.synthetic.domains import SUPPORT_MEASURES_COVERED as SUPPORT_MEASURES
from inclusio.synthetic.marketplace import make_bin, make_iban

REFERENCE_DATE = dt.date(2024, 1, 1)
SEED = 20242
BIN_SERIAL_BASE = 30_000  # apart from the marketplace's synthetic suppliers


def apportion(total: int, shares: np.ndarray) -> np.ndarray:
    """``total`` split in whole numbers by ``shares`` (largest remainders), summing exactly."""
    exact = total * shares / shares.sum()
    whole = np.floor(exact).astype(np.int64)
    rest = total - int(whole.sum())
    whole[np.argsort(-(exact - whole), kind="stable")[:rest]] += 1
    return whole


@dataclass(frozen=True)
class NationalEmployment:
    region_codes: list[str]
    employer_region: np.ndarray  # region code per employer (str)
    headcount: np.ndarray
    hazardous: np.ndarray
    filled: np.ndarray  # quota places filled at the end of 2023
    workplace_region: np.ndarray
    workplace_first_month: np.ndarray  # datetime64[M]
    support: dict[str, np.ndarray]  # kind → persons per region (in region_codes order)


def _shares() -> tuple[list[str], np.ndarray]:
    regions = countries.regions("kz")
    return [r["code"] for r in regions], np.array([r["population_share"] for r in regions])


def national_employment(
    seed: int = SEED, employers: int = NATIONAL_EMPLOYERS
) -> NationalEmployment:
    rng = np.random.default_rng(seed)
    codes, shares = _shares()
    per_region = apportion(employers, shares)
    region = np.repeat(np.array(codes), per_region)
    # Sizes from 50 up, most employers small: 50 + a long-tailed draw.
    headcount = 50 + np.floor(rng.pareto(1.3, size=employers) * 60).astype(np.int64)
    headcount = np.minimum(headcount, 20_000)
    hazardous = rng.binomial(headcount, 0.12)
    # The 8,200 places spread over the employers in proportion to what they owe (2–4 %).
    owed = (headcount - hazardous) * np.where(headcount > 250, 4, np.where(headcount > 100, 3, 2))
    filled = np.bincount(
        rng.choice(employers, size=QUOTA_EMPLOYED, p=owed / owed.sum()), minlength=employers
    )
    workplace_region = np.repeat(np.array(codes), apportion(SPECIAL_WORKPLACES, shares))
    months = np.arange(np.datetime64("2018-01"), np.datetime64("2024-01"))
    first_month = rng.choice(months, size=SPECIAL_WORKPLACES)
    support = {kind: apportion(count, shares) for kind, count in SUPPORT_MEASURES.items()}
    return NationalEmployment(
        region_codes=codes,
        employer_region=region,
        headcount=headcount,
        hazardous=hazardous,
        filled=filled,
        workplace_region=workplace_region,
        workplace_first_month=first_month,
        support=support,
    )


def national_check(data: NationalEmployment) -> list[str]:
    """What differs from the seed's figures (empty when everything matches)."""
    problems = []
    if int(data.filled.sum()) != QUOTA_EMPLOYED:
        problems.append(f"quota employed {int(data.filled.sum())} != {QUOTA_EMPLOYED}")
    if len(data.workplace_first_month) != SPECIAL_WORKPLACES:
        problems.append(f"special workplaces {len(data.workplace_first_month)}")
    if data.workplace_first_month.min() < np.datetime64("2018-01"):
        problems.append("a special workplace before 2018")
    for kind, count in SUPPORT_MEASURES.items():
        if int(data.support[kind].sum()) != count:
            problems.append(f"{kind} {int(data.support[kind].sum())} != {count}")
    if sum(int(v.sum()) for v in data.support.values()) != SUPPORT_TOTAL:
        problems.append("support measures do not add up to 34,895")
    if bool((data.hazardous > data.headcount).any()):
        problems.append("hazardous jobs above headcount")
    return problems


@dataclass(frozen=True)
class Loaded:
    employers: int
    placements: int
    workplaces: int
    measures: int
    vacancies: int


def load_region(region_code: str, *, seed: int = SEED) -> Loaded:
    """The region's share of the national data, in the database, on its registry persons with a
    current adult status (as many as there are). Run again, it adds nothing."""
    if Employer.objects.filter(region_id=region_code).exists():
        return Loaded(0, 0, 0, 0, 0)
    data = national_employment(seed)
    index = data.region_codes.index(region_code)
    region = Region.objects.get(code=region_code)
    rng = np.random.default_rng(seed + index)
    mine = np.flatnonzero(data.employer_region == region_code)
    statuses = list(
        DisabilityStatus.objects.filter(
            person__region_id=region_code,
            superseded_at__isnull=True,
            ended=False,
            category__in=["I", "II", "III"],
        )
        .filter(valid_from__lt=REFERENCE_DATE)
        .select_related("person")
        .order_by("person_id")
    )
    order = rng.permutation(len(statuses))
    persons = [statuses[i] for i in order]
    now = timezone.now()
    with transaction.atomic():
        employers = Employer.objects.bulk_create(
            [
                Employer(
                    bin=make_bin(BIN_SERIAL_BASE + int(i), dt.date(2005 + int(i) % 18, 1, 1)),
                    name=f"ТОО «Работодатель {region_code}-{n + 1}»",
                    region=region,
                    headcount=int(data.headcount[i]),
                    hazardous_jobs=int(data.hazardous[i]),
                    iban=make_iban(BIN_SERIAL_BASE + int(i)),
                )
                for n, i in enumerate(mine)
            ],
            batch_size=2000,
        )
        # The special workplaces first, so that a small registry still shows some.
        special = min(int((data.workplace_region == region_code).sum()), len(persons))
        placements: list[Placement] = [
            Placement(
                person=status.person,
                employer=employers[int(rng.integers(0, len(employers)))],
                started=max(status.valid_from, dt.date(2021, 1, 1)).replace(day=1),
                recorded_at=now,
            )
            for status in persons[:special]
        ]
        waiting = iter(persons[special:])
        for employer, i in zip(employers, mine, strict=True):
            for status in itertools.islice(waiting, int(data.filled[i])):
                started = max(status.valid_from, dt.date(2019, 1, 1)) + dt.timedelta(
                    days=int(rng.integers(0, 300))
                )
                placements.append(
                    Placement(
                        person=status.person,
                        employer=employer,
                        started=min(started, REFERENCE_DATE - dt.timedelta(days=1)),
                        recorded_at=now,
                    )
                )
        Placement.objects.bulk_create(placements, batch_size=2000)
        workplaces = SpecialWorkplace.objects.bulk_create(
            [
                SpecialWorkplace(
                    placement=placement,
                    first_month=placement.started.replace(day=1),
                    monthly_wage_kzt=int(rng.integers(120, 260)) * 1000,
                    equipment_kzt=int(rng.integers(200, 900)) * 1000,
                    created_at=now,
                )
                for placement in placements[:special]
            ]
        )
        measures = []
        for kind, per_region in data.support.items():
            for _ in range(int(per_region[index])):
                status = persons[int(rng.integers(0, len(persons)))] if persons else None
                if status is None:
                    break
                started = dt.date(2023, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
                measures.append(SupportMeasure(person=status.person, kind=kind, started=started))
        SupportMeasure.objects.bulk_create(measures, batch_size=5000)
        vacancies = Vacancy.objects.bulk_create(
            [
                Vacancy(
                    employer=employers[int(rng.integers(0, len(employers)))],
                    title=title,
                    wage_kzt=wage,
                    published_at=now,
                    **needs,
                )
                for title, wage, needs in _VACANCIES
            ]
        )
        loaded = Loaded(
            len(employers), len(placements), len(workplaces), len(measures), len(vacancies)
        )
        record_write(
            actor=SYSTEM,
            action="employment_synthetic_load",
            entity="region",
            entity_id=region_code,
            data=loaded.__dict__,
        )
    return loaded


_VACANCIES: tuple[tuple[str, int, dict[str, bool]], ...] = (
    ("Оператор колл-центра", 180_000, {"needs_hearing": True, "needs_speech": True}),
    ("Бухгалтер", 260_000, {"needs_intellectual": True}),
    ("Швея", 150_000, {"needs_vision": True}),
    ("Курьер", 170_000, {"needs_mobility": True}),
    ("Оператор ввода данных", 160_000, {}),
    ("Упаковщик", 140_000, {}),
    ("Программист-тестировщик", 350_000, {}),
    ("Администратор сайта", 240_000, {"needs_vision": True}),
)
