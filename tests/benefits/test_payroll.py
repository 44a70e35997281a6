"""The monthly payroll and its ISO 20022 pain.001.001.09 payment file."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from inclusio.benefits.models import Award, Payment, Programme, Proposal
from inclusio.benefits.pain001 import NAMESPACE
from inclusio.benefits.services import (
    payment_file,
    payroll_create,
    proposal_accept,
    screening_run,
)
from inclusio.core.errors import AccessDenied, ValidationFailed
from inclusio.registry.models import Person
from tests.benefits.builders import IBAN, ON, Snapshot, person_with_account
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MONTH = dt.date(2024, 2, 1)
NS = {"p": NAMESPACE}


@pytest.fixture
def recipients(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> tuple[Person, Person]:
    """Two persons with the disability benefit awarded: one gave an IBAN, the other not (yet)."""
    paid, held = person_with_account("paid"), person_with_account("held")
    snapshot = Snapshot()
    snapshot.person(paid.iin, category="I")
    snapshot.person(held.iin, category="III")
    screening_run(actor=None, snapshot_dir=snapshot.write(tmp_path / "s", "pay"), on=ON)
    for person, iban in ((paid, IBAN), (held, None)):
        offer = Proposal.objects.get(person=person, programme__code="disability_benefit")
        if iban is None:  # an award made before accounts were asked for
            proposal_accept(actor=person.user, proposal_id=offer.pk, payment_account=IBAN)
            person.payment_accounts.all().delete()
        else:
            proposal_accept(actor=person.user, proposal_id=offer.pk, payment_account=iban)
        legal_aid = Proposal.objects.filter(person=person, programme__code="free_legal_aid")
        for proposal in legal_aid:  # an entitlement: never in the payroll
            proposal_accept(actor=person.user, proposal_id=proposal.pk)
    return paid, held


def test_one_payment_per_cash_award_and_none_twice(recipients: tuple[Person, Person]) -> None:
    paid, held = recipients
    payroll = payroll_create(actor=None, month=dt.date(2024, 2, 17))
    assert payroll.month == MONTH
    payments = {p.award.person: p for p in payroll.payments.select_related("award__person")}
    assert set(payments) == {paid, held}
    assert payments[paid].status == Payment.Status.SCHEDULED and payments[paid].iban == IBAN
    assert payments[held].status == Payment.Status.HELD and payments[held].iban == ""
    award = Award.objects.get(person=paid, programme__code="disability_benefit")
    assert payments[paid].amount_kzt == award.amount_kzt
    again = payroll_create(actor=None, month=MONTH)
    assert again.pk == payroll.pk
    assert Payment.objects.count() == 2


def test_an_award_starting_later_is_not_paid(recipients: tuple[Person, Person]) -> None:
    payroll = payroll_create(actor=None, month=dt.date(2023, 12, 1))
    assert not payroll.payments.exists()
    with pytest.raises(ValidationFailed) as empty:
        payment_file(payroll)
    assert empty.value.code == "PAYROLL_EMPTY"
    with translation.override("en"):
        assert "2023-12 has no payment" in empty.value.message


def test_only_the_ministry_makes_the_payroll(recipients: tuple[Person, Person]) -> None:
    with pytest.raises(AccessDenied):
        payroll_create(actor=make_user("officer", "district_officer", "71"), month=MONTH)
    payroll_create(actor=make_user("minister", "ministry_admin", None), month=MONTH)
    assert Payment.objects.count() == 2


def test_the_payment_file(recipients: tuple[Person, Person]) -> None:
    paid, _held = recipients
    payroll = payroll_create(actor=None, month=MONTH)
    root = ET.fromstring(payment_file(payroll))  # noqa: S314 — our own output
    assert root.tag == f"{{{NAMESPACE}}}Document"
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header is not None
    amount = Award.objects.get(person=paid, programme__code="disability_benefit").amount_kzt
    assert header.findtext("p:MsgId", namespaces=NS) == payroll.message_id
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "1"  # the held payment is not in it
    assert Decimal(header.findtext("p:CtrlSum", namespaces=NS) or "") == Decimal(amount or 0)
    assert dt.datetime.fromisoformat(header.findtext("p:CreDtTm", namespaces=NS) or "")
    block = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert block is not None
    assert block.findtext("p:PmtMtd", namespaces=NS) == "TRF"
    assert block.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS).startswith("KZ")  # type: ignore[union-attr]
    transfers = block.findall("p:CdtTrfTxInf", NS)
    assert len(transfers) == 1
    transfer = transfers[0]
    instructed = transfer.find("p:Amt/p:InstdAmt", NS)
    assert instructed is not None and instructed.get("Ccy") == "KZT"
    assert sum(
        Decimal(t.findtext("p:Amt/p:InstdAmt", namespaces=NS) or "0") for t in transfers
    ) == (Decimal(header.findtext("p:CtrlSum", namespaces=NS) or ""))
    assert transfer.findtext("p:Cdtr/p:Nm", namespaces=NS) == paid.full_name
    other = transfer.find("p:Cdtr/p:Id/p:PrvtId/p:Othr", NS)
    assert other is not None
    assert other.findtext("p:Id", namespaces=NS) == paid.iin
    assert other.findtext("p:SchmeNm/p:Prtry", namespaces=NS) == "IIN"
    assert transfer.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN
    remittance = transfer.findtext("p:RmtInf/p:Ustrd", namespaces=NS) or ""
    assert remittance.startswith("disability_benefit 2024-02")
    end_to_end = transfer.findtext("p:PmtId/p:EndToEndId", namespaces=NS) or ""
    assert 0 < len(end_to_end) <= 35
