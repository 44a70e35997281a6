"""Reads of services by the hour and sanatorium stays for the pages. A person's pages are read
after ``registry.selectors.person_get`` has let the reader in and logged the read (the person,
their representative, an officer of their region); a supplier reads only its own slots,
timesheets and stays, and of each person only the name, each read logged for the person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from inclusio.core.audit import Actor
from inclusio.marketplace.catalogue import categories
from inclusio.marketplace.hour_models import SanatoriumStay, SessionBooking, SessionSlot, Timesheet
from inclusio.marketplace.models import Item, Order, Supplier, Voucher
from inclusio.marketplace.order_selectors import log_delivery_read, vouchers_in_force
from inclusio.registry.models import Person
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


def _name(row: dict[str, object], via: str = "") -> str:
    """The person's name from a row read ``via`` a relation to the voucher (``order__``)."""
    return f"{row[f'{via}voucher__person__surname']} {row[f'{via}voucher__person__given_name']}"


NAME_FIELDS = ("voucher__person__surname", "voucher__person__given_name", "voucher__person__iin")


def supplier_slots(supplier: Supplier, *, actor: Actor) -> list[SlotRow]:
    """The supplier's sessions from a week ago on, each with who booked it (name only)."""
    since = timezone.now() - dt.timedelta(days=7)
    slots = list(
        SessionSlot.objects.filter(item__supplier=supplier, starts__gte=since)
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
