"""The decisions an appeal may contest, found by kind and id in the app that took them.

Each kind answers the same three things: whose decision it is, on which day it was taken (the
appeal period runs from it) and where the person reads it. An id that names nothing of its kind
is unknown; the caller answers it as it answers a decision the person cannot see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from inclusio.appeals.models import Kind
from inclusio.assessment.models import Decision as MseDecision
from inclusio.benefits.models import Decision as BenefitDecision
from inclusio.housing.models import Event as HousingEvent
from inclusio.marketplace.models import Order
from inclusio.registry.models import Person
from inclusio.socialservices.models import Placement


@dataclass(frozen=True)
class Contested:
    person: Person
    decided_on: dt.date
    url: str  # the decision's own page, as the person reads it


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def contested(kind: str, decision_id: int) -> Contested | None:
    """The decision ``decision_id`` of ``kind``, or None when there is none."""
    if kind == Kind.MSE_DECISION:
        mse = MseDecision.objects.select_related("referral__person").filter(pk=decision_id).first()
        if mse is None:
            return None
        return Contested(
            mse.referral.person,
            _day(mse.decided_at),
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
            _day(benefit.decided_at),
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
            _day(order.resolved_at),
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
        return Contested(event.registration.person, _day(event.at), reverse("housing:mine"))
    if kind == Kind.SOCIAL_PLACEMENT:
        placement = Placement.objects.select_related("need__person").filter(pk=decision_id).first()
        if placement is None:
            return None
        # The decision contested is the early ending when there was one, else the placement.
        return Contested(
            placement.need.person,
            _day(placement.ended_at or placement.placed_at),
            reverse("socialservices:mine"),
        )
    return None
