"""A suspended supplier's in-shop sales not yet confirmed: the person is owed what the sale
reserved, at once. The suspension cancels each such sale, gives its quantity back to the voucher
(and the item's stock), kills its one-time code, and tells the person and their representative,
each in their own language; a confirmed sale stays as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from inclusio.core import notices
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import Conflict, NotFound
from inclusio.core.models import AccountNotice, AuditEvent
from inclusio.marketplace import services, till
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import Item, ShopSale, Supplier, Voucher
from inclusio.registry.services import care_link_create
from tests.factories import make_person, make_user, sign_in
from tests.marketplace.till_builders import code_sent, counter, holder, sold
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db


class Captured(notices.Backend):
    """A gateway that would send the texts: here, keeps them (and stores them as the local
    backend does, for the home pages)."""

    sent: list[notices.Notice] = []

    def send(self, batch: Sequence[notices.Notice]) -> None:
        Captured.sent.extend(batch)
        notices.LocalBackend().send(batch)


@pytest.fixture
def cast(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Dana (Russian) and her guardian (Kazakh), a sale waiting for Dana's confirmation at a
    shop, and a stranger's sale at the same shop already confirmed."""
    account, person, voucher = holder()
    account.preferred_language = "ru"
    account.save(update_fields=["preferred_language"])
    guardian = make_user("guardian", "representative", None)
    guardian.preferred_language = "kk"
    guardian.save(update_fields=["preferred_language"])
    care_link_create(
        actor=SYSTEM,
        carer=make_person(surname="Guardian", user=guardian),
        cared=person,
        relation="guardian",
        since=dt.date(2020, 1, 1),
    )
    supplier, item = counter(stock=4)
    stranger, _, stranger_voucher = holder("stranger")
    kept = sold(supplier, item, stranger_voucher)
    till.sale_confirm(actor=stranger, sale_id=kept.pk)
    Captured.sent = []
    monkeypatch.setattr(notices, "backend", Captured)
    return {
        "account": account,
        "guardian": guardian,
        "stranger": stranger,
        "voucher": voucher,
        "supplier": supplier,
        "item": item,
        "sale": sold(supplier, item, voucher),
        "kept": kept,
        "officer": make_user("officer_astana", "district_officer", "71"),
        "other_officer": make_user("officer_almaty", "district_officer", "75"),
    }


def _suspend(cast: dict[str, Any], officer: Any = None) -> None:
    services.supplier_suspend(
        actor=officer or cast["officer"],
        supplier_id=cast["supplier"].pk,
        reason="Лицензия отозвана.",
    )


def test_the_suspension_gives_the_voucher_back_at_once_and_cancels_the_sale(
    cast: dict[str, Any],
) -> None:
    voucher, sale, item = cast["voucher"], cast["sale"], cast["item"]
    code = code_sent(sale)
    assert Voucher.objects.get(pk=voucher.pk).left == 0
    _suspend(cast)
    # Not after the sale's two-hour hold: now.
    assert Voucher.objects.get(pk=voucher.pk).left == 1
    assert Item.objects.get(pk=item.pk).stock == 3  # the stranger's confirmed sale keeps its unit
    assert ShopSale.objects.get(pk=sale.pk).state == ShopSale.State.CANCELLED
    assert ShopSale.objects.get(pk=cast["kept"].pk).state == ShopSale.State.CONFIRMED
    assert till.pending_sales_of(voucher.person_id) == []
    record = AuditEvent.objects.get(action="orders_offer_back")
    assert record.data["sales"] == [sale.pk] and record.data["told"] == 2
    # Neither the person in their pages nor the shop with the code can confirm it now.
    with pytest.raises(Conflict) as refused:
        till.sale_confirm(actor=cast["account"], sale_id=sale.pk)
    assert refused.value.code == ErrorCode.SALE_STATE
    reinstated = services.supplier_reinstate(actor=cast["officer"], supplier_id=cast["supplier"].pk)
    with pytest.raises(Conflict) as by_code:
        till.sale_confirm_by_code(actor=reinstated.representative, sale_id=sale.pk, code=code)
    assert by_code.value.code == ErrorCode.SALE_STATE


def test_the_person_and_the_representative_are_told_each_in_their_language(
    cast: dict[str, Any], client: Client
) -> None:
    _suspend(cast)
    told = {(n.recipient_id, n.kind, n.language) for n in Captured.sent}
    assert told == {
        (cast["account"].pk, "sale_cancelled", "ru"),
        (cast["guardian"].pk, "sale_cancelled", "kk"),
    }  # the stranger, whose sale was confirmed, is told nothing
    texts = {n.language: n.text() for n in Captured.sent}
    assert "ваучер" in texts["ru"].lower(), texts["ru"]
    assert "ваучер" in texts["kk"].lower() and texts["kk"] != texts["ru"], texts["kk"]
    assert not AccountNotice.objects.filter(recipient=cast["stranger"]).exists()
    # Each reads it on their home page, and the sale's page says why it was cancelled.
    sign_in(client, cast["guardian"])
    assert texts["kk"] in client.get("/kk/").content.decode()
    page = client.get(f"/ru/marketplace/sales/{cast['sale'].pk}/").content.decode()
    assert "поставщик" in page.lower() and "приостановлен" in page.lower(), page


def test_another_regions_officer_cannot_suspend_and_the_sale_stays(cast: dict[str, Any]) -> None:
    before = row_counts()
    with pytest.raises(NotFound) as refused:
        _suspend(cast, cast["other_officer"])
    assert refused.value.code == ErrorCode.SUPPLIER_NOT_REGISTERED
    assert row_counts() == before and Captured.sent == []
    assert ShopSale.objects.get(pk=cast["sale"].pk).state == ShopSale.State.PENDING
    # And nobody but the person and their representative reads the cancelled sale.
    _suspend(cast)
    with pytest.raises(NotFound):
        till.person_sale(actor=cast["stranger"], sale_id=cast["sale"].pk)
    for reader in (cast["account"], cast["guardian"]):
        assert till.person_sale(actor=reader, sale_id=cast["sale"].pk).state == "cancelled"


def test_a_sale_past_its_hold_expires_with_the_suspension_and_nobody_is_told(
    cast: dict[str, Any],
) -> None:
    voucher, sale = cast["voucher"], cast["sale"]
    ShopSale.objects.filter(pk=sale.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    _suspend(cast)
    assert ShopSale.objects.get(pk=sale.pk).state == ShopSale.State.EXPIRED
    assert Voucher.objects.get(pk=voucher.pk).left == 1
    assert Item.objects.get(pk=cast["item"].pk).stock == 3
    assert Captured.sent == [] and not AccountNotice.objects.exists()
    assert AuditEvent.objects.get(action="sale_expire").entity_id == str(sale.pk)


@pytest.mark.parametrize("by_code", [False, True])
def test_a_sale_that_escaped_the_suspension_is_cancelled_when_confirmed(
    cast: dict[str, Any], by_code: bool
) -> None:
    """A sale recorded while the suspension was running is still pending once it committed:
    confirming it is refused, and the sale is cancelled as the suspension would have."""
    voucher, sale, item = cast["voucher"], cast["sale"], cast["item"]
    code = code_sent(sale)
    # What the race leaves: the supplier suspended, the sale it did not see still pending.
    Supplier.objects.filter(pk=cast["supplier"].pk).update(status=Supplier.Status.SUSPENDED)
    with pytest.raises(Conflict) as refused:
        if by_code:
            till.sale_confirm_by_code(
                actor=cast["supplier"].representative, sale_id=sale.pk, code=code
            )
        else:
            till.sale_confirm(actor=cast["account"], sale_id=sale.pk)
    with translation.override("kk"):
        assert "сату тоқтатылды" in refused.value.message
    assert refused.value.code == ErrorCode.SUPPLIER_SUSPENDED
    assert ShopSale.objects.get(pk=sale.pk).state == ShopSale.State.CANCELLED
    assert ShopSale.objects.get(pk=sale.pk).order_id is None
    assert Voucher.objects.get(pk=voucher.pk).left == 1
    assert Item.objects.get(pk=item.pk).stock == 3
    assert {n.recipient_id for n in Captured.sent} == {cast["account"].pk, cast["guardian"].pk}
    assert AuditEvent.objects.get(action="sale_cancel").data["reason"] == "supplier_suspended"
