"""Services by the hour and sanatorium stays by date, through the services: sign-language
sessions booked in a supplier's slots, personal-assistant timesheets confirmed month by month,
sanatorium stays taking a place on each date — each an order on the voucher, confirmed, counted
in the programme and paid once. Every refusal has its code, a translated message, writes
nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.marketplace import hours, order_selectors, orders, selectors
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import Item, Order, SanatoriumPlaces, Voucher
from inclusio.payments.models import Transfer
from inclusio.registry.services import care_link_create
from inclusio.rehabilitation.models import Line
from inclusio.rehabilitation.services import Prescribed
from tests.factories import make_person, make_user, sign_in
from tests.marketplace.builders import make_item, make_supplier
from tests.marketplace.hour_builders import (
    PRESCRIPTION,
    begin,
    hours_cast,
    last_month,
    left,
    month_days,
    offer_places,
    service,
    soon,
)
from tests.marketplace.orders_builders import person_with_vouchers
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> dict[str, Any]:
    return hours_cast()


def refused(code: ErrorCode, call: Callable[[], object]) -> DomainError:
    """``call`` is refused with ``code``, a message in Russian, and writes nothing."""
    before = row_counts()
    with pytest.raises(DomainError) as caught, override("ru"):
        call()
    assert caught.value.code == code
    with override("ru"):
        message = str(caught.value.message)
    assert message and any("а" <= ch <= "я" for ch in message.lower()), message
    assert row_counts() == before
    return caught.value


# --- sign-language sessions ---------------------------------------------------------------------


def test_a_session_booked_held_confirmed_is_counted_and_paid_once(cast: dict[str, Any]) -> None:
    voucher = cast["vouchers"]["sign_language"]
    before = left(voucher)
    slot = hours.slot_publish(
        actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=2, capacity=3
    )
    booking = hours.session_book(actor=cast["account"], slot_id=slot.pk, voucher_id=voucher.pk)
    order = booking.order
    assert order.state == "scheduled" and order.quantity == 2
    assert order.scheduled_for == timezone.localdate(slot.starts)
    assert left(voucher) == before - 2
    slot.refresh_from_db()
    assert slot.booked == 1
    begin(slot)
    assert hours.slot_hold(actor=cast["rep"], slot_id=slot.pk) == 1
    order.refresh_from_db()
    assert order.state == "delivered"
    line = Line.objects.get(
        item_id=voucher.programme_item_id,
        starts__lte=timezone.localdate(),
        ends__gte=timezone.localdate(),
    )
    orders.order_confirm(actor=cast["account"], order_id=order.pk)
    line.refresh_from_db()
    assert line.fulfilled == 2
    payer = SYSTEM
    sent = orders.supplier_payments_send(actor=payer)
    assert sent.orders == 1 and sent.amount_kzt == 2 * 3000
    assert Transfer.objects.filter(purpose_kind="supplier_order", purpose_id=order.pk).count() == 1
    refused(ErrorCode.NOTHING_TO_PAY, lambda: orders.supplier_payments_send(actor=payer))


def test_a_held_session_may_be_disputed_instead(cast: dict[str, Any]) -> None:
    voucher = cast["vouchers"]["sign_language"]
    slot = hours.slot_publish(
        actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=1, capacity=1
    )
    booking = hours.session_book(actor=cast["account"], slot_id=slot.pk, voucher_id=voucher.pk)
    begin(slot)
    hours.slot_hold(actor=cast["rep"], slot_id=slot.pk)
    order = orders.order_complain(
        actor=cast["account"],
        order_id=booking.order_id,
        complaint="dispute",
        reason="Переводчик не пришёл",
    )
    assert order.state == "disputed"
    assert not orders.unpaid_confirmed().filter(pk=order.pk).exists()


def test_a_dispute_decided_for_the_person_gives_back_the_session_and_stay_places(
    cast: dict[str, Any],
) -> None:
    slot = hours.slot_publish(
        actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=1, capacity=1
    )
    booking = hours.session_book(
        actor=cast["account"], slot_id=slot.pk, voucher_id=cast["vouchers"]["sign_language"].pk
    )
    item = cast["sanatorium"]
    first = timezone.localdate() + dt.timedelta(days=10)
    offer_places(item, first, 3, 1)
    stay = hours.stay_book(
        actor=cast["account"],
        voucher_id=cast["vouchers"]["sanatorium_treatment"].pk,
        item_id=item.pk,
        first_day=first,
        days=3,
    )
    officer = make_user("officer_astana", "district_officer", "71")
    for order_id in (booking.order_id, stay.order_id):
        orders.order_complain(
            actor=cast["account"], order_id=order_id, complaint="dispute", reason="Не нужно"
        )
        orders.order_resolve(actor=officer, order_id=order_id, for_person=True, reason="Верно")
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.booked == 0 and booking.cancelled_at is not None
    assert [hours.free_places(item, first + dt.timedelta(days=n)) for n in range(3)] == [1, 1, 1]


def test_cancel_before_the_start_releases_the_hours_and_the_place(cast: dict[str, Any]) -> None:
    voucher = cast["vouchers"]["sign_language"]
    before = left(voucher)
    slot = hours.slot_publish(
        actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=3, capacity=1
    )
    booking = hours.session_book(actor=cast["account"], slot_id=slot.pk, voucher_id=voucher.pk)
    hours.session_cancel(actor=cast["account"], booking_id=booking.pk)
    slot.refresh_from_db()
    booking.order.refresh_from_db()
    assert (left(voucher), slot.booked, booking.order.state) == (before, 0, "returned")
    # The place is free again: the same person may book it anew.
    hours.session_book(actor=cast["account"], slot_id=slot.pk, voucher_id=voucher.pk)
    begin(slot)
    second = slot.bookings.get(cancelled_at__isnull=True)
    refused(
        ErrorCode.SLOT_STARTED,
        lambda: hours.session_cancel(actor=cast["account"], booking_id=second.pk),
    )


def test_a_representative_books_for_the_person(cast: dict[str, Any]) -> None:
    guardian = make_user("guardian", "representative", None)
    parent = make_person(surname="Сапарова", user=guardian)
    care_link_create(
        actor=SYSTEM,
        carer=parent,
        cared=cast["person"],
        relation="guardian",
        since=dt.date(2020, 1, 1),
    )
    slot = hours.slot_publish(
        actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=1, capacity=1
    )
    booking = hours.session_book(
        actor=guardian, slot_id=slot.pk, voucher_id=cast["vouchers"]["sign_language"].pk
    )
    assert booking.order.placed_by == guardian


def test_session_refusals_write_nothing(cast: dict[str, Any]) -> None:
    voucher = cast["vouchers"]["sign_language"]
    rep, account = cast["rep"], cast["account"]
    full = hours.slot_publish(
        actor=rep, item_id=cast["sign"].pk, starts=soon(), hours=1, capacity=1
    )
    other_account, other_person = person_with_vouchers("erlan", PRESCRIPTION)
    other_voucher = Voucher.objects.get(person=other_person, category="sign_language")
    hours.session_book(actor=other_account, slot_id=full.pk, voucher_id=other_voucher.pk)
    refused(
        ErrorCode.SLOT_FULL,
        lambda: hours.session_book(actor=account, slot_id=full.pk, voucher_id=voucher.pk),
    )
    # Someone else's voucher answers as unknown.
    spare = hours.slot_publish(
        actor=rep, item_id=cast["sign"].pk, starts=soon(100), hours=2, capacity=5
    )
    refused(
        ErrorCode.VOUCHER_NOT_FOUND,
        lambda: hours.session_book(actor=account, slot_id=spare.pk, voucher_id=other_voucher.pk),
    )
    # An overlapping booking: the same person cannot be at two sessions at once.
    hours.session_book(actor=account, slot_id=spare.pk, voucher_id=voucher.pk)
    overlapping = hours.slot_publish(
        actor=rep, item_id=cast["sign"].pk, starts=soon(101), hours=1, capacity=5
    )
    refused(
        ErrorCode.BOOKING_OVERLAPS,
        lambda: hours.session_book(actor=account, slot_id=overlapping.pk, voucher_id=voucher.pk),
    )
    # Hours beyond the voucher.
    Voucher.objects.filter(pk=voucher.pk).update(spent=voucher.quantity - 1)
    long = hours.slot_publish(
        actor=rep, item_id=cast["sign"].pk, starts=soon(200), hours=4, capacity=5
    )
    refused(
        ErrorCode.VOUCHER_SPENT,
        lambda: hours.session_book(actor=account, slot_id=long.pk, voucher_id=voucher.pk),
    )
    # The wrong kind of voucher, a bad slot, a slot in the past, a goods item, another's slot.
    refused(
        ErrorCode.VOUCHER_CATEGORY,
        lambda: hours.session_book(
            actor=account, slot_id=long.pk, voucher_id=cast["vouchers"]["personal_assistant"].pk
        ),
    )
    for bad_hours, bad_capacity in ((0, 1), (13, 1), ("x", 1), (1, 0), (1, 51)):
        refused(
            ErrorCode.SLOT_INVALID,
            lambda h=bad_hours, c=bad_capacity: hours.slot_publish(
                actor=rep, item_id=cast["sign"].pk, starts=soon(), hours=h, capacity=c
            ),
        )
    refused(
        ErrorCode.SLOT_INVALID,
        lambda: hours.slot_publish(
            actor=rep, item_id=cast["sign"].pk, starts=soon(-1), hours=1, capacity=1
        ),
    )
    refused(
        ErrorCode.NOT_HOURLY,
        lambda: hours.slot_publish(
            actor=rep, item_id=cast["assist"].pk, starts=soon(), hours=1, capacity=1
        ),
    )
    stranger = make_supplier("stranger", serial=8, categories=("sign_language",))
    refused(
        ErrorCode.SLOT_NOT_FOUND,
        lambda: hours.slot_hold(actor=stranger.representative, slot_id=spare.pk),
    )
    refused(ErrorCode.SLOT_STARTED, lambda: hours.slot_hold(actor=rep, slot_id=spare.pk))


# --- personal-assistant timesheets --------------------------------------------------------------


def test_a_timesheet_confirmed_is_counted_and_paid_once(cast: dict[str, Any]) -> None:
    voucher = cast["vouchers"]["personal_assistant"]
    month = last_month()
    prescribed = hours.month_prescribed(voucher, month)
    # 1,200 hours a year: about 100 a month.
    assert 95 <= prescribed <= 110
    sheet = hours.timesheet_submit(
        actor=cast["rep"],
        voucher_code=voucher.code.lower(),
        item_id=cast["assist"].pk,
        month=month,
        days=month_days(month, 4, 10),
    )
    assert (sheet.hours, sheet.days.count(), sheet.order.state) == (40, 10, "delivered")
    assert left(voucher) == voucher.quantity - 40
    orders.order_confirm(actor=cast["account"], order_id=sheet.order_id)
    payer = SYSTEM
    assert orders.supplier_payments_send(actor=payer).amount_kzt == 40 * 2000
    refused(ErrorCode.NOTHING_TO_PAY, lambda: orders.supplier_payments_send(actor=payer))
    refused(
        ErrorCode.TIMESHEET_EXISTS,
        lambda: hours.timesheet_submit(
            actor=cast["rep"],
            voucher_code=voucher.code,
            item_id=cast["assist"].pk,
            month=month,
            days=month_days(month, 1, 1),
        ),
    )


def test_a_disputed_month_waits_for_an_officer(cast: dict[str, Any]) -> None:
    voucher = cast["vouchers"]["personal_assistant"]
    month = last_month()
    sheet = hours.timesheet_submit(
        actor=cast["rep"],
        voucher_code=voucher.code,
        item_id=cast["assist"].pk,
        month=month,
        days=month_days(month, 8, 3),
    )
    order = orders.order_complain(
        actor=cast["account"],
        order_id=sheet.order_id,
        complaint="dispute",
        reason="Помощник был два дня, не три",
    )
    assert (order.state, order.complaint_reason) == ("disputed", "Помощник был два дня, не три")


def test_timesheet_refusals_write_nothing(cast: dict[str, Any]) -> None:
    voucher = cast["vouchers"]["personal_assistant"]
    month = last_month()
    prescribed = hours.month_prescribed(voucher, month)

    def submit(
        days: dict[dt.date, Any],
        code: str = voucher.code,
        item: Item = cast["assist"],
        actor: Any = cast["rep"],
    ) -> Callable[[], object]:
        return lambda: hours.timesheet_submit(
            actor=actor, voucher_code=code, item_id=item.pk, month=month, days=days
        )

    over = month_days(month, 24, 27)
    assert sum(over.values()) > prescribed
    refused(ErrorCode.TIMESHEET_OVER_PRESCRIBED, submit(over))
    refused(ErrorCode.TIMESHEET_INVALID, submit({}))
    refused(ErrorCode.TIMESHEET_INVALID, submit({month: 25}))
    refused(ErrorCode.TIMESHEET_INVALID, submit({month: 0}))
    refused(ErrorCode.TIMESHEET_INVALID, submit({month - dt.timedelta(days=1): 2}))
    refused(ErrorCode.VOUCHER_NOT_FOUND, submit({month: 2}, code="ZZZZ-ZZZZ-ZZZZ"))
    refused(
        ErrorCode.VOUCHER_CATEGORY,
        submit({month: 2}, code=cast["vouchers"]["sign_language"].code),
    )
    refused(ErrorCode.NOT_HOURLY, submit({month: 2}, item=cast["sign"]))
    refused(ErrorCode.NOT_A_SUPPLIER, submit({month: 2}, actor=cast["account"]))
    Item.objects.filter(pk=cast["assist"].pk).update(price=5000)
    refused(ErrorCode.CO_PAYMENT_NOT_ACCEPTED, submit({month: 2}))


# --- sanatorium stays ---------------------------------------------------------------------------


def test_a_stay_takes_a_place_on_each_date(cast: dict[str, Any]) -> None:
    item = cast["sanatorium"]
    first = timezone.localdate() + dt.timedelta(days=10)
    offer_places(item, first, 20, 2)
    voucher = cast["vouchers"]["sanatorium_treatment"]
    stay = hours.stay_book(
        actor=cast["account"], voucher_id=voucher.pk, item_id=item.pk, first_day=first, days=14
    )
    assert stay.order.state == "scheduled" and stay.order.scheduled_for == first
    assert hours.free_places(item, first) == 1
    assert hours.free_places(item, first + dt.timedelta(days=13)) == 1
    assert hours.free_places(item, first + dt.timedelta(days=14)) == 2
    assert left(voucher) == voucher.quantity - 1


def test_a_full_date_refuses_the_stay_and_places_stay_at_zero(cast: dict[str, Any]) -> None:
    item = cast["sanatorium"]
    first = timezone.localdate() + dt.timedelta(days=10)
    offer_places(item, first, 20, 1)
    SanatoriumPlaces.objects.filter(item=item, day=first + dt.timedelta(days=5)).update(places=0)
    voucher = cast["vouchers"]["sanatorium_treatment"]

    def book(day: dt.date | None, days: object = 14, voucher_id: int = voucher.pk) -> Any:
        return lambda: hours.stay_book(
            actor=cast["account"],
            voucher_id=voucher_id,
            item_id=item.pk,
            first_day=day,
            days=days,
        )

    refused(ErrorCode.SANATORIUM_FULL, book(first))
    # Dates not offered at all are full too.
    refused(ErrorCode.SANATORIUM_FULL, book(first + dt.timedelta(days=10), 14))
    refused(ErrorCode.STAY_INVALID, book(first, 0))
    refused(ErrorCode.STAY_INVALID, book(first, 31))
    refused(ErrorCode.STAY_INVALID, book(timezone.localdate() - dt.timedelta(days=1)))
    _, other = person_with_vouchers("erlan", PRESCRIPTION)
    theirs = Voucher.objects.get(person=other, category="sanatorium_treatment")
    refused(ErrorCode.VOUCHER_NOT_FOUND, book(first + dt.timedelta(days=6), 5, theirs.pk))
    assert not SanatoriumPlaces.objects.filter(places__lt=0).exists()
    assert Order.objects.count() == 0


# --- search by rating and by free places --------------------------------------------------------


def rate(item: Item, stars: int, username: str) -> None:
    """A confirmed order of ``item`` rated ``stars`` by a new person."""
    account, person = person_with_vouchers(username, [Prescribed("sign_language", 120)])
    voucher = Voucher.objects.get(person=person, category="sign_language")
    slot = hours.slot_publish(
        actor=item.supplier.representative, item_id=item.pk, starts=soon(), hours=1, capacity=1
    )
    booking = hours.session_book(actor=account, slot_id=slot.pk, voucher_id=voucher.pk)
    begin(slot)
    hours.slot_hold(actor=item.supplier.representative, slot_id=slot.pk)
    orders.order_confirm(actor=account, order_id=booking.order_id)
    orders.order_rate(actor=account, order_id=booking.order_id, stars=stars)


def test_search_by_minimum_rating_and_by_free_places(cast: dict[str, Any]) -> None:
    good = cast["sign"]
    other = make_supplier("poor", serial=9, categories=("sign_language",))
    poor = make_item(other, **{**service("sign_language", 3000), "name": "Плохой"})
    make_supplier("unrated", serial=10, categories=("sign_language",))
    rate(good, 5, "p1")
    rate(good, 4, "p2")
    rate(poor, 2, "p3")

    def names(**filters: Any) -> set[str]:
        return {
            i.name for i in selectors.catalogue_search(category="sign_language", **filters).page
        }

    assert names() == {"Услуга", "Плохой"}
    assert names(min_rating=4) == {"Услуга"}  # 4.5 on average
    assert names(min_rating=2) == {"Услуга", "Плохой"}
    assert names(min_rating=5) == set()
    refused(ErrorCode.RATING_FILTER_INVALID, lambda: names(min_rating=6))

    first = timezone.localdate() + dt.timedelta(days=3)
    offer_places(cast["sanatorium"], first, 2, 4)
    SanatoriumPlaces.objects.filter(day=first + dt.timedelta(days=1)).update(places=0)
    found = list(selectors.catalogue_search(free_on=first).page)
    assert [(i.pk, i.free) for i in found] == [(cast["sanatorium"].pk, 4)]
    assert not selectors.catalogue_search(free_on=first + dt.timedelta(days=1)).page.object_list

    client = Client()
    sign_in(client, cast["account"])
    page = client.get(
        "/ru/marketplace/", {"free_on": first.isoformat(), "min_rating": "", "region": ""}
    )
    assert page.status_code == 200
    assert "4 свободных места" in page.content.decode()
    # A rating or a date typed by hand that means nothing is ignored, not a server error.
    assert (
        client.get("/ru/marketplace/", {"min_rating": "9", "free_on": "31.02"}).status_code == 200
    )


# --- the officers' supplier performance ---------------------------------------------------------


def test_supplier_performance_gives_the_late_share_of_the_officers_region(
    cast: dict[str, Any],
) -> None:
    voucher = cast["vouchers"]["sign_language"]
    slots = [
        hours.slot_publish(
            actor=cast["rep"],
            item_id=cast["sign"].pk,
            starts=soon(48 + 10 * n),
            hours=1,
            capacity=1,
        )
        for n in range(4)
    ]
    booked = [
        hours.session_book(actor=cast["account"], slot_id=s.pk, voucher_id=voucher.pk).order_id
        for s in slots
    ]
    # One delivered two days after its date, one not delivered and past it, two on time.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Order.objects.filter(pk=booked[0]).update(
        state="delivered",
        due_by=yesterday - dt.timedelta(days=2),
        delivered_at=timezone.now(),
    )
    Order.objects.filter(pk=booked[1]).update(due_by=yesterday)
    officer = make_user("officer_astana", "district_officer", "71")
    other = make_user("officer_almaty", "district_officer", "75")
    (row,) = order_selectors.supplier_performance(actor=officer)
    assert (row.orders, row.overdue, row.late_percent) == (4, 1, 50.0)
    assert order_selectors.supplier_performance(actor=other) == []
