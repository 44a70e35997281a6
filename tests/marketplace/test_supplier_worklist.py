"""The supplier lands on its orders still to handle: its own, undelivered, the earliest due
first; another supplier's never."""

from __future__ import annotations

import pytest
from django.test import Client

from inclusio.marketplace.models import Order
from inclusio.marketplace.order_selectors import worklist_supplier_orders
from tests.factories import make_trio, sign_in
from tests.marketplace.orders_builders import an_order, shop

pytestmark = pytest.mark.django_db


def test_a_supplier_lands_on_its_own_orders_to_handle(client: Client) -> None:
    trio = make_trio()
    order = an_order(trio.person.user, trio.person, serial=91)
    supplier_account = order.supplier.representative
    listed = worklist_supplier_orders(actor=supplier_account)
    assert listed.key == "supplier_orders" and listed.rows == [order]
    other, _item = shop("supplier_92", serial=92)
    assert worklist_supplier_orders(actor=other.representative).rows == []

    sign_in(client, supplier_account)
    home = client.get("/en/").content.decode()
    assert "Orders to handle" in home and f"/en/marketplace/orders/{order.pk}/" in home

    Order.objects.filter(pk=order.pk).update(state=Order.State.CONFIRMED)
    assert worklist_supplier_orders(actor=supplier_account).rows == []
