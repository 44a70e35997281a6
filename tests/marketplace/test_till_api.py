"""The supplier API: its operations in the OpenAPI document, tokens, a supplier's own orders
only, the till over HTTP, Idempotency-Key replays, refusals as JSON with their codes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from inclusio.core.models import AuditEvent
from inclusio.marketplace import tokens
from inclusio.marketplace.models import IdempotentRequest, Order, ShopSale, Supplier
from tests.marketplace.orders_builders import placed
from tests.marketplace.till_builders import code_sent, counter, holder

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "marketplace_orders_list",
    "marketplace_order_accept",
    "marketplace_order_deliver",
    "marketplace_voucher_check",
    "marketplace_sale_create",
    "marketplace_payments_list",
}


def bearer(supplier: Supplier) -> dict[str, str]:
    _, clear = tokens.supplier_token_create(actor=supplier.representative, name="till")
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def post(
    client: Client, path: str, body: dict[str, Any], auth: dict[str, str], key: str = ""
) -> Any:
    extra = {**auth, **({"HTTP_IDEMPOTENCY_KEY": key} if key else {})}
    return client.post(f"/api/v1/marketplace{path}", body, content_type="application/json", **extra)


def test_the_operations_are_in_the_openapi_document(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    found = {
        op["operationId"]
        for item in schema["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert found >= OPERATIONS


def test_bad_tokens_are_401(client: Client) -> None:
    supplier, _ = counter()
    for auth in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer inc_sup_nope"},
        {"HTTP_AUTHORIZATION": "Bearer x"},
    ):
        answer = client.get("/api/v1/marketplace/orders", **auth)
        assert answer.status_code == 401 and answer.json()["code"] == "NOT_AUTHENTICATED"
    token, clear = tokens.supplier_token_create(actor=supplier.representative, name="old")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    assert client.get("/api/v1/marketplace/orders", **auth).status_code == 200
    tokens.supplier_token_revoke(actor=supplier.representative, token_id=token.pk)
    assert client.get("/api/v1/marketplace/orders", **auth).status_code == 401


def test_a_supplier_sees_and_moves_only_its_own_orders(client: Client) -> None:
    account, _, voucher = holder()
    supplier, item = counter()
    other, _ = counter("supplier_b", 2)
    order = placed(account, voucher, item)
    mine, theirs = bearer(supplier), bearer(other)
    listed = client.get("/api/v1/marketplace/orders", **mine).json()
    assert [o["id"] for o in listed] == [order.pk] and listed[0]["deliver_to"]
    assert client.get("/api/v1/marketplace/orders", **theirs).json() == []
    refused = post(client, f"/orders/{order.pk}/accept", {}, theirs)
    assert refused.status_code == 404 and refused.json()["code"] == "ORDER_NOT_FOUND"
    assert post(client, f"/orders/{order.pk}/accept", {}, mine).json()["state"] == "accepted"
    delivered = post(client, f"/orders/{order.pk}/deliver", {"outcome": "delivered"}, mine)
    assert delivered.json()["state"] == "delivered"
    assert client.get("/api/v1/marketplace/payments", **mine).json() == []


def test_the_till_over_http_and_an_idempotent_replay_writes_once(client: Client) -> None:
    _, _, voucher = holder()
    supplier, item = counter()
    auth = bearer(supplier)
    checked = post(client, "/vouchers/check", {"code": voucher.code}, auth).json()
    assert (checked["status"], checked["left"]) == ("valid", 1)
    body = {"code": voucher.code, "item_id": item.pk, "quantity": 1, "unit_price": item.price}
    first = post(client, "/sales", body, auth, key="sale-1")
    assert first.status_code == 201
    audits = AuditEvent.objects.count()
    again = post(client, "/sales", body, auth, key="sale-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert ShopSale.objects.count() == 1 and AuditEvent.objects.count() == audits
    changed = post(client, "/sales", {**body, "quantity": 2}, auth, key="sale-1")
    assert changed.status_code == 409 and changed.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    # A refusal is an answer too: replayed, not run again.
    spent = post(client, "/sales", body, auth, key="sale-2")
    assert spent.status_code == 409 and spent.json()["code"] == "VOUCHER_SPENT"
    assert post(client, "/sales", body, auth, key="sale-2").json() == spent.json()
    sale = ShopSale.objects.get()
    confirmed = post(client, f"/sales/{sale.pk}/confirm", {"code": code_sent(sale)}, auth, key="c")
    assert confirmed.json()["state"] == "confirmed" and Order.objects.get().state == "confirmed"
    assert IdempotentRequest.objects.count() == 3
    bad_key = post(client, "/sales", body, auth, key="é")
    assert bad_key.status_code == 422


def test_domain_refusals_are_json_with_their_code_in_the_readers_language(client: Client) -> None:
    _, _, voucher = holder()
    supplier, item = counter()
    auth = bearer(supplier)
    answer = post(
        client,
        "/sales",
        {"code": voucher.code, "item_id": item.pk, "quantity": 1, "unit_price": item.price + 1},
        {**auth, "HTTP_ACCEPT_LANGUAGE": "ru"},
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "SALE_PRICE_ABOVE_CATALOGUE"
    assert "каталог" in answer.json()["message"]
    unknown = post(client, "/vouchers/check", {"code": "ZZZZ"}, auth)
    assert unknown.status_code == 404 and unknown.json()["code"] == "VOUCHER_NOT_FOUND"
    assert not ShopSale.objects.exists()


def test_a_voucher_check_reads_the_supplier_accounts_groups_once_per_cached_account(
    client: Client,
) -> None:
    """The account comes out of the token cache with its groups: the checks after the first
    log their reads without asking for them again, and the read is still logged each time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inclusio.core.models import AccessEvent

    _, person, voucher = holder()
    supplier, _item = counter()
    auth = bearer(supplier)
    assert post(client, "/vouchers/check", {"code": voucher.code}, auth).status_code == 200
    with CaptureQueriesContext(connection) as done:
        assert post(client, "/vouchers/check", {"code": voucher.code}, auth).status_code == 200
    assert not [q for q in done.captured_queries if "auth_group" in q["sql"]]
    assert AccessEvent.objects.filter(person_iin=person.iin).count() == 2
