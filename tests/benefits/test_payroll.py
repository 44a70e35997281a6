"""The monthly payroll and its ISO 20022 pain.001.001.09 payment file."""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.utils import timezone, translation

from inclusio.benefits.models import Award, Payment, Payroll, Proposal
from inclusio.benefits.services import (
    parse_month,
    payment_file_produce,
    payroll_approve,
    payroll_create,
    programmes_load,
    proposal_accept,
    screening_run,
)
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent
from inclusio.payments.pain001 import NAMESPACE
from inclusio.registry.models import Person
from tests import database_reset
from tests.benefits.builders import IBAN, ON, Snapshot, copy_programmes, person_with_account
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MONTH = dt.date(2024, 2, 1)
NS = {"p": NAMESPACE}


def approved(payroll: Payroll) -> Payroll:
    """The payroll approved by a second person of the ministry (four eyes)."""
    return payroll_approve(
        actor=make_user("approver", "ministry_admin", None), payroll_id=payroll.pk
    )


@pytest.fixture(scope="module")
def _recipients_world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, int, int]]:
    """The recipients, screened and accepted once a module in each worker, committed, instead
    of once a test (a screening and a snapshot written each time: 18–36 s a set-up in a loaded
    run); each test runs in its own transaction over them, rolled back after it, and the module
    empties them at its end. The run folder, with the screening's files, is the module's."""
    folder = tmp_path_factory.mktemp("payroll")
    with (
        database_reset.committed_world(django_db_blocker),
        override_settings(VAR_DIR=folder / "var"),
    ):
        loaded = programmes_load(
            actor=SYSTEM,
            directory=copy_programmes(
                folder / "programmes", "disability_benefit", "free_legal_aid"
            ),
        )
        assert not loaded.errors, loaded.errors
        paid, held = person_with_account("paid"), person_with_account("held")
        snapshot = Snapshot()
        snapshot.person(paid.iin, category="I")
        snapshot.person(held.iin, category="III")
        screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(folder / "s", "pay"), on=ON)
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
    try:
        yield folder / "var", paid.pk, held.pk
    finally:
        with django_db_blocker.unblock():
            database_reset.put_back()


@pytest.fixture
def recipients(_recipients_world: tuple[Path, int, int], settings: Any) -> tuple[Person, Person]:
    """Two persons with the disability benefit awarded: one gave an IBAN, the other not (yet)."""
    var, paid, held = _recipients_world
    settings.VAR_DIR = var
    return Person.objects.get(pk=paid), Person.objects.get(pk=held)


def test_an_amount_changed_after_the_payroll_is_not_paid_twice_that_month(
    recipients: tuple[Person, Person],
) -> None:
    paid, _ = recipients
    payroll = payroll_create(actor=SYSTEM, month=MONTH)
    old = Award.objects.get(person=paid, programme__code="disability_benefit")
    # The amount changes mid-month (a later screening): the old award ends, a new one starts.
    Award.objects.filter(pk=old.pk).update(ends=dt.date(2024, 2, 14))
    Award.objects.create(
        person=paid,
        programme=old.programme,
        amount_kzt=(old.amount_kzt or 0) + 1000,
        starts=dt.date(2024, 2, 15),
        decision=old.decision,
    )
    payroll_create(actor=SYSTEM, month=MONTH)  # computed again before its approval
    february = Payment.objects.filter(payroll=payroll, award__person=paid)
    assert february.count() == 1 and february.get().award_id == old.pk


def test_one_payment_per_cash_award_and_none_twice(recipients: tuple[Person, Person]) -> None:
    paid, held = recipients
    payroll = payroll_create(actor=SYSTEM, month=dt.date(2024, 2, 17))
    assert payroll.month == MONTH
    payments = {p.award.person: p for p in payroll.payments.select_related("award__person")}
    assert set(payments) == {paid, held}
    assert payments[paid].status == Payment.Status.SCHEDULED and payments[paid].iban == IBAN
    assert payments[held].status == Payment.Status.HELD and payments[held].iban == ""
    award = Award.objects.get(person=paid, programme__code="disability_benefit")
    assert payments[paid].amount_kzt == award.amount_kzt
    again = payroll_create(actor=SYSTEM, month=MONTH)
    assert again.pk == payroll.pk
    assert Payment.objects.count() == 2


def test_a_month_with_nothing_to_pay_is_refused_and_leaves_no_payroll(
    recipients: tuple[Person, Person],
) -> None:
    Award.objects.update(ends=dt.date(2024, 1, 31))  # every award has ended
    audit = AuditEvent.objects.count()
    with pytest.raises(Conflict) as empty:
        payroll_create(actor=SYSTEM, month=MONTH)
    assert empty.value.code == "PAYROLL_NOTHING_TO_PAY" and empty.value.status == 409
    with translation.override("en"):
        assert "No benefit is to be paid for 2024-02" in empty.value.message
    assert not Payroll.objects.exists() and AuditEvent.objects.count() == audit


def test_a_payroll_of_held_payments_only_has_no_payment_file(
    recipients: tuple[Person, Person],
) -> None:
    paid, _held = recipients
    paid.payment_accounts.all().delete()
    payroll = approved(payroll_create(actor=SYSTEM, month=MONTH))
    assert not payroll.payments.filter(status=Payment.Status.SCHEDULED).exists()
    audit, access = AuditEvent.objects.count(), AccessEvent.objects.count()
    with pytest.raises(Conflict) as empty:
        payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk)
    assert empty.value.code == "PAYROLL_EMPTY"
    with translation.override("ru"):
        assert "2024-02" in empty.value.message and "payment" not in empty.value.message
    assert (AuditEvent.objects.count(), AccessEvent.objects.count()) == (audit, access)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0000-01", "MONTH_FORMAT"),
        ("2024-13", "MONTH_FORMAT"),
        ("2024-00", "MONTH_FORMAT"),
        ("", "MONTH_FORMAT"),
        ("Feb", "MONTH_FORMAT"),
        ("9999-12", "PAYROLL_MONTH_AHEAD"),
        ("2099-01", "PAYROLL_MONTH_AHEAD"),
    ],
)
def test_a_bad_month_is_refused_and_writes_nothing(
    recipients: tuple[Person, Person], text: str, code: str
) -> None:
    audit = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refusal:
        payroll_create(actor=SYSTEM, month=parse_month(text))
    assert refusal.value.code == code and refusal.value.status == 422
    with translation.override("kk"):
        assert refusal.value.message and "month" not in refusal.value.message
    assert not Payroll.objects.exists() and not Payment.objects.exists()
    assert AuditEvent.objects.count() == audit


def test_next_month_may_be_prepared(recipients: tuple[Person, Person]) -> None:
    ahead = (timezone.localdate().replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    assert payroll_create(actor=SYSTEM, month=ahead).payments.count() == 2


def test_only_the_ministry_makes_the_payroll(recipients: tuple[Person, Person]) -> None:
    paid, _held = recipients
    for actor in (AnonymousUser(), paid.user, make_user("officer", "district_officer", "71")):
        with pytest.raises(AccessDenied):
            payroll_create(actor=actor, month=MONTH)
    assert not Payroll.objects.exists()
    payroll_create(actor=make_user("minister", "ministry_admin", None), month=MONTH)
    assert Payment.objects.count() == 2
    assert AuditEvent.objects.get(action="payroll_create").actor_name == "minister"


def test_the_platforms_payroll_is_recorded_as_the_systems(
    recipients: tuple[Person, Person],
) -> None:
    payroll = payroll_create(actor=SYSTEM, month=MONTH)
    assert payroll.created_by is None
    event = AuditEvent.objects.get(action="payroll_create")
    assert (event.actor_name, event.actor) == ("system", None)
    assert event.data == {
        "month": "2024-02-01",
        "payments": 2,
        "held": 1,
        "amount_kzt": ANY,
        "by_the_day": 0,
        "one_off": 0,
        "top_ups": 0,
        "top_ups_kzt": 0,
    }


def test_only_a_national_payroll_account_produces_the_payment_file(
    recipients: tuple[Person, Person],
) -> None:
    paid, _held = recipients
    payroll = approved(payroll_create(actor=SYSTEM, month=MONTH))
    audit, access = AuditEvent.objects.count(), AccessEvent.objects.count()
    regional = make_user("regional_payroll", "ministry_admin", "71")
    for actor in (
        AnonymousUser(),
        paid.user,
        make_user("officer", "district_officer", "71"),
        regional,
    ):
        with pytest.raises(AccessDenied) as refusal:
            payment_file_produce(actor=actor, payroll_id=payroll.pk)
        assert refusal.value.code == "NOT_MINISTRY"
    assert (AuditEvent.objects.count(), AccessEvent.objects.count()) == (audit, access)


def test_each_payment_file_is_recorded_in_the_trail_and_each_payees_access_log(
    recipients: tuple[Person, Person],
) -> None:
    paid, held = recipients
    payroll = approved(payroll_create(actor=SYSTEM, month=MONTH))
    minister = make_user("minister", "ministry_admin", None)
    produced = payment_file_produce(actor=minister, payroll_id=payroll.pk)
    assert produced.name == "inclusio-payroll-2024-02.xml"
    event = AuditEvent.objects.get(action="payment_file_produce")
    assert event.actor_name == "minister" and event.entity_id == str(payroll.pk)
    assert event.data["sha256"] == hashlib.sha256(produced.content).hexdigest()
    assert event.data["payments"] == 1
    logged = AccessEvent.objects.get(person_iin=paid.iin, what="payment_file")
    assert (logged.actor_name, logged.outcome) == ("minister", "granted")
    assert not AccessEvent.objects.filter(person_iin=held.iin, what="payment_file").exists()
    payment_file_produce(actor=minister, payroll_id=payroll.pk)  # each download, again
    assert AccessEvent.objects.filter(person_iin=paid.iin, what="payment_file").count() == 2
    with pytest.raises(NotFound):
        payment_file_produce(actor=minister, payroll_id=payroll.pk + 1)


def test_the_payment_file(recipients: tuple[Person, Person]) -> None:
    paid, _held = recipients
    payroll = approved(payroll_create(actor=SYSTEM, month=MONTH))
    content = payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk).content
    root = ET.fromstring(content)  # noqa: S314 — our own output
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


# --- four eyes, the open range of months, the treasury account ---------------------------------


def test_a_second_person_approves_before_the_payment_file_exists(
    recipients: tuple[Person, Person],
) -> None:
    maker = make_user("maker", "ministry_admin", None)
    checker = make_user("checker", "ministry_admin", None)
    payroll = payroll_create(actor=maker, month=MONTH)
    audit = AuditEvent.objects.count()

    with pytest.raises(Conflict) as refusal:
        payment_file_produce(actor=maker, payroll_id=payroll.pk)
    assert refusal.value.code == "PAYROLL_NOT_APPROVED"
    with pytest.raises(Conflict) as refusal:
        payroll_approve(actor=maker, payroll_id=payroll.pk)
    assert refusal.value.code == "PAYROLL_APPROVER_IS_CREATOR"
    with translation.override("ru"):
        assert "другой" in str(refusal.value.message)
    for stranger in (SYSTEM, make_user("regional", "ministry_admin", "71")):
        with pytest.raises(AccessDenied):
            payroll_approve(actor=stranger, payroll_id=payroll.pk)
    assert AuditEvent.objects.count() == audit
    payroll.refresh_from_db()
    assert payroll.approved_at is None and payroll.approved_by is None

    payroll_approve(actor=checker, payroll_id=payroll.pk)

    payroll.refresh_from_db()
    assert payroll.approved_by == checker and payroll.approved_at is not None
    made, approval = AuditEvent.objects.filter(
        action__in=["payroll_create", "payroll_approve"]
    ).order_by("id")
    assert (made.actor_name, approval.actor_name) == ("maker", "checker")
    assert approval.data == {
        "month": "2024-02-01",
        "payments": 1,
        "amount_kzt": ANY,
        "top_ups": 0,
        "top_ups_kzt": 0,
    }
    assert payment_file_produce(actor=maker, payroll_id=payroll.pk).content
    with pytest.raises(Conflict) as refusal:
        payroll_approve(actor=make_user("third", "ministry_admin", None), payroll_id=payroll.pk)
    assert refusal.value.code == "PAYROLL_APPROVED"


def test_an_approved_payroll_no_longer_changes(recipients: tuple[Person, Person]) -> None:
    payroll = approved(payroll_create(actor=SYSTEM, month=MONTH))
    Payment.objects.filter(payroll=payroll).delete()  # as if awards had been made since
    with pytest.raises(Conflict) as refusal:
        payroll_create(actor=SYSTEM, month=MONTH)
    assert refusal.value.code == "PAYROLL_APPROVED"
    assert not Payment.objects.exists()


def test_a_month_before_the_first_award_is_refused(recipients: tuple[Person, Person]) -> None:
    first = Award.objects.filter(programme__cash=True).order_by("starts").first()
    assert first is not None
    before = (first.starts.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with pytest.raises(ValidationFailed) as refusal:
        payroll_create(actor=SYSTEM, month=before)
    assert refusal.value.code == "PAYROLL_MONTH_BEFORE_AWARDS"
    with translation.override("en"):
        assert f"{first.starts:%Y-%m}" in str(refusal.value.message)
    assert (
        not Payroll.objects.exists()
        and not AuditEvent.objects.filter(action="payroll_create").exists()
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("TREASURY_IBAN", ""),
        ("TREASURY_IBAN", "KZ000000000000000000"),  # the old placeholder: no check digits
        ("TREASURY_IBAN", "KZ86125KZT5004100100"),  # the documentation's example
        ("TREASURY_IBAN", "KZ09000KZT0000000001"),  # no bank has the code 000
        ("TREASURY_BIC", "HSBKKZKX"),  # another bank's BIC than the IBAN's (070, the treasury)
        ("TREASURY_NAME", " "),
        ("TREASURY_BIC", "KKMF"),
        ("TREASURY_BIN", "123"),
    ],
)
def test_no_payroll_while_the_treasury_account_is_unset(
    recipients: tuple[Person, Person], settings: Any, field: str, value: str
) -> None:
    payroll = approved(payroll_create(actor=SYSTEM, month=MONTH))
    setattr(settings, field, value)
    audit = AuditEvent.objects.count()
    for attempt in (
        lambda: payroll_create(actor=SYSTEM, month=MONTH + dt.timedelta(days=31)),
        lambda: payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk),
    ):
        with pytest.raises(Conflict) as refusal:
            attempt()
        assert refusal.value.code == "TREASURY_UNSET"
    assert Payroll.objects.count() == 1 and AuditEvent.objects.count() == audit
