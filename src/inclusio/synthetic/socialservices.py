"""Synthetic special social services: the country's providers in the seed's mix, the persons
they serve with a month of attendance, the inspectors and their inspections.

Seed §6, §32–34, §128–130: 977 providers, 783 of them state — 118 residential, 88 day-care,
35 rehabilitation centres, 503 home-care units — and 194 private or non-governmental (the seed
does not split the other 39 state providers nor the private ones by kind: those splits are
illustrative); 61,000 persons served, 24,000 of
them children; 235 state social-protection inspectors made 378 inspections. Each figure is
shared among the regions by their population share (largest remainders, so the national totals
are exact); the demo loads one region's share. Persons served are the registry's persons of
the region with a current status, as many as its share asks and the registry holds, children
first up to their share.

Rows are written directly, as the other synthetic loads do, and a load is one audit event.
Running it again for a region that has providers adds nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from inclusio import countries
from inclusio.core.audit import SYSTEM, record_write
from inclusio.core.identifiers import check_digit
from inclusio.core.models import User
from inclusio.registry.models import Person
from inclusio.socialservices.models import (
    Attendance,
    Finding,
    Inspection,
    Licence,
    Need,
    Placement,
    Prescription,
    Provider,
    Signal,
    SocialOrderProject,
)
from inclusio.socialservices.services import requirements
from inclusio.synthetic.marketplace import make_iban

# The seed names four kinds of the 783 state providers (744 in all); the other 39 are counted
# here as crisis centres (illustrative).
STATE = {
    "residential": 118,
    "day_care": 88,
    "rehabilitation": 35,
    "home_care": 503,
    "crisis": 39,
}
PRIVATE = {"day_care": 80, "home_care": 70, "rehabilitation": 24, "crisis": 20}  # illustrative
PROVIDERS = 977
PERSONS_SERVED = 61_000
CHILDREN_SERVED = 24_000
INSPECTORS = 235
INSPECTIONS = 378
# How the persons served spread over the kinds of service (illustrative: the seed gives none).
PERSONS_BY_KIND = {
    "residential": 0.30,
    "day_care": 0.16,
    "rehabilitation": 0.10,
    "home_care": 0.41,
    "crisis": 0.03,
}
FREE_PLACES = 0.08  # places kept free beyond those taken, so that a person can still choose
PRESCRIPTION_SHARE = 0.5  # inspections that found a breach
SEED = 16
# The state social order (seed §129, §143): in 2023, 438 projects for an inclusive society
# worth ₸9.4 billion; 189 NGOs carry it out, covering more than 12,500 persons. The seed gives
# the persons and NGOs without a year; they are loaded as 2023's.
SOCIAL_ORDER_YEAR = 2023
SOCIAL_ORDER_PROJECTS = 438
SOCIAL_ORDER_BUDGET_KZT = 9_400_000_000
SOCIAL_ORDER_NGOS = 189
SOCIAL_ORDER_PERSONS = 12_500
_SOCIAL_ORDER_AREAS = (
    "special_social_services", "home_care", "rehabilitation", "psychological", "inclusion",
)  # fmt: skip
CHILD_AGE = 18


def _shares() -> dict[str, float]:
    return {r["code"]: float(r["population_share"]) for r in countries.regions("kz")}


def allocate(total: int, shares: Mapping[str, float]) -> dict[str, int]:
    """``total`` shared by ``shares`` in whole numbers that add up to it (largest remainders,
    ties by code)."""
    weight = sum(shares.values())
    exact = {code: total * share / weight for code, share in shares.items()}
    counts = {code: int(value) for code, value in exact.items()}
    left = total - sum(counts.values())
    for code in sorted(exact, key=lambda c: (-(exact[c] - counts[c]), c))[:left]:
        counts[code] += 1
    return counts


@dataclass(frozen=True)
class RegionFigures:
    providers: dict[tuple[str, str], int]  # (ownership, kind) → count
    persons: int
    children: int
    inspectors: int
    inspections: int


def region_figures(region: str) -> RegionFigures:
    shares = _shares()
    providers = {}
    for ownership, kinds in (("state", STATE), ("private", PRIVATE)):
        for kind, count in kinds.items():
            providers[(ownership, kind)] = allocate(count, shares)[region]
    return RegionFigures(
        providers=providers,
        persons=allocate(PERSONS_SERVED, shares)[region],
        children=allocate(CHILDREN_SERVED, shares)[region],
        inspectors=allocate(INSPECTORS, shares)[region],
        inspections=allocate(INSPECTIONS, shares)[region],
    )


def _bin(serial: int) -> str:
    while True:
        head = f"9912{serial:07d}"
        digit = check_digit(head)
        if digit is not None:
            return f"{head}{digit}"
        serial += 1_000_000


def last_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Loaded:
    providers: int
    persons: int
    children: int
    inspections: int
    prescriptions: int


def social_services_synthesise(*, region_code: str, seed: int = SEED) -> Loaded:
    """Load one region's share of the country's providers, persons served (with the last
    month's attendance), inspectors and inspections."""
    if Provider.objects.filter(region_id=region_code).exists():
        return Loaded(0, 0, 0, 0, 0)
    rng = random.Random(f"{seed}-{region_code}")  # noqa: S311 - reproducible, not a secret
    figures = region_figures(region_code)
    today = timezone.localdate()
    month = last_month(today)
    month_days = calendar.monthrange(month.year, month.month)[1]
    year_start, year_end = dt.date(month.year, 1, 1), dt.date(month.year, 12, 31)
    adults_born_before = dt.date(today.year - CHILD_AGE, today.month, 1)
    alive = Person.objects.filter(
        region_id=region_code,
        statuses__superseded_at__isnull=True,
        statuses__ended=False,
        social_service_needs__isnull=True,
    ).order_by("iin")
    children = list(alive.filter(birth_date__gt=adults_born_before)[: figures.children])
    adults = list(
        alive.filter(birth_date__lte=adults_born_before)[: figures.persons - len(children)]
    )
    served = children + adults
    rng.shuffle(served)
    serial_base = int(region_code) * 10_000
    with transaction.atomic():
        providers: list[Provider] = []
        for (ownership, kind), count in sorted(figures.providers.items()):
            for _number in range(count):
                serial = serial_base + len(providers)
                providers.append(
                    Provider(
                        bin=_bin(serial),
                        name=f"{_KIND_NAMES[kind]} № {len(providers) + 1}",
                        ownership=ownership,
                        kind=kind,
                        region_id=region_code,
                        address=f"{region_code}, {rng.choice(_STREETS)} {rng.randint(1, 120)}",
                        places=1,
                        iban=make_iban(500_000_000 + serial),
                    )
                )
        by_kind: dict[str, list[Provider]] = {}
        for provider in providers:
            by_kind.setdefault(provider.kind, []).append(provider)
        # Each person to a kind of service (of those the region has), then to one of its
        # providers in turn.
        kinds = [k for k in PERSONS_BY_KIND if k in by_kind]
        weights = [PERSONS_BY_KIND[k] for k in kinds]
        assigned: list[tuple[Person, Provider]] = []
        turn: dict[str, int] = dict.fromkeys(kinds, 0)
        for person in served:
            kind = rng.choices(kinds, weights)[0]
            provider = by_kind[kind][turn[kind] % len(by_kind[kind])]
            turn[kind] += 1
            assigned.append((person, provider))
        taken: dict[int, int] = {}
        for _person, provider in assigned:
            taken[id(provider)] = taken.get(id(provider), 0) + 1
        for provider in providers:
            used = taken.get(id(provider), 0)
            provider.places = max(1, used + round(used * FREE_PLACES) + 1)
        Provider.objects.bulk_create(providers, batch_size=2000)
        Licence.objects.bulk_create(
            [
                Licence(
                    provider=p,
                    number=f"SS-{p.bin[-6:]}",
                    valid_from=dt.date(2019, 1, 1),
                    valid_until=None,
                )
                for p in providers
            ],
            batch_size=2000,
        )
        needs = Need.objects.bulk_create(
            [
                Need(
                    person=person,
                    kind=provider.kind,
                    hours_per_month=rng.choice((40, 80, 120, 160)),
                    starts=year_start,
                    ends=year_end,
                    decided_by_service="synthetic",
                )
                for person, provider in assigned
            ],
            batch_size=5000,
        )
        placements = Placement.objects.bulk_create(
            [
                Placement(
                    need=need,
                    provider=provider,
                    starts=year_start,
                    ends=year_end,
                    decided_by_service="synthetic",
                )
                for need, (_person, provider) in zip(needs, assigned, strict=True)
            ],
            batch_size=5000,
        )
        # The calendar year of last month: its attendance is there to be funded.
        Attendance.objects.bulk_create(
            [
                Attendance(placement=p, month=month, days=rng.randint(month_days // 2, month_days))
                for p in placements
            ],
            batch_size=5000,
        )
        inspectors = _inspectors(region_code, figures.inspectors)
        inspections, prescriptions = _inspections(
            rng, providers, inspectors, figures.inspections, today
        )
        _social_order(region_code, rng)
        record_write(
            actor=SYSTEM,
            action="social_services_synthesise",
            entity="social_services",
            entity_id=region_code,
            data={
                "providers": len(providers),
                "persons": len(served),
                "children": len(children),
                "inspections": inspections,
                "prescriptions": prescriptions,
            },
        )
    return Loaded(len(providers), len(served), len(children), inspections, prescriptions)


def _split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` whole numbers that differ by at most one and add up to it."""
    return [total // parts + (1 if part < total % parts else 0) for part in range(parts)]


def _social_order(region_code: str, rng: random.Random) -> None:
    """The region's share of the 2023 state social order: its projects over its NGOs, the
    budget and the persons covered shared out in whole numbers that add up to its share."""
    shares = _shares()
    projects = allocate(SOCIAL_ORDER_PROJECTS, shares)[region_code]
    if not projects:
        return
    organisations = max(1, allocate(SOCIAL_ORDER_NGOS, shares)[region_code])
    budgets = _split(allocate(SOCIAL_ORDER_BUDGET_KZT, shares)[region_code], projects)
    persons = _split(allocate(SOCIAL_ORDER_PERSONS, shares)[region_code], projects)
    SocialOrderProject.objects.bulk_create(
        SocialOrderProject(
            ngo_name=f"«Қамқор-{region_code}-{number % organisations + 1}» қоғамдық бірлестігі",
            ngo_bin=_bin(5_000_000 + int(region_code) * 1_000 + number % organisations),
            region_id=region_code,
            title=f"Инклюзивті қоғамды дамыту: жоба № {number + 1}",
            area=rng.choice(_SOCIAL_ORDER_AREAS),
            year=SOCIAL_ORDER_YEAR,
            budget_kzt=budgets[number],
            persons_covered=persons[number],
        )
        for number in range(projects)
    )


def _inspectors(region_code: str, count: int) -> list[User]:
    """The region's inspectors: accounts without a password (nobody signs in as them)."""
    group = Group.objects.get(name="social_inspector")
    accounts = []
    for number in range(1, count + 1):
        user, created = User.objects.get_or_create(
            username=f"inspector_{region_code}_{number:03d}",
            defaults={"region_id": region_code},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(group)
        accounts.append(user)
    return accounts


def _inspections(
    rng: random.Random,
    providers: list[Provider],
    inspectors: list[User],
    count: int,
    today: dt.date,
) -> tuple[int, int]:
    """``count`` inspections of the past six months, half with a breach and its prescription
    (some past their deadline), and a few complaints and incidents for the next plan."""
    if not providers or not inspectors:
        return 0, 0
    codes = sorted(requirements())
    prescriptions = 0
    for number in range(count):
        provider = rng.choice(providers)
        held_on = today - dt.timedelta(days=rng.randint(1, 180))
        inspection = Inspection.objects.create(
            provider=provider,
            inspector=inspectors[number % len(inspectors)],
            held_on=held_on,
            summary="",
        )
        if rng.random() < PRESCRIPTION_SHARE:
            finding = Finding.objects.create(
                inspection=inspection, requirement=rng.choice(codes), note=_NOTE
            )
            Prescription.objects.create(
                finding=finding,
                provider=provider,
                deadline=held_on + dt.timedelta(days=rng.choice((30, 60, 90))),
            )
            prescriptions += 1
    Signal.objects.bulk_create(
        [
            Signal(
                provider=rng.choice(providers),
                kind=rng.choice(("complaint", "incident")),
                received=today - dt.timedelta(days=rng.randint(1, 150)),
            )
            for _ in range(max(1, count // 2))
        ]
    )
    return count, prescriptions


def link_demo_provider(region_code: str, account: User) -> Provider | None:
    """The demo's provider account is the staff of the region's first day-care provider."""
    provider = (
        Provider.objects.filter(region_id=region_code, kind="day_care").order_by("bin").first()
    )
    if provider is not None:
        provider.staff.add(account)
    return provider


@dataclass(frozen=True)
class Check:
    figure: str
    expected: int
    actual: int
    ok: bool


def social_services_check() -> list[Check]:
    """The loaded regions against their share of the national figures: providers by ownership
    and kind exactly, persons served and children at most their share (the registry may hold
    fewer), inspections exactly."""
    regions = sorted(set(Provider.objects.values_list("region_id", flat=True)))
    figures = [region_figures(code) for code in regions]
    checks = []
    for key in sorted({k for f in figures for k in f.providers}):
        expected = sum(f.providers.get(key, 0) for f in figures)
        actual = Provider.objects.filter(ownership=key[0], kind=key[1]).count()
        checks.append(Check(f"providers {key[0]} {key[1]}", expected, actual, expected == actual))
    persons = Placement.objects.filter(decided_by_service="synthetic").count()
    expected_persons = sum(f.persons for f in figures)
    checks.append(
        Check("persons served", expected_persons, persons, 0 < persons <= expected_persons)
    )
    inspections = Inspection.objects.filter(provider__region_id__in=regions).count()
    expected_inspections = sum(f.inspections for f in figures)
    checks.append(
        Check("inspections", expected_inspections, inspections, inspections >= expected_inspections)
    )
    order = SocialOrderProject.objects.filter(year=SOCIAL_ORDER_YEAR, region_id__in=regions)
    shares = _shares()
    for name, total, actual in (
        ("state social order projects", SOCIAL_ORDER_PROJECTS, order.count()),
        (
            "state social order budget, tenge",
            SOCIAL_ORDER_BUDGET_KZT,
            order.aggregate(total=Sum("budget_kzt"))["total"] or 0,
        ),
        (
            "state social order persons covered",
            SOCIAL_ORDER_PERSONS,
            order.aggregate(total=Sum("persons_covered"))["total"] or 0,
        ),
    ):
        expected = sum(allocate(total, shares)[code] for code in regions)
        checks.append(Check(name, expected, actual, expected == actual))
    return checks


_KIND_NAMES = {
    "residential": "Медициналық-әлеуметтік мекеме",
    "day_care": "Күндізгі болу бөлімшесі",
    "rehabilitation": "Оңалту орталығы",
    "home_care": "Үйде әлеуметтік қызмет көрсету бөлімшесі",
    "crisis": "Дағдарыс орталығы",
}
_STREETS = ("Абай даңғылы", "Республика даңғылы", "Кенесары көшесі", "Сарыарқа даңғылы")
_NOTE = "Талап толық орындалмаған"
