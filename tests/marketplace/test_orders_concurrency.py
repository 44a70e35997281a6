"""Two processes at once on PostgreSQL: two orders on a voucher with one unit left spend it
once; two payment runs pay a confirmed order once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.marketplace import orders
from inclusio.marketplace.models import Item, Order, Voucher
from inclusio.payments.models import Transfer
from tests.marketplace.orders_builders import (
    delivered,
    person_with_vouchers,
    shop,
    wheelchair_voucher,
)


def _race(work: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            work()
            outcomes.append("done")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_orders_at_once_never_overspend_a_voucher(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    account, person = person_with_vouchers()
    _, item = shop(stock=5)
    voucher = wheelchair_voucher(person)

    def place() -> None:
        orders.order_place(
            actor=account,
            voucher_id=voucher.pk,
            item_id=item.pk,
            quantity=1,
            co_payment_accepted=None,
        )

    assert _race(place) == ["VOUCHER_SPENT", "done"]
    assert Voucher.objects.get(pk=voucher.pk).spent == 1
    assert (Order.objects.count(), Item.objects.get(pk=item.pk).stock) == (1, 4)


def test_two_payment_runs_at_once_pay_an_order_once(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    account, person = person_with_vouchers()
    _, item = shop()
    order = delivered(account, wheelchair_voucher(person), item)
    orders.order_confirm(actor=account, order_id=order.pk)
    outcomes = _race(lambda: orders.supplier_payments_send(actor=SYSTEM))
    assert outcomes[-1] == "done" and outcomes[0] in ("NOTHING_TO_PAY", "PAYMENT_ALREADY_MADE")
    assert Transfer.objects.filter(purpose_kind="supplier_order").count() == 1
