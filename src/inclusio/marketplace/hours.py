"""Every write of services by the hour and of sanatorium stays by date.

Each booking, timesheet and stay is an order on the person's voucher (``orders.py``), so the
hours or the course are taken from the voucher, confirmed or disputed by the person, counted in
the programme's implementation and paid to the supplier once, as any order is:

- a sign-language supplier publishes slots (start, hours, places); the person or their
  representative books one with their sign-language voucher — the order is scheduled for the
  slot's day; the supplier marks the slot held (the orders are delivered) and the person
  confirms or disputes; cancelled before the start, the hours return to the voucher;
- a personal-assistant supplier submits a month's hours, day by day, against the person's
  voucher (its code, which the person gives them): the month's order is delivered at once and
  waits for the person's confirmation; a month over the prescribed hours is refused;
- a sanatorium stay takes a place on each of its dates (``SanatoriumPlaces``), refused when
  any of them is full; places never go below zero.

Locks are taken in the one order every writer of the marketplace keeps (``orders.py`` names
it: orders, vouchers, items, then slots, then places, the audit trail's head last), so two
bookings at once neither overbook a slot nor overspend a voucher, and a booking never waits in
a circle with a suspension or a dispute giving places back; the database's constraints say the
same. A booking places its order before it takes its slot's or stay's places, so it writes its
audit records at its end (``audit.batched``). Each function runs in one transaction with one
audit record and writes nothing when it refuses.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inclusio.core import access, audit
from inclusio.core.audit import Actor, record_write
from inclusio.core.errors import Conflict, NotFound, ValidationFailed
from inclusio.marketplace import orders
from inclusio.marketplace.catalogue import category
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.hour_models import (
    SanatoriumStay,
    SessionBooking,
    SessionSlot,
    Timesheet,
    TimesheetDay,
)
from inclusio.marketplace.models import Item, Order, SanatoriumPlaces, Supplier, Voucher
from inclusio.marketplace.services import own_supplier
from inclusio.marketplace.till import release_lapsed
from inclusio.rehabilitation.catalogue import PERSONAL_ASSISTANT, SANATORIUM, SIGN_LANGUAGE
from inclusio.rehabilitation.models import Line

SLOT_MOST_HOURS = 12
SLOT_MOST_PLACES = 50
DAY_MOST_HOURS = 24
STAY_MOST_DAYS = 30


def _supplier_item(actor: Actor, item_id: int, kind: str) -> tuple[Supplier, Item]:
    supplier = own_supplier(actor)
    item = Item.objects.filter(pk=item_id, supplier=supplier).first()
    if item is None:
        raise NotFound(ErrorCode.ITEM_NOT_YOURS, _("No such item in your catalogue."))
    if category(item.category).kind != kind:
        raise ValidationFailed(ErrorCode.NOT_HOURLY, _("This item is not a service of that kind."))
    return supplier, item


def _int(value: object, code: ErrorCode, message: str | Promise, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise ValidationFailed(code, message, low=low, high=high)
    return number


# --- sign-language sessions ---------------------------------------------------------------------


def slot_publish(
    *, actor: Actor, item_id: int, starts: dt.datetime | None, hours: object, capacity: object
) -> SessionSlot:
    """The supplier offers a session of a sign-language item: from ``starts`` (later than
    now), ``hours`` long (1 to 12), for ``capacity`` persons (1 to 50)."""
    hours = _int(
        hours,
        ErrorCode.SLOT_INVALID,
        _("A session lasts %(low)s to %(high)s hours."),
        1,
        SLOT_MOST_HOURS,
    )
    capacity = _int(
        capacity,
        ErrorCode.SLOT_INVALID,
        _("A session has %(low)s to %(high)s places."),
        1,
        SLOT_MOST_PLACES,
    )
    if starts is None or timezone.is_naive(starts) or starts <= timezone.now():
        raise ValidationFailed(ErrorCode.SLOT_INVALID, _("A session starts later than now."))
    with transaction.atomic():
        item = _supplier_item(actor, item_id, SIGN_LANGUAGE)[1]
        slot = SessionSlot.objects.create(item=item, starts=starts, hours=hours, capacity=capacity)
        record_write(
            actor=actor,
            action="slot_publish",
            entity="session_slot",
            entity_id=slot.pk,
            data={"item": item.pk, "hours": hours, "capacity": capacity},
        )
    return slot


def _own_voucher(actor: Actor, voucher_id: int) -> Voucher:
    voucher = (
        Voucher.objects.select_for_update().select_related("person").filter(pk=voucher_id).first()
    )
    if voucher is None or not access.may_act_for(actor, voucher.person):
        raise NotFound(ErrorCode.VOUCHER_NOT_FOUND, _("No such voucher, or not yours."))
    return voucher


def _schedule(order: Order, day: dt.date) -> None:
    """A booking the supplier offered is accepted as it is made, for its day."""
    order.state = Order.State.SCHEDULED
    order.accepted_at = timezone.now()
    order.scheduled_for = day
    order.due_by = day
    order.save(update_fields=["state", "accepted_at", "scheduled_for", "due_by"])


def session_book(
    *, actor: Actor, slot_id: int, voucher_id: int, co_payment_accepted: int | None = None
) -> SessionBooking:
    """The person (or their representative) books a place in a slot with their sign-language
    voucher: the slot's hours are taken from it. Refused: a full or started slot, a booking
    overlapping another of the person's, hours beyond the voucher, someone else's voucher."""
    with transaction.atomic(), audit.batched():
        # The slot's item and hours never change once published: read them unlocked, so that
        # the voucher and the item are locked before the slot.
        found = SessionSlot.objects.filter(pk=slot_id).values_list("item_id", flat=True).first()
        if found is None:
            raise NotFound(ErrorCode.SLOT_NOT_FOUND, _("No such session."))
        orders.lock_supplier_of(found)  # the supplier first, as the order placed below takes it
        voucher = _own_voucher(actor, voucher_id)
        release_lapsed(voucher, items=[found])
        slot = SessionSlot.objects.select_for_update().get(pk=slot_id)
        if slot.starts <= timezone.now() or slot.held_at is not None:
            raise Conflict(ErrorCode.SLOT_STARTED, _("This session has begun: book another one."))
        if slot.booked >= slot.capacity:
            raise Conflict(ErrorCode.SLOT_FULL, _("This session is full: book another one."))
        ends = slot.starts + dt.timedelta(hours=slot.hours)
        if SessionBooking.objects.filter(
            voucher__person_id=voucher.person_id,
            cancelled_at__isnull=True,
            starts__lt=ends,
            ends__gt=slot.starts,
        ).exists():
            raise Conflict(
                ErrorCode.BOOKING_OVERLAPS,
                _("You have another session at that time: cancel it first."),
            )
        order = orders.order_place(
            actor=actor,
            voucher_id=voucher.pk,
            item_id=slot.item_id,
            quantity=slot.hours,
            co_payment_accepted=co_payment_accepted,
        )
        _schedule(order, timezone.localdate(slot.starts))
        booking = SessionBooking.objects.create(
            slot=slot, order=order, voucher=voucher, starts=slot.starts, ends=ends
        )
        SessionSlot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
        record_write(
            actor=actor,
            action="session_book",
            entity="session_slot",
            entity_id=slot.pk,
            data={"order": order.pk, "hours": slot.hours},
        )
    return booking


def session_cancel(*, actor: Actor, booking_id: int) -> SessionBooking:
    """The person cancels a booking before the session starts: the hours return to the
    voucher and the place to the slot."""
    with transaction.atomic():
        booking = (
            SessionBooking.objects.select_related("voucher__person").filter(pk=booking_id).first()
        )
        if booking is None or not access.may_act_for(actor, booking.voucher.person):
            raise NotFound(ErrorCode.BOOKING_NOT_FOUND, _("No such booking, or not yours."))
        order = Order.objects.select_for_update().get(pk=booking.order_id)
        vouchers = orders.lock_vouchers([order.voucher_id])
        items = orders.lock_items([order.item_id])
        slot = SessionSlot.objects.select_for_update().get(pk=booking.slot_id)
        booking.refresh_from_db()
        if booking.cancelled_at is not None or order.state != Order.State.SCHEDULED:
            raise orders._state_conflict(order)
        if slot.starts <= timezone.now() or slot.held_at is not None:
            raise Conflict(
                ErrorCode.SLOT_STARTED, _("This session has begun: it can no longer be cancelled.")
            )
        orders.give_back(
            [orders.Taken(order.voucher_id, order.item_id, order.quantity)], vouchers, items
        )
        order.state = Order.State.RETURNED
        order.cancel_reason = str(_("Cancelled before the session."))
        order.save(update_fields=["state", "cancel_reason"])
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["cancelled_at"])
        SessionSlot.objects.filter(pk=slot.pk).update(booked=F("booked") - 1)
        record_write(
            actor=actor,
            action="session_cancel",
            entity="session_slot",
            entity_id=slot.pk,
            data={"order": order.pk, "hours": order.quantity},
        )
    return booking


def slot_hold(*, actor: Actor, slot_id: int) -> int:
    """The supplier marks a session held once it has begun: each booking's order is delivered
    and waits for the person's confirmation. Returns how many."""
    supplier = own_supplier(actor)
    with transaction.atomic():
        if not SessionSlot.objects.filter(pk=slot_id, item__supplier=supplier).exists():
            raise NotFound(ErrorCode.SLOT_NOT_FOUND, _("No such session."))
        # The slot's orders before the slot itself: the one order of locks.
        list(
            Order.objects.select_for_update()
            .filter(session__slot_id=slot_id, state=Order.State.SCHEDULED)
            .order_by("id")
            .values_list("id", flat=True)
        )
        slot = SessionSlot.objects.select_for_update().get(pk=slot_id)
        if slot.held_at is not None or slot.starts > timezone.now():
            raise Conflict(
                ErrorCode.SLOT_STARTED, _("Mark a session held once it has begun, and once.")
            )
        now = timezone.now()
        slot.held_at = now
        slot.save(update_fields=["held_at"])
        held = Order.objects.filter(
            session__slot=slot, session__cancelled_at__isnull=True, state=Order.State.SCHEDULED
        ).update(state=Order.State.DELIVERED, delivered_at=now)
        record_write(
            actor=actor,
            action="slot_hold",
            entity="session_slot",
            entity_id=slot.pk,
            data={"orders": held},
        )
    return held


# --- personal-assistant timesheets --------------------------------------------------------------


def month_prescribed(voucher: Voucher, month: dt.date) -> int:
    """The hours the programme prescribes in ``month``: each year's hours shared over its days
    (a line is a year's hours), the days of the month taken, rounded up to the hour."""
    first = month.replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    owed = 0.0
    for line in Line.objects.filter(
        item_id=voucher.programme_item_id, withdrawn=False, starts__lte=last, ends__gte=first
    ):
        days = (line.ends - line.starts).days + 1
        inside = (min(line.ends, last) - max(line.starts, first)).days + 1
        owed += line.quantity * inside / days
    return math.ceil(owed - 1e-9)


def _days(month: dt.date, days: Mapping[dt.date, object]) -> dict[dt.date, int]:
    today = timezone.localdate()
    if not days:
        raise ValidationFailed(ErrorCode.TIMESHEET_INVALID, _("Enter the hours of at least a day."))
    cleaned: dict[dt.date, int] = {}
    for day, hours in days.items():
        if (day.year, day.month) != (month.year, month.month) or day > today:
            raise ValidationFailed(
                ErrorCode.TIMESHEET_INVALID,
                _("%(day)s is not a past day of the month of this timesheet."),
                day=day.isoformat(),
            )
        cleaned[day] = _int(
            hours,
            ErrorCode.TIMESHEET_INVALID,
            _("A day has %(low)s to %(high)s hours."),
            1,
            DAY_MOST_HOURS,
        )
    return cleaned


def timesheet_submit(
    *, actor: Actor, voucher_code: str, item_id: int, month: dt.date, days: Mapping[dt.date, object]
) -> Timesheet:
    """The supplier enters a month's hours, day by day, against the person's personal-assistant
    voucher (its code): the month's order is delivered and waits for the person's confirmation.
    Refused: a month over the prescribed hours or beyond the voucher, a second timesheet for the
    month, an hourly price above the state cap (the person has not agreed to pay the rest)."""
    month = month.replace(day=1)
    cleaned = _days(month, days)
    total = sum(cleaned.values())
    with transaction.atomic():
        supplier, item = _supplier_item(actor, item_id, PERSONAL_ASSISTANT)
        orders.lock_supplier_of(item.pk)  # the supplier first, as every writer takes it
        entered_by = supplier.representative
        code = str(voucher_code or "").strip().upper()[:14]
        voucher = (
            Voucher.objects.select_for_update().select_related("person").filter(code=code).first()
        )
        if voucher is None:
            raise NotFound(ErrorCode.VOUCHER_NOT_FOUND, _("No such voucher, or not yours."))
        item = (
            Item.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=item.pk)
        )
        _check_hours(voucher, item, total)
        if (
            Timesheet.objects.filter(voucher=voucher, month=month)
            .exclude(order__state=Order.State.RETURNED)
            .exists()
        ):
            raise Conflict(
                ErrorCode.TIMESHEET_EXISTS, _("This month's timesheet is already submitted.")
            )
        prescribed = month_prescribed(voucher, month)
        if total > prescribed:
            raise Conflict(
                ErrorCode.TIMESHEET_OVER_PRESCRIBED,
                _("%(hours)s hours entered; the programme prescribes %(prescribed)s this month."),
                hours=total,
                prescribed=prescribed,
            )
        price = orders.quote(voucher, item, total)
        if price.co_payment:
            raise ValidationFailed(
                ErrorCode.CO_PAYMENT_NOT_ACCEPTED,
                _("The hourly price is above the state cap: the person must agree to pay more."),
            )
        voucher.spent += total
        voucher.save(update_fields=["spent"])
        now = timezone.now()
        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        order = Order.objects.create(
            voucher=voucher,
            item=item,
            supplier=supplier,
            region_id=voucher.person.region_id,
            quantity=total,
            unit_price=price.unit_price,
            state_per_unit=price.state_per_unit,
            co_payment_per_unit=0,
            state=Order.State.DELIVERED,
            placed_by=entered_by,
            placed_at=now,
            accepted_at=now,
            delivered_at=now,
            due_by=last,
        )
        sheet = Timesheet.objects.create(
            supplier=supplier, voucher=voucher, order=order, month=month, hours=total
        )
        TimesheetDay.objects.bulk_create(
            TimesheetDay(timesheet=sheet, day=day, hours=hours) for day, hours in cleaned.items()
        )
        record_write(
            actor=actor,
            action="timesheet_submit",
            entity="timesheet",
            entity_id=sheet.pk,
            data={"order": order.pk, "month": month.isoformat()[:7], "hours": total},
        )
    return sheet


def _check_hours(voucher: Voucher, item: Item, total: int) -> None:
    """The order checks of ``orders._check_order`` that a supplier entering hours can pass:
    the voucher is the person's by its code, so only its validity, kind, region and hours."""
    today = timezone.localdate()
    if voucher.state != Voucher.State.ACTIVE or not (
        voucher.valid_from <= today <= voucher.valid_until
    ):
        raise ValidationFailed(
            ErrorCode.VOUCHER_EXPIRED,
            _("This voucher is not valid today (valid %(start)s to %(end)s)."),
            start=voucher.valid_from.isoformat(),
            end=voucher.valid_until.isoformat(),
        )
    if voucher.category != item.category:
        raise ValidationFailed(
            ErrorCode.VOUCHER_CATEGORY, _("This voucher is for another kind of item.")
        )
    if item.supplier.status != Supplier.Status.VERIFIED:
        raise Conflict(
            ErrorCode.SUPPLIER_SUSPENDED,
            _("This supplier cannot take orders now: choose another one."),
        )
    if not item.supplier.regions_served.filter(code=voucher.person.region_id).exists():
        raise ValidationFailed(
            ErrorCode.SUPPLIER_NOT_SERVING, _("This supplier does not deliver to your region.")
        )
    if total > voucher.left:
        raise Conflict(
            ErrorCode.VOUCHER_SPENT,
            _("Only %(left)s left on this voucher; %(quantity)s asked."),
            left=voucher.left,
            quantity=total,
        )


# --- sanatorium stays ---------------------------------------------------------------------------


def stay_book(
    *,
    actor: Actor,
    voucher_id: int,
    item_id: int,
    first_day: dt.date | None,
    days: object,
    co_payment_accepted: int | None = None,
) -> SanatoriumStay:
    """The person (or their representative) books a sanatorium course from ``first_day`` for
    ``days`` days with their voucher: it takes a place on each date, refused when any is full
    (or not offered)."""
    length = _int(
        days,
        ErrorCode.STAY_INVALID,
        _("A stay lasts %(low)s to %(high)s days."),
        1,
        STAY_MOST_DAYS,
    )
    if first_day is None or first_day < timezone.localdate():
        raise ValidationFailed(ErrorCode.STAY_INVALID, _("Give an arrival date from today on."))
    last = first_day + dt.timedelta(days=length - 1)
    # The order is placed (vouchers, items) before the places are taken: the records wait.
    with transaction.atomic(), audit.batched():
        item = Item.objects.filter(pk=item_id).first()
        if item is None or category(item.category).kind != SANATORIUM:
            raise NotFound(ErrorCode.ITEM_NOT_YOURS, _("No such item in the catalogue."))
        order = orders.order_place(
            actor=actor,
            voucher_id=voucher_id,
            item_id=item_id,
            quantity=1,
            co_payment_accepted=co_payment_accepted,
        )
        # One conditional update: a date at zero is never touched, so places never go below
        # zero; fewer dates taken than the stay has means one was full, and all is undone.
        taken = SanatoriumPlaces.objects.filter(
            item_id=item_id, day__gte=first_day, day__lte=last, places__gte=1
        ).update(places=F("places") - 1)
        if taken != length:
            raise Conflict(
                ErrorCode.SANATORIUM_FULL,
                _("No free place on every date from %(start)s to %(end)s: choose other dates."),
                start=first_day.isoformat(),
                end=last.isoformat(),
            )
        _schedule(order, first_day)
        stay = SanatoriumStay.objects.create(order=order, first_day=first_day, days=length)
        record_write(
            actor=actor,
            action="stay_book",
            entity="order",
            entity_id=order.pk,
            data={"first_day": first_day.isoformat(), "days": length},
        )
    return stay


def places_give_back(order_ids: list[int]) -> dict[str, int]:
    """The orders are cancelled (a suspended supplier's, offered back to the persons): their
    bookings leave their sessions and their stays give back a place on each date. Runs in the
    caller's transaction; returns how many of each, for its audit record."""
    now = timezone.now()
    bookings = list(
        SessionBooking.objects.filter(
            order_id__in=order_ids, cancelled_at__isnull=True
        ).values_list("pk", "slot_id")
    )
    leaving = Counter(slot_id for _pk, slot_id in bookings)
    # Slot by slot in one order, so two releases at once never wait on each other.
    for slot_id in sorted(leaving):
        SessionSlot.objects.filter(pk=slot_id).update(booked=F("booked") - leaving[slot_id])
    SessionBooking.objects.filter(pk__in=[pk for pk, _slot in bookings]).update(cancelled_at=now)
    stays = list(
        SanatoriumStay.objects.filter(order_id__in=order_ids, released_at__isnull=True)
        .select_related("order")
        .order_by("order__item_id", "first_day")
    )
    for stay in stays:
        SanatoriumPlaces.objects.filter(
            item_id=stay.order.item_id,
            day__gte=stay.first_day,
            day__lt=stay.first_day + dt.timedelta(days=stay.days),
        ).update(places=F("places") + 1)
    SanatoriumStay.objects.filter(pk__in=[s.pk for s in stays]).update(released_at=now)
    return {"sessions": len(bookings), "stays": len(stays)}


def free_places(item: Item, day: dt.date) -> int:
    return SanatoriumPlaces.objects.filter(item=item, day=day).aggregate(n=Sum("places"))["n"] or 0
