"""Two processes at once on PostgreSQL: an online order and an in-shop sale racing for a
voucher's last unit spend it once; two confirmations of one sale make one order."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from inclusio.marketplace import orders, till
from inclusio.marketplace.models import Item, Order, ShopSale, Voucher
from tests.marketplace.test_orders_concurrency import _race
from tests.marketplace.till_builders import code_sent, counter, holder, sold


def test_an_online_order_and_a_till_sale_at_once_spend_the_last_unit_once(
    transactional_db: None,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    account, _, voucher = holder()
    supplier, item = counter(stock=5)
    turn = iter(("order", "sale"))
    lock = threading.Lock()

    def spend() -> None:
        with lock:
            which = next(turn)
        if which == "order":
            orders.order_place(
                actor=account,
                voucher_id=voucher.pk,
                item_id=item.pk,
                quantity=1,
                co_payment_accepted=None,
            )
        else:
            sold(supplier, item, voucher)

    assert _race(spend) == ["VOUCHER_SPENT", "done"]
    assert Voucher.objects.get(pk=voucher.pk).spent == 1
    assert Order.objects.count() + ShopSale.objects.count() == 1
    assert Item.objects.get(pk=item.pk).stock == 4


def test_two_confirmations_of_a_sale_at_once_make_one_order(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    account, _, voucher = holder()
    supplier, item = counter()
    sale = sold(supplier, item, voucher)
    code = code_sent(sale)
    turn = iter(("person", "supplier"))
    lock = threading.Lock()

    def confirm() -> None:
        with lock:
            which = next(turn)
        if which == "person":
            till.sale_confirm(actor=account, sale_id=sale.pk)
        else:
            till.sale_confirm_by_code(actor=supplier.representative, sale_id=sale.pk, code=code)

    assert _race(confirm) == ["SALE_STATE", "done"]
    assert Order.objects.filter(state="confirmed").count() == 1
