"""Every write of the payments module: queueing payments, sending them in a file, and the
bank's status report marking them paid or rejected.

Each function is keyword-only, runs in one transaction and leaves an audit record that names no
payee (counts, amounts, message ids and the file's SHA-256).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.audit import SYSTEM, Actor, account_of, record_write
from inclusio.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from inclusio.core.roles import PAYROLL_MANAGE
from inclusio.payments import pain001, pain002
from inclusio.payments.errors import ErrorCode
from inclusio.payments.events import transfers_settled
from inclusio.payments.models import PaymentFile, StatusReport, Transfer
from inclusio.payments.treasury import treasury_account


def require_payment_officer(actor: Actor) -> None:
    """The ministry's payment officer: a national account with the payroll permission (whoever
    produces the payment files), or the platform itself."""
    if actor is SYSTEM:
        return
    if (
        actor.is_authenticated
        and actor.has_perm(PAYROLL_MANAGE)
        and getattr(actor, "region_id", None) is None
    ):
        return
    raise AccessDenied(
        ErrorCode.NOT_PAYMENT_OFFICER,
        _("Only the ministry's payment officer may do this: it is outside your role or scope."),
    )


@dataclass(frozen=True)
class Queued:
    """A payment to queue: what it pays, who pays and is paid, how much, where to."""

    purpose_kind: str
    purpose_id: int
    payer: str
    payee_reference: str
    amount_kzt: int
    iban: str
    end_to_end_id: str


def transfers_queue(*, actor: Actor, payments: Sequence[Queued]) -> list[Transfer]:
    """Queue ``payments``; Conflict ``PAYMENT_ALREADY_MADE`` (nothing written) when one of the
    things paid already has a payment that the bank has not rejected. The database decides
    (``transfer_pays_its_purpose_once``), so two processes queueing the same thing at once
    cannot both succeed."""
    require_payment_officer(actor)
    try:
        with transaction.atomic():
            transfers = Transfer.objects.bulk_create(
                [
                    Transfer(
                        purpose_kind=p.purpose_kind,
                        purpose_id=p.purpose_id,
                        payer=p.payer,
                        payee_reference=p.payee_reference,
                        amount_kzt=p.amount_kzt,
                        iban=p.iban,
                        end_to_end_id=p.end_to_end_id,
                    )
                    for p in payments
                ],
                batch_size=5000,
            )
            record_write(
                actor=actor,
                action="payments_queue",
                entity="payments",
                entity_id=",".join(sorted({p.purpose_kind for p in payments})),
                data={
                    "payments": len(transfers),
                    "amount_kzt": sum(p.amount_kzt for p in payments),
                },
            )
    except IntegrityError:
        raise Conflict(
            ErrorCode.PAYMENT_ALREADY_MADE,
            _("A payment of this is already made or on its way: it is paid only once."),
        ) from None
    return transfers


def file_send(
    *,
    actor: Actor,
    transfers: Sequence[Transfer],
    message_id: str,
    batch_kind: str,
    batch_id: int,
    execution: dt.date,
    line_of: Callable[[Transfer], pain001.Line],
) -> tuple[PaymentFile, bytes]:
    """Put queued ``transfers`` in a new pain.001 file and mark them sent; the file's content
    (``line_of`` gives each transfer's payee name and remittance text, which are not kept
    here). Call inside the caller's transaction, with the transfers just queued or locked."""
    require_payment_officer(actor)
    treasury = treasury_account()
    # The file's creation time is the one kept with it, so that it can be written again
    # byte for byte (``file_content``).
    created = timezone.now().replace(microsecond=0)
    content = pain001.credit_transfer(
        message_id=message_id,
        lines=[line_of(t) for t in transfers],
        treasury=treasury,
        execution=execution,
        created=created,
    )
    with transaction.atomic():
        payment_file = PaymentFile.objects.create(
            created_at=created,
            message_id=message_id,
            schema=pain001.SCHEMA,
            batch_kind=batch_kind,
            batch_id=batch_id,
            transfers_count=len(transfers),
            amount_kzt=sum(t.amount_kzt for t in transfers),
            sha256=hashlib.sha256(content).hexdigest(),
            created_by=account_of(actor),
        )
        now = timezone.now()
        ids = [t.pk for t in transfers]
        sent = sum(
            Transfer.objects.filter(
                pk__in=ids[start : start + 5000], state=Transfer.State.QUEUED
            ).update(state=Transfer.State.SENT, file=payment_file, sent_at=now)
            for start in range(0, len(ids), 5000)
        )
        if sent != len(transfers):
            raise Conflict(
                ErrorCode.PAYMENT_ALREADY_MADE,
                _("A payment of this is already made or on its way: it is paid only once."),
            )
        for transfer in transfers:
            transfer.state, transfer.file, transfer.sent_at = Transfer.State.SENT, payment_file, now
        record_write(
            actor=actor,
            action="payment_file_send",
            entity="payment_file",
            entity_id=payment_file.pk,
            data={
                "message_id": message_id,
                "payments": len(transfers),
                "amount_kzt": payment_file.amount_kzt,
                "sha256": payment_file.sha256,
            },
        )
    return payment_file, content


def file_content(
    *,
    payment_file: PaymentFile,
    execution: dt.date,
    line_of: Callable[[Transfer], pain001.Line],
) -> bytes:
    """The file again, byte for byte as sent (its SHA-256 is ``payment_file.sha256``): for
    another download of it. ``execution`` is the date the file was sent with."""
    transfers = list(payment_file.transfers.order_by("id"))
    return pain001.credit_transfer(
        message_id=payment_file.message_id,
        lines=[line_of(t) for t in transfers],
        treasury=treasury_account(),
        execution=execution,
        created=payment_file.created_at,
    )


# --- the way back: the bank's status report ------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    report: StatusReport
    paid: int
    rejected: int
    accepted: int


def _malformed(detail: str) -> ValidationFailed:
    return ValidationFailed(
        ErrorCode.STATUS_REPORT_MALFORMED,
        _(
            "This is not a payment status report the platform can read (ISO 20022 pain.002): "
            "%(detail)s. Nothing was imported."
        ),
        detail=detail,
    )


def status_report_import(*, actor: Actor, content: bytes) -> Imported:
    """Mark each payment the bank's report names paid or rejected (with the bank's reason), all
    or nothing: a report that is too large, unreadable, already imported, about a file the
    platform did not send, naming an unknown payment, or giving a status to a payment that is
    already paid or rejected, is refused and changes nothing. The apps that pay hear of the
    outcome in the same transaction (``events.transfers_settled``): a rejected benefit payment
    goes back to the queue for a corrected account."""
    require_payment_officer(actor)
    limit = settings.PAYMENTS_STATUS_REPORT_MAX_BYTES
    if len(content) > limit:
        raise ValidationFailed(
            ErrorCode.STATUS_REPORT_TOO_LARGE,
            _("The status report is larger than %(limit)s MB. Nothing was imported."),
            limit=f"{limit / 1_000_000:g}",
        )
    if not content.strip():
        raise ValidationFailed(
            ErrorCode.STATUS_REPORT_EMPTY, _("The file is empty. Nothing was imported.")
        )
    try:
        parsed = pain002.parse(content)
    except pain002.Malformed as error:
        raise _malformed(str(error)) from None
    with transaction.atomic():
        if StatusReport.objects.filter(message_id=parsed.message_id).exists():
            raise Conflict(
                ErrorCode.STATUS_REPORT_DUPLICATE,
                _("The status report %(id)s was imported before. Nothing was imported again."),
                id=parsed.message_id,
            )
        payment_file = PaymentFile.objects.filter(message_id=parsed.original_message_id).first()
        if payment_file is None:
            raise NotFound(
                ErrorCode.STATUS_REPORT_UNKNOWN_FILE,
                _(
                    "The report answers a payment file %(id)s that the platform did not send. "
                    "Nothing was imported."
                ),
                id=parsed.original_message_id,
            )
        transfers = {
            t.end_to_end_id: t
            for t in Transfer.objects.select_for_update().filter(file=payment_file)
        }
        statuses = parsed.statuses or tuple(
            pain002.Status(e2e, parsed.group_status, parsed.group_reason_code, parsed.group_detail)
            for e2e in transfers
        )
        for status in statuses:
            transfer = transfers.get(status.end_to_end_id)
            if transfer is None:
                raise NotFound(
                    ErrorCode.STATUS_UNKNOWN_PAYMENT,
                    _(
                        "The report gives a status to a payment %(id)s that is not in the "
                        "payment file %(file)s. Nothing was imported."
                    ),
                    id=status.end_to_end_id,
                    file=payment_file.message_id,
                )
            if transfer.state in (Transfer.State.PAID, Transfer.State.REJECTED) and (
                parsed.statuses or status.status not in pain002.PENDING
            ):
                raise Conflict(
                    ErrorCode.STATUS_ALREADY_FINAL,
                    _(
                        "The payment %(id)s is already %(state)s: a report cannot change it. "
                        "Nothing was imported."
                    ),
                    id=transfer.end_to_end_id,
                    state=transfer.get_state_display(),
                )
        report = StatusReport.objects.create(
            message_id=parsed.message_id,
            schema=parsed.schema,
            original_message_id=payment_file.message_id,
            sha256=hashlib.sha256(content).hexdigest(),
            paid=0,
            rejected=0,
            accepted=0,
            imported_by=account_of(actor),
        )
        now = timezone.now()
        paid: list[Transfer] = []
        rejected: list[Transfer] = []
        changed: list[Transfer] = []
        accepted = 0
        for status in statuses:
            transfer = transfers[status.end_to_end_id]
            if transfer.state != Transfer.State.SENT:
                continue  # a file-wide pending status leaves the final ones as they are
            transfer.bank_status, transfer.report = status.status, report
            changed.append(transfer)
            if status.status in pain002.PAID:
                transfer.state, transfer.settled_at = Transfer.State.PAID, now
                paid.append(transfer)
            elif status.status in pain002.REJECTED:
                transfer.state, transfer.settled_at = Transfer.State.REJECTED, now
                transfer.reason_code, transfer.reason_detail = status.reason_code, status.detail
                rejected.append(transfer)
            else:
                accepted += 1
        Transfer.objects.bulk_update(
            changed,
            ["state", "bank_status", "report", "settled_at", "reason_code", "reason_detail"],
            batch_size=5000,
        )
        report.paid, report.rejected, report.accepted = len(paid), len(rejected), accepted
        report.save(update_fields=["paid", "rejected", "accepted"])
        transfers_settled.send(sender=Transfer, paid=paid, rejected=rejected, actor=actor)
        record_write(
            actor=actor,
            action="status_report_import",
            entity="status_report",
            entity_id=report.pk,
            data={
                "message_id": report.message_id,
                "payment_file": payment_file.message_id,
                "paid": len(paid),
                "rejected": len(rejected),
                "accepted": accepted,
                "reasons": sorted({t.reason_code for t in rejected if t.reason_code}),
                "sha256": report.sha256,
            },
        )
    return Imported(report=report, paid=len(paid), rejected=len(rejected), accepted=accepted)
