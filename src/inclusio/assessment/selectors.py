"""Reads of referrals: the MSE queue of one's regions and single referrals, access-logged."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from inclusio.assessment.models import Referral
from inclusio.core import access
from inclusio.core.audit import Actor, batched
from inclusio.core.errors import AccessDenied, ErrorCode
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import REFERRAL_QUEUE

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
