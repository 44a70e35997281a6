"""The till's pages: the supplier checks a code, records a sale and types the person's code;
the person confirms in their wallet; nobody else reaches a sale."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from inclusio.marketplace.models import Order, ShopSale, SupplierToken
from tests.factories import form_token, sign_in
from tests.marketplace.till_builders import code_sent, counter, holder, sold
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db


def test_the_supplier_checks_records_and_confirms_with_the_read_out_code(client: Client) -> None:
    _, _, voucher = holder()
    supplier, item = counter()
    sign_in(client, supplier.representative)
    assert "Till" in client.get("/en/marketplace/supplier/").content.decode()
    before = row_counts()
    assert client.get("/en/marketplace/supplier/till/").status_code == 200
    assert row_counts() == before
    checked = client.post("/en/marketplace/supplier/till/", {"check": "1", "code": voucher.code})
    page = checked.content.decode()
    assert checked.status_code == 200 and "This voucher can pay here today." in page
    assert "Абенова" not in page and voucher.person.iin not in page
    unknown = client.post("/en/marketplace/supplier/till/", {"check": "1", "code": "nope"})
    assert unknown.status_code == 422 and "No voucher has this code." in unknown.content.decode()
    too_dear = client.post(
        "/en/marketplace/supplier/till/",
        {
            "record": "1",
            **form_token(supplier.representative),
            "code": voucher.code,
            "category": item.category,
            "item": item.pk,
            "quantity": 1,
            "unit_price": item.price + 1,
        },
    )
    assert too_dear.status_code == 422 and "above your catalogue" in too_dear.content.decode()
    recorded = client.post(
        "/en/marketplace/supplier/till/",
        {
            "record": "1",
            **form_token(supplier.representative),
            "code": voucher.code,
            "category": item.category,
            "item": item.pk,
            "quantity": 1,
            "unit_price": item.price,
        },
    )
    sale = ShopSale.objects.get()
    assert recorded.status_code == 302 and recorded["Location"].endswith(f"/sales/{sale.pk}/")
    wrong = client.post(f"/en/marketplace/supplier/sales/{sale.pk}/", {"confirm": "1", "code": "x"})
    assert wrong.status_code == 422 and "The code is wrong" in wrong.content.decode()
    client.post(
        f"/en/marketplace/supplier/sales/{sale.pk}/", {"confirm": "1", "code": code_sent(sale)}
    )
    assert Order.objects.get().state == "confirmed"


def test_the_person_confirms_in_their_wallet_and_others_get_404(
    client: Client, django_assert_max_num_queries: Any, settings: Any
) -> None:
    settings.DEBUG = True  # development: the person's page shows the locally kept code
    account, _, voucher = holder()
    stranger, _, _ = holder("stranger")
    supplier, item = counter()
    sale = sold(supplier, item, voucher)
    client.force_login(account)
    wallet = client.get("/en/marketplace/wallet/").content.decode()
    assert f"/marketplace/sales/{sale.pk}/" in wallet
    with django_assert_max_num_queries(12):
        page = client.get(f"/en/marketplace/sales/{sale.pk}/").content.decode()
    assert code_sent(sale) in page  # development shows the locally kept code
    client.post(f"/en/marketplace/sales/{sale.pk}/")
    assert ShopSale.objects.get().state == "confirmed"
    client.force_login(stranger)
    assert client.get(f"/en/marketplace/sales/{sale.pk}/").status_code == 404
    sign_in(client, supplier.representative)
    assert client.get(f"/en/marketplace/sales/{sale.pk}/").status_code == 404
    other, _ = counter("supplier_b", 2)
    sign_in(client, other.representative)
    assert client.get(f"/en/marketplace/supplier/sales/{sale.pk}/").status_code == 404


def test_the_representative_creates_a_token_shown_once_and_revokes_it(client: Client) -> None:
    supplier, _ = counter()
    sign_in(client, supplier.representative)
    page = client.post("/en/marketplace/supplier/tokens/", {"name": "Касса 1"}).content.decode()
    token = SupplierToken.objects.get()
    clear = page.split("inc_sup_", 1)[1].split("<", 1)[0].strip()
    assert len(clear) > 30 and clear not in token.digest
    assert "inc_sup_" not in client.get("/en/marketplace/supplier/tokens/").content.decode()
    refused = client.post("/en/marketplace/supplier/tokens/", {"name": "  "})
    assert refused.status_code == 422
    client.post(f"/en/marketplace/supplier/tokens/{token.pk}/revoke/")
    assert SupplierToken.objects.get().revoked_at is not None
