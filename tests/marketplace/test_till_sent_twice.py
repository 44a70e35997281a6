"""The till's "record a sale" sent twice (a double click, a reload) records one sale; a
missing or forged token records none. On PostgreSQL, two at once record one."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from inclusio.marketplace.models import ShopSale, Voucher
from tests.factories import form_token, make_user, sign_in
from tests.marketplace.till_builders import counter, holder
from tests.submitted import BAD, MESSAGE, bad_token, refused, sent_twice

pytestmark = pytest.mark.django_db
TILL = "/en/marketplace/supplier/till/"


def _sale(voucher: Voucher, item: Any) -> dict[str, Any]:
    return {
        "record": "1",
        "code": voucher.code,
        "category": item.category,
        "item": item.pk,
        "quantity": 1,
        "unit_price": item.price,
    }


def test_a_sale_sent_twice_is_recorded_once(client: Client) -> None:
    _, _, voucher = holder()
    supplier, item = counter()
    sign_in(client, supplier.representative)
    data = {**_sale(voucher, item), **form_token(supplier.representative)}
    page = sent_twice(client, TILL, data)
    sale = ShopSale.objects.get()
    assert page.endswith(f"/supplier/sales/{sale.pk}/")
    assert Voucher.objects.get(pk=voucher.pk).spent == 1


@pytest.mark.parametrize("kind", BAD)
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_sale_without_its_token_is_refused(client: Client, kind: str, language: str) -> None:
    _, _, voucher = holder()
    supplier, item = counter()
    sign_in(client, supplier.representative)
    other = make_user("someone_else", "person")
    token = bad_token(kind, user=supplier.representative, other=other)
    page = refused(client, TILL, {**_sale(voucher, item), **token}, language=language)
    assert MESSAGE[language] in page
    # The form is shown again with a new token, and sent with it, it records the sale.
    assert 'name="submission"' in page
    assert ShopSale.objects.count() == 0


def test_one_token_sent_twice_at_once_records_one_sale(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    _, _, voucher = holder()
    supplier, item = counter(stock=5)
    data = {**_sale(voucher, item), **form_token(supplier.representative)}
    barrier = threading.Barrier(2)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        try:
            client = Client()
            sign_in(client, supplier.representative)
            barrier.wait()
            answer = client.post(TILL, data)
            answers.append((answer.status_code, answer.get("Location", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sale = ShopSale.objects.get()
    assert answers == [(302, f"/en/marketplace/supplier/sales/{sale.pk}/")] * 2
    assert Voucher.objects.get(pk=voucher.pk).spent == 1
