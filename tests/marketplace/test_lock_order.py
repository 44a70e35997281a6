"""Two writers at once on PostgreSQL never wait on each other in a circle: every path that
undoes, offers back or books locks its rows in the one order ``orders.py`` documents.

A third connection holds a row lock so that each racer stops at a known point: the suspension
(which offers the supplier's orders back) first, holding its orders and vouchers, then a person
booking or cancelling a session of that supplier. When the holder lets go, a path locking in
another order (the slot before the voucher, or before the order) would close a circle that
PostgreSQL breaks by failing one of them with a deadlock error; in the one order, the person
waits for the suspension and is then refused with a code."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from inclusio.core.errors import DomainError
from inclusio.marketplace import hours, orders, services
from inclusio.marketplace.hour_models import SessionBooking, SessionSlot
from inclusio.marketplace.models import Item, Order, Voucher
from tests.factories import make_user
from tests.marketplace.hour_builders import PRESCRIPTION, hours_cast, soon
from tests.marketplace.orders_builders import (
    person_with_vouchers,
    placed,
    shop,
    wheelchair_voucher,
)

WAIT = 20.0  # seconds a racer may take to reach its lock: far beyond a loaded machine's


def _blocked(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return bool(cursor.fetchone()[0])


class Racer(threading.Thread):
    """Runs ``work`` on a connection of its own and keeps what came of it: "done", a refusal's
    code, or the database error's class."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self.work = work
        self.pid = 0
        self.started_work = threading.Event()
        self.outcome = ""

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.started_work.set()
            self.work()
            self.outcome = "done"
        except DomainError as error:
            self.outcome = str(error.code)
        except DatabaseError as error:
            self.outcome = type(error.__cause__ or error).__name__
        finally:
            self.started_work.set()
            connection.close()

    def start_and_wait_blocked(self) -> None:
        self.start()
        assert self.started_work.wait(WAIT)
        deadline = time.monotonic() + WAIT
        while not _blocked(self.pid):
            assert self.is_alive(), f"finished without waiting: {self.outcome}"
            assert time.monotonic() < deadline, "never reached its lock"
            time.sleep(0.01)


def race_behind(
    hold: Callable[[], object], first: Callable[[], object], second: Callable[[], object]
) -> list[str]:
    """``hold`` locks a row on this connection; ``first`` then ``second`` start and each stops
    at a lock; the holder lets go; what came of each, first's then second's."""
    racers = [Racer(first), Racer(second)]
    with transaction.atomic():
        hold()
        for racer in racers:
            racer.start_and_wait_blocked()
    for racer in racers:
        racer.join(WAIT * 3)
    return [racer.outcome for racer in racers]


@pytest.fixture
def world(transactional_db: None) -> dict[str, Any]:
    """A supplier of sign-language sessions with two slots; Dana (the older voucher) booked the
    second, Erlan the first."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    cast = hours_cast()
    erlan, erlan_person = person_with_vouchers("erlan", PRESCRIPTION)
    erlan_voucher = Voucher.objects.get(person=erlan_person, category="sign_language")
    dana_voucher = cast["vouchers"]["sign_language"]
    assert dana_voucher.pk < erlan_voucher.pk
    slots = [
        hours.slot_publish(
            actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(h), hours=1, capacity=3
        )
        for h in (48, 72)
    ]
    bookings = {
        "dana": hours.session_book(
            actor=cast["account"], slot_id=slots[1].pk, voucher_id=dana_voucher.pk
        ),
        "erlan": hours.session_book(actor=erlan, slot_id=slots[0].pk, voucher_id=erlan_voucher.pk),
    }
    officer = make_user("officer_astana", "district_officer", "71")
    return {
        **cast,
        "slots": slots,
        "bookings": bookings,
        "officer": officer,
        "dana_voucher": dana_voucher,
    }


def _hold_item(world: dict[str, Any]) -> Callable[[], object]:
    return lambda: Item.objects.select_for_update().get(pk=world["sign"].pk)


def _suspend(world: dict[str, Any]) -> Callable[[], object]:
    return lambda: services.supplier_suspend(
        actor=world["officer"], supplier_id=world["supplier"].pk, reason="Лицензия отозвана."
    )


def test_a_booking_while_its_supplier_is_suspended_waits_and_is_refused(
    world: dict[str, Any],
) -> None:
    """Dana books the first session (its slot) as the suspension, holding her voucher, comes
    to give that slot's place back."""
    book = lambda: hours.session_book(  # noqa: E731
        actor=world["account"],
        slot_id=world["slots"][0].pk,
        voucher_id=world["dana_voucher"].pk,
    )
    assert race_behind(_hold_item(world), _suspend(world), book) == ["done", "SUPPLIER_SUSPENDED"]
    assert set(Order.objects.values_list("state", flat=True)) == {Order.State.OFFERED_BACK}
    assert [s.booked for s in SessionSlot.objects.order_by("starts")] == [0, 0]
    assert not SessionBooking.objects.filter(cancelled_at__isnull=True).exists()
    world["dana_voucher"].refresh_from_db()
    assert world["dana_voucher"].spent == 0


def test_a_booking_made_as_its_supplier_is_suspended_is_offered_back(
    world: dict[str, Any],
) -> None:
    """Dana books the first session while the item is held, and the suspension comes after
    her: it waits for the booking (which holds the supplier first), then offers it back."""
    book = lambda: hours.session_book(  # noqa: E731
        actor=world["account"],
        slot_id=world["slots"][0].pk,
        voucher_id=world["dana_voucher"].pk,
    )
    assert race_behind(_hold_item(world), book, _suspend(world)) == ["done", "done"]
    assert set(Order.objects.values_list("state", flat=True)) == {Order.State.OFFERED_BACK}
    assert [s.booked for s in SessionSlot.objects.order_by("starts")] == [0, 0]
    world["dana_voucher"].refresh_from_db()
    assert world["dana_voucher"].spent == 0


def test_a_cancellation_while_its_supplier_is_suspended_waits_and_is_refused(
    world: dict[str, Any],
) -> None:
    """Dana cancels her booking (its slot, its order) as the suspension, holding her order,
    comes to give the slot's place back."""
    cancel = lambda: hours.session_cancel(  # noqa: E731
        actor=world["account"], booking_id=world["bookings"]["dana"].pk
    )
    assert race_behind(_hold_item(world), _suspend(world), cancel) == ["done", "ORDER_STATE"]
    assert [s.booked for s in SessionSlot.objects.order_by("starts")] == [0, 0]
    world["dana_voucher"].refresh_from_db()
    assert world["dana_voucher"].spent == 0


def test_a_suppliers_step_locks_its_order_and_not_its_item(transactional_db: None) -> None:
    """A supplier accepting or shipping an order does not wait for a sale or an order of the
    same item meanwhile (which hold the item), and does wait for whoever holds the order."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    account, person = person_with_vouchers()
    _, item = shop()
    order = placed(account, wheelchair_voucher(person), item)
    representative = item.supplier.representative
    accept = Racer(lambda: orders.order_accept(actor=representative, order_id=order.pk))
    with transaction.atomic():
        Item.objects.select_for_update().get(pk=item.pk)
        accept.start()
        accept.join(WAIT)
        assert accept.outcome == "done"
    ship = Racer(lambda: orders.order_ship(actor=representative, order_id=order.pk))
    with transaction.atomic():
        Order.objects.select_for_update().get(pk=order.pk)
        ship.start_and_wait_blocked()
    ship.join(WAIT)
    assert ship.outcome == "done"
    assert Order.objects.get(pk=order.pk).state == Order.State.SHIPPED


@pytest.mark.parametrize("first", ["suspension", "order"])
def test_an_order_placed_while_its_supplier_is_suspended_waits_and_is_refused(
    transactional_db: None, first: str
) -> None:
    """Erlan orders the wheelchair Dana has an open order for, as the supplier is suspended:
    whichever comes first, the other waits for it (no deadlock). An order after the
    suspension is refused; one before it is offered back with Dana's. Both vouchers are whole
    again."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    dana, dana_person = person_with_vouchers("dana")
    erlan, erlan_person = person_with_vouchers("erlan")
    supplier, item = shop()
    placed(dana, wheelchair_voucher(dana_person), item)
    officer = make_user("officer_astana", "district_officer", "71")
    suspend = lambda: services.supplier_suspend(  # noqa: E731
        actor=officer, supplier_id=supplier.pk, reason="Лицензия отозвана."
    )
    order = lambda: placed(erlan, wheelchair_voucher(erlan_person), item)  # noqa: E731
    hold = lambda: Item.objects.select_for_update().get(pk=item.pk)  # noqa: E731
    if first == "suspension":
        assert race_behind(hold, suspend, order) == ["done", "SUPPLIER_SUSPENDED"]
    else:
        assert race_behind(hold, order, suspend) == ["done", "done"]
    assert set(Order.objects.values_list("state", flat=True)) == {Order.State.OFFERED_BACK}
    assert [v.spent for v in Voucher.objects.filter(category="wheelchair_manual")] == [0, 0]
