"""Reads of appeals: the person's (and the representative's) own, one appeal with its steps
for the person or the body deciding it (logged in the person's access log), and the deciding
body's worklist of open appeals of its region, the overdue first."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.appeals.decisions import Contested, contested
from inclusio.appeals.models import DECIDED_STATES, OPEN_STATES, Appeal, Body
from inclusio.appeals.services import PERMISSION_OF_BODY
from inclusio.core import access
from inclusio.core.audit import Actor, batched
from inclusio.core.models import Purpose, Seen, User
from inclusio.core.worklists import Worklist, page_of
from inclusio.registry import selectors as registry
from inclusio.registry.models import Person

# A decided appeal stays on the person's start page this long after its decision.
DECIDED_SHOWN_DAYS = 60


def _filing_for(actor: Actor) -> list[Person]:
    """The persons whose appeals ``actor`` files and follows: their own, those they represent."""
    own = registry.own_person(actor)
    return ([own] if own is not None else []) + registry.represented_persons(actor)


def appeals_mine(*, actor: Actor) -> list[Appeal]:
    """The appeals of the actor and of the persons they represent, the latest first."""
    persons = _filing_for(actor)
    for person in persons:
        access.see(actor, person, what=Seen.APPEAL, purpose=Purpose.APPEALS)
    return list(
        Appeal.objects.filter(person__in=persons)
        .select_related("person")
        .prefetch_related("steps")
        .order_by("-filed_at", "-id")
    )


def appeal_get(*, actor: Actor, appeal_id: int) -> Appeal:
    """One appeal, for the person, their representative or the body deciding it in the
    person's region; anyone else gets the answer for an appeal that does not exist."""
    appeal = (
        Appeal.objects.select_related("person", "region", "decided_by")
        .prefetch_related("steps", "attachments")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise access.not_yours()
    access.see(
        actor,
        appeal.person,
        what=Seen.APPEAL,
        purpose=Purpose.APPEALS,
        permission=PERMISSION_OF_BODY[Body(appeal.body)],
        region_code=appeal.region_id,
    )
    return appeal


def may_decide(actor: Actor, appeal: Appeal) -> bool:
    return access.may(actor, PERMISSION_OF_BODY[Body(appeal.body)], appeal.region_id)


def contested_for_filing(*, actor: Actor, kind: str, decision_id: int) -> Contested:
    """The decision the appeal form is for, if the actor may appeal it (else not found)."""
    found = contested(kind, decision_id)
    if found is None or not access.may_act_for(actor, found.person):
        if found is not None and isinstance(actor, User) and actor.is_authenticated:
            access.log_refusal(actor, found.person.iin, what=Seen.APPEAL, purpose=Purpose.APPEALS)
        raise access.not_yours()
    return found


def bodies_of(actor: Actor) -> list[Body]:
    """The bodies whose appeals the account decides (by its roles' permissions)."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        return []
    return [body for body, permission in PERMISSION_OF_BODY.items() if actor.has_perm(permission)]


def open_appeals(actor: Actor) -> QuerySet[Appeal]:
    """The open appeals the account's bodies decide in its region (every region for a national
    account), the earliest deadline first: the overdue ones lead."""
    assert isinstance(actor, User)
    found = Appeal.objects.filter(state__in=OPEN_STATES, body__in=bodies_of(actor))
    if actor.region_id is not None:
        found = found.filter(region_id=actor.region_id)
    return found.select_related("person").order_by("deadline", "filed_at", "id")


def overdue_appeals(actor: Actor, today: dt.date | None = None) -> QuerySet[Appeal]:
    return open_appeals(actor).filter(deadline__lt=today or timezone.localdate())


def worklist_appeals(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the bodies that decide appeals: the open appeals of their region, the overdue first."""
    if not bodies_of(actor):
        found = page_of(Appeal.objects.none(), page)
    else:
        found = page_of(open_appeals(actor), page)
    rows = list(found.object_list)
    with batched():
        access.log_bulk_read(
            actor, [appeal.person.iin for appeal in rows], what=Seen.APPEAL, purpose=Purpose.APPEALS
        )
    return Worklist(
        key="appeals",
        title=_("Appeals to decide"),
        description=_(
            "Open appeals of your region, the earliest deadline first: overdue ones lead."
        ),
        template="appeals/worklist_appeals.html",
        page=found,
        rows=rows,
        empty=_("No appeal is waiting for a decision."),
    )


def worklist_my_appeals(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For a person or a representative: their open appeals and those decided lately."""
    persons = _filing_for(actor)
    for person in persons:
        access.see(actor, person, what=Seen.APPEAL, purpose=Purpose.APPEALS)
    since = timezone.now() - dt.timedelta(days=DECIDED_SHOWN_DAYS)
    shown = Appeal.objects.filter(
        person__in=persons, state__in=OPEN_STATES
    ) | Appeal.objects.filter(person__in=persons, state__in=DECIDED_STATES, decided_at__gte=since)
    found = page_of(
        shown.select_related("person").order_by("-filed_at", "-id") if persons else shown.none(),
        page,
    )
    return Worklist(
        key="my_appeals",
        title=_("Your appeals"),
        description=_("Each appeal's page shows every step and the decision with its reasons."),
        template="appeals/worklist_my_appeals.html",
        page=found,
        rows=list(found.object_list),
        empty=_("You have no open appeal."),
    )
