"""Payments fixtures: payments queued and sent in a file, and status reports about them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pytest
from django.utils import timezone

from inclusio.core.audit import SYSTEM
from inclusio.payments import pain001, pain002
from inclusio.payments.models import PaymentFile, Transfer
from inclusio.payments.services import Queued, file_send, transfers_queue

IBAN = "KZ18722S000012345678"


def queued(purpose_id: int, amount: int = 50_000) -> Queued:
    return Queued(
        purpose_kind=Transfer.Purpose.BENEFIT,
        purpose_id=purpose_id,
        payer="disability_benefit",
        payee_reference="800517400002",
        amount_kzt=amount,
        iban=IBAN,
        end_to_end_id=f"T-{purpose_id}-{Transfer.objects.count()}",
    )


def line_of(transfer: Transfer) -> pain001.Line:
    return pain001.Line(
        end_to_end_id=transfer.end_to_end_id,
        amount_kzt=transfer.amount_kzt,
        payee_name="Абенова Дана",
        payee_id=transfer.payee_reference,
        payee_scheme="IIN",
        iban=transfer.iban,
        remittance="disability_benefit 2024-02",
    )


Send = Callable[..., tuple[PaymentFile, bytes]]


@pytest.fixture
def send() -> Send:
    """Queue payments for ``purpose_ids`` and send them in a new file."""

    def sending(
        *purpose_ids: int, message_id: str = "INCLUSIO-202402-1"
    ) -> tuple[PaymentFile, bytes]:
        transfers = transfers_queue(actor=SYSTEM, payments=[queued(i) for i in purpose_ids])
        return file_send(
            actor=SYSTEM,
            transfers=transfers,
            message_id=message_id,
            batch_kind="payroll",
            batch_id=1,
            execution=dt.date(2024, 2, 1),
            line_of=line_of,
        )

    return sending


def status_report(
    payment_file: PaymentFile, statuses: Sequence[tuple[str, str, str]], message_id: str = "BANK-1"
) -> bytes:
    """A pain.002 answering ``payment_file``: (end-to-end id, status, reason code) each."""
    return pain002.status_report(
        message_id=message_id,
        original_message_id=payment_file.message_id,
        statuses=[pain002.Status(e2e, status, code, "") for e2e, status, code in statuses],
        created=timezone.now(),
    )
