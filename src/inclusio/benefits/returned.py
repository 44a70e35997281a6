"""Benefit payments the bank returned: back to the queue for a corrected account.

``payments`` tells, in the transaction of a status report's import, which payments the bank
rejected (``payments.events.transfers_settled``). A rejected benefit payment is held again,
as a payment is when the person gave no account, and the account it went to is marked
rejected, with the bank's reason code: it is never paid to again. The person sees it on their
benefits page and the district officer in the held-payments worklist; when the person gives a
corrected account (``services.payment_account_give``) the held payments are scheduled again and
go in the payroll's next file. A top-up owed on appeal (``TopUp``) that the bank returned is
held, and scheduled again, the same way.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone

from inclusio.benefits.models import Payment, PaymentAccount, TopUp
from inclusio.core.audit import SYSTEM, Actor, record_write
from inclusio.payments.models import Transfer

CHUNK = 5000


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def payments_settled(
    sender: Any,
    *,
    paid: list[Transfer],
    rejected: list[Transfer],
    actor: Actor = SYSTEM,
    **kwargs: Any,
) -> None:
    returned = {t.purpose_id: t for t in rejected if t.purpose_kind == Transfer.Purpose.BENEFIT}
    returned_top_ups = {
        t.purpose_id: t for t in rejected if t.purpose_kind == Transfer.Purpose.BENEFIT_TOP_UP
    }
    if not returned and not returned_top_ups:
        return
    held: list[Payment] = []
    for chunk in _chunks(list(returned)):
        held += (
            Payment.objects.select_for_update()
            .filter(pk__in=chunk, status=Payment.Status.SCHEDULED)
            .select_related("award")
        )
    held_top_ups: list[TopUp] = []
    for chunk in _chunks(list(returned_top_ups)):
        held_top_ups += (
            TopUp.objects.select_for_update()
            .filter(pk__in=chunk, status=Payment.Status.SCHEDULED)
            .select_related("award")
        )
    now = timezone.now()
    accounts = {(p.award.person_id, returned[p.pk].iban): returned[p.pk] for p in held}
    accounts.update(
        ((t.award.person_id, returned_top_ups[t.pk].iban), returned_top_ups[t.pk])
        for t in held_top_ups
    )
    # One update per reason code: the accounts the bank rejected for that reason.
    by_code: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (person_id, iban), transfer in accounts.items():
        by_code[transfer.reason_code].append((person_id, iban))
    for code, pairs in by_code.items():
        ids: list[int] = []  # the accounts rejected for ``code``
        for start in range(0, len(pairs), CHUNK):
            wanted = set(pairs[start : start + CHUNK])
            # The person and the IBAN narrow the rows; only the pairs rejected are marked.
            ids += [
                pk
                for pk, person_id, iban in PaymentAccount.objects.filter(
                    person_id__in={person for person, _iban in wanted},
                    iban__in={iban for _person, iban in wanted},
                    rejected_at__isnull=True,
                ).values_list("pk", "person_id", "iban")
                if (person_id, iban) in wanted
            ]
        for chunk in _chunks(ids):
            PaymentAccount.objects.filter(pk__in=chunk).update(rejected_at=now, rejection_code=code)
    for chunk in _chunks([p.pk for p in held]):
        Payment.objects.filter(pk__in=chunk).update(status=Payment.Status.HELD, iban="")
    for chunk in _chunks([t.pk for t in held_top_ups]):
        TopUp.objects.filter(pk__in=chunk).update(status=Payment.Status.HELD, iban="")
    reports = {str(t.report_id) for t in [*returned.values(), *returned_top_ups.values()]}
    record_write(
        actor=actor,
        action="benefit_payments_return",
        entity="payments",
        entity_id=",".join(sorted(reports)),
        data={"payments": len(held), "top_ups": len(held_top_ups), "accounts": len(accounts)},
    )
