"""Deadlines and the country's holidays: built once per year, and, when a year's moving holidays
are added to the country's file, the open appeals' provisional deadlines counted again
(``inclusio appeals-recount-deadlines``), each that moves recorded and told; a second run moves
nothing. Independent of today's date: the year is the first one the file does not list."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from inclusio import countries
from inclusio.appeals.models import Appeal
from inclusio.appeals.services import appeal_decide, appeal_file, decision_deadline
from inclusio.benefits.models import Decision
from inclusio.core.models import AccountNotice, AuditEvent
from inclusio.core.workdays import holidays_known_through, working_days_after
from tests.appeals.test_services import GROUNDS
from tests.factories import Trio

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_holidays() -> Iterator[None]:
    """The holidays built again from what the test gives, and forgotten after it."""
    countries.holidays_in.cache_clear()
    yield
    countries.holidays_in.cache_clear()


def test_the_holidays_of_a_year_are_built_once(
    fresh_holidays: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    listed = countries.holidays

    def counting(country: str) -> tuple[frozenset[str], frozenset[str]]:
        read.append(country)
        return listed(country)

    monkeypatch.setattr(countries, "holidays", counting)
    # 300 working days from 1 March 2025: into 2026, each day asked about.
    assert working_days_after(dt.date(2025, 3, 1), 300).year == 2026
    assert read == ["kz", "kz"]  # once for 2025, once for 2026


def _filed_in(trio: Trio, refusal: Decision, filed: dt.date) -> Appeal:
    """An open appeal filed on ``filed``, its deadline counted on that day."""
    appeal = appeal_file(
        actor=trio.person.user, kind="benefit_decision", decision_id=refusal.pk, grounds=GROUNDS
    )
    Appeal.objects.filter(pk=appeal.pk).update(
        filed_at=timezone.make_aware(dt.datetime.combine(filed, dt.time(10))),
        deadline=decision_deadline(filed),
    )
    return Appeal.objects.get(pk=appeal.pk)


def _recount(language: str) -> str:
    out = io.StringIO()
    with translation.override(language):
        call_command("appeals_recount_deadlines", stdout=out)
    return out.getvalue()


def test_a_year_s_moving_holidays_added_move_the_open_appeals_deadlines_once(
    trio: Trio, refusal: Decision, fresh_holidays: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    year = holidays_known_through("kz") + 1  # the first year whose moving holidays are unknown
    filed = dt.date(year, 6, 1)
    appeal = _filed_in(trio, refusal, filed)
    counted = appeal.deadline
    assert appeal.deadline_provisional
    # The year's moving holiday, announced: a day that was counted as a working day.
    announced = working_days_after(filed, 3)
    fixed, dated = countries.holidays("kz")
    monkeypatch.setattr(countries, "holidays", lambda _c: (fixed, dated | {announced.isoformat()}))
    monkeypatch.setattr(countries, "holidays_known_through", lambda _c: year)
    countries.holidays_in.cache_clear()

    assert "пересчитано открытых жалоб: 1, сроков сдвинуто: 1" in _recount("ru")
    moved = Appeal.objects.get(pk=appeal.pk)
    assert moved.deadline == working_days_after(counted, 1) > counted
    assert not moved.deadline_provisional
    trail = AuditEvent.objects.get(action="appeal_deadline_recount")
    assert trail.data["deadline"] == [counted.isoformat(), moved.deadline.isoformat()]
    told = AccountNotice.objects.get(recipient=trio.person.user, kind="appeal_deadline_moved")
    assert told.parameters["deadline"] == moved.deadline.isoformat()
    # A second run moves nothing, and writes nothing.
    assert "1 open appeals counted again, 0 deadlines moved" in _recount("en")
    assert "жылжытылған мерзімдер: 0" in _recount("kk")
    assert AuditEvent.objects.filter(action="appeal_deadline_recount").count() == 1


def test_a_decided_appeal_keeps_the_deadline_it_was_decided_against(
    trio: Trio, refusal: Decision, fresh_holidays: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    year = holidays_known_through("kz") + 1
    appeal = _filed_in(trio, refusal, dt.date(year, 6, 1))
    appeal_decide(actor=trio.own_officer, appeal_id=appeal.pk, outcome="refused", reasons="No.")
    fixed, dated = countries.holidays("kz")
    every_weekday: Any = {
        (dt.date(year, 6, 1) + dt.timedelta(days=n)).isoformat() for n in range(1, 20)
    }
    monkeypatch.setattr(countries, "holidays", lambda _c: (fixed, dated | every_weekday))
    countries.holidays_in.cache_clear()
    assert "0 open appeals counted again, 0 deadlines moved" in _recount("en")
    assert Appeal.objects.get(pk=appeal.pk).deadline == appeal.deadline
