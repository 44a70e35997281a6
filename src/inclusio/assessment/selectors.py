"""Reads of referrals: the MSE queue of one's regions and single referrals, access-logged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.assessment.models import Referral
from inclusio.core import access
from inclusio.core.audit import Actor, batched
from inclusio.core.errors import AccessDenied, ErrorCode
from inclusio.core.models import Purpose, Seen, User
from inclusio.core.roles import REFERRAL_DECIDE, REFERRAL_FILE, REFERRAL_QUEUE
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.registry.models import DisabilityStatus

QUEUE_PAGE = 50


def referral_queue(*, actor: Actor, state: str = Referral.State.QUEUED) -> list[Referral]:
    """Referrals waiting in the actor's regions, soonest deadline first; each person shown is
    a logged read."""
    if actor is None or not actor.is_authenticated or not actor.has_perm(REFERRAL_QUEUE):
        raise AccessDenied(
            ErrorCode.OUT_OF_SCOPE, _("Your role does not include the referral queue.")
        )
    referrals: QuerySet[Referral] = Referral.objects.filter(state=state).select_related(
        "person", "region"
    )
    if actor.region_id is not None:
        referrals = referrals.filter(region_id=actor.region_id)
    page = list(referrals.order_by("deadline", "id")[:QUEUE_PAGE])
    with batched():
        for referral in page:
            access.see_unchecked(
                actor, referral.person, what=Seen.REFERRAL_QUEUE, purpose=Purpose.EXPERTISE
            )
    return page


def referral_get(*, actor: Actor, referral_id: int) -> Referral:
    """One referral, for the MSE of its region, the doctor who filed it, or the person (and
    their representative); unknown and out of scope answer alike, the refusal logged."""
    referral = (
        Referral.objects.select_related("person", "person__region", "region", "filed_by")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise access.not_yours()
    if actor is not None and actor.is_authenticated and referral.filed_by_id == actor.pk:
        access.see_unchecked(actor, referral.person, what=Seen.REFERRAL, purpose=Purpose.EXPERTISE)
    else:
        # The queue follows the region the referral was filed in, not where the person lives now.
        access.see(
            actor,
            referral.person,
            what=Seen.REFERRAL,
            purpose=Purpose.EXPERTISE,
            permission=REFERRAL_QUEUE,
            region_code=referral.region_id,
        )
    return referral


# --- worklists ----------------------------------------------------------------------------------


def _queued_in_scope(staff: User) -> QuerySet[Referral]:
    referrals = Referral.objects.filter(state=Referral.State.QUEUED)
    if staff.region_id is not None:
        referrals = referrals.filter(region_id=staff.region_id)
    return referrals


def _log_persons(actor: Actor, *reads: tuple[list[Referral], Seen]) -> None:
    """Log the persons of the referrals shown, each kind of data read, in one append."""
    with batched():
        for referrals, what in reads:
            access.log_bulk_read(
                actor,
                [referral.person.iin for referral in referrals],
                what=what,
                purpose=Purpose.EXPERTISE,
            )


def worklist_referrals_due(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the district officer: referrals of the region still waiting when their deadline is
    a few days away (``WORKLIST_DEADLINE_DAYS``) or past, the nearest first."""
    staff = require_permission(actor, REFERRAL_QUEUE)
    horizon = timezone.localdate() + dt.timedelta(days=settings.WORKLIST_DEADLINE_DAYS)
    found = page_of(
        _queued_in_scope(staff)
        .filter(deadline__lte=horizon)
        .select_related("person")
        .order_by("deadline", "id"),
        page,
    )
    rows = list(found.object_list)
    _log_persons(staff, (rows, Seen.REFERRAL_QUEUE))
    return Worklist(
        key="referrals_due",
        title=_("Referrals near their deadline"),
        description=_(
            "Waiting for a medical-social expertise decision, due within %(days)s days or "
            "already overdue."
        )
        % {"days": settings.WORKLIST_DEADLINE_DAYS},
        template="assessment/worklist_referrals.html",
        page=found,
        rows=rows,
        empty=_("No referral is near its deadline."),
    )


@dataclass(frozen=True)
class QueueRow:
    """A referral with the person's status now and the statuses before it, for deciding."""

    referral: Referral
    current: DisabilityStatus | None
    history: list[DisabilityStatus]  # earlier statuses, newest first


def worklist_mse_queue(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the MSE specialist: the referrals waiting in the region, the nearest deadline first,
    each with the person's current status and its history."""
    staff = require_permission(actor, REFERRAL_DECIDE)
    found = page_of(
        _queued_in_scope(staff)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "person__statuses",
                queryset=DisabilityStatus.objects.order_by("-recorded_at", "-id"),
            )
        )
        .order_by("deadline", "id"),
        page,
    )
    referrals = list(found.object_list)
    rows = []
    for referral in referrals:
        statuses = list(referral.person.statuses.all())
        current = next((status for status in statuses if status.superseded_at is None), None)
        rows.append(
            QueueRow(
                referral=referral,
                current=current,
                history=[status for status in statuses if status is not current],
            )
        )
    # The statuses are part of what is read: the queue entry and the status, in one append.
    _log_persons(
        staff,
        (referrals, Seen.REFERRAL_QUEUE),
        ([row.referral for row in rows if row.current], Seen.DISABILITY_STATUS),
    )
    return Worklist(
        key="mse_queue",
        title=_("Referral queue"),
        description=_("Each referral with the person's current status and the statuses before."),
        template="assessment/worklist_queue.html",
        page=found,
        rows=rows,
        empty=_("No referral is waiting."),
    )


def worklist_my_referrals(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the referring doctor: the referrals they filed, newest first, and where each is."""
    staff = require_permission(actor, REFERRAL_FILE)
    found = page_of(
        Referral.objects.filter(filed_by_id=staff.pk)
        .select_related("person", "decision")
        .order_by("-filed_at", "-id"),
        page,
    )
    rows = list(found.object_list)
    _log_persons(staff, (rows, Seen.REFERRAL))
    return Worklist(
        key="my_referrals",
        title=_("My referrals"),
        description=_("The referrals you filed and where each one stands."),
        template="assessment/worklist_my_referrals.html",
        page=found,
        rows=rows,
        empty=_("You have not filed a referral yet."),
    )
