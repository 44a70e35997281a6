"""The bad input the issue of special social services names, each refused in the reader's
language (Kazakh and Russian here; English in the other tests) and writing nothing: a placement
over a provider's places, attendance outside the placement's period, a funding month computed
twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import translation

from inclusio.core.errors import DomainError
from inclusio.core.models import User
from inclusio.socialservices import services
from inclusio.socialservices.errors import ErrorCode
from inclusio.socialservices.models import Need, Provider
from tests.factories import Trio, make_user
from tests.socialservices.test_services import act_as, another_need
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

MARCH = dt.date(2025, 3, 1)


def _refused_in(language: str, attempt: Callable[[], object]) -> tuple[str, str]:
    """``attempt`` refused: its code and its message read in ``language``; every table as it
    was."""
    before = row_counts()
    with translation.override(language), pytest.raises(DomainError) as refused:
        attempt()
    after = row_counts()
    for volatile in ("core.AccessEvent", "core.ChainHead"):
        after.pop(volatile), before.pop(volatile)
    assert after == before
    with translation.override(language):
        return refused.value.code, refused.value.message


def test_a_placement_over_the_provider_s_places(trio: Trio, provider: Provider, need: Need) -> None:
    services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    second = another_need(trio, "Бекова")
    services.provider_choose(actor=act_as(second.person, "bekova"), need=second, provider=provider)
    waiting = another_need(trio, "Сейітова")
    chosen = services.provider_choose(
        actor=act_as(waiting.person, "seitova"), need=waiting, provider=provider
    )
    assert chosen.placement is None  # both places taken: on the waiting list
    code, words = _refused_in(
        "ru", lambda: services.waiting_place_next(actor=trio.own_officer, provider=provider)
    )
    assert code == ErrorCode.PLACES_FULL
    assert words == "Все места этого поставщика на этот период заняты: никто не размещён."


def test_attendance_outside_the_placement_s_period(
    trio: Trio, provider: Provider, provider_staff: User, need: Need
) -> None:
    placement = services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert placement.placement is not None
    code, words = _refused_in(
        "kk",
        lambda: services.attendance_confirm(
            actor=provider_staff,
            placement=placement.placement,
            month=dt.date(2024, 12, 1),
            days=5,
        ),
    )
    assert code == ErrorCode.ATTENDANCE_OUTSIDE_PLACEMENT
    assert "орналастыру кезеңінен тыс" in words


def test_a_funding_month_computed_twice(
    trio: Trio, provider: Provider, provider_staff: User, need: Need
) -> None:
    placement = services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert placement.placement is not None
    services.attendance_confirm(
        actor=provider_staff, placement=placement.placement, month=MARCH, days=31
    )
    payer = make_user("payments", "ministry_admin", None)
    services.funding_month_compute(actor=payer, month=MARCH)
    code, words = _refused_in(
        "ru", lambda: services.funding_month_compute(actor=payer, month=MARCH)
    )
    assert code == ErrorCode.FUNDING_MONTH_COMPUTED
    assert "уже рассчитано и выплачено" in words
