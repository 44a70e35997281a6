"""Vouchers, orders and supplier payments through the services: the invariants (a voucher is
never spent beyond its quantity, cap + co-payment = price, stock never negative, each order paid
once and only after confirmation) and the refusals, which write nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from inclusio.marketplace import orders, services
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import Item, Order, Voucher
from inclusio.payments import pain002
from inclusio.payments.models import Transfer
from inclusio.payments.services import status_report_import
from inclusio.registry.services import care_link_create
from inclusio.rehabilitation.models import Fulfilment
from inclusio.rehabilitation.services import Prescribed, programme_revise
from tests.factories import make_person, make_user
from tests.marketplace.orders_builders import (
    delivered,
    person_with_vouchers,
    placed,
    shop,
    wheelchair_voucher,
)
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db


def test_a_programme_issues_one_voucher_per_item_with_the_cap_in_force() -> None:
    _, person = person_with_vouchers()
    vouchers = {v.category: v for v in Voucher.objects.filter(person=person)}
    assert set(vouchers) == {"wheelchair_manual", "diapers"}
    chair = vouchers["wheelchair_manual"]
    assert (chair.quantity, chair.cap_per_unit, chair.state) == (1, 180_000, "active")
    assert len(chair.code) == 14 and chair.code[4] == "-"
    # Diapers are 3 a day over the programme's months: far more than one.
    assert vouchers["diapers"].quantity > 1000


def test_a_revision_replaces_the_vouchers() -> None:
    _, person = person_with_vouchers()
    old = wheelchair_voucher(person)
    mse = make_user("mse", "mse_specialist", "71")
    programme_revise(
        actor=mse, person=person, prescription=[Prescribed("walking_aid", 2)], reason="Лучше"
    )
    old.refresh_from_db()
    assert old.state == "replaced"
    assert Voucher.objects.get(person=person, state="active").category == "walking_aid"


def test_an_order_within_the_cap_walks_to_payment_once() -> None:
    account, person = person_with_vouchers()
    supplier, item = shop()
    voucher = wheelchair_voucher(person)
    order = delivered(account, voucher, item)
    item.refresh_from_db()
    voucher.refresh_from_db()
    assert (item.stock, voucher.spent) == (2, 1)
    assert (order.state_per_unit, order.co_payment_per_unit) == (150_000, 0)
    # Not paid before confirmation.
    with pytest.raises(Conflict) as nothing:
        orders.supplier_payments_send(actor=SYSTEM)
    assert nothing.value.code == ErrorCode.NOTHING_TO_PAY
    orders.order_confirm(actor=account, order_id=order.pk)
    line = Fulfilment.objects.get().line
    assert (line.fulfilled, line.item.category) == (1, "wheelchair_manual")
    paid = orders.supplier_payments_send(actor=SYSTEM)
    assert (paid.orders, paid.amount_kzt) == (1, 150_000)
    assert supplier.bin.encode() in paid.content and supplier.iban.encode() in paid.content
    transfer = Transfer.objects.get(purpose_kind="supplier_order", purpose_id=order.pk)
    assert transfer.state == "sent"
    with pytest.raises(Conflict):
        orders.supplier_payments_send(actor=SYSTEM)
    report = pain002.status_report(
        message_id="BANK-1",
        original_message_id=transfer.file.message_id,
        statuses=[pain002.Status(transfer.end_to_end_id, "ACSC", "", "")],
        created=timezone.now(),
    )
    status_report_import(actor=SYSTEM, content=report)
    transfer.refresh_from_db()
    assert transfer.state == "paid"
    orders.order_rate(actor=account, order_id=order.pk, stars=4)
    assert Order.objects.get().rating == 4


def test_a_price_above_the_cap_needs_the_co_payment_confirmed() -> None:
    account, person = person_with_vouchers()
    _, item = shop(price=200_000)
    voucher = wheelchair_voucher(person)
    shown = orders.order_quote(actor=account, voucher_id=voucher.pk, item_id=item.pk, quantity=1)
    assert (shown.state_pays, shown.co_payment, shown.total) == (180_000, 20_000, 200_000)
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        orders.order_place(
            actor=account,
            voucher_id=voucher.pk,
            item_id=item.pk,
            quantity=1,
            co_payment_accepted=None,
        )
    assert caught.value.code == ErrorCode.CO_PAYMENT_NOT_ACCEPTED
    assert "₸20\u202f000" in caught.value.message
    assert row_counts() == before
    order = orders.order_place(
        actor=account,
        voucher_id=voucher.pk,
        item_id=item.pk,
        quantity=1,
        co_payment_accepted=20_000,
    )
    assert order.state_per_unit + order.co_payment_per_unit == order.unit_price == 200_000


def _refused(code: str, **place: object) -> None:
    before = row_counts()
    with pytest.raises(DomainError) as caught:
        orders.order_place(**{"co_payment_accepted": None, "quantity": 1, **place})  # type: ignore[arg-type]
    assert caught.value.code == code
    assert caught.value.message
    assert row_counts() == before


def test_orders_against_a_bad_voucher_are_refused_and_write_nothing() -> None:
    account, person = person_with_vouchers()
    other_account, other = person_with_vouchers("aliya")
    supplier, item = shop()
    voucher = wheelchair_voucher(person)
    # Someone else's voucher answers as an unknown one.
    _refused(
        ErrorCode.VOUCHER_NOT_FOUND, actor=other_account, voucher_id=voucher.pk, item_id=item.pk
    )
    _refused(ErrorCode.VOUCHER_NOT_FOUND, actor=account, voucher_id=999_999, item_id=item.pk)
    _refused(
        ErrorCode.ORDER_QUANTITY_NOT_POSITIVE,
        actor=account,
        voucher_id=voucher.pk,
        item_id=item.pk,
        quantity=0,
    )
    _refused(
        ErrorCode.VOUCHER_SPENT, actor=account, voucher_id=voucher.pk, item_id=item.pk, quantity=2
    )
    diapers = Voucher.objects.get(person=person, category="diapers")
    _refused(ErrorCode.VOUCHER_CATEGORY, actor=account, voucher_id=diapers.pk, item_id=item.pk)
    Voucher.objects.filter(pk=voucher.pk).update(valid_until=dt.date(2025, 6, 1))
    _refused(ErrorCode.VOUCHER_EXPIRED, actor=account, voucher_id=voucher.pk, item_id=item.pk)
    Voucher.objects.filter(pk=voucher.pk).update(valid_until=dt.date(2028, 1, 1))
    supplier.status = "suspended"
    supplier.save(update_fields=["status"])
    _refused(ErrorCode.SUPPLIER_SUSPENDED, actor=account, voucher_id=voucher.pk, item_id=item.pk)
    assert other  # the other person's own vouchers are untouched
    assert Voucher.objects.filter(spent__gt=0).count() == 0


def test_stock_never_goes_negative() -> None:
    account, person = person_with_vouchers(prescription=[Prescribed("walking_aid", 3)])
    _, item = shop(category_code="walking_aid", price=15_000, stock=1)
    voucher = Voucher.objects.get(person=person)
    _refused(
        ErrorCode.OUT_OF_STOCK, actor=account, voucher_id=voucher.pk, item_id=item.pk, quantity=2
    )
    placed(account, voucher, item)
    assert Item.objects.get(pk=item.pk).stock == 0
    _refused(ErrorCode.OUT_OF_STOCK, actor=account, voucher_id=voucher.pk, item_id=item.pk)


def test_a_delivery_confirmed_twice_is_refused() -> None:
    account, person = person_with_vouchers()
    _, item = shop()
    order = delivered(account, wheelchair_voucher(person), item)
    orders.order_confirm(actor=account, order_id=order.pk)
    before = row_counts()
    with pytest.raises(Conflict) as caught:
        orders.order_confirm(actor=account, order_id=order.pk)
    assert caught.value.code == ErrorCode.ORDER_ALREADY_CONFIRMED
    assert row_counts() == before


def test_the_representative_orders_and_an_officer_confirms_with_a_reason() -> None:
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    _, child = person_with_vouchers("child")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="guardian", since=dt.date(2020, 1, 1)
    )
    _, item = shop()
    order = delivered(parent_account, wheelchair_voucher(child), item)
    other_officer = make_user("officer_almaty", "district_officer", "75")
    with pytest.raises(NotFound):
        orders.order_confirm_on_behalf(actor=other_officer, order_id=order.pk, reason="Звонил")
    officer = make_user("officer_astana", "district_officer", "71")
    with pytest.raises(ValidationFailed) as caught:
        orders.order_confirm_on_behalf(actor=officer, order_id=order.pk, reason="  ")
    assert caught.value.code == ErrorCode.ORDER_REASON_REQUIRED
    orders.order_confirm_on_behalf(
        actor=officer, order_id=order.pk, reason="The person confirmed by phone."
    )
    order.refresh_from_db()
    assert (order.state, order.confirmation_reason) == (
        "confirmed",
        "The person confirmed by phone.",
    )
    assert order.confirmed_by == officer


def test_a_complaint_without_its_kind_is_refused_as_bad_input() -> None:
    account, person = person_with_vouchers()
    _, item = shop()
    order = delivered(account, wheelchair_voucher(person), item)
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        orders.order_complain(actor=account, order_id=order.pk, complaint="", reason="Сломано")
    assert caught.value.code == ErrorCode.ORDER_CHOICE_REQUIRED
    assert row_counts() == before


def test_a_dispute_decided_for_the_person_gives_the_voucher_back() -> None:
    account, person = person_with_vouchers()
    _, item = shop()
    voucher = wheelchair_voucher(person)
    order = delivered(account, voucher, item)
    orders.order_complain(actor=account, order_id=order.pk, complaint="return", reason="Сломано")
    officer = make_user("officer_astana", "district_officer", "71")
    orders.order_resolve(actor=officer, order_id=order.pk, for_person=True, reason="Брак")
    voucher.refresh_from_db()
    item.refresh_from_db()
    assert (Order.objects.get().state, voucher.spent, item.stock) == ("returned", 0, 3)


def test_a_suspended_suppliers_open_orders_are_offered_back() -> None:
    account, person = person_with_vouchers()
    supplier, item = shop()
    voucher = wheelchair_voucher(person)
    order = placed(account, voucher, item)
    officer = make_user("officer_astana", "district_officer", "71")
    services.supplier_suspend(actor=officer, supplier_id=supplier.pk, reason="Лицензия отозвана")
    order.refresh_from_db()
    voucher.refresh_from_db()
    assert (order.state, order.cancel_reason, voucher.spent) == (
        "offered_back",
        "Лицензия отозвана",
        0,
    )


def test_a_supplier_acts_only_on_its_own_orders() -> None:
    account, person = person_with_vouchers()
    _, item = shop()
    other, _ = shop("supplier_b", serial=2)
    order = placed(account, wheelchair_voucher(person), item)
    with pytest.raises(NotFound) as caught:
        orders.order_accept(actor=other.representative, order_id=order.pk)
    assert caught.value.code == ErrorCode.ORDER_NOT_FOUND
    with pytest.raises(NotFound):
        orders.order_confirm(actor=other.representative, order_id=order.pk)


def test_the_suppliers_payment_file_validates_against_the_schema() -> None:
    from tests.payments.test_schemas import PAIN_001, schema

    account, person = person_with_vouchers()
    _, item = shop()
    order = delivered(account, wheelchair_voucher(person), item)
    orders.order_confirm(actor=account, order_id=order.pk)
    schema(PAIN_001).validate(orders.supplier_payments_send(actor=SYSTEM).content)


def test_a_rejected_supplier_payment_is_paid_again_in_the_next_file() -> None:
    account, person = person_with_vouchers()
    _, item = shop()
    order = delivered(account, wheelchair_voucher(person), item)
    orders.order_confirm(actor=account, order_id=order.pk)
    orders.supplier_payments_send(actor=SYSTEM)
    first = Transfer.objects.get()
    report = pain002.status_report(
        message_id="BANK-2",
        original_message_id=first.file.message_id,
        statuses=[pain002.Status(first.end_to_end_id, "RJCT", "AC01", "")],
        created=timezone.now(),
    )
    status_report_import(actor=SYSTEM, content=report)
    again = orders.supplier_payments_send(actor=SYSTEM)
    assert again.orders == 1
    assert Transfer.objects.filter(state="rejected").count() == 1
    assert Transfer.objects.exclude(state="rejected").get().end_to_end_id == f"MKT-{order.pk}-2"


def test_a_payment_file_that_cannot_be_written_leaves_the_orders_unpaid(tmp_path: Path) -> None:
    account, person = person_with_vouchers()
    _, item = shop()
    order = delivered(account, wheelchair_voucher(person), item)
    orders.order_confirm(actor=account, order_id=order.pk)
    with pytest.raises(OSError):
        call_command("marketplace_pay", "--out", str(tmp_path / "no" / "f.xml"), stdout=StringIO())
    assert not Transfer.objects.exists()
    out = tmp_path / "suppliers.xml"
    call_command("marketplace_pay", "--out", str(out), stdout=StringIO())
    assert Transfer.objects.get().purpose_id == order.pk and out.read_bytes()
