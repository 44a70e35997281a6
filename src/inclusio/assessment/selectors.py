"""Reads of referrals: the MSE queue of one's regions and single referrals, access-logged."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from inclusio.assessment.models import Referral
from inclusio.core.audit import Actor, record_access
from inclusio.core.errors import AccessDenied, NotFound
from inclusio.core.roles import REFERRAL_DECIDE, REFERRAL_QUEUE
from inclusio.core.scope import may, require

QUEUE_PAGE = 50


def referral_queue(*, actor: Actor, state: str = Referral.State.QUEUED) -> list[Referral]:
    """Referrals waiting in the actor's regions, soonest deadline first; each person shown is
    a logged read."""
    if actor is None or not actor.is_authenticated or not actor.has_perm(REFERRAL_QUEUE):
        raise AccessDenied("OUT_OF_SCOPE", _("Your role does not include the referral queue."))
    referrals: QuerySet[Referral] = Referral.objects.filter(state=state).select_related(
        "person", "region"
    )
    if actor.region_id is not None:
        referrals = referrals.filter(region_id=actor.region_id)
    page = list(referrals.order_by("deadline", "id")[:QUEUE_PAGE])
    for referral in page:
        record_access(
            actor=actor,
            person_iin=referral.person.iin,
            what="referral_queue",
            purpose="medical-social expertise",
            granted=True,
        )
    return page


def referral_get(*, actor: Actor, referral_id: int) -> Referral:
    """One referral, for the MSE of its region or the doctor who filed it; logged."""
    try:
        referral = Referral.objects.select_related(
            "person", "person__region", "region", "filed_by"
        ).get(pk=referral_id)
    except Referral.DoesNotExist:
        raise NotFound("REFERRAL_NOT_FOUND", _("There is no such referral.")) from None
    is_filer = actor is not None and actor.is_authenticated and referral.filed_by_id == actor.pk
    if not is_filer and not may(actor, REFERRAL_QUEUE, referral.region_id):
        require(
            actor,
            REFERRAL_DECIDE,
            region_code=referral.region_id,
            person_iin=referral.person.iin,
            what="referral",
        )
    record_access(
        actor=actor,
        person_iin=referral.person.iin,
        what="referral",
        purpose="medical-social expertise",
        granted=True,
    )
    return referral
