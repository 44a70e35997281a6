"""The demo's way through the Social Services Portal, in the browser, by keyboard alone, with
axe-core on every page it passes: the person finds a wheelchair within their voucher and orders
it → the supplier accepts, ships and delivers it → the person confirms receipt → the platform's
payment job writes the suppliers' payment file, which pays the supplier for the order.

Only Tab, Enter, arrow keys and typing move the walk; the addresses opened directly are the
sign-in page (each account signs in) and nothing else.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from inclusio.core.audit import SYSTEM
from inclusio.marketplace import services
from inclusio.marketplace.models import Order
from inclusio.payments.models import Transfer
from inclusio.rehabilitation.services import Prescribed, programme_issue
from inclusio.synthetic.marketplace import make_iban
from tests.browser.keyboard import follow, send
from tests.browser.test_walk_by_keyboard import Walk
from tests.factories import give_status
from tests.marketplace.builders import a_bin, make_item
from tests.web.accounts import make_person_account, make_staff_account

pytestmark = pytest.mark.browser


def test_a_wheelchair_ordered_delivered_confirmed_and_paid_by_keyboard(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    dana = make_person_account("dana")
    person = dana.person
    person.address = "Астана, ул. Кенесары, 5"
    person.save(update_fields=["address"])
    status = give_status(person, valid_from=dt.date(2025, 1, 1), until=dt.date(2029, 1, 1))
    programme_issue(
        actor=SYSTEM,
        person=person,
        status=status,
        prescription=[Prescribed("wheelchair_manual", 1)],
    )
    shop = make_staff_account("supplier", role="supplier")
    supplier = services.supplier_register(
        actor=shop,
        bin=a_bin(50),
        legal_name="ТОО «Коляски Астаны»",
        regions_served=["71"],
        categories=["wheelchair_manual"],
        iban=make_iban(50),
        phone="+7 717 200 00 50",
        address="Астана",
    )
    supplier.status = "verified"
    supplier.save(update_fields=["status"])
    light = make_item(supplier, name="Кресло-коляска Лёгкая", price=150_000)
    make_item(supplier, name="Кресло-коляска Премиум", price=240_000)
    walk = Walk(page, live_server)

    # The person: wallet → the catalogue within the voucher → the wheelchair → order.
    walk.sign_in(dana, second_factor=False)
    follow(page, "a[href$='/marketplace/wallet/']")
    walk.seen("wallet")
    follow(page, "main a[href*='at_or_under_cap=on']")
    walk.seen("catalogue-within-voucher")
    assert "Премиум" not in page.content()
    follow(page, f"main a[href$='/marketplace/items/{light.pk}/']")
    walk.seen("item")
    follow(page, "main a[href$='/order/']")
    walk.seen("order-form")
    send(page, {"#id_quantity": "1"})
    walk.seen("order-price")
    follow(page, "main form button[type=submit]")
    walk.seen("order-placed")
    order = Order.objects.get()
    assert order.state == "placed" and order.co_payment_per_unit == 0

    # The supplier: dashboard → the order → accept, ship, deliver.
    walk.sign_in(shop, second_factor=True)
    follow(page, "a[href$='/marketplace/supplier/']")
    walk.seen("supplier-dashboard")
    follow(page, f"main a[href$='/orders/{order.pk}/']")
    walk.seen("supplier-order")
    for step in ("accept", "ship", "deliver"):
        follow(page, f"form[action$='/{step}/'] button")
        walk.seen(f"supplier-{step}")
    order.refresh_from_db()
    assert order.state == "delivered"

    # The person confirms receipt.
    walk.sign_in(dana, second_factor=False)
    follow(page, "a[href$='/marketplace/wallet/']")
    follow(page, f"main a[href$='/orders/{order.pk}/']")
    walk.seen("person-order-delivered")
    follow(page, "form[action$='/confirm/'] button")
    walk.seen("person-confirmed")
    order.refresh_from_db()
    assert order.state == "confirmed"

    # The platform's payment job: the suppliers' payment file pays the order.
    out = tmp_path / "suppliers.xml"
    call_command("marketplace_pay", "--out", str(out), stdout=io.StringIO())
    content = out.read_bytes()
    assert supplier.bin.encode() in content and b"150000" in content
    assert Transfer.objects.get(purpose_kind="supplier_order").purpose_id == order.pk
