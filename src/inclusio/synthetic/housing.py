"""Synthetic housing waiting lists reproducing the seed's figures (§46): 55,258 persons with
disabilities of groups I–II and 25,337 families raising a child with a disability waiting;
3,684 and 1,988 housed over 2018–2023.

The national figures are shared among the regions by population share with the largest
remainder, so that the regions add up to the national figures exactly (``national_check``).
A load takes a region's share (or every region's) at a scale, and registers that many of the
registry's eligible persons — adults with a current status of group I or II, and one child
with a disability per family — drawn with a fixed seed; a region with fewer eligible persons
than its share registers all of them, and the shortfall is reported. Like the other synthetic
loads it writes rows directly, then orders every list with one recompute; the load is one audit
event. A region whose list already holds registrations is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inclusio import countries
from inclusio.core.audit import SYSTEM, record_write
from inclusio.housing.categories import CHILD, GROUP_I_II, categories
from inclusio.housing.models import Event, Registration
from inclusio.housing.services import positions_recompute, waiting_list_of
from inclusio.registry.models import Category, DisabilityStatus, FamilyMembership

WAITING_PERSONS = 55_258
WAITING_FAMILIES = 25_337
HOUSED_PERSONS = 3_684
HOUSED_FAMILIES = 1_988
HOUSED_YEARS = (2018, 2023)
WAITING_SINCE = dt.date(2008, 1, 1)
HOUSED_SINCE = dt.date(2005, 1, 1)
WAITING_UNTIL = dt.date(2023, 12, 31)
BATCH = 5_000
SYNTHETIC_BASIS = "Synthetic: decision of the local executive body"


@dataclass(frozen=True)
class Targets:
    waiting_persons: int
    waiting_families: int
    housed_persons: int
    housed_families: int


def _apportion(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Whole numbers proportional to ``shares`` that add up to ``total`` exactly."""
    whole = sum(shares.values())
    exact = {code: total * share / whole for code, share in shares.items()}
    given = {code: int(value) for code, value in exact.items()}
    left = total - sum(given.values())
    for code in sorted(exact, key=lambda c: (given[c] - exact[c], c))[:left]:
        given[code] += 1
    return given


def targets(scale: float = 1.0) -> dict[str, Targets]:
    """Each region's share of the national figures at ``scale``."""
    shares = {r["code"]: float(r["population_share"]) for r in countries.regions(settings.COUNTRY)}
    parts = [
        _apportion(round(figure * scale), shares)
        for figure in (WAITING_PERSONS, WAITING_FAMILIES, HOUSED_PERSONS, HOUSED_FAMILIES)
    ]
    return {code: Targets(*(part[code] for part in parts)) for code in shares}


def national_check(by_region: dict[str, Targets]) -> dict[str, tuple[int, int]]:
    """The national figure and the regions' sum, per figure, for the full-scale targets."""
    expected = {
        "waiting_persons": WAITING_PERSONS,
        "waiting_families": WAITING_FAMILIES,
        "housed_persons": HOUSED_PERSONS,
        "housed_families": HOUSED_FAMILIES,
    }
    return {
        figure: (national, sum(getattr(t, figure) for t in by_region.values()))
        for figure, national in expected.items()
    }


def _eligible(region_code: str) -> tuple[list[int], list[int]]:
    """The region's adults of group I–II and one child with a disability per family, by id."""
    current = DisabilityStatus.objects.filter(
        superseded_at__isnull=True, ended=False, person__region_id=region_code
    )
    adults = list(
        current.filter(category__in=[Category.GROUP_I, Category.GROUP_II])
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    children = list(
        current.filter(category=Category.CHILD)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    family_of = dict(
        FamilyMembership.objects.filter(person_id__in=children).values_list(
            "person_id", "family_id"
        )
    )
    seen: set[int] = set()
    one_per_family = []
    for person_id in children:
        family = family_of.get(person_id)
        if family is None or family not in seen:
            one_per_family.append(person_id)
            if family is not None:
                seen.add(family)
    return adults, one_per_family


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def housing_synthesise(
    *, scale: float = 1.0, region_code: str | None = None, seed: int = 1
) -> dict[str, int]:
    """Register the region's (or every region's) share; returns the counts written and the
    shortfall against the targets."""
    known = categories()
    group, child = known[GROUP_I_II], known[CHILD]
    counts = {"waiting": 0, "housed": 0, "shortfall": 0}
    now = timezone.now()
    for code, target in sorted(targets(scale).items()):
        if region_code is not None and code != region_code:
            continue
        waiting_list = waiting_list_of(code)
        if Registration.objects.filter(waiting_list=waiting_list).exists():
            continue
        rng = random.Random(f"{seed}-{code}")  # noqa: S311 - synthetic data, not secrets
        adults, children = _eligible(code)
        rng.shuffle(adults)
        rng.shuffle(children)
        rows: list[Registration] = []
        housed: list[tuple[Registration, dt.datetime]] = []
        for people, category, n_housed, n_waiting in (
            (adults, group, target.housed_persons, target.waiting_persons),
            (children, child, target.housed_families, target.waiting_families),
        ):
            chosen = people[: n_housed + n_waiting]
            counts["shortfall"] += n_housed + n_waiting - len(chosen)
            for index, person_id in enumerate(chosen):
                is_housed = index < n_housed
                year = rng.randint(*HOUSED_YEARS)
                # The housed waited some years before their year; the others since 2008.
                registered = _day(
                    rng,
                    HOUSED_SINCE if is_housed else WAITING_SINCE,
                    dt.date(year - 1, 12, 31) if is_housed else WAITING_UNTIL,
                )
                row = Registration(
                    waiting_list=waiting_list,
                    person_id=person_id,
                    category=category.code,
                    priority=category.priority,
                    registered_on=registered,
                    registered_at=now,
                    status=Registration.Status.HOUSED if is_housed else Registration.Status.WAITING,
                )
                if is_housed:
                    closed = _day(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
                    row.closed_at = dt.datetime.combine(closed, dt.time(10), tzinfo=dt.UTC)
                    housed.append((row, row.closed_at))
                rows.append(row)
        with transaction.atomic():
            Registration.objects.bulk_create(rows, batch_size=BATCH)
            Event.objects.bulk_create(
                [
                    Event(
                        registration=row,
                        kind=Event.Kind.ALLOCATED,
                        at=closed_at,
                        legal_basis=SYNTHETIC_BASIS,
                        dwelling="—",
                    )
                    for row, closed_at in housed
                ],
                batch_size=BATCH,
            )
            record_write(
                actor=SYSTEM,
                action="housing_synthesise",
                entity="housing_waiting_list",
                entity_id=waiting_list.pk,
                data={"registrations": len(rows), "housed": len(housed)},
            )
        counts["housed"] += len(housed)
        counts["waiting"] += len(rows) - len(housed)
    positions_recompute(actor=SYSTEM)
    return counts
