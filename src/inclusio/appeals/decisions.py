"""The decisions an appeal may contest, found by kind and id in the app that took them.

Each kind answers the same things: whose decision it is, on which day it was taken (the
appeal period runs from it), where the person reads it, and, for a decision an appeal could
change nothing in, why (the appeal is refused at filing rather than filed only to be refused).
An id that names nothing of its kind is unknown; the caller answers it as it answers a decision
the person cannot see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inclusio.appeals.models import Kind
from inclusio.assessment.models import Decision as MseDecision
from inclusio.benefits.models import Decision as BenefitDecision
from inclusio.core.appealing import decision_day
from inclusio.housing.models import Event as HousingEvent
from inclusio.marketplace.models import Order
from inclusio.registry.models import Person
from inclusio.socialservices.models import Placement


@dataclass(frozen=True)
class Contested:
    person: Person
    decided_on: dt.date
    url: str  # the decision's own page, as the person reads it
    # Why an appeal against it could only be refused (nothing a grant could change); "" when
    # an appeal may be granted.
    cannot_grant: str | Promise = ""


def contested(kind: str, decision_id: int) -> Contested | None:
    """The decision ``decision_id`` of ``kind``, or None when there is none."""
    if kind == Kind.MSE_DECISION:
        mse = MseDecision.objects.select_related("referral__person").filter(pk=decision_id).first()
        if mse is None:
            return None
        return Contested(
            mse.referral.person,
            decision_day(mse.decided_at),
            reverse("assessment:referral", args=[mse.referral_id]),
        )
    if kind == Kind.BENEFIT_DECISION:
        benefit = (
            BenefitDecision.objects.select_related("person")
            .filter(pk=decision_id, withdrawn_at__isnull=True)
            .first()
        )
        if benefit is None:
            return None
        return Contested(
            benefit.person,
            decision_day(benefit.decided_at),
            reverse("benefits:decision", args=[benefit.pk]),
        )
    if kind == Kind.ORDER_DISPUTE:
        order = (
            Order.objects.select_related("voucher__person")
            .filter(pk=decision_id, resolved_at__isnull=False)
            .first()
        )
        if order is None or order.resolved_at is None:
            return None
        return Contested(
            order.voucher.person,
            decision_day(order.resolved_at),
            reverse("marketplace:order", args=[order.pk]),
        )
    if kind == Kind.HOUSING_POSITION:
        event = (
            HousingEvent.objects.select_related("registration__person")
            .filter(pk=decision_id)
            .first()
        )
        if event is None:
            return None
        return Contested(
            event.registration.person,
            decision_day(event.at),
            reverse("housing:mine"),
            cannot_grant=_(
                "An allocation of housing, or an offer the person declined, is not changed on "
                "appeal here: ask the housing department of the local executive body."
            )
            if event.kind in (HousingEvent.Kind.ALLOCATED, HousingEvent.Kind.DECLINED)
            else "",
        )
    if kind == Kind.SOCIAL_PLACEMENT:
        placement = Placement.objects.select_related("need__person").filter(pk=decision_id).first()
        if placement is None:
            return None
        # The decision contested is the early ending: a placement that never ended early has
        # nothing an appeal could restore.
        return Contested(
            placement.need.person,
            decision_day(placement.ended_at or placement.placed_at),
            reverse("socialservices:mine"),
            cannot_grant=_(
                "This placement did not end early: an appeal could restore nothing. To change "
                "the provider or the services, ask your district's social-protection department."
            )
            if placement.ended_at is None
            else "",
        )
    return None
