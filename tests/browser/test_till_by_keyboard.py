"""The in-shop sale, in the browser, by keyboard alone, with axe-core on every page it passes:
the supplier opens its till from its catalogue, checks the voucher code the person shows and
records the wheelchair they take → the person finds the purchase in their wallet and confirms
it → the sale is a confirmed order on the voucher, to be paid once.

Only Tab, Enter, arrow keys and typing move the walk; the addresses opened directly are the
sign-in page (each account signs in) and nothing else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from inclusio.core.audit import SYSTEM
from inclusio.marketplace import services
from inclusio.marketplace.models import Order, ShopSale, Voucher
from inclusio.rehabilitation.services import Prescribed, programme_issue
from inclusio.synthetic.marketplace import make_iban
from tests.browser.keyboard import follow, send
from tests.browser.test_walk_by_keyboard import Walk
from tests.factories import give_status
from tests.marketplace.builders import a_bin, make_item
from tests.web.accounts import make_person_account, make_staff_account

pytestmark = pytest.mark.browser


def test_an_in_shop_sale_recorded_at_the_till_and_confirmed_by_keyboard(
    page: Any, live_server: Any
) -> None:
    dana = make_person_account("dana")
    status = give_status(dana.person, valid_from=dt.date(2025, 1, 1), until=dt.date(2029, 1, 1))
    programme_issue(
        actor=SYSTEM,
        person=dana.person,
        status=status,
        prescription=[Prescribed("wheelchair_manual", 1)],
    )
    voucher = Voucher.objects.get(person=dana.person, category="wheelchair_manual")
    shop = make_staff_account("supplier", role="supplier")
    supplier = services.supplier_register(
        actor=shop,
        bin=a_bin(51),
        legal_name="ТОО «Коляски у дома»",
        regions_served=["71"],
        categories=["wheelchair_manual"],
        iban=make_iban(51),
        phone="+7 717 200 00 51",
        address="Астана",
    )
    supplier.status = "verified"
    supplier.save(update_fields=["status"])
    make_item(supplier, name="Кресло-коляска Лёгкая", price=150_000)
    walk = Walk(page, live_server)

    # The supplier: its catalogue → the till → the code the person shows → the sale.
    walk.sign_in(shop, second_factor=True)
    follow(page, "a[href$='/marketplace/supplier/']")
    walk.seen("supplier-dashboard")
    follow(page, "main a[href$='/marketplace/supplier/till/']")
    walk.seen("till")
    send(page, {"#id_code": voucher.code.lower()})
    walk.seen("till-voucher-checked")
    assert "Кресло-коляска Лёгкая" in page.content()
    follow(page, "main button[name=record]")
    walk.seen("till-sale-recorded")
    sale = ShopSale.objects.get()
    assert sale.state == "pending" and sale.voucher_id == voucher.pk

    # The person: their wallet shows the purchase to confirm → the sale → confirm.
    walk.sign_in(dana, second_factor=False)
    follow(page, "a[href$='/marketplace/wallet/']")
    walk.seen("wallet-with-a-purchase")
    follow(page, f"main a[href$='/marketplace/sales/{sale.pk}/']")
    walk.seen("purchase")
    follow(page, "main form button[type=submit]")
    walk.seen("purchase-confirmed")
    sale.refresh_from_db()
    assert sale.state == "confirmed"
    order = Order.objects.get()
    assert (order.state, order.voucher_id, order.quantity) == ("confirmed", voucher.pk, 1)
