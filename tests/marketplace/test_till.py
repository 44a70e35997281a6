"""The in-shop till through its services: checking a voucher code, recording a sale that
reserves the voucher, the person's confirmation (pages or one-time code), expiry, payment."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent
from inclusio.marketplace import orders, till
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import Order, SaleCodeMessage, ShopSale, Voucher
from inclusio.registry.services import care_link_create
from inclusio.rehabilitation.models import Fulfilment
from tests.factories import make_person, make_user
from tests.marketplace.till_builders import code_sent, counter, holder, sold
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db


def test_a_valid_voucher_says_what_it_allows_and_nothing_about_the_person() -> None:
    _, person, voucher = holder()
    supplier, _ = counter()
    found = till.voucher_check(actor=supplier.representative, code=voucher.code.lower())
    assert (found.status, found.left, found.cap_per_unit) == ("valid", 1, 180_000)
    assert found.category == "wheelchair_manual"
    assert {f.name for f in dataclasses.fields(found)} == {
        "code",
        "status",
        "message",
        "category",
        "category_name",
        "left",
        "cap_per_unit",
        "valid_until",
    }
    # The supplier's read is in the person's access log.
    assert AccessEvent.objects.filter(person_iin=person.iin).exists()


def test_each_reason_a_voucher_cannot_pay_here_has_its_code() -> None:
    account, _, voucher = holder()
    supplier, item = counter()
    other, _ = counter("supplier_b", 2)
    other.categories = ["sign_language"]
    other.save(update_fields=["categories"])
    assert till.voucher_check(actor=other.representative, code=voucher.code).status == (
        ErrorCode.VOUCHER_CATEGORY
    )
    supplier.status = "suspended"
    supplier.save(update_fields=["status"])
    assert till.voucher_check(actor=supplier.representative, code=voucher.code).status == (
        ErrorCode.SUPPLIER_SUSPENDED
    )
    supplier.status = "verified"
    supplier.save(update_fields=["status"])
    orders.order_place(
        actor=account, voucher_id=voucher.pk, item_id=item.pk, quantity=1, co_payment_accepted=None
    )
    assert till.voucher_check(actor=supplier.representative, code=voucher.code).status == (
        ErrorCode.VOUCHER_SPENT
    )
    Voucher.objects.filter(pk=voucher.pk).update(
        valid_until=dt.date(2024, 1, 1), valid_from=dt.date(2023, 1, 1)
    )
    assert till.voucher_check(actor=supplier.representative, code=voucher.code).status == (
        ErrorCode.VOUCHER_EXPIRED
    )
    with pytest.raises(NotFound) as unknown:
        till.voucher_check(actor=supplier.representative, code="AAAA-BBBB-CCCC")
    assert unknown.value.code == ErrorCode.VOUCHER_NOT_FOUND
    with pytest.raises(DomainError) as not_supplier:
        till.voucher_check(actor=account, code=voucher.code)
    assert not_supplier.value.code == ErrorCode.NOT_A_SUPPLIER


def test_a_sale_reserves_the_voucher_and_the_stock_until_confirmed_by_code() -> None:
    account, _, voucher = holder()
    supplier, item = counter()
    sale = sold(supplier, item, voucher)
    voucher.refresh_from_db()
    item.refresh_from_db()
    assert (sale.state, voucher.spent, item.stock) == ("pending", 1, 2)
    code = code_sent(sale)
    assert len(code) == 6 and code.isdigit() and code not in sale.code_digest
    # The online order cannot spend what the till reserved.
    with pytest.raises(Conflict) as spent:
        orders.order_place(
            actor=account,
            voucher_id=voucher.pk,
            item_id=item.pk,
            quantity=1,
            co_payment_accepted=None,
        )
    assert spent.value.code == ErrorCode.VOUCHER_SPENT
    with pytest.raises(Conflict) as nothing:
        orders.supplier_payments_send(actor=SYSTEM)
    assert nothing.value.code == ErrorCode.NOTHING_TO_PAY
    sale = till.sale_confirm_by_code(actor=supplier.representative, sale_id=sale.pk, code=code)
    assert sale.state == "confirmed" and sale.confirmed_by == account
    order = Order.objects.get()
    assert (order.state, order.supplier, order.quantity) == ("confirmed", supplier, 1)
    assert Fulfilment.objects.get().line.fulfilled == 1
    paid = orders.supplier_payments_send(actor=SYSTEM)
    assert (paid.orders, paid.amount_kzt) == (1, 150_000)
    with pytest.raises(Conflict):
        orders.supplier_payments_send(actor=SYSTEM)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"sale_record", "sale_confirm"} <= actions
    with pytest.raises(Conflict) as again:
        till.sale_confirm_by_code(actor=supplier.representative, sale_id=sale.pk, code=code)
    assert again.value.code == ErrorCode.SALE_STATE


def test_a_price_above_the_cap_is_split_into_the_state_share_and_the_co_payment() -> None:
    _, _, voucher = holder()
    supplier, item = counter(price=200_000)
    sale = sold(supplier, item, voucher, unit_price=190_000)
    assert (sale.state_per_unit, sale.co_payment_per_unit) == (180_000, 10_000)


def test_wrong_codes_count_tries_until_the_code_is_dead() -> None:
    _, _, voucher = holder()
    supplier, item = counter()
    sale = sold(supplier, item, voucher)
    right = code_sent(sale)
    wrong = "000000" if right != "000000" else "111111"
    for left in range(till.CODE_TRIES - 1, -1, -1):
        with pytest.raises(ValidationFailed) as caught:
            till.sale_confirm_by_code(actor=supplier.representative, sale_id=sale.pk, code=wrong)
        assert caught.value.code == ErrorCode.SALE_CODE_WRONG
        assert str(left) in caught.value.message
    with pytest.raises(Conflict) as dead:
        till.sale_confirm_by_code(actor=supplier.representative, sale_id=sale.pk, code=right)
    assert dead.value.code == ErrorCode.SALE_CODE_TRIES
    assert AuditEvent.objects.filter(action="sale_code_wrong").count() == till.CODE_TRIES
    # A new code works again.
    assert till.sale_code_resend(actor=supplier.representative, sale_id=sale.pk)
    fresh = code_sent(sale)
    till.sale_confirm_by_code(actor=supplier.representative, sale_id=sale.pk, code=fresh)
    assert ShopSale.objects.get().state == "confirmed"


def test_an_expired_code_is_refused() -> None:
    _, _, voucher = holder()
    supplier, item = counter()
    sale = sold(supplier, item, voucher)
    ShopSale.objects.filter(pk=sale.pk).update(
        code_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(Conflict) as caught:
        till.sale_confirm_by_code(
            actor=supplier.representative, sale_id=sale.pk, code=code_sent(sale)
        )
    assert caught.value.code == ErrorCode.SALE_CODE_EXPIRED


def test_the_person_or_their_representative_confirms_in_their_pages_and_nobody_else() -> None:
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    _, child, voucher = holder("child")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="guardian", since=dt.date(2020, 1, 1)
    )
    stranger, _, _ = holder("stranger")
    supplier, item = counter()
    sale = sold(supplier, item, voucher)
    with pytest.raises(NotFound) as hidden:
        till.sale_confirm(actor=stranger, sale_id=sale.pk)
    assert hidden.value.code == ErrorCode.SALE_NOT_FOUND
    other, _ = counter("supplier_b", 2)
    with pytest.raises(NotFound):
        till.sale_confirm_by_code(actor=other.representative, sale_id=sale.pk, code="123456")
    assert till.pending_sales_of(child.pk) == [sale]
    till.sale_confirm(actor=parent_account, sale_id=sale.pk)
    assert ShopSale.objects.get().confirmed_by == parent_account


def test_an_unconfirmed_sale_expires_and_gives_its_quantity_back() -> None:
    account, _, voucher = holder()
    supplier, item = counter()
    sale = sold(supplier, item, voucher)
    ShopSale.objects.filter(pk=sale.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    # The check already counts the lapsed reservation as free; an online order takes it.
    assert till.voucher_check(actor=supplier.representative, code=voucher.code).left == 1
    orders.order_place(
        actor=account, voucher_id=voucher.pk, item_id=item.pk, quantity=1, co_payment_accepted=None
    )
    voucher.refresh_from_db()
    item.refresh_from_db()
    assert (ShopSale.objects.get().state, voucher.spent, item.stock) == ("expired", 1, 2)
    with pytest.raises(Conflict) as late:
        till.sale_confirm(actor=account, sale_id=sale.pk)
    assert late.value.code == ErrorCode.SALE_STATE


def test_the_sweep_expires_lapsed_sales() -> None:
    _, _, voucher = holder()
    supplier, item = counter()
    sold(supplier, item, voucher)
    assert till.sales_expire(now=timezone.now()) == 0
    assert till.sales_expire(now=timezone.now() + till.SALE_HOLD) == 1
    voucher.refresh_from_db()
    item.refresh_from_db()
    assert (voucher.spent, item.stock) == (0, 3)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"quantity": 0}, ErrorCode.ORDER_QUANTITY_NOT_POSITIVE),
        ({"quantity": 2}, ErrorCode.VOUCHER_SPENT),
        ({"unit_price": 0}, ErrorCode.PRICE_NOT_POSITIVE),
        ({"unit_price": 150_001}, ErrorCode.SALE_PRICE_ABOVE_CATALOGUE),
    ],
)
def test_a_bad_sale_is_refused_translated_and_writes_nothing(
    changes: dict[str, int], code: ErrorCode
) -> None:
    _, _, voucher = holder()
    supplier, item = counter()
    before = row_counts()
    with pytest.raises(DomainError) as caught:
        sold(supplier, item, voucher, **changes)
    assert caught.value.code == code
    with translation.override("ru"):
        assert any("\u0400" <= ch <= "\u04ff" for ch in caught.value.message)
    assert row_counts() == before
    assert not SaleCodeMessage.objects.exists()


def test_a_holder_without_a_phone_confirms_in_their_pages() -> None:
    account, person, voucher = holder()
    person.phone = ""
    person.save(update_fields=["phone"])
    supplier, item = counter()
    sale = sold(supplier, item, voucher)
    assert not SaleCodeMessage.objects.exists() and sale.code_digest == ""
    with pytest.raises(Conflict) as caught:
        till.sale_confirm_by_code(actor=supplier.representative, sale_id=sale.pk, code="123456")
    assert caught.value.code == ErrorCode.SALE_CODE_TRIES
    till.sale_confirm(actor=account, sale_id=sale.pk)


def test_the_command_expires_lapsed_sales_and_says_how_many() -> None:
    _, _, voucher = holder()
    supplier, item = counter()
    sale = sold(supplier, item, voucher)
    ShopSale.objects.filter(pk=sale.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    out = io.StringIO()
    with translation.override("ru"):
        call_command("marketplace_sales_expire", stdout=out)
    assert "1" in out.getvalue() and "продаж" in out.getvalue()
    assert ShopSale.objects.get().state == "expired"
