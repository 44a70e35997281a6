"""The demonstration's appeals: a few appeals of the demo region's persons against decisions on
their benefits, filed through the appeals service by the person's or the representative's demo
account, one of them overdue, so that the person follows one and the district office finds
them on its worklist, the overdue one first.

A decision to appeal is one of the person's standing benefit decisions, or else the refusal of
an offer beyond the first (the first stays for the person to answer). The overdue appeal's
decision and filing are moved back in time, as if filed weeks ago. Running it again adds
nothing for a person who already has an appeal.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from inclusio.appeals.models import Appeal, Kind
from inclusio.appeals.services import appeal_file, decision_deadline
from inclusio.benefits.models import Decision, Proposal
from inclusio.benefits.services import proposal_refuse
from inclusio.core.models import User
from inclusio.registry import selectors as registry
from inclusio.registry.models import Person

GROUNDS = (
    "Мне не объяснили предложение на моём языке, и я отказалась по ошибке. Прошу назначить пособие."
)
OVERDUE_BY_DAYS = 45


def _decision_to_appeal(account: User, person: Person) -> Decision | None:
    standing = Decision.objects.filter(person=person, withdrawn_at__isnull=True).order_by("pk")
    found = standing.first()
    if found is not None:
        return found
    offers = Proposal.objects.filter(person=person, status=Proposal.Status.PENDING).order_by("pk")
    if offers.count() < 2:
        return None
    return proposal_refuse(actor=account, proposal_id=offers[1].pk)


def load_demo_appeals(accounts: list[User]) -> int:
    """An appeal for each person the demo accounts act for (themselves and those they
    represent) who has a decision to appeal; the first of them overdue. How many were filed."""
    filed = 0
    for account in accounts:
        persons = [p for p in [registry.own_person(account)] if p is not None]
        for person in persons + registry.represented_persons(account):
            if Appeal.objects.filter(person=person).exists():
                continue
            decision = _decision_to_appeal(account, person)
            if decision is None:
                continue
            appeal = appeal_file(
                actor=account,
                kind=Kind.BENEFIT_DECISION,
                decision_id=decision.pk,
                grounds=GROUNDS,
            )
            if filed == 0:
                _move_back(appeal, decision)
            filed += 1
    return filed


def _move_back(appeal: Appeal, decision: Decision) -> None:
    """Make the appeal one filed weeks ago and not yet decided: overdue today."""
    filed_at = timezone.now() - dt.timedelta(days=OVERDUE_BY_DAYS)
    with transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(decided_at=filed_at - dt.timedelta(days=3))
        Appeal.objects.filter(pk=appeal.pk).update(
            filed_at=filed_at,
            decided_on=timezone.localdate(filed_at) - dt.timedelta(days=3),
            deadline=decision_deadline(timezone.localdate(filed_at)),
        )
        appeal.steps.update(at=filed_at)
