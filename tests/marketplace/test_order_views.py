"""The pages of vouchers and orders: the wallet with its QR codes, ordering with the
co-payment shown, the order's steps for each reader, the supplier's dashboard (only what
delivery needs), the officer's worklists and table (only their region)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from inclusio.core.audit import SYSTEM
from inclusio.core.models import AccessEvent
from inclusio.marketplace.models import Order
from inclusio.registry.services import care_link_create
from tests.factories import make_person, make_user, sign_in
from tests.marketplace.orders_builders import (
    delivered,
    person_with_vouchers,
    placed,
    shop,
    wheelchair_voucher,
)
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db
WALLET_BUDGET = 16


def test_the_wallet_shows_each_voucher_with_its_code_and_qr(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    account, person = person_with_vouchers()
    voucher = wheelchair_voucher(person)
    client.force_login(account)
    client.get("/en/marketplace/wallet/")
    with django_assert_max_num_queries(WALLET_BUDGET):
        page = client.get("/en/marketplace/wallet/").content.decode()
    assert voucher.code in page
    assert f'aria-label="QR code of voucher {voucher.code}"' in page
    assert "Manual wheelchair" in page and "180" in page


def test_the_representative_sees_the_wallet_and_a_stranger_does_not(client: Client) -> None:
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    _, child = person_with_vouchers("child")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="guardian", since=dt.date(2020, 1, 1)
    )
    client.force_login(parent_account)
    assert (
        f"/en/marketplace/wallet/{child.iin}/"
        in client.get("/en/marketplace/wallet/").content.decode()
    )
    page = client.get(f"/en/marketplace/wallet/{child.iin}/")
    assert wheelchair_voucher(child).code in page.content.decode()
    assert AccessEvent.objects.filter(person_iin=child.iin, purpose="representation").exists()
    stranger = make_user("stranger", "person", None)
    client.force_login(stranger)
    assert client.get(f"/en/marketplace/wallet/{child.iin}/").status_code == 404


def test_the_officer_trio_on_wallets_and_orders(client: Client) -> None:
    account, person = person_with_vouchers()
    _, item = shop()
    order = delivered(account, wheelchair_voucher(person), item)
    own, other = (
        make_user("officer_astana", "district_officer", "71"),
        make_user("officer_almaty", "district_officer", "75"),
    )
    sign_in(client, own)
    assert client.get(f"/en/marketplace/wallet/{person.iin}/").status_code == 200
    page = client.get(f"/en/marketplace/orders/{order.pk}/").content.decode()
    assert "Confirm receipt for the person" in page
    sign_in(client, other)
    assert client.get(f"/en/marketplace/wallet/{person.iin}/").status_code == 404
    assert client.get(f"/en/marketplace/orders/{order.pk}/").status_code == 404
    before = row_counts()
    refused = client.post(
        f"/en/marketplace/orders/{order.pk}/behalf/", {"behalf-reason": "По телефону"}
    )
    assert refused.status_code == 404
    counts = row_counts()
    # The refused read is logged in the person's access log; nothing else is written.
    assert {k: v for k, v in counts.items() if k != "core.AccessEvent"} == {
        k: v for k, v in before.items() if k != "core.AccessEvent"
    }


def test_ordering_shows_the_co_payment_before_placing(client: Client) -> None:
    account, person = person_with_vouchers()
    _, item = shop(price=200_000)
    voucher = wheelchair_voucher(person)
    client.force_login(account)
    form = client.get(f"/en/marketplace/items/{item.pk}/order/").content.decode()
    assert voucher.code in form
    review = client.post(
        f"/en/marketplace/items/{item.pk}/order/", {"voucher": voucher.pk, "quantity": 1}
    ).content.decode()
    assert "₸20\u202f000" in review and "Place the order" in review
    assert Order.objects.count() == 0
    placed = client.post(
        f"/en/marketplace/items/{item.pk}/order/",
        {"voucher": voucher.pk, "quantity": 1, "co_payment": 20_000, "confirm": "on"},
    )
    order = Order.objects.get()
    assert placed.status_code == 302 and placed["Location"].endswith(f"/orders/{order.pk}/")
    assert (order.state_per_unit, order.co_payment_per_unit) == (180_000, 20_000)


@pytest.mark.parametrize("quantity", ["0", "-3", "2"])
def test_a_bad_quantity_is_refused_with_its_message(client: Client, quantity: str) -> None:
    account, person = person_with_vouchers()
    _, item = shop()
    client.force_login(account)
    before = row_counts()
    answer = client.post(
        f"/en/marketplace/items/{item.pk}/order/",
        {"voucher": wheelchair_voucher(person).pk, "quantity": quantity, "confirm": "on"},
    )
    assert answer.status_code == 422
    text = answer.content.decode()
    assert "Order 1 or more." in text or "Only 1 left on this voucher" in text
    assert row_counts() == before


def test_the_supplier_sees_only_what_delivery_needs(client: Client) -> None:
    account, person = person_with_vouchers()
    person.address, person.phone = "Астана, ул. Кенесары, 5, кв. 12", "+77011234567"
    person.save(update_fields=["address", "phone"])
    supplier, item = shop()
    order = placed(account, wheelchair_voucher(person), item)
    sign_in(client, supplier.representative)
    for address in ("/en/marketplace/supplier/", f"/en/marketplace/orders/{order.pk}/"):
        page = client.get(address).content.decode()
        assert "Кенесары, 5" in page and "+77011234567" in page and item.name in page
        for hidden in (person.iin, "general disease", "Group II", "diagnosis"):
            assert hidden not in page, (address, hidden)
    # Each page's read of the name, address and phone is in the person's access log.
    logged = AccessEvent.objects.filter(person_iin=person.iin, office="supplier")
    assert (
        list(logged.values_list("reader", "purpose", "outcome"))
        == [("staff", "rehabilitation", "granted")] * 2
    )
    other, _ = shop("supplier_b", serial=2)
    sign_in(client, other.representative)
    assert client.get(f"/en/marketplace/orders/{order.pk}/").status_code == 404
    assert "Кенесары" not in client.get("/en/marketplace/supplier/").content.decode()


def test_the_supplier_steps_and_the_person_confirms_by_the_pages(client: Client) -> None:
    account, person = person_with_vouchers()
    supplier, item = shop()
    order = placed(account, wheelchair_voucher(person), item)
    sign_in(client, supplier.representative)
    for step in ("accept", "ship", "deliver"):
        assert client.post(f"/en/marketplace/orders/{order.pk}/{step}/").status_code == 302
    again = client.post(f"/en/marketplace/orders/{order.pk}/accept/")
    assert again.status_code == 409 and "ORDER_STATE" in again.content.decode()
    client.force_login(account)
    assert client.post(f"/en/marketplace/orders/{order.pk}/confirm/").status_code == 302
    twice = client.post(f"/en/marketplace/orders/{order.pk}/confirm/")
    assert twice.status_code == 409 and "ORDER_ALREADY_CONFIRMED" in twice.content.decode()
    assert (
        client.post(f"/en/marketplace/orders/{order.pk}/rate/", {"rate-stars": "5"}).status_code
        == 302
    )
    assert Order.objects.get().rating == 5


def test_officer_worklists_and_performance_are_of_their_region(client: Client) -> None:
    account, person = person_with_vouchers()
    _, item = shop()
    order = placed(account, wheelchair_voucher(person), item)
    Order.objects.filter(pk=order.pk).update(due_by=dt.date(2020, 1, 1))
    own = make_user("officer_astana", "district_officer", "71")
    other = make_user("officer_almaty", "district_officer", "75")
    sign_in(client, own)
    start = client.get("/en/").content.decode()
    assert "Overdue orders" in start and f"/en/marketplace/orders/{order.pk}/" in start
    assert "ТОО «Поставщик 1»" in client.get("/en/marketplace/performance/").content.decode()
    sign_in(client, other)
    assert f"/en/marketplace/orders/{order.pk}/" not in client.get("/en/").content.decode()
    assert "Поставщик 1" not in client.get("/en/marketplace/performance/").content.decode()
