"""Reads of services by the hour and sanatorium stays for the pages. A person's pages are read
after ``registry.selectors.person_get`` has let the reader in and logged the read (the person,
their representative, an officer of their region); a supplier reads only its own slots,
timesheets and stays, and of each person only the name, each read logged for the person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inclusio.core import access
from inclusio.core.audit import Actor
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import SUPPLIER_MANAGE
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.marketplace.catalogue import categories
from inclusio.marketplace.hour_models import SanatoriumStay, SessionBooking, SessionSlot, Timesheet
from inclusio.marketplace.models import Item, Order, Supplier, Voucher
from inclusio.marketplace.order_selectors import log_delivery_read, vouchers_in_force
from inclusio.registry.models import Person
from inclusio.registry.selectors import own_person, represented_persons
from inclusio.rehabilitation.catalogue import SANATORIUM, SIGN_LANGUAGE

SLOTS_SHOWN = 100


def _codes_of(kind: str) -> list[str]:
    return [code for code, of in categories().items() if of.kind == kind]


def usable_vouchers(person: Person, kind: str) -> list[Voucher]:
    """The person's vouchers of ``kind`` in force today with something left."""
    return vouchers_in_force(person, _codes_of(kind))


def _offered_to(person: Person, codes: list[str]) -> Q:
    """Items of ``codes`` from verified suppliers delivering to the person's region."""
    return Q(
        category__in=codes,
        supplier__status=Supplier.Status.VERIFIED,
        supplier__regions_served__code=person.region_id,
    )


# --- the person's pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sessions:
    vouchers: list[Voucher]
    slots: list[SessionSlot]
    bookings: list[SessionBooking]


def person_sessions(person: Person) -> Sessions:
    """Free places in sessions ahead for the person's sign-language vouchers, and the person's
    bookings, the latest first."""
    vouchers = usable_vouchers(person, SIGN_LANGUAGE)
    codes = sorted({v.category for v in vouchers})
    items = Item.objects.filter(_offered_to(person, codes)).values("pk")
    slots = list(
        SessionSlot.objects.filter(item__in=items, starts__gt=timezone.now(), held_at__isnull=True)
        .filter(booked__lt=F("capacity"))
        .select_related("item__supplier")
        .order_by("starts", "id")[:SLOTS_SHOWN]
        if codes
        else []
    )
    bookings = list(
        SessionBooking.objects.filter(voucher__person=person)
        .select_related("slot__item__supplier", "order")
        .order_by("-starts", "-id")[:SLOTS_SHOWN]
    )
    return Sessions(vouchers, slots, bookings)


def person_timesheets(person: Person) -> list[Timesheet]:
    """The person's personal-assistant months, the latest first, each with its days."""
    return list(
        Timesheet.objects.filter(voucher__person=person)
        .select_related("order", "supplier")
        .prefetch_related("days")
        .order_by("-month", "-id")
    )


@dataclass(frozen=True)
class Sanatorium:
    item: Item
    fewest_places: int  # the fewest free places on any date of the stay asked


@dataclass(frozen=True)
class Stays:
    vouchers: list[Voucher]
    sanatoria: list[Sanatorium]
    stays: list[SanatoriumStay]


def person_stays(person: Person, first_day: dt.date | None, days: int | None) -> Stays:
    """The sanatoria a stay from ``first_day`` for ``days`` days may be booked in (a free place
    on every date), and the person's stays."""
    vouchers = usable_vouchers(person, SANATORIUM)
    sanatoria: list[Sanatorium] = []
    codes = sorted({v.category for v in vouchers})
    if codes and first_day is not None and days:
        last = first_day + dt.timedelta(days=days - 1)
        rows = (
            Item.objects.filter(_offered_to(person, codes))
            .annotate(
                dates=Count(
                    "places",
                    filter=Q(
                        places__day__gte=first_day, places__day__lte=last, places__places__gte=1
                    ),
                    distinct=True,
                ),
                fewest=Min(
                    "places__places",
                    filter=Q(places__day__gte=first_day, places__day__lte=last),
                ),
            )
            .filter(dates=days)
            .select_related("supplier")
            .order_by("price", "name", "id")
        )
        sanatoria = [Sanatorium(item, item.fewest) for item in rows]
    stays = list(
        SanatoriumStay.objects.filter(order__voucher__person=person)
        .select_related("order__item__supplier")
        .order_by("-first_day", "-id")
    )
    return Stays(vouchers, sanatoria, stays)


# --- the supplier's pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class BookedPerson:
    name: str
    state_label: str
    order_id: int
    cancelled: bool


@dataclass(frozen=True)
class SlotRow:
    slot: SessionSlot
    booked: list[BookedPerson]

    @property
    def may_hold(self) -> bool:
        return self.slot.held_at is None and self.slot.starts <= timezone.now()


def _name(row: dict[str, object], via: str = "", person: str = "voucher__person__") -> str:
    """The person's name from a row read ``via`` a relation to the voucher (``order__``)."""
    return f"{row[f'{via}{person}surname']} {row[f'{via}{person}given_name']}"


NAME_FIELDS = ("voucher__person__surname", "voucher__person__given_name", "voucher__person__iin")


def supplier_slots(supplier: Supplier, *, actor: Actor) -> list[SlotRow]:
    """The supplier's sessions from a week ago on, and older ones booked and not yet marked
    held (its worklist links here), each with who booked it (name only)."""
    since = timezone.now() - dt.timedelta(days=7)
    slots = list(
        SessionSlot.objects.filter(item__supplier=supplier)
        .filter(Q(starts__gte=since) | Q(held_at__isnull=True, booked__gt=0))
        .select_related("item")
        .order_by("starts", "id")[:SLOTS_SHOWN]
    )
    rows = list(
        SessionBooking.objects.filter(slot__in=slots)
        .order_by("id")
        .values("slot_id", "cancelled_at", "order_id", "order__state", *NAME_FIELDS)
    )
    log_delivery_read(actor, [str(r["voucher__person__iin"]) for r in rows])
    by_slot: dict[int, list[BookedPerson]] = {}
    for r in rows:
        by_slot.setdefault(int(str(r["slot_id"])), []).append(
            BookedPerson(
                _name(r),
                str(Order.State(r["order__state"]).label),
                int(str(r["order_id"])),
                r["cancelled_at"] is not None,
            )
        )
    return [SlotRow(slot, by_slot.get(slot.pk, [])) for slot in slots]


@dataclass(frozen=True)
class SheetRow:
    month: dt.date
    hours: int
    name: str
    order_id: int
    state_label: str


def supplier_timesheets(supplier: Supplier, *, actor: Actor) -> list[SheetRow]:
    """The months the supplier submitted, the latest first, with whose they are (name only)."""
    rows = list(
        Timesheet.objects.filter(supplier=supplier)
        .order_by("-month", "-id")
        .values("month", "hours", "order_id", "order__state", *NAME_FIELDS)[:200]
    )
    log_delivery_read(actor, [str(r["voucher__person__iin"]) for r in rows])
    return [
        SheetRow(
            r["month"],
            r["hours"],
            _name(r),
            r["order_id"],
            str(Order.State(r["order__state"]).label),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class StayRow:
    item: str
    first_day: dt.date
    last_day: dt.date
    name: str
    order_id: int
    state_label: str


def supplier_stays(supplier: Supplier, *, actor: Actor) -> list[StayRow]:
    """The stays booked in the supplier's sanatoria, the latest arrival first."""
    rows = list(
        SanatoriumStay.objects.filter(order__supplier=supplier)
        .order_by("-first_day", "-id")
        .values(
            "first_day",
            "days",
            "order_id",
            "order__state",
            "order__item__name",
            *(f"order__{f}" for f in NAME_FIELDS),
        )[:200]
    )
    log_delivery_read(actor, [str(r["order__voucher__person__iin"]) for r in rows])
    return [
        StayRow(
            r["order__item__name"],
            r["first_day"],
            r["first_day"] + dt.timedelta(days=r["days"] - 1),
            _name(r, "order__"),
            r["order_id"],
            str(Order.State(r["order__state"]).label),
        )
        for r in rows
    ]


def supplier_items_of(supplier: Supplier, kind: str) -> QuerySet[Item]:
    return supplier.items.filter(category__in=_codes_of(kind)).order_by("name", "id")


# --- worklists ----------------------------------------------------------------------------------

# A booking this many days ahead is "soon" on the person's start page.
SESSIONS_SOON_DAYS = 7


@dataclass(frozen=True)
class HourTask:
    """A row of a worklist of services by the hour: the link to the page that does the task,
    its words, when, and who or with whom."""

    url: str
    label: str
    when: str
    detail: str


def _hours_worklist(
    key: str,
    rows: list[HourTask] | QuerySet[Any],
    page: str | int | None,
    build: Callable[[Any], HourTask],
    *,
    title: Promise,
    description: Promise,
    empty: Promise,
) -> Worklist:
    found = page_of(rows, page)
    return Worklist(
        key=key,
        title=title,
        description=description,
        template="marketplace/worklist_hours.html",
        page=found,
        rows=[build(row) for row in found.object_list],
        empty=empty,
    )


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def worklist_sessions_to_hold(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For a supplier: its sessions begun, booked and not yet marked held, the oldest first
    (each booking's order waits for this to be delivered and paid)."""
    account = require_permission(actor, SUPPLIER_MANAGE)
    rows = (
        SessionSlot.objects.filter(
            item__supplier__representative=account,
            starts__lte=timezone.now(),
            held_at__isnull=True,
            booked__gt=0,
        )
        .select_related("item")
        .order_by("starts", "id")
    )
    return _hours_worklist(
        "sessions_to_hold",
        rows,
        page,
        lambda slot: HourTask(
            url=f"{reverse('marketplace:supplier_slots')}#slot-{slot.pk}",
            label=str(_("Mark held: %(item)s") % {"item": slot.item.name}),
            when=_when(slot.starts),
            detail=str(_("Booked: %(count)s") % {"count": slot.booked}),
        ),
        title=gettext_lazy("Sessions to mark held"),
        description=gettext_lazy(
            "Sessions that have begun: mark each held, and the persons confirm them."
        ),
        empty=gettext_lazy("No session waits to be marked held."),
    )


def last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def worklist_timesheets_due(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For a supplier: the persons whose personal assistant it is (the latest month submitted
    before is its own: a person who moved to another assistant is no longer its to list) with no
    timesheet yet for last month, on a voucher in force then. Of each person only the name, the
    read logged for them; the voucher's code, which the supplier already holds, fills the
    form."""
    account = require_permission(actor, SUPPLIER_MANAGE)
    month = last_month()
    month_end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    live = Timesheet.objects.exclude(order__state=Order.State.RETURNED)
    latest_assistant = Subquery(
        live.filter(voucher_id=OuterRef("pk"), month__lt=month)
        .order_by("-month", "-id")
        .values("supplier__representative_id")[:1]
    )
    vouchers = (
        Voucher.objects.filter(
            state=Voucher.State.ACTIVE,
            valid_from__lte=month_end,
            valid_until__gte=month,
            pk__in=live.filter(supplier__representative=account, month__lt=month).values(
                "voucher_id"
            ),
        )
        .alias(latest_assistant=latest_assistant)
        .filter(latest_assistant=account.pk)
        .exclude(pk__in=live.filter(month=month).values("voucher_id"))
        .order_by("person__surname", "person__given_name", "id")
        .values("code", "person__surname", "person__given_name", "person__iin")
    )
    found = page_of(vouchers, page)
    log_delivery_read(actor, [str(r["person__iin"]) for r in found.object_list])
    form_url = reverse("marketplace:supplier_timesheets")
    return Worklist(
        key="timesheets_due",
        title=gettext_lazy("Timesheets to submit"),
        description=gettext_lazy("Last month's hours of the persons you assist."),
        template="marketplace/worklist_hours.html",
        page=found,
        rows=[
            HourTask(
                url=f"{form_url}?{urlencode({'month': month.isoformat(), 'code': r['code']})}",
                label=str(_("Submit the hours of %(name)s") % {"name": _name(r, "", "person__")}),
                when=formats.date_format(month, "YEAR_MONTH_FORMAT"),
                detail=str(r["code"]),
            )
            for r in found.object_list
        ],
        empty=gettext_lazy("Every timesheet of last month is submitted."),
    )


def _acting_for(actor: Actor, what: Seen) -> list[Person]:
    """The persons whose services ``actor`` confirms and books: their own, and those they
    represent (each read by a representative logged for the person)."""
    own = own_person(actor)
    persons = ([own] if own is not None else []) + represented_persons(actor)
    for person in persons:
        access.see(actor, person, what=what, purpose=Purpose.REHABILITATION)
    return persons


def worklist_months_to_confirm(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For a person or a representative: the personal assistant's months submitted and not
    yet confirmed or disputed, the oldest first; each links to its order, which does both."""
    persons = _acting_for(actor, Seen.REHABILITATION_PROGRAMME)
    rows = (
        Timesheet.objects.filter(voucher__person__in=persons, order__state=Order.State.DELIVERED)
        .select_related("supplier", "voucher__person")
        .order_by("month", "id")
    )
    return _hours_worklist(
        "months_to_confirm",
        rows if persons else Timesheet.objects.none(),
        page,
        lambda sheet: HourTask(
            url=reverse("marketplace:order", args=[sheet.order_id]),
            label=str(
                _("Confirm or dispute the month of %(name)s (hours: %(hours)s)")
                % {"hours": sheet.hours, "name": sheet.voucher.person.given_name}
            ),
            when=formats.date_format(sheet.month, "YEAR_MONTH_FORMAT"),
            detail=sheet.supplier.legal_name,
        ),
        title=gettext_lazy("Months to confirm"),
        description=gettext_lazy(
            "The personal assistant's hours: confirm the month, or dispute it if it is wrong."
        ),
        empty=gettext_lazy("No month waits for your confirmation."),
    )


def worklist_sessions_soon(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For a person or a representative: the sign-language sessions booked in the coming
    week, the soonest first; each links to the person's sessions page (to cancel, if need
    be)."""
    persons = _acting_for(actor, Seen.REHABILITATION_PROGRAMME)
    now = timezone.now()
    rows = (
        SessionBooking.objects.filter(
            voucher__person__in=persons,
            cancelled_at__isnull=True,
            order__state=Order.State.SCHEDULED,
            starts__gt=now,
            starts__lte=now + dt.timedelta(days=SESSIONS_SOON_DAYS),
        )
        .select_related("slot__item__supplier", "voucher__person")
        .order_by("starts", "id")
    )
    return _hours_worklist(
        "sessions_soon",
        rows if persons else SessionBooking.objects.none(),
        page,
        lambda booking: HourTask(
            url=reverse("marketplace:hours_sessions", args=[booking.voucher.person.iin]),
            label=str(
                _("Session of %(name)s: %(item)s")
                % {"name": booking.voucher.person.given_name, "item": booking.slot.item.name}
            ),
            when=_when(booking.starts),
            detail=booking.slot.item.supplier.legal_name,
        ),
        title=gettext_lazy("Sessions booked soon"),
        description=gettext_lazy("Sign-language sessions in the coming week."),
        empty=gettext_lazy("No session is booked in the coming week."),
    )
