"""Writes of individual rehabilitation programmes: issuing one with a decision of the
medical-social expertise, revising it, closing it when the status ends, and recording what the
person received.

``programme_issue`` runs inside the decision's transaction (assessment calls it): a refused
prescription refuses the whole decision, and nothing is written.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.access import require
from inclusio.core.audit import SYSTEM, Actor, account_of, changes, record_write
from inclusio.core.errors import ValidationFailed
from inclusio.core.roles import PERSON_MANAGE, PROGRAMME_REVISE
from inclusio.core.rows import update_fields
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.rehabilitation.catalogue import (
    SANATORIUM,
    TECHNICAL_AID,
    Category,
    category_get,
)
from inclusio.rehabilitation.errors import ErrorCode
from inclusio.rehabilitation.events import programme_issued
from inclusio.rehabilitation.models import Fulfilment, Line, Programme, ProgrammeItem

# A status established indefinitely has no end for the programme to follow: its programme runs
# for this many years, after which the expertise revises it (a choice of this platform, not law).
INDEFINITE_PROGRAMME_YEARS = 3
# Hours in a leap year: no service is prescribed for longer than a year has.
MOST_HOURS_A_YEAR = 8784
# The most aids, courses or hygiene items a day a line may hold: a typing slip (1000 wheelchairs)
# is refused rather than written.
MOST_PIECES = 100


@dataclass(frozen=True)
class Prescribed:
    """One row of the prescription as the specialist writes it: a catalogue category and its
    amount — a quantity for the programme (aids, courses), items a day (hygiene products),
    hours a year (sign-language and personal-assistant services)."""

    category: str
    amount: int


def check_prescription(prescription: Iterable[Prescribed]) -> list[tuple[Category, int]]:
    """The prescription's rows with their categories, or the first refusal."""
    rows = list(prescription)
    if not rows:
        raise ValidationFailed(ErrorCode.PROGRAMME_EMPTY, _("A programme needs at least one item."))
    checked: list[tuple[Category, int]] = []
    seen: set[str] = set()
    for row in rows:
        category = category_get(row.category)
        if category.code in seen:
            raise ValidationFailed(
                ErrorCode.CATEGORY_REPEATED,
                _("“%(name)s” is prescribed twice: give it once, with the whole amount."),
                name=category.name(),
            )
        seen.add(category.code)
        if row.amount <= 0:
            raise ValidationFailed(
                ErrorCode.QUANTITY_NOT_POSITIVE,
                _("The amount of “%(name)s” must be 1 or more."),
                name=category.name(),
            )
        if category.hygiene:
            assert category.daily_norm is not None  # the catalogue's check holds it
            if row.amount > category.daily_norm:
                raise ValidationFailed(
                    ErrorCode.HYGIENE_OVER_NORM,
                    _("“%(name)s” may be prescribed at most %(norm)s a day; %(amount)s given."),
                    name=category.name(),
                    norm=category.daily_norm,
                    amount=row.amount,
                )
        most = MOST_HOURS_A_YEAR if category.hourly else MOST_PIECES
        if row.amount > most:
            raise ValidationFailed(
                ErrorCode.QUANTITY_TOO_LARGE,
                _("The amount of “%(name)s” may be at most %(most)s."),
                name=category.name(),
                most=most,
            )
        checked.append((category, row.amount))
    return checked


def programme_term(status: DisabilityStatus) -> tuple[dt.date, dt.date]:
    """The programme follows the status: from its first day to the day before re-examination
    (an indefinite status: INDEFINITE_PROGRAMME_YEARS years)."""
    start = status.valid_from
    if status.reexamination_date is not None and status.reexamination_date > start:
        return start, status.reexamination_date - dt.timedelta(days=1)
    try:
        end = start.replace(year=start.year + INDEFINITE_PROGRAMME_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + INDEFINITE_PROGRAMME_YEARS, day=28)
    return start, end - dt.timedelta(days=1)


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    spans = []
    day = start
    while day <= end:
        last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        spans.append((day, min(last, end)))
        day = last + dt.timedelta(days=1)
    return spans


def _years(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    return [
        (max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31)))
        for year in range(start.year, end.year + 1)
    ]


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def _hours(amount: int, start: dt.date, end: dt.date) -> int:
    """A year's hours for the part of a calendar year the span covers, rounded to the hour."""
    in_year = 366 if calendar.isleap(start.year) else 365
    return round(amount * _days(start, end) / in_year)


def line_spans(
    category: Category, amount: int, start: dt.date, end: dt.date
) -> list[tuple[dt.date, dt.date, int]]:
    """The lines of an item over ``start``–``end``: ``(starts, ends, quantity)``.

    Hygiene products are owed month by month (the daily norm × the days of the month in the
    programme), because they are delivered monthly and a month's supply is what a home can
    store; hours year by year (a year's hours, prorated for a part year); an aid or a course
    once for the whole programme. A line of no quantity (a few days' hours) is left out.
    """
    if category.hygiene:
        spans = [(a, b, amount * _days(a, b)) for a, b in _months(start, end)]
    elif category.hourly:
        spans = [(a, b, _hours(amount, a, b)) for a, b in _years(start, end)]
    else:
        spans = [(start, end, amount)]
    return [span for span in spans if span[2] > 0]


def _digest_of(rows: Sequence[tuple[Category, int]]) -> dict[str, object]:
    # What was prescribed is health data: the trail that is never erased keeps a digest.
    text = ";".join(f"{category.code}={amount}" for category, amount in rows)
    return changes({}, {"prescription": text}, personal={"prescription"})


def _cut(programme: Programme, day: dt.date) -> None:
    """End ``programme``'s lines the day before ``day``: lines not begun are withdrawn; a line
    under way keeps what its days before ``day`` owe (never less than was delivered) — an aid or
    a course not yet delivered is withdrawn, for the next programme to prescribe again."""
    lines = Line.objects.filter(item__programme=programme, withdrawn=False, ends__gte=day)
    lines.filter(starts__gte=day).update(withdrawn=True)
    under_way = list(lines.filter(starts__lt=day).select_related("item"))
    last = day - dt.timedelta(days=1)
    for line in under_way:
        category = category_get(line.item.category)
        if category.kind in (TECHNICAL_AID, SANATORIUM):
            owed = 0  # delivered or not: it is owed whole, or moves on whole
        else:
            spans = line_spans(category, line.item.amount, line.starts, last)
            owed = spans[0][2] if spans else 0
        owed = max(owed, line.fulfilled)
        line.ends = last
        if owed == 0:
            line.withdrawn = True  # its quantity stays as it was, for the history
        else:
            line.quantity = owed
    Line.objects.bulk_update(under_way, ["quantity", "ends", "withdrawn"])


def _create(
    *,
    actor: Actor,
    person: Person,
    status: DisabilityStatus | None,
    rows: Sequence[tuple[Category, int]],
    start: dt.date,
    end: dt.date,
    source: str,
    reason: str,
) -> Programme:
    now = timezone.now()
    previous = (
        Programme.objects.select_for_update()
        .filter(person=person, superseded_at__isnull=True)
        .first()
    )
    if previous is not None:
        _cut(previous, start)
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    programme = Programme.objects.create(
        person=person,
        region_id=person.region_id,
        status=status,
        valid_from=start,
        valid_until=end,
        source=source,
        reason=reason,
        issued_by=account_of(actor),
        issued_at=now,
    )
    lines: list[Line] = []
    for category, amount in rows:
        item = ProgrammeItem.objects.create(
            programme=programme, category=category.code, amount=amount
        )
        lines.extend(
            Line(
                item=item,
                region_id=person.region_id,
                starts=a,
                ends=b,
                year=a.year,
                quantity=quantity,
            )
            for a, b, quantity in line_spans(category, amount, start, end)
        )
    Line.objects.bulk_create(lines)
    record_write(
        actor=actor,
        action=f"programme_{source}",
        entity="rehabilitation_programme",
        entity_id=programme.pk,
        data={
            "person": person.iin,
            "status": status.pk if status else None,
            "supersedes": previous.pk if previous else None,
            "valid_from": start.isoformat(),
            "valid_until": end.isoformat(),
            "items": len(rows),
            "lines": len(lines),
            "reason_given": bool(reason),
            **_digest_of(rows),
        },
    )
    programme_issued.send(sender=Programme, programme=programme, previous=previous, actor=actor)
    return programme


def programme_issue(
    *,
    actor: Actor,
    person: Person,
    status: DisabilityStatus | None,
    prescription: Iterable[Prescribed],
) -> Programme:
    """Issue the programme a decision prescribes, for the term of the status it establishes;
    a programme the person holds is revised by it (kept in the history). Runs in the caller's
    transaction: assessment's ``referral_decide`` has already checked the specialist's right."""
    if status is None or status.ended:
        raise ValidationFailed(
            ErrorCode.NO_DISABILITY,
            _(
                "A rehabilitation programme is prescribed only with a decision that "
                "establishes or keeps a disability."
            ),
        )
    rows = check_prescription(prescription)
    start, end = programme_term(status)
    with transaction.atomic():
        return _create(
            actor=actor,
            person=person,
            status=status,
            rows=rows,
            start=start,
            end=end,
            source=Programme.Source.DECISION,
            reason="",
        )


def programme_revise(
    *,
    actor: Actor,
    person: Person,
    prescription: Iterable[Prescribed],
    reason: str,
    day: dt.date | None = None,
) -> Programme:
    """The expertise revises the person's current programme from ``day`` (today) to its end,
    with a reason the person reads in the programme's history."""
    require(
        actor,
        PROGRAMME_REVISE,
        region_code=person.region_id,
        person_iin=person.iin,
        what="rehabilitation_programme",
    )
    if not reason.strip():
        raise ValidationFailed(
            ErrorCode.REVISION_REASON_REQUIRED,
            _("Say why the programme is revised: the person reads it."),
        )
    rows = check_prescription(prescription)
    day = day or timezone.localdate()
    with transaction.atomic():
        current = (
            Programme.objects.select_for_update()
            .filter(person=person, superseded_at__isnull=True)
            .first()
        )
        if current is None or current.valid_until < day:
            raise ValidationFailed(
                ErrorCode.NO_PROGRAMME,
                _("The person has no programme in force to revise."),
            )
        return _create(
            actor=actor,
            person=person,
            status=current.status,
            rows=rows,
            start=max(day, current.valid_from),
            end=current.valid_until,
            source=Programme.Source.REVISION,
            reason=reason.strip(),
        )


def programme_close(*, actor: Actor, person: Person, day: dt.date) -> Programme | None:
    """End the person's programme the day before ``day``, when the status it followed ends (a
    refusal at re-examination): nothing is owed after it. None when there was none."""
    with transaction.atomic():
        current = (
            Programme.objects.select_for_update()
            .filter(person=person, superseded_at__isnull=True)
            .first()
        )
        if current is None:
            return None
        _cut(current, day)
        current.superseded_at = timezone.now()
        current.valid_until = max(
            current.valid_from, min(current.valid_until, day - dt.timedelta(days=1))
        )
        current.save(update_fields=["superseded_at", "valid_until"])
        record_write(
            actor=actor,
            action="programme_close",
            entity="rehabilitation_programme",
            entity_id=current.pk,
            data={"person": person.iin, "closed_on": day.isoformat()},
        )
    return current


def fulfilment_record(
    *,
    actor: Actor,
    item: ProgrammeItem,
    quantity: int,
    date: dt.date,
    source: str,
) -> Fulfilment:
    """Record that the person received ``quantity`` of ``item`` on ``date`` (an officer on the
    person's behalf). It counts against the line owed on that date, and never beyond it."""
    person = item.programme.person
    if actor is not SYSTEM:
        require(
            actor,
            PERSON_MANAGE,
            region_code=person.region_id,
            person_iin=person.iin,
            what="rehabilitation_programme",
        )
    if source not in Fulfilment.Source.values:
        raise ValidationFailed(
            ErrorCode.FULFILMENT_SOURCE_UNKNOWN, _("Unknown source of a fulfilment.")
        )
    if quantity <= 0:
        raise ValidationFailed(
            ErrorCode.QUANTITY_NOT_POSITIVE, _("The quantity received must be 1 or more.")
        )
    with transaction.atomic():
        line = _line_owed(item, date)
        if line is None:
            raise ValidationFailed(
                ErrorCode.FULFILMENT_DATE_OUTSIDE,
                _("On %(day)s the programme owes nothing of this item."),
                day=date.isoformat(),
            )
        if line.fulfilled + quantity > line.quantity:
            raise ValidationFailed(
                ErrorCode.FULFILMENT_OVER_PRESCRIBED,
                _("Only %(left)s of this item are left to receive; %(quantity)s given."),
                left=line.quantity - line.fulfilled,
                quantity=quantity,
            )
        return _count_on_line(actor, item, person, line, quantity, date, source)


def fulfilment_record_bought(
    *, item: ProgrammeItem, person: Person, quantity: int, date: dt.date
) -> int:
    """The platform counts ``quantity`` of ``item`` bought on the marketplace on ``date`` (an
    order's receipt confirmed) against the line owed that day, up to what it still owes: a
    month's hygiene products bought ahead count once, in their month. ``person`` is the
    programme's (the caller has read it). How many were counted: 0 when that day's line owes
    nothing. Inside the caller's transaction, which holds the order's lock."""
    with transaction.atomic(savepoint=False):  # nothing here refuses: no savepoint to undo to
        line = _line_owed(item, date)
        take = min(quantity, line.quantity - line.fulfilled) if line else 0
        if line is None or take <= 0:
            return 0
        _count_on_line(SYSTEM, item, person, line, take, date, Fulfilment.Source.MARKETPLACE)
    return take


def _line_owed(item: ProgrammeItem, date: dt.date) -> Line | None:
    """The line of ``item`` owed on ``date``, locked until the transaction ends."""
    return (
        Line.objects.select_for_update()
        .filter(item=item, withdrawn=False, starts__lte=date, ends__gte=date)
        .first()
    )


def _count_on_line(
    actor: Actor,
    item: ProgrammeItem,
    person: Person,
    line: Line,
    quantity: int,
    date: dt.date,
    source: str,
) -> Fulfilment:
    """``quantity`` received counted on ``line`` (locked by the caller), recorded and audited."""
    line.fulfilled += quantity
    update_fields(line, ["fulfilled"])
    fulfilment = Fulfilment.objects.create(
        line=line,
        quantity=quantity,
        date=date,
        source=source,
        recorded_by=account_of(actor),
        recorded_at=timezone.now(),
    )
    record_write(
        actor=actor,
        action="fulfilment_record",
        entity="rehabilitation_programme",
        entity_id=item.programme_id,
        data={
            "person": person.iin,
            "fulfilment": fulfilment.pk,
            "line": line.pk,
            "source": source,
            # A quantity of one category is health data, as the prescription is.
            **changes({}, {"received": f"{item.category}={quantity}"}, personal={"received"}),
        },
    )
    return fulfilment
