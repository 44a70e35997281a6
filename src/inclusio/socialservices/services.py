"""Every write of special social services: providers, a person's need, their choice of a
provider (a placement, or a place on its waiting list), the provider's monthly attendance
records, the month's per-capita funding paid through the payments module, and the inspectors'
plan, inspections, findings, prescriptions and follow-up.

Each function is keyword-only, runs in one transaction and leaves an audit record that names no
person (ids, counts, amounts). Decisions about a person keep the service that made them
(``decided_by_service``) so that an appeal can name the decision and where it came from.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio import countries
from inclusio.core import access
from inclusio.core.audit import SYSTEM, Actor, account_of, record_write
from inclusio.core.errors import AccessDenied, Conflict, RateLimited, ValidationFailed
from inclusio.core.errors import ErrorCode as CoreCode
from inclusio.core.identifiers import validate_bin
from inclusio.core.models import Purpose, Region, Seen, User
from inclusio.core.parameters import value_on
from inclusio.core.roles import (
    APPEAL_DECIDE_SOCIAL,
    SOCIAL_ATTENDANCE_CONFIRM,
    SOCIAL_INSPECT,
    SOCIAL_NEEDS_MANAGE,
)
from inclusio.payments import pain001
from inclusio.payments import services as payments
from inclusio.payments.iban import parse_kz_iban
from inclusio.payments.models import Transfer
from inclusio.registry.models import Person
from inclusio.socialservices.errors import ErrorCode
from inclusio.socialservices.models import (
    Attendance,
    ControlPlan,
    Finding,
    FundingLine,
    FundingMonth,
    Inspection,
    Kind,
    Licence,
    Need,
    Placement,
    PlanEntry,
    Prescription,
    Provider,
    Signal,
    SocialOrderProject,
    WaitingEntry,
)

# The longest need an officer records at once: the assessment is reviewed every year.
LONGEST_NEED_DAYS = 366
MOST_HOURS_A_MONTH = 744  # every hour of a 31-day month
PAYER = "SOCIAL-SERVICES"

# The preventive-control plan's risk score of a provider (documented in docs/socialservices.md):
# each complaint of the past six months, each incident of the past six months, each
# prescription past its deadline and not remedied, and having had no inspection in two years.
SCORE_COMPLAINT = 3
SCORE_INCIDENT = 5
SCORE_OVERDUE = 10
SCORE_NOT_INSPECTED = 4
NOT_INSPECTED_DAYS = 730


def _outside(code: ErrorCode) -> AccessDenied:
    return AccessDenied(
        code, _("You may not do this: it is outside your role or your provider or region.")
    )


def _month_days(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=_month_days(month))


# --- providers ----------------------------------------------------------------------------------


def provider_register(
    *,
    actor: Actor,
    bin: str,
    name: str,
    ownership: str,
    kind: str,
    region_code: str,
    address: str,
    places: int,
    iban: str,
    licence_number: str,
    licence_from: dt.date,
    licence_until: dt.date | None = None,
) -> Provider:
    """A provider of the officer's region with its licence. Refused: a BIN or IBAN that does
    not check, an unknown kind or ownership, no places, an empty name or licence."""
    if not access.may(actor, SOCIAL_NEEDS_MANAGE, region_code):
        raise _outside(ErrorCode.NOT_PROVIDER_STAFF)
    number = validate_bin(bin)
    account = parse_kz_iban(iban)
    if ownership not in Provider.Ownership.values or kind not in Kind.values:
        raise ValidationFailed(
            ErrorCode.PROVIDER_FIELD, _("Choose the provider's ownership and kind of service.")
        )
    if not name.strip() or not licence_number.strip() or not address.strip():
        raise ValidationFailed(
            ErrorCode.PROVIDER_FIELD, _("Give the provider's name, address and licence number.")
        )
    if not isinstance(places, int) or places < 1:
        raise ValidationFailed(ErrorCode.PROVIDER_FIELD, _("A provider has at least one place."))
    if licence_until is not None and licence_until < licence_from:
        raise ValidationFailed(
            ErrorCode.PROVIDER_FIELD, _("The licence cannot end before it begins.")
        )
    # National staff cover every region, so the code itself may name none.
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(
            CoreCode.REGION_UNKNOWN,
            _("There is no region with code %(region)s."),
            region=region_code,
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                provider = Provider.objects.create(
                    bin=number,
                    name=name.strip(),
                    ownership=ownership,
                    kind=kind,
                    region=region,
                    address=address.strip(),
                    places=places,
                    iban=account,
                )
        except IntegrityError:
            raise Conflict(
                ErrorCode.PROVIDER_FIELD, _("A provider with this BIN is already registered.")
            ) from None
        Licence.objects.create(
            provider=provider,
            number=licence_number.strip(),
            valid_from=licence_from,
            valid_until=licence_until,
        )
        record_write(
            actor=actor,
            action="provider_register",
            entity="social_provider",
            entity_id=provider.pk,
            data={"kind": kind, "ownership": ownership, "region": region_code, "places": places},
        )
    return provider


# --- the person's need, choice, placement and waiting list ------------------------------------


def need_record(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    hours_per_month: int,
    starts: dt.date,
    ends: dt.date,
) -> Need:
    """A district officer of the person's region records the need they assessed."""
    access.require(
        actor,
        SOCIAL_NEEDS_MANAGE,
        region_code=person.region_id,
        person_iin=person.iin,
        what=Seen.SOCIAL_SERVICES,
    )
    if kind not in Kind.values:
        raise ValidationFailed(ErrorCode.NEED_VOLUME, _("Choose the kind of service needed."))
    if not isinstance(hours_per_month, int) or not 1 <= hours_per_month <= MOST_HOURS_A_MONTH:
        raise ValidationFailed(
            ErrorCode.NEED_VOLUME,
            _("The volume is a number of hours a month between 1 and %(most)s."),
            most=MOST_HOURS_A_MONTH,
        )
    if ends < starts or (ends - starts).days >= LONGEST_NEED_DAYS:
        raise ValidationFailed(
            ErrorCode.NEED_PERIOD,
            _("The period must end after it starts and last at most a year."),
        )
    with transaction.atomic():
        need = Need.objects.create(
            person=person,
            kind=kind,
            hours_per_month=hours_per_month,
            starts=starts,
            ends=ends,
            decided_by_service="socialservices.need_record",
            recorded_by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="need_record",
            entity="social_need",
            entity_id=need.pk,
            data={"kind": kind, "hours_per_month": hours_per_month, "starts": str(starts)},
        )
    return need


def occupied(provider: Provider, starts: dt.date, ends: dt.date) -> int:
    """Places taken during a period: every placement whose period meets it. A place is counted
    as taken for the whole period if it is taken on any day of it, so a placement is never made
    over the provider's places on any day."""
    return Placement.objects.filter(provider=provider, starts__lte=ends, ends__gte=starts).count()


def _licensed(provider: Provider, day: dt.date) -> bool:
    return any(licence.valid_on(day) for licence in provider.licences.all())


@dataclass(frozen=True)
class Choice:
    """What choosing a provider gave: a placement, or a place on its waiting list."""

    placement: Placement | None
    waiting: WaitingEntry | None
    position: int  # on the waiting list, 1 first; 0 when placed


def provider_choose(*, actor: Actor, need: Need, provider: Provider) -> Choice:
    """The person or their representative chooses a provider for their need: placed when it has
    a free place for the whole period, otherwise put on its waiting list (first come, first
    placed). Refused: another kind of service, a provider without a valid licence on the first
    day, a need already placed."""
    person = need.person
    if not access.may_act_for(actor, person):
        access.log_refusal(
            actor, person.iin, what=Seen.SOCIAL_SERVICES, purpose=Purpose.SOCIAL_SERVICES
        )
        raise access.not_yours()
    if provider.kind != need.kind:
        raise ValidationFailed(
            ErrorCode.PROVIDER_KIND_MISMATCH,
            _("This provider gives another kind of service than the one you need."),
        )
    with transaction.atomic():
        # One choice at a time per provider: the count of its places and the placement agree.
        locked = Provider.objects.select_for_update().get(pk=provider.pk)
        need = Need.objects.select_for_update().get(pk=need.pk)
        if not _licensed(locked, need.starts):
            raise ValidationFailed(
                ErrorCode.PROVIDER_NOT_LICENSED,
                _("This provider has no valid licence on the first day of your need."),
            )
        if Placement.objects.filter(need=need).exists():
            raise Conflict(
                ErrorCode.NEED_ALREADY_PLACED, _("You already have a placement for this need.")
            )
        return _place_or_wait(
            actor, need, locked, "socialservices.provider_choose", chosen_by=account_of(actor)
        )


def _place_or_wait(
    actor: Actor,
    need: Need,
    provider: Provider,
    service: str,
    *,
    chosen_by: User | None,
    since: dt.datetime | None = None,
    cause: str | None = None,
) -> Choice:
    """Placed when the provider (locked by the caller) has a free place for the whole need,
    otherwise on its waiting list, once, as from ``since`` (now when not given)."""
    if occupied(provider, need.starts, need.ends) < provider.places:
        placement = _place(actor, need, provider, service)
        return Choice(placement=placement, waiting=None, position=0)
    entry = WaitingEntry.objects.filter(need=need, provider=provider, left_at__isnull=True).first()
    if entry is None:
        entry = WaitingEntry.objects.create(
            need=need,
            provider=provider,
            chosen_by=chosen_by,
            decided_by_service=service,
            since=since or timezone.now(),
        )
        record_write(
            actor=actor,
            action="waiting_list_join",
            entity="social_waiting",
            entity_id=entry.pk,
            data={"need": need.pk, "provider": provider.pk} | ({"cause": cause} if cause else {}),
        )
    return Choice(placement=None, waiting=entry, position=waiting_position(entry))


def waiting_position(entry: WaitingEntry) -> int:
    """1 for the first: entries still waiting, ordered by when they joined, then by id."""
    return (
        WaitingEntry.objects.filter(provider_id=entry.provider_id, left_at__isnull=True)
        .filter(Q(since__lt=entry.since) | Q(since=entry.since, id__lt=entry.pk))
        .count()
        + 1
    )


def _place(
    actor: Actor, need: Need, provider: Provider, service: str, starts: dt.date | None = None
) -> Placement:
    starts = max(need.starts, starts) if starts else need.starts
    placement = Placement.objects.create(
        need=need,
        provider=provider,
        starts=starts,
        ends=need.ends,
        chosen_by=account_of(actor),
        decided_by_service=service,
    )
    WaitingEntry.objects.filter(need=need, left_at__isnull=True).update(left_at=timezone.now())
    record_write(
        actor=actor,
        action="placement_make",
        entity="social_placement",
        entity_id=placement.pk,
        data={"need": need.pk, "provider": provider.pk, "starts": str(starts)},
    )
    return placement


def _first_waiting_placed(
    actor: Actor, provider: Provider, service: str, from_day: dt.date | None = None
) -> Placement | None:
    """Place the first person of the (locked) provider's waiting list when a place is free for
    the rest of their need's period (from ``from_day`` when given); None when nobody waits or it
    is still full for them (first come, first placed: nobody further down goes before them)."""
    entry = (
        WaitingEntry.objects.filter(provider=provider, left_at__isnull=True)
        .select_related("need")
        .order_by("since", "id")
        .first()
    )
    if entry is None:
        return None
    starts = max(entry.need.starts, from_day) if from_day else entry.need.starts
    if starts > entry.need.ends or occupied(provider, starts, entry.need.ends) >= provider.places:
        return None
    return _place(actor, entry.need, provider, service, starts)


def waiting_place_next(*, actor: Actor, provider: Provider) -> Placement:
    """A district officer of the provider's region places the first person of its waiting list
    (a place became free); refused when no place is free for that person's period."""
    if not access.may(actor, SOCIAL_NEEDS_MANAGE, provider.region_id):
        raise _outside(ErrorCode.NOT_PROVIDER_STAFF)
    with transaction.atomic():
        locked = Provider.objects.select_for_update().get(pk=provider.pk)
        placed = _first_waiting_placed(actor, locked, "socialservices.waiting_place_next")
        if placed is None:
            raise Conflict(
                ErrorCode.PLACES_FULL,
                _("Every place of this provider is taken for that period: nobody was placed."),
            )
        return placed


LONGEST_END_REASON = 1000


@dataclass(frozen=True)
class Ended:
    """What ending a placement did: the placement, now ending on its last day, and the person
    placed in the place it freed, if someone was waiting for it."""

    placement: Placement
    next_placed: Placement | None


def placement_end(*, actor: Actor, placement: Placement, last_day: dt.date, reason: str) -> Ended:
    """End a placement before its period does: the person (or their representative) leaves the
    provider, or the district officer of the provider's region ends it (the need ended, the
    person moved away or died). The place it frees goes at once, from the day after, to the
    first person on the provider's waiting list, when it is free for the rest of their need's
    period. Refused: a last day outside the placement or
    at its planned end, a month the provider has already confirmed served after the last day,
    no reason given."""
    person = placement.need.person
    officer = access.may(actor, SOCIAL_NEEDS_MANAGE, placement.provider.region_id)
    if not officer and not access.may_act_for(actor, person):
        access.log_refusal(
            actor, person.iin, what=Seen.SOCIAL_SERVICES, purpose=Purpose.SOCIAL_SERVICES
        )
        raise access.not_yours()
    reason = (reason or "").strip()
    if not reason or len(reason) > LONGEST_END_REASON:
        raise ValidationFailed(
            ErrorCode.PLACEMENT_END_REASON,
            _("Say why the placement ends, in at most %(most)s characters."),
            most=LONGEST_END_REASON,
            field="reason",
        )
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=placement.provider_id)
        locked = Placement.objects.select_for_update().get(pk=placement.pk)
        if not (locked.starts <= last_day < locked.ends):
            raise ValidationFailed(
                ErrorCode.PLACEMENT_END_DAY,
                _("The last day must be from %(starts)s and before %(ends)s."),
                starts=f"{locked.starts:%Y-%m-%d}",
                ends=f"{locked.ends:%Y-%m-%d}",
                field="last_day",
            )
        served_later = (
            Attendance.objects.filter(placement=locked, month__gt=last_day.replace(day=1))
            .order_by("-month")
            .first()
        )
        if served_later is not None:
            raise Conflict(
                ErrorCode.PLACEMENT_END_BEFORE_ATTENDANCE,
                _("The provider has confirmed serving %(month)s: the last day cannot be before."),
                month=f"{served_later.month:%Y-%m}",
                field="last_day",
            )
        planned_end = locked.ends
        locked.ends = last_day
        locked.ended_at = timezone.now()
        locked.ended_by = account_of(actor)
        locked.end_reason = reason
        locked.save(update_fields=["ends", "ended_at", "ended_by", "end_reason"])
        record_write(
            actor=actor,
            action="placement_end",
            entity="social_placement",
            entity_id=locked.pk,
            data={
                "changed": ["ends", "end_reason"],
                "provider": provider.pk,
                "ends": [str(planned_end), str(last_day)],
                "by": "officer" if officer else "person",
            },
        )
        next_placed = _first_waiting_placed(
            SYSTEM, provider, "socialservices.placement_end", last_day + dt.timedelta(days=1)
        )
    return Ended(placement=locked, next_placed=next_placed)


def placement_restore_on_appeal(
    *, actor: Actor, placement_id: int, cause: str, from_day: dt.date | None = None
) -> Choice:
    """An early ending of a placement overturned on appeal (``cause`` names the appeal): the
    rest of the need's period, from ``from_day`` (the day after the last day served, unless
    the appeal says later), becomes a need of its own with the same provider. It is placed when
    the provider has a free place for all of it; otherwise it waits, ahead of everyone who
    joined the waiting list after the wrongful ending. The social-protection appeals body of the
    person's region decides; for anyone else the placement does not exist. Refused when the
    placement did not end early, or the person has another need of this kind for that time."""
    placement = (
        Placement.objects.select_related("need__person", "provider").filter(pk=placement_id).first()
    )
    if placement is None:
        raise access.not_yours()
    person = placement.need.person
    if not (actor is SYSTEM or access.may(actor, APPEAL_DECIDE_SOCIAL, person.region_id)):
        raise access.not_yours()
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=placement.provider_id)
        locked = Placement.objects.select_for_update().select_related("need").get(pk=placement.pk)
        need = locked.need
        if locked.ended_at is None:
            raise Conflict(
                ErrorCode.APPEAL_PLACEMENT_NOT_STANDING,
                _("This placement did not end early: there is nothing to restore."),
            )
        starts = from_day or locked.ends + dt.timedelta(days=1)
        if not locked.ends < starts <= need.ends:
            raise ValidationFailed(
                ErrorCode.APPEAL_RESUME_DAY,
                _("The placement can resume from %(first)s to %(last)s."),
                first=f"{locked.ends + dt.timedelta(days=1):%Y-%m-%d}",
                last=f"{need.ends:%Y-%m-%d}",
                field="from_day",
            )
        overlapping = (
            Need.objects.filter(person=person, kind=need.kind, starts__lte=need.ends)
            .filter(ends__gte=starts)
            .exclude(pk=need.pk)
        )
        if overlapping.exists():
            raise Conflict(
                ErrorCode.APPEAL_PLACEMENT_NOT_STANDING,
                _("The person already has a need of this kind for that time."),
            )
        rest = Need.objects.create(
            person=person,
            kind=need.kind,
            hours_per_month=need.hours_per_month,
            starts=starts,
            ends=need.ends,
            decided_by_service="appeals.placement_restore",
            recorded_by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="placement_restore_on_appeal",
            entity="social_placement",
            entity_id=locked.pk,
            data={
                "cause": cause,
                "need": rest.pk,
                "provider": provider.pk,
                "starts": str(starts),
                "ends": str(need.ends),
            },
        )
        return _place_or_wait(
            actor,
            rest,
            provider,
            "appeals.placement_restore",
            chosen_by=locked.chosen_by,
            since=locked.ended_at,
            cause=cause,
        )


# --- attendance ---------------------------------------------------------------------------------


def require_provider_staff(actor: Actor, provider: Provider) -> User:
    if (
        isinstance(actor, User)
        and actor.is_authenticated
        and actor.has_perm(SOCIAL_ATTENDANCE_CONFIRM)
        and provider.staff.filter(pk=actor.pk).exists()
    ):
        return actor
    raise _outside(ErrorCode.NOT_PROVIDER_STAFF)


def attendance_confirm(
    *, actor: Actor, placement: Placement, month: dt.date, days: int
) -> Attendance:
    """The provider confirms the days it served a placed person in a month. Refused: a month
    outside the placement's period or not yet begun, more days than the placement has in it,
    a month already confirmed."""
    require_provider_staff(actor, placement.provider)
    month = month.replace(day=1)
    first = max(month, placement.starts)
    last = min(month_end(month), placement.ends, timezone.localdate())
    if last < first:
        raise ValidationFailed(
            ErrorCode.ATTENDANCE_OUTSIDE_PLACEMENT,
            _("%(month)s is outside the placement's period (%(starts)s – %(ends)s)."),
            month=f"{month:%Y-%m}",
            starts=placement.starts.isoformat(),
            ends=placement.ends.isoformat(),
        )
    most = (last - first).days + 1
    if not isinstance(days, int) or not 0 <= days <= most:
        raise ValidationFailed(
            ErrorCode.ATTENDANCE_DAYS,
            _("The days served must be between 0 and %(most)s for this month."),
            most=most,
        )
    try:
        with transaction.atomic():
            record = Attendance.objects.create(
                placement=placement, month=month, days=days, confirmed_by=account_of(actor)
            )
            record_write(
                actor=actor,
                action="attendance_confirm",
                entity="social_attendance",
                entity_id=record.pk,
                data={"placement": placement.pk, "month": f"{month:%Y-%m}", "days": days},
            )
    except IntegrityError:
        raise Conflict(
            ErrorCode.ATTENDANCE_ALREADY_CONFIRMED,
            _("This month is already confirmed for this person."),
        ) from None
    return record


# --- per-capita funding -------------------------------------------------------------------------


def norm_key(kind: str) -> str:
    return f"social_service_norm_{kind}"


def person_amount(norm: int, days: int, month_days: int) -> int:
    """A person's funding for the month: the norm (a whole month) times the share of the
    month's days served, in whole tenge, rounded down."""
    return norm * days // month_days


@dataclass(frozen=True)
class Funded:
    funding: FundingMonth
    content: bytes  # the payment file (pain.001)


def funding_month_compute(*, actor: Actor, month: dt.date) -> Funded:
    """The month's per-capita funding of every provider, computed once from the confirmed
    attendance and the norm of each kind of service in force on the month's first day, and
    paid to each provider's IBAN in one payment file. Refused: a month not yet ended, a month
    already computed (nothing is written)."""
    payments.require_payment_officer(actor)
    month = month.replace(day=1)
    if month_end(month) >= timezone.localdate():
        raise ValidationFailed(
            ErrorCode.FUNDING_MONTH_NOT_ENDED,
            _("%(month)s has not ended: its funding is computed after its last day."),
            month=f"{month:%Y-%m}",
        )
    if FundingMonth.objects.filter(month=month).exists():
        raise _computed(month)
    norms = {kind: int(value_on(norm_key(kind), month)) for kind in Kind.values}
    month_days = _month_days(month)
    amounts: dict[int, int] = defaultdict(int)
    persons: dict[int, int] = defaultdict(int)
    days_served: dict[int, int] = defaultdict(int)
    rows = Attendance.objects.filter(month=month, days__gt=0).values_list(
        "placement__provider_id", "placement__provider__kind", "days"
    )
    for provider_id, kind, days in rows.iterator(chunk_size=10_000):
        amounts[provider_id] += person_amount(norms[kind], days, month_days)
        persons[provider_id] += 1
        days_served[provider_id] += days
    paid = {pk: amount for pk, amount in amounts.items() if amount > 0}
    providers = Provider.objects.in_bulk(list(paid))
    try:
        with transaction.atomic():
            funding = FundingMonth.objects.create(
                month=month,
                providers=len(paid),
                persons=sum(persons[pk] for pk in paid),
                amount_kzt=sum(paid.values()),
                computed_by=account_of(actor),
            )
            lines = FundingLine.objects.bulk_create(
                [
                    FundingLine(
                        funding=funding,
                        provider_id=pk,
                        persons=persons[pk],
                        days=days_served[pk],
                        amount_kzt=amount,
                    )
                    for pk, amount in sorted(paid.items())
                ],
                batch_size=5000,
            )
            by_id = {line.pk: line for line in FundingLine.objects.filter(funding=funding)}
            transfers = payments.transfers_queue(
                actor=actor,
                payments=[
                    payments.Queued(
                        purpose_kind=Transfer.Purpose.SOCIAL_SERVICE,
                        purpose_id=line.pk,
                        payer=PAYER,
                        payee_reference=providers[line.provider_id].bin,
                        amount_kzt=line.amount_kzt,
                        iban=providers[line.provider_id].iban,
                        end_to_end_id=f"SSS-{line.pk}-{month:%Y%m}",
                    )
                    for line in by_id.values()
                ],
            )
            content = b""
            if transfers:
                _file, content = payments.file_send(
                    actor=actor,
                    transfers=transfers,
                    message_id=f"SSS-{month:%Y%m}-{funding.pk}",
                    batch_kind="social_services",
                    batch_id=funding.pk,
                    execution=timezone.localdate(),
                    line_of=lambda t: _line(t, providers[by_id[t.purpose_id].provider_id], month),
                )
            record_write(
                actor=actor,
                action="funding_month_compute",
                entity="social_funding",
                entity_id=funding.pk,
                data={
                    "month": f"{month:%Y-%m}",
                    "providers": len(lines),
                    "persons": funding.persons,
                    "amount_kzt": funding.amount_kzt,
                    "norms": {kind: norms[kind] for kind in sorted(norms)},
                },
            )
    except IntegrityError:  # computed at the same moment by someone else
        raise _computed(month) from None
    return Funded(funding=funding, content=content)


def _computed(month: dt.date) -> Conflict:
    return Conflict(
        ErrorCode.FUNDING_MONTH_COMPUTED,
        _("The funding of %(month)s is already computed and paid: it is computed only once."),
        month=f"{month:%Y-%m}",
    )


def _line(transfer: Transfer, provider: Provider, month: dt.date) -> pain001.Line:
    return pain001.Line(
        end_to_end_id=transfer.end_to_end_id,
        amount_kzt=transfer.amount_kzt,
        payee_name=provider.name,
        payee_id=provider.bin,
        payee_scheme="BIN",
        iban=transfer.iban,
        remittance=f"SSS {month:%Y-%m} per-capita funding",
    )


# --- inspections --------------------------------------------------------------------------------


def requirements(country: str = "kz") -> dict[str, dict[str, str]]:
    """The service standard's requirements by code: their names in kk, ru and en."""
    rows = countries.country_file(country, "social_service_standard.json")["requirements"]
    return {row["code"]: row["names"] for row in rows}


def require_inspector(actor: Actor, region_code: str) -> User:
    if access.may(actor, SOCIAL_INSPECT, region_code):
        assert isinstance(actor, User)
        return actor
    raise _outside(ErrorCode.NOT_INSPECTOR)


def half_year_of(day: dt.date) -> dt.date:
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


@dataclass(frozen=True)
class Risk:
    complaints: int
    incidents: int
    overdue: int
    not_inspected: bool

    @property
    def score(self) -> int:
        return (
            SCORE_COMPLAINT * self.complaints
            + SCORE_INCIDENT * self.incidents
            + SCORE_OVERDUE * self.overdue
            + (SCORE_NOT_INSPECTED if self.not_inspected else 0)
        )


def risks(providers: Sequence[Provider], day: dt.date) -> dict[int, Risk]:
    """Each provider's risk inputs on ``day``: complaints and incidents of the past six months,
    prescriptions past their deadline and not remedied, no inspection in two years."""
    since = day - dt.timedelta(days=183)
    ids = [p.pk for p in providers]
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for provider_id, kind in Signal.objects.filter(
        provider_id__in=ids, received__gte=since, received__lte=day
    ).values_list("provider_id", "kind"):
        counts[(provider_id, kind)] += 1
    overdue: dict[int, int] = defaultdict(int)
    for provider_id in Prescription.objects.filter(
        provider_id__in=ids, remedied_on__isnull=True, deadline__lt=day
    ).values_list("provider_id", flat=True):
        overdue[provider_id] += 1
    inspected = set(
        Inspection.objects.filter(
            provider_id__in=ids, held_on__gte=day - dt.timedelta(days=NOT_INSPECTED_DAYS)
        ).values_list("provider_id", flat=True)
    )
    return {
        pk: Risk(
            complaints=counts[(pk, Signal.Kind.COMPLAINT)],
            incidents=counts[(pk, Signal.Kind.INCIDENT)],
            overdue=overdue[pk],
            not_inspected=pk not in inspected,
        )
        for pk in ids
    }


def control_plan_make(*, actor: Actor, region_code: str, day: dt.date) -> ControlPlan:
    """The region's preventive-control plan for the half-year of ``day``: every provider with a
    risk score above zero, the highest first (ties by BIN). Made once per half-year."""
    require_inspector(actor, region_code)
    half_year = half_year_of(day)
    providers = list(Provider.objects.filter(region_id=region_code).order_by("bin"))
    scored = risks(providers, day)
    try:
        with transaction.atomic():
            plan = ControlPlan.objects.create(
                region_id=region_code, half_year=half_year, made_by=account_of(actor)
            )
            entries = PlanEntry.objects.bulk_create(
                [
                    PlanEntry(
                        plan=plan,
                        provider=provider,
                        score=scored[provider.pk].score,
                        complaints=scored[provider.pk].complaints,
                        incidents=scored[provider.pk].incidents,
                        overdue=scored[provider.pk].overdue,
                    )
                    for provider in providers
                    if scored[provider.pk].score > 0
                ]
            )
            record_write(
                actor=actor,
                action="control_plan_make",
                entity="social_control_plan",
                entity_id=plan.pk,
                data={"region": region_code, "half_year": str(half_year), "entries": len(entries)},
            )
    except IntegrityError:
        raise Conflict(
            ErrorCode.PLAN_ALREADY_MADE,
            _("The plan of this half-year is already made for the region."),
        ) from None
    return plan


@dataclass(frozen=True)
class FindingInput:
    requirement: str
    note: str
    deadline: dt.date | None  # a prescription to remedy it by then; None for a remark only


def inspection_record(
    *,
    actor: Actor,
    provider: Provider,
    held_on: dt.date,
    summary: str,
    findings: Sequence[FindingInput],
) -> Inspection:
    """An inspection of a provider of the inspector's region with its findings against the
    service standard, each with a prescription when it has a deadline. Refused: a date in the
    future, an unknown requirement, an empty note, a deadline not after the inspection."""
    require_inspector(actor, provider.region_id)
    if held_on > timezone.localdate():
        raise ValidationFailed(
            ErrorCode.INSPECTION_DATE, _("An inspection cannot be recorded before it is held.")
        )
    known = requirements()
    for finding in findings:
        if finding.requirement not in known or not finding.note.strip():
            raise ValidationFailed(
                ErrorCode.FINDING_REQUIREMENT_UNKNOWN,
                _("Each finding names a requirement of the service standard and what was found."),
            )
        if finding.deadline is not None and finding.deadline <= held_on:
            raise ValidationFailed(
                ErrorCode.PRESCRIPTION_DEADLINE,
                _("A prescription's deadline comes after the inspection."),
            )
    with transaction.atomic():
        half_year = half_year_of(held_on)
        entry = PlanEntry.objects.filter(
            plan__region_id=provider.region_id, plan__half_year=half_year, provider=provider
        ).first()
        inspection = Inspection.objects.create(
            provider=provider,
            plan_entry=entry,
            inspector=account_of(actor),
            held_on=held_on,
            summary=summary.strip(),
        )
        prescriptions = 0
        for given in findings:
            recorded = Finding.objects.create(
                inspection=inspection, requirement=given.requirement, note=given.note.strip()
            )
            if given.deadline is not None:
                Prescription.objects.create(
                    finding=recorded, provider=provider, deadline=given.deadline
                )
                prescriptions += 1
        record_write(
            actor=actor,
            action="inspection_record",
            entity="social_inspection",
            entity_id=inspection.pk,
            data={
                "provider": provider.pk,
                "held_on": str(held_on),
                "findings": len(findings),
                "prescriptions": prescriptions,
                "planned": entry is not None,
            },
        )
    return inspection


def prescription_follow_up(
    *, actor: Actor, prescription: Prescription, remedied_on: dt.date, note: str
) -> Prescription:
    """The inspector's follow-up: the prescription remedied on a day (not in the future, not
    before its inspection). A prescription already closed is refused."""
    require_inspector(actor, prescription.provider.region_id)
    held_on = prescription.finding.inspection.held_on
    if remedied_on > timezone.localdate() or remedied_on < held_on:
        raise ValidationFailed(
            ErrorCode.PRESCRIPTION_DEADLINE,
            _("The day it was remedied falls between the inspection and today."),
        )
    if not note.strip():
        raise ValidationFailed(ErrorCode.FOLLOW_UP_NOTE, _("Say what the follow-up found."))
    with transaction.atomic():
        closed = Prescription.objects.filter(pk=prescription.pk, remedied_on__isnull=True).update(
            remedied_on=remedied_on, follow_up=note.strip()
        )
        if not closed:
            raise Conflict(
                ErrorCode.PRESCRIPTION_CLOSED, _("This prescription is already followed up.")
            )
        record_write(
            actor=actor,
            action="prescription_follow_up",
            entity="social_prescription",
            entity_id=prescription.pk,
            data={"remedied_on": str(remedied_on), "late": remedied_on > prescription.deadline},
        )
    prescription.refresh_from_db()
    return prescription


# --- complaints and incidents: the plan's risk inputs ------------------------------------------

LONGEST_SIGNAL_TEXT = 2000
SHORTEST_SIGNAL_TEXT = 10
# A person's complaints about one provider in a day: enough for what happened, not a flood that
# would push the provider up the inspectors' plan on one person's word.
COMPLAINTS_A_DAY = 3


def _signal_text(text: str) -> str:
    text = (text or "").strip()
    if not SHORTEST_SIGNAL_TEXT <= len(text) <= LONGEST_SIGNAL_TEXT:
        raise ValidationFailed(
            ErrorCode.COMPLAINT_TEXT,
            _("Say what happened in %(least)s to %(most)s characters."),
            least=SHORTEST_SIGNAL_TEXT,
            most=LONGEST_SIGNAL_TEXT,
            field="text",
        )
    return text


def served_by(provider: Provider, person: Person) -> bool:
    """Whether the provider serves the person, served them, or has them on its waiting list."""
    return (
        Placement.objects.filter(provider=provider, need__person=person).exists()
        or WaitingEntry.objects.filter(provider=provider, need__person=person).exists()
    )


def complaint_file(*, actor: Actor, provider: Provider, person: Person, text: str) -> Signal:
    """A person (or their representative) complains about a provider that serves them, served
    them or has them waiting. The complaint counts in the inspectors' risk-based plan; its text
    is read by the inspectors of the provider's region. Refused: someone the actor may not act
    for (as if unknown), a provider that never served the person, text too short or too long,
    more than ``COMPLAINTS_A_DAY`` about the provider in a day."""
    if not access.may_act_for(actor, person):
        access.log_refusal(
            actor, person.iin, what=Seen.SOCIAL_SERVICES, purpose=Purpose.SOCIAL_SERVICES
        )
        raise access.not_yours()
    text = _signal_text(text)
    if not served_by(provider, person):
        raise ValidationFailed(
            ErrorCode.COMPLAINT_NOT_SERVED,
            _("You can complain about a provider that serves you, served you or has you waiting."),
        )
    now = timezone.now()
    with transaction.atomic():
        # One filing at a time per person, so that the day's count and the new row agree.
        Person.objects.select_for_update().filter(pk=person.pk).exists()
        today = Signal.objects.filter(
            provider=provider,
            person=person,
            kind=Signal.Kind.COMPLAINT,
            filed_at__gte=now - dt.timedelta(days=1),
        ).count()
        if today >= COMPLAINTS_A_DAY:
            raise RateLimited(
                ErrorCode.COMPLAINTS_TOO_MANY,
                _(
                    "You have sent %(count)s complaints about this provider today. "
                    "Send more tomorrow."
                ),
                retry_after=24 * 3600,
                count=COMPLAINTS_A_DAY,
            )
        signal = Signal.objects.create(
            provider=provider,
            kind=Signal.Kind.COMPLAINT,
            received=timezone.localdate(),
            text=text,
            person=person,
            filed_by=account_of(actor),
            filed_at=now,
        )
        record_write(
            actor=actor,
            action="complaint_file",
            entity="social_signal",
            entity_id=signal.pk,
            data={"provider": provider.pk, "kind": signal.kind},
        )
    return signal


def incident_report(*, actor: Actor, provider: Provider, day: dt.date, text: str) -> Signal:
    """The provider's staff report an incident (an injury, an outbreak, a missing resident) on
    the day it happened; it counts in the inspectors' risk-based plan. Refused: someone not on
    the provider's staff, a day in the future, text too short or too long."""
    staff = require_provider_staff(actor, provider)
    text = _signal_text(text)
    if day > timezone.localdate():
        raise ValidationFailed(
            ErrorCode.INCIDENT_DAY, _("The day cannot be in the future."), field="day"
        )
    with transaction.atomic():
        signal = Signal.objects.create(
            provider=provider,
            kind=Signal.Kind.INCIDENT,
            received=day,
            text=text,
            filed_by=staff,
            filed_at=timezone.now(),
        )
        record_write(
            actor=actor,
            action="incident_report",
            entity="social_signal",
            entity_id=signal.pk,
            data={"provider": provider.pk, "kind": signal.kind, "day": str(day)},
        )
    return signal


# --- the state social order ---------------------------------------------------------------------

FIRST_SOCIAL_ORDER_YEAR = 2000


def social_order_project_record(
    *,
    actor: Actor,
    region_code: str,
    ngo_name: str,
    ngo_bin: str,
    title: str,
    area: str,
    year: int,
    budget_kzt: int,
    persons_covered: int,
) -> SocialOrderProject:
    """A district officer records a project of the state social order of their region: the
    organisation, what it does, the year, its budget and the persons it covers. Refused: an
    officer of another region, a bad BIN, an unknown area, a year before 2000 or after next
    year, a budget that is not a positive whole number of tenge, a negative count of persons."""
    if not access.may(actor, SOCIAL_NEEDS_MANAGE, region_code):
        raise _outside(ErrorCode.NOT_PROVIDER_STAFF)

    def refuse(field: str, message: Any) -> ValidationFailed:
        return ValidationFailed(ErrorCode.SOCIAL_ORDER_FIELD, message, field=field)

    ngo_name, title = (ngo_name or "").strip(), (title or "").strip()
    if not ngo_name or len(ngo_name) > 300:
        raise refuse("ngo_name", _("Give the organisation's name, at most 300 characters."))
    if not title or len(title) > 300:
        raise refuse("title", _("Give the project's name, at most 300 characters."))
    try:
        ngo_bin = validate_bin(ngo_bin)
    except ValidationFailed as exc:
        raise refuse("ngo_bin", exc.message) from None
    if area not in SocialOrderProject.Area.values:
        raise refuse("area", _("Choose the project's area from the list."))
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not FIRST_SOCIAL_ORDER_YEAR <= year <= this_year + 1:
        raise refuse(
            "year",
            _("Give a year from %(first)s to %(last)s.")
            % {"first": FIRST_SOCIAL_ORDER_YEAR, "last": this_year + 1},
        )
    if not isinstance(budget_kzt, int) or not 0 < budget_kzt < 10**13:
        raise refuse("budget_kzt", _("Give the budget in whole tenge, more than zero."))
    if not isinstance(persons_covered, int) or not 0 <= persons_covered < 10**7:
        raise refuse("persons_covered", _("Give the number of persons covered."))
    with transaction.atomic():
        project = SocialOrderProject.objects.create(
            ngo_name=ngo_name,
            ngo_bin=ngo_bin,
            region_id=region_code,
            title=title,
            area=area,
            year=year,
            budget_kzt=budget_kzt,
            persons_covered=persons_covered,
            recorded_by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="social_order_project_record",
            entity="social_order_project",
            entity_id=project.pk,
            data={
                "region": region_code,
                "year": year,
                "budget_kzt": budget_kzt,
                "persons_covered": persons_covered,
            },
        )
    return project
