"""Benefit payments the bank returned: back to the queue for a corrected account.

``payments`` tells, in the transaction of a status report's import, which payments the bank
rejected (``payments.events.transfers_settled``). A rejected benefit payment is held again,
as a payment is when the person gave no account, and the account it went to is marked
rejected, with the bank's reason code: it is never paid to again. The person sees it on their
benefits page and the district officer in the held-payments worklist; when the person gives a
corrected account (``services.payment_account_give``) the held payments are scheduled again and
go in the payroll's next file.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from inclusio.benefits.models import Payment, PaymentAccount
from inclusio.core.audit import SYSTEM, record_write
from inclusio.payments.models import Transfer


def payments_settled(
    sender: Any, *, paid: list[Transfer], rejected: list[Transfer], **kwargs: Any
) -> None:
    returned = {t.purpose_id: t for t in rejected if t.purpose_kind == Transfer.Purpose.BENEFIT}
    if not returned:
        return
    held = list(
        Payment.objects.select_for_update()
        .filter(pk__in=list(returned), status=Payment.Status.SCHEDULED)
        .select_related("award")
    )
    now = timezone.now()
    accounts = {(p.award.person_id, returned[p.pk].iban): returned[p.pk] for p in held}
    for (person_id, iban), transfer in accounts.items():
        PaymentAccount.objects.filter(
            person_id=person_id, iban=iban, rejected_at__isnull=True
        ).update(rejected_at=now, rejection_code=transfer.reason_code)
    Payment.objects.filter(pk__in=[p.pk for p in held]).update(status=Payment.Status.HELD, iban="")
    record_write(
        actor=SYSTEM,
        action="benefit_payments_return",
        entity="payments",
        entity_id=",".join(sorted({str(t.report_id) for t in returned.values()})),
        data={"payments": len(held), "accounts": len(accounts)},
    )
