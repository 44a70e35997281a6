"""Synthetic rehabilitation programmes and their fulfilments, for the persons of the registry
with a current status, reproducing the seed's implementation rates.

Each person gets the items their limitations call for (a wheelchair or a walking aid for
mobility, a hearing aid and sign-language hours for hearing, …), as:
- the programme in force in each of the seed's years 2020–2023 before their current status
  began, from their birth at the earliest (one a year: a history, superseded by the next), and
- the programme that follows their current status, from 2020 at the earliest (an indefinite
  status: to the end of the year after next), in force today.

The lines due by ``today`` are then fulfilled so that each year's rate is the seed's exactly:
lines in a shuffled order are received whole until the year's share is reached, one line in
part, the rest not at all (a rate is a mean of shares, so this hits it to a fraction of a line).
Years after 2023 keep the seed's last rate.

Like the registry load, this writes the rows in bulk rather than through the services, which
check and audit one programme at a time; the rows are valid by construction (tests/synthetic
check the rates), and the whole is recorded as one audit event. Persons who already hold a
programme are left alone, so running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from inclusio.core.audit import SYSTEM, record_write
from inclusio.registry.models import DisabilityStatus
from inclusio.rehabilitation.catalogue import catalogue
from inclusio.rehabilitation.models import Fulfilment, Line, Programme, ProgrammeItem
from inclusio.rehabilitation.services import line_spans, programme_term
from inclusio.synthetic.figures import IMPLEMENTATION_RATES_PCT, implementation_rate_pct

FIRST_YEAR = min(IMPLEMENTATION_RATES_PCT)


@dataclass
class _Draft:
    programme: Programme
    items: list[tuple[ProgrammeItem, list[Line]]]


def _items_for(status: DisabilityStatus, rng: np.random.Generator) -> list[tuple[str, int]]:
    """The categories and amounts a person with this status is prescribed (illustrative shares:
    the seed gives the national volumes only)."""
    items: list[tuple[str, int]] = []
    severe = status.category in ("I", "child")
    if status.mobility:
        items.append(("wheelchair_manual" if severe else "walking_aid", 1))
        if rng.random() < 0.3:
            items.append(("orthopaedic_footwear", 1))
    if status.hearing:
        items.append(("hearing_aid", 1))
        if status.speech or rng.random() < 0.5:
            items.append(("sign_language", 60))
    if status.vision:
        items.append(("typhlotechnical_aid", 1))
    if severe and (status.mobility or status.intellectual) and rng.random() < 0.4:
        items.append(("diapers", int(rng.integers(2, 5))))
    if status.category == "I" and rng.random() < 0.5:
        items.append(("personal_assistant", 480))
    if rng.random() < 0.3:
        items.append(("sanatorium_treatment", 1))
    return items or [("orthopaedic_footwear", 1)]


def _current_term(status: DisabilityStatus, today: dt.date) -> tuple[dt.date, dt.date]:
    """The status's programme term (``programme_term``), from FIRST_YEAR at the earliest; an
    indefinite status, or one re-examined before then, to the end of the year after next."""
    start = max(status.valid_from, dt.date(FIRST_YEAR, 1, 1))
    if status.reexamination_date is None or status.reexamination_date <= start:
        return start, dt.date(today.year + 2, 12, 31)
    return start, programme_term(status)[1]


def _draft(
    status: DisabilityStatus,
    items: list[tuple[str, int]],
    start: dt.date,
    end: dt.date,
    issued: dt.datetime,
    superseded: dt.datetime | None,
) -> _Draft:
    known = catalogue()
    person = status.person
    programme = Programme(
        person=person,
        region_id=person.region_id,
        status=status,
        valid_from=start,
        valid_until=end,
        source=Programme.Source.SYNTHETIC,
        issued_at=issued,
        superseded_at=superseded,
    )
    drafted = []
    for code, amount in items:
        item = ProgrammeItem(programme=programme, category=code, amount=amount)
        lines = [
            Line(
                item=item,
                region_id=person.region_id,
                starts=a,
                ends=b,
                year=a.year,
                quantity=quantity,
            )
            for a, b, quantity in line_spans(known[code], amount, start, end)
        ]
        drafted.append((item, lines))
    return _Draft(programme, drafted)


def _at_nine(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


def _fulfil(
    lines: list[Line], today: dt.date, rng: np.random.Generator
) -> list[tuple[Line, int, dt.date]]:
    """Set each due line's ``fulfilled`` so that every year's mean share is its seed rate; the
    deliveries made, as (line, quantity, day)."""
    by_year: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        if line.starts <= today:
            by_year[line.year].append(line)
    deliveries = []
    for year, due in by_year.items():
        rate = implementation_rate_pct(year) / 100
        wanted = rate * len(due)
        for index in rng.permutation(len(due)):
            line = due[int(index)]
            share = min(1.0, wanted)
            if share <= 0:
                break
            line.fulfilled = min(line.quantity, round(share * line.quantity))
            wanted -= line.fulfilled / line.quantity
            if line.fulfilled:
                last = min(line.ends, today)
                offset = int(rng.integers(0, (last - line.starts).days + 1))
                deliveries.append((line, line.fulfilled, line.starts + dt.timedelta(offset)))
    return deliveries


def programmes_synthesise(
    *, seed: int = 1, region_code: str | None = None, today: dt.date | None = None
) -> dict[str, int]:
    """Programmes and fulfilments for the persons with a current status (of one region, or all)
    who hold none yet; how many of each were written."""
    today = today or timezone.localdate()
    rng = np.random.default_rng(seed)
    statuses = (
        DisabilityStatus.objects.filter(superseded_at__isnull=True, ended=False)
        .exclude(person__rehabilitation_programmes__isnull=False)
        .select_related("person")
        .order_by("person__iin")
    )
    if region_code is not None:
        statuses = statuses.filter(person__region_id=region_code)
    drafts: list[_Draft] = []
    for status in statuses:
        items = _items_for(status, rng)
        start, end = _current_term(status, today)
        if end < start:
            continue
        for year in range(FIRST_YEAR, min(start.year, max(IMPLEMENTATION_RATES_PCT)) + 1):
            # A child born in the year has a programme from birth at the earliest.
            year_start = max(dt.date(year, 1, 1), status.person.birth_date)
            year_end = min(dt.date(year, 12, 31), start - dt.timedelta(days=1))
            if year_end >= year_start:
                drafts.append(
                    _draft(
                        status,
                        items,
                        year_start,
                        year_end,
                        _at_nine(year_start),
                        _at_nine(year_end + dt.timedelta(days=1)),
                    )
                )
        drafts.append(_draft(status, items, start, end, _at_nine(start), None))
    lines = [line for draft in drafts for _item, item_lines in draft.items for line in item_lines]
    deliveries = _fulfil(lines, today, rng)
    recorded = timezone.now()
    with transaction.atomic():
        Programme.objects.bulk_create([draft.programme for draft in drafts], batch_size=2000)
        all_items = []
        for draft in drafts:
            for item, _lines in draft.items:
                item.programme = draft.programme  # now with its key
                all_items.append(item)
        ProgrammeItem.objects.bulk_create(all_items, batch_size=2000)
        for draft in drafts:
            for item, item_lines in draft.items:
                for line in item_lines:
                    line.item = item
        Line.objects.bulk_create(lines, batch_size=5000)
        Fulfilment.objects.bulk_create(
            [
                Fulfilment(
                    line=line,
                    quantity=quantity,
                    date=day,
                    source=Fulfilment.Source.SYNTHETIC,
                    recorded_at=recorded,
                )
                for line, quantity, day in deliveries
            ],
            batch_size=5000,
        )
        counts = {
            "programmes": len(drafts),
            "items": len(all_items),
            "lines": len(lines),
            "fulfilments": len(deliveries),
        }
        if drafts:
            record_write(
                actor=SYSTEM,
                action="synthetic_programmes",
                entity="rehabilitation_programme",
                entity_id=region_code or "all",
                data=counts,
            )
    return counts
