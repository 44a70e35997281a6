"""Reads of the payments module for the payment officer's page: files and reports name no
payee (counts, amounts and message ids only), so reading them logs no person's access."""

from __future__ import annotations

from inclusio.core.audit import Actor
from inclusio.payments.models import PaymentFile, StatusReport
from inclusio.payments.services import require_payment_officer

RECENT = 20


def recent_files(*, actor: Actor) -> list[PaymentFile]:
    require_payment_officer(actor)
    return list(PaymentFile.objects.order_by("-created_at", "-id")[:RECENT])


def recent_reports(*, actor: Actor) -> list[StatusReport]:
    require_payment_officer(actor)
    return list(StatusReport.objects.order_by("-imported_at", "-id")[:RECENT])
