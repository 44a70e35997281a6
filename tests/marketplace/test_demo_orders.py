"""The demo person has vouchers (a manual wheelchair among them) and an order in progress that
the demo supplier has accepted; running the demo again adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from inclusio.marketplace.models import Order, Voucher
from inclusio.synthetic.demo import create_demo_accounts
from tests.factories import give_status, make_person

pytestmark = pytest.mark.django_db


def test_the_demo_person_has_vouchers_and_an_order_in_progress() -> None:
    give_status(make_person(region="71"), valid_from=dt.date(2025, 1, 1), until=dt.date(2029, 1, 1))
    create_demo_accounts()
    vouchers = Voucher.objects.filter(person__user__username="person", state="active")
    assert "wheelchair_manual" in {v.category for v in vouchers}
    order = Order.objects.get()
    assert order.state == "accepted"
    assert order.supplier.representative.username == "supplier"
    assert order.voucher.person.user.username == "person"
    create_demo_accounts()
    assert Order.objects.count() == 1
