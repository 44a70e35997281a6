"""The way back from the bank for benefits: a payroll's file, the bank's status report, a
rejected payment held for a corrected account, then paid in the payroll's next file."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from inclusio.benefits.models import Payment, PaymentAccount, Payroll
from inclusio.benefits.selectors import worklist_held_payments
from inclusio.benefits.services import (
    payment_account_give,
    payment_file_produce,
    payroll_approve,
    payroll_create,
    proposal_accept,
)
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import NotFound
from inclusio.core.models import AuditEvent
from inclusio.payments import pain002
from inclusio.payments.models import PaymentFile, StatusReport, Transfer
from inclusio.payments.pain001 import NAMESPACE
from inclusio.payments.services import status_report_import
from tests.browser.benefits_data import IBAN, make_offer
from tests.factories import Trio, give_status, make_person, make_trio, make_user, sign_in

CORRECTED = "KZ10722S000012340099"
OTHER_IBAN = "KZ59722S000055550001"
THIRD_IBAN = "KZ32722S000055550002"
NS = {"p": NAMESPACE}


def _payroll(trio: Trio) -> Payroll:
    proposal_accept(
        actor=trio.person.user, proposal_id=make_offer(trio.person).pk, payment_account=IBAN
    )
    payroll = payroll_create(actor=SYSTEM, month=timezone.localdate())
    return payroll_approve(
        actor=make_user("approver", "ministry_admin", None), payroll_id=payroll.pk
    )


def _end_to_ends(content: bytes) -> list[str]:
    root = ET.fromstring(content)  # noqa: S314 — our own output
    return [e.text or "" for e in root.iterfind(".//p:EndToEndId", NS)]


def _ibans(content: bytes) -> list[str]:
    root = ET.fromstring(content)  # noqa: S314 — our own output
    return [e.text or "" for e in root.iterfind(".//p:CdtrAcct/p:Id/p:IBAN", NS)]


def _report(message_id: str, file: str, *statuses: tuple[str, str, str]) -> bytes:
    return pain002.status_report(
        message_id=message_id,
        original_message_id=file,
        statuses=[pain002.Status(e2e, s, code, "") for e2e, s, code in statuses],
        created=timezone.now(),
    )


@pytest.mark.django_db
def test_rejected_held_corrected_and_paid_in_the_next_file(client: Client) -> None:
    trio = make_trio()
    payroll = _payroll(trio)
    payment = Payment.objects.get(payroll=payroll)
    first = payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk)
    (e2e,) = _end_to_ends(first.content)
    assert Transfer.objects.get().state == Transfer.State.SENT
    # Another download of the same file: the same payment, nothing queued twice.
    again = payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk)
    assert (again.name, _end_to_ends(again.content)) == (first.name, [e2e])
    assert Transfer.objects.count() == 1 and PaymentFile.objects.count() == 1

    status_report_import(
        actor=SYSTEM, content=_report("BANK-1", payroll.message_id, (e2e, "RJCT", "AC04"))
    )

    payment.refresh_from_db()
    assert (payment.status, payment.iban) == (Payment.Status.HELD, "")
    account = PaymentAccount.objects.get(person=trio.person)
    assert account.rejected_at is not None and account.rejection_code == "AC04"
    with translation.override("en"):
        held = worklist_held_payments(actor=trio.own_officer)
        assert [a.person for a in held.rows] == [trio.person]
        assert held.rows[0].returned_reason == "the account is closed"
        assert not worklist_held_payments(actor=trio.other_officer).rows
        client.force_login(trio.person.user)
        page = client.get("/en/benefits/").content.decode()
    assert "Payments the bank returned" in page and "the account is closed" in page
    with translation.override("ru"):
        assert "счёт закрыт" in client.get("/ru/benefits/").content.decode()

    response = client.post(
        f"/en/benefits/persons/{trio.person.iin}/payment-account/", {"iban": "KZ12 3"}
    )
    assert response.status_code == 422 and "A Kazakh IBAN has 20" in response.content.decode()
    assert PaymentAccount.objects.filter(person=trio.person).count() == 1
    response = client.post(
        f"/en/benefits/persons/{trio.person.iin}/payment-account/", {"iban": CORRECTED}
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.iban) == (Payment.Status.SCHEDULED, CORRECTED)
    assert not worklist_held_payments(actor=trio.own_officer).rows

    second = payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk)
    assert second.name.endswith("-2.xml")
    (e2e_again,) = _end_to_ends(second.content)
    assert e2e_again == f"{e2e}-2" and CORRECTED.encode() in second.content
    status_report_import(
        actor=SYSTEM, content=_report("BANK-2", f"{payroll.message_id}-2", (e2e_again, "ACSC", ""))
    )
    states = dict(Transfer.objects.values_list("end_to_end_id", "state"))
    assert states == {e2e: "rejected", e2e_again: "paid"}
    assert StatusReport.objects.count() == 2


@pytest.mark.django_db
def test_the_file_downloaded_again_is_the_file_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    payroll = _payroll(make_trio())
    first = payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk)
    sent = PaymentFile.objects.get()
    assert hashlib.sha256(first.content).hexdigest() == sent.sha256
    later = timezone.now() + dt.timedelta(days=40, seconds=7)
    monkeypatch.setattr(timezone, "now", lambda: later)  # downloaded again weeks later
    again = payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk)
    assert again.content == first.content
    assert hashlib.sha256(again.content).hexdigest() == sent.sha256


@pytest.mark.django_db
def test_an_account_given_with_an_offer_releases_the_returned_payments() -> None:
    trio = make_trio()
    payroll = _payroll(trio)
    (e2e,) = _end_to_ends(payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk).content)
    status_report_import(
        actor=SYSTEM, content=_report("BANK-1", payroll.message_id, (e2e, "RJCT", "AC04"))
    )
    payment = Payment.objects.get(payroll=payroll)
    assert payment.status == Payment.Status.HELD

    proposal_accept(
        actor=trio.person.user,
        proposal_id=make_offer(trio.person, "free_legal_aid").pk,
        payment_account=CORRECTED,
    )
    payment.refresh_from_db()
    assert (payment.status, payment.iban) == (Payment.Status.SCHEDULED, CORRECTED)
    event = AuditEvent.objects.filter(action="payment_account_give").latest("id")
    assert event.data["payments_released"] == 1 and CORRECTED not in str(event.data)


@pytest.mark.django_db
def test_returned_accounts_get_their_reason_and_the_importer_is_recorded() -> None:
    trio = make_trio()
    for name, iban in (("aigerim", OTHER_IBAN), ("berik", THIRD_IBAN)):
        account = make_user(name, "person", None)
        other = make_person(region="71", user=account)
        give_status(other)
        proposal_accept(actor=account, proposal_id=make_offer(other).pk, payment_account=iban)
    payroll = _payroll(trio)
    content = payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk).content
    by_iban = dict(zip(_ibans(content), _end_to_ends(content), strict=True))
    minister = make_user("minister", "ministry_admin", None)
    report = _report(
        "BANK-1",
        payroll.message_id,
        (by_iban[IBAN], "RJCT", "AC04"),
        (by_iban[OTHER_IBAN], "RJCT", "AC01"),
        (by_iban[THIRD_IBAN], "RJCT", "AC04"),
    )
    with CaptureQueriesContext(connection) as queries:
        status_report_import(actor=minister, content=report)
    codes = dict(PaymentAccount.objects.values_list("iban", "rejection_code"))
    assert codes == {IBAN: "AC04", OTHER_IBAN: "AC01", THIRD_IBAN: "AC04"}
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "benefits_paymentaccount"')]
    assert len(updates) == 2  # one per reason code, not one per account
    event = AuditEvent.objects.get(action="benefit_payments_return")
    assert event.actor_id == minister.pk and event.data["payments"] == 3


@pytest.mark.django_db
def test_only_the_person_or_representative_gives_the_corrected_account() -> None:
    trio = make_trio()
    _payroll(trio)
    for actor in (
        trio.own_officer,
        trio.other_officer,
        make_user("minister", "ministry_admin", None),
    ):
        with pytest.raises(NotFound):
            payment_account_give(actor=actor, person_id=trio.person.pk, iban=CORRECTED)
    assert PaymentAccount.objects.count() == 1


@pytest.mark.django_db
def test_the_payment_officers_page(client: Client, settings: object) -> None:
    trio = make_trio()
    payroll = _payroll(trio)
    (e2e,) = _end_to_ends(payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk).content)
    url = "/en/payments/status-reports/"
    assert client.get(url).status_code == 302  # to the sign-in page
    sign_in(client, trio.own_officer)
    assert client.get(url).status_code == 403
    minister = make_user("minister", "ministry_admin", None)
    sign_in(client, minister)
    page = client.get(url)
    assert page.status_code == 200 and payroll.message_id in page.content.decode()

    bad = client.post(url, {"report": _upload(b"<Document>")})
    assert bad.status_code == 422 and "not a payment status report" in bad.content.decode()
    assert not StatusReport.objects.exists()
    with translation.override("ru"):
        missing = client.post("/ru/payments/status-reports/", {})
    assert missing.status_code == 422 and "Файл не выбран" in missing.content.decode()

    report = _report("BANK-1", payroll.message_id, (e2e, "ACSC", ""))
    done = client.post(url, {"report": _upload(report)})
    assert done.status_code == 302
    assert Transfer.objects.get().state == Transfer.State.PAID

    csrf = Client(enforce_csrf_checks=True)
    sign_in(csrf, minister)
    assert csrf.post(url, {"report": _upload(report)}).status_code == 403


def _upload(content: bytes) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("report.xml", content, content_type="application/xml")


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_before_reading(
    client: Client, settings: object
) -> None:
    settings.PAYMENTS_STATUS_REPORT_MAX_BYTES = 100  # type: ignore[attr-defined]
    sign_in(client, make_user("minister", "ministry_admin", None))
    response = client.post("/en/payments/status-reports/", {"report": _upload(b" " * 101)})
    assert response.status_code == 422 and "larger than 0.0001 MB" in response.content.decode()


def test_two_productions_at_once_make_one_file(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    trio = make_trio()
    payroll = _payroll(trio)
    barrier = threading.Barrier(2)
    names: list[str] = []
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            barrier.wait()
            names.append(payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk).name)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=produce) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(set(names)) == 1
    assert PaymentFile.objects.count() == 1 and Transfer.objects.count() == 1
