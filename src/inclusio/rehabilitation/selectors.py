"""Reads of rehabilitation programmes, and the implementation rate.

A person's programme is read through the access module and logged in their access log; the
rates are counts over many persons and name nobody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from inclusio.core import access
from inclusio.core.audit import Actor
from inclusio.core.models import Purpose, Region, Seen
from inclusio.core.roles import IMPLEMENTATION_RATE_VIEW
from inclusio.core.worklists import require_permission
from inclusio.registry.models import Person
from inclusio.rehabilitation.catalogue import Category, catalogue
from inclusio.rehabilitation.models import Line, Programme


@dataclass(frozen=True)
class ItemView:
    category: Category
    amount: int
    prescribed: int  # over the whole programme, less what a revision withdrew
    fulfilled: int
    now_owed: int | None  # the line under way today: this month's or this year's, if any
    now_fulfilled: int | None

    @property
    def left(self) -> int:
        return self.prescribed - self.fulfilled


@dataclass(frozen=True)
class ProgrammeView:
    person: Person
    current: Programme | None
    items: list[ItemView]
    history: list[Programme]  # every programme, newest first (the current one included)
    rates: list[Rate]  # the person's own implementation rate, by year


@dataclass(frozen=True)
class Rate:
    key: str  # a year, or a region's code
    lines: int
    percent: float | None  # None: nothing prescribed


def _with_share(lines: QuerySet[Line], *keys: str) -> QuerySet[Line, dict[str, object]]:
    """One aggregate query: the number of lines and their mean fulfilled share in each group of
    ``keys``, in the order of the keys."""
    return (
        lines.values(*keys)
        .annotate(
            count=Count("id"),
            share=Avg(Cast("fulfilled", FloatField()) / Cast("quantity", FloatField())),
        )
        .order_by(*keys)
    )


def _rate(key: object, row: dict[str, object]) -> Rate:
    share = row["share"]
    return Rate(
        key=str(key),
        lines=cast(int, row["count"]),
        percent=round(100 * cast(float, share), 1) if share is not None else None,
    )


def _rate_rows(lines: QuerySet[Line], key: str) -> list[Rate]:
    """The rate of the lines in each group of ``key``."""
    return [_rate(row[key], row) for row in _with_share(lines, key)]


def counted_lines(today: dt.date | None = None) -> QuerySet[Line]:
    """The lines the rate counts: not withdrawn, and begun by ``today`` (a year's rate is final
    once the year is over)."""
    return Line.objects.filter(withdrawn=False, starts__lte=today or timezone.localdate())


def rate_by_year(
    *, region_code: str | None = None, person: Person | None = None, today: dt.date | None = None
) -> list[Rate]:
    lines = counted_lines(today)
    if region_code is not None:
        lines = lines.filter(region_id=region_code)
    if person is not None:
        lines = lines.filter(item__programme__person=person)
    return _rate_rows(lines, "year")


def rate_by_region(*, year: int, today: dt.date | None = None) -> list[Rate]:
    """The national report of one year: each region's rate, in one query."""
    return _rate_rows(counted_lines(today).filter(year=year), "region_id")


def rate_national(*, year: int, today: dt.date | None = None) -> Rate:
    rows = _rate_rows(counted_lines(today).filter(year=year), "year")
    return rows[0] if rows else Rate(key=str(year), lines=0, percent=None)


@dataclass(frozen=True)
class RatesReport:
    regions: list[tuple[Region, list[Rate]]]  # each region the actor covers, its rates by year
    national: list[Rate] | None  # for national staff: the country's rate by year


def implementation_rates(*, actor: Actor, today: dt.date | None = None) -> RatesReport:
    """The implementation rate by year of each region the actor covers (their own, or every
    region for national staff, with the country's). Counts only: no person is read."""
    actor = require_permission(actor, IMPLEMENTATION_RATE_VIEW)
    regions = list(Region.objects.order_by("code"))
    if actor.region_id is not None:
        regions = [region for region in regions if region.code == actor.region_id]
    lines = counted_lines(today)
    if actor.region_id is not None:
        lines = lines.filter(region_id=actor.region_id)
    by_region: dict[str, list[Rate]] = {region.code: [] for region in regions}
    for row in _with_share(lines, "region_id", "year"):
        by_region[cast(str, row["region_id"])].append(_rate(row["year"], row))
    national = rate_by_year(today=today) if actor.region_id is None else None
    return RatesReport(
        regions=[(region, by_region[region.code]) for region in regions], national=national
    )


def _removed(code: str) -> Category:
    """A category the programme holds but the catalogue no longer lists: still shown, named by
    its code, rather than the page failing."""
    return Category(
        code=code,
        kind="",
        unit="",
        service_life_months=None,
        daily_norm=None,
        illustrative=(),
        names={"kk": code},
    )


def _items(programme: Programme, today: dt.date) -> list[ItemView]:
    known = catalogue()
    items = programme.items.annotate(
        prescribed=Sum("lines__quantity", filter=Q(lines__withdrawn=False), default=0),
        received=Sum("lines__fulfilled", filter=Q(lines__withdrawn=False), default=0),
    ).order_by("id")
    now = {
        line.item_id: line
        for line in Line.objects.filter(
            item__programme=programme, withdrawn=False, starts__lte=today, ends__gte=today
        )
    }
    views = []
    for item in items:
        line = now.get(item.pk)
        views.append(
            ItemView(
                category=known.get(item.category) or _removed(item.category),
                amount=item.amount,
                prescribed=item.prescribed,
                fulfilled=item.received,
                now_owed=line.quantity if line else None,
                now_fulfilled=line.fulfilled if line else None,
            )
        )
    return views


def programme_view(
    *, actor: Actor, person: Person, purpose: Purpose, today: dt.date | None = None
) -> ProgrammeView:
    """The person's programme as they, their representative or staff of their region see it:
    the items with what is left, the history with authors and reasons, the rate by year. A read
    by anyone but the person is logged; anyone else is refused as if the person did not exist."""
    access.see(actor, person, what=Seen.REHABILITATION_PROGRAMME, purpose=purpose)
    today = today or timezone.localdate()
    history = list(
        Programme.objects.filter(person=person)
        .select_related("issued_by")
        .order_by(F("superseded_at").desc(nulls_first=True), "-issued_at", "-id")
    )
    current = next((p for p in history if p.superseded_at is None), None)
    return ProgrammeView(
        person=person,
        current=current,
        items=_items(current, today) if current else [],
        history=history,
        rates=rate_by_year(person=person, today=today),
    )
