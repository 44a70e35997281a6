"""Payments and their states: queued, sent in a file, then paid or rejected by the bank's
status report (pain.002), all or nothing; each thing paid once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, Conflict, DomainError, NotFound, ValidationFailed
from inclusio.core.models import AuditEvent
from inclusio.payments.models import StatusReport, Transfer
from inclusio.payments.reasons import REASONS, reason_text
from inclusio.payments.services import status_report_import, transfers_queue
from tests.factories import make_user
from tests.payments.conftest import Send, queued, status_report

pytestmark = pytest.mark.django_db


def _states() -> list[tuple[str, str, str]]:
    return list(
        Transfer.objects.order_by("id").values_list("end_to_end_id", "state", "reason_code")
    )


def test_queued_then_sent_in_a_file(send: Send) -> None:
    queued_only = transfers_queue(actor=SYSTEM, payments=[queued(7)])
    assert queued_only[0].state == Transfer.State.QUEUED and queued_only[0].file is None
    payment_file, content = send(1, 2)
    assert payment_file.transfers_count == 2 and payment_file.amount_kzt == 100_000
    assert set(payment_file.transfers.values_list("state", flat=True)) == {"sent"}
    assert b"<EndToEndId>T-1-" in content
    event = AuditEvent.objects.get(action="payment_file_send")
    assert event.data["payments"] == 2 and "800517400002" not in str(event.data)


def test_a_thing_is_paid_once_and_again_only_after_a_rejection(send: Send) -> None:
    payment_file, _content = send(1)
    audit, transfers = AuditEvent.objects.count(), Transfer.objects.count()
    with pytest.raises(Conflict) as refused:
        transfers_queue(actor=SYSTEM, payments=[queued(2), queued(1)])
    assert refused.value.code == "PAYMENT_ALREADY_MADE"
    with translation.override("ru"):
        assert "один раз" in str(refused.value.message)
    assert (AuditEvent.objects.count(), Transfer.objects.count()) == (audit, transfers)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database itself says no
        Transfer.objects.create(**{**queued(1).__dict__, "end_to_end_id": "OTHER"})
    first = payment_file.transfers.get()
    status_report_import(
        actor=SYSTEM, content=status_report(payment_file, [(first.end_to_end_id, "RJCT", "AC04")])
    )
    again = transfers_queue(actor=SYSTEM, payments=[queued(1)])
    assert again[0].state == Transfer.State.QUEUED


def test_the_report_marks_paid_rejected_with_reason_and_accepted(send: Send) -> None:
    payment_file, _content = send(1, 2, 3)
    a, b, c = payment_file.transfers.order_by("id")
    imported = status_report_import(
        actor=SYSTEM,
        content=status_report(
            payment_file,
            [
                (a.end_to_end_id, "ACSC", ""),
                (b.end_to_end_id, "RJCT", "AC01"),
                (c.end_to_end_id, "ACCP", ""),
            ],
        ),
    )
    assert (imported.paid, imported.rejected, imported.accepted) == (1, 1, 1)
    assert _states() == [
        (a.end_to_end_id, "paid", ""),
        (b.end_to_end_id, "rejected", "AC01"),
        (c.end_to_end_id, "sent", ""),
    ]
    b.refresh_from_db()
    with translation.override("en"):
        assert b.reason == "the account number is incorrect"
    with translation.override("kk"):
        assert b.reason != "the account number is incorrect" and b.reason
    c.refresh_from_db()
    assert c.bank_status == "ACCP" and c.report == imported.report
    event = AuditEvent.objects.get(action="status_report_import")
    assert event.data["paid"] == 1 and event.data["reasons"] == ["AC01"]
    # the accepted one is paid by a later report
    later = status_report(payment_file, [(c.end_to_end_id, "ACSC", "")], message_id="BANK-2")
    assert status_report_import(actor=SYSTEM, content=later).paid == 1


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_common_reason_reads_in_plain_words(language: str) -> None:
    with translation.override(language):
        texts = {code: reason_text(code) for code in REASONS}
        assert len(set(texts.values())) == len(REASONS)
        assert "ZZ99" in reason_text("ZZ99")
        assert reason_text("") == texts["MS03"]
    if language != "en":
        with translation.override("en"):
            assert all(texts[code] != reason_text(code) for code in REASONS)


def _refused(content: bytes, code: str, error: type[DomainError] = ValidationFailed) -> None:
    before = (_states(), StatusReport.objects.count(), AuditEvent.objects.count())
    with pytest.raises(error) as refused:
        status_report_import(actor=SYSTEM, content=content)
    assert refused.value.code == code
    with translation.override("ru"):
        message = str(refused.value.message)
    with translation.override("en"):
        assert message != str(refused.value.message) and "Nothing" in str(refused.value.message)
    assert (_states(), StatusReport.objects.count(), AuditEvent.objects.count()) == before


def test_a_report_with_one_bad_line_changes_nothing(send: Send) -> None:
    payment_file, _content = send(1, 2)
    a, _b = payment_file.transfers.order_by("id")
    _refused(
        status_report(payment_file, [(a.end_to_end_id, "ACSC", ""), ("NOT-OURS", "ACSC", "")]),
        "STATUS_UNKNOWN_PAYMENT",
        NotFound,
    )
    status_report_import(
        actor=SYSTEM, content=status_report(payment_file, [(a.end_to_end_id, "ACSC", "")])
    )
    _refused(
        status_report(payment_file, [(a.end_to_end_id, "RJCT", "AC04")], message_id="BANK-2"),
        "STATUS_ALREADY_FINAL",
        Conflict,
    )
    _refused(
        status_report(payment_file, [(a.end_to_end_id, "ACSC", "")]),
        "STATUS_REPORT_DUPLICATE",
        Conflict,
    )
    other = payment_file
    other.message_id = "SOMEONE-ELSES"
    _refused(
        status_report(other, [(a.end_to_end_id, "ACSC", "")], message_id="BANK-3"),
        "STATUS_REPORT_UNKNOWN_FILE",
        NotFound,
    )


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<Document>", "STATUS_REPORT_MALFORMED"),
        (b'<!DOCTYPE d [<!ENTITY a "a">]><d>&a;</d>', "STATUS_REPORT_MALFORMED"),
        (b"   ", "STATUS_REPORT_EMPTY"),
        (b"<x/>" + b" " * 2000, "STATUS_REPORT_TOO_LARGE"),
    ],
)
def test_a_malformed_empty_or_too_large_file_is_refused(
    send: Send, settings: Any, content: bytes, code: str
) -> None:
    settings.PAYMENTS_STATUS_REPORT_MAX_BYTES = 1000
    send(1)
    _refused(content, code)


def test_a_document_type_is_refused_in_any_encoding(send: Send) -> None:
    """A UTF-16 file hides its declarations from a byte scan: the parser refuses them."""
    payment_file, _content = send(1)
    e2e = payment_file.transfers.get().end_to_end_id
    text = status_report(payment_file, [(e2e, "ACSC", "")]).decode()
    body = text.split("?>", 1)[1].replace(f">{e2e}<", ">&e2e;<")
    declared = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE Document [<!ENTITY e2e "{e2e}">]>'
    content = (declared + body).encode("utf-16")
    assert b"<!DOCTYPE" not in content.upper()
    _refused(content, "STATUS_REPORT_MALFORMED")
    assert Transfer.objects.get().state == Transfer.State.SENT


def test_a_report_reads_no_transfer_one_by_one(send: Send) -> None:
    payment_file, _content = send(1, 2, 3)
    a, b, _c = payment_file.transfers.order_by("id").values_list("end_to_end_id", flat=True)
    status_report_import(
        actor=SYSTEM, content=status_report(payment_file, [(a, "ACSC", ""), (b, "RJCT", "AC04")])
    )
    # A file-wide pending status: the payments already final are left as they are, unread.
    pending = (
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.12">'
        "<CstmrPmtStsRpt><GrpHdr><MsgId>BANK-2</MsgId></GrpHdr><OrgnlGrpInfAndSts>"
        f"<OrgnlMsgId>{payment_file.message_id}</OrgnlMsgId><GrpSts>ACCP</GrpSts>"
        "</OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>"
    ).encode()
    with CaptureQueriesContext(connection) as queries:
        assert status_report_import(actor=SYSTEM, content=pending).accepted == 1
    reports_read = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and '"payments_statusreport"."id" =' in q["sql"]
    ]
    assert not reports_read, reports_read
    assert list(Transfer.objects.order_by("id").values_list("report__message_id", flat=True)) == [
        "BANK-1",
        "BANK-1",
        "BANK-2",
    ]


def test_only_the_payment_officer_imports(send: Send) -> None:
    payment_file, _content = send(1)
    content = status_report(
        payment_file, [(payment_file.transfers.get().end_to_end_id, "ACSC", "")]
    )
    for actor in (
        make_user("officer", "district_officer", "71"),
        make_user("regional", "ministry_admin", "71"),
    ):
        with pytest.raises(AccessDenied) as refused:
            status_report_import(actor=actor, content=content)
        assert refused.value.code == "NOT_PAYMENT_OFFICER"
    assert (
        status_report_import(
            actor=make_user("minister", "ministry_admin", None), content=content
        ).paid
        == 1
    )


def test_the_command_imports_and_refuses_with_the_code(send: Send, tmp_path: Path) -> None:
    payment_file, _content = send(1)
    report = tmp_path / "report.xml"
    report.write_bytes(
        status_report(payment_file, [(payment_file.transfers.get().end_to_end_id, "RJCT", "AM04")])
    )
    with translation.override("en"):
        call_command("payments_status_import", str(report))
    assert _states()[0][1:] == ("rejected", "AM04")
    with pytest.raises(CommandError) as refused:
        call_command("payments_status_import", str(report))
    assert "STATUS_REPORT_DUPLICATE" in str(refused.value)
    with pytest.raises(CommandError):
        call_command("payments_status_import", str(tmp_path / "missing.xml"))


def test_the_synthetic_bank_answers_a_file_and_the_loop_completes(
    send: Send, tmp_path: Path
) -> None:
    _payment_file, content = send(*range(1, 41))
    (tmp_path / "file.xml").write_bytes(content)
    with translation.override("en"):
        call_command(
            "payments_bank_answer", str(tmp_path / "file.xml"), "--out", str(tmp_path / "r.xml")
        )
        call_command("payments_status_import", str(tmp_path / "r.xml"))
    states = [state for _e2e, state, _code in _states()]
    assert "sent" not in states and 0 < states.count("rejected") < states.count("paid")
    assert {code for _e2e, state, code in _states() if state == "rejected"} <= set(REASONS)
