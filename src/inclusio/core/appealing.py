"""The appeal period of a decision, as its own page shows it: until which day the person may
appeal on the platform (and where), or that only a court can hear them now.

Each deciding app asks here, not the appeals app (which is built on them): the period is the
shared parameter ``appeal_period_days``, counted in calendar days from the day of the decision,
and the appeal form is reached by the decision's kind and id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from inclusio.core.parameters import value_on


def decision_day(decided: dt.datetime | dt.date) -> dt.date:
    """The day of a decision, from which its appeal period runs: the local day of the moment
    it was recorded (a day given as such is that day)."""
    if isinstance(decided, dt.datetime):
        return timezone.localdate(decided)
    return decided


@dataclass(frozen=True)
class AppealWindow:
    url: str  # the appeal form, for the decision
    last_day: dt.date
    days: int

    @property
    def open(self) -> bool:
        return timezone.localdate() <= self.last_day


def appeal_window(kind: str, decision_id: int, decided: dt.datetime | dt.date) -> AppealWindow:
    """The period for appealing against the decision ``decision_id`` of ``kind`` (an
    ``appeals.Kind`` value) taken at ``decided`` (see :func:`decision_day`), by the period in
    force today."""
    return appeal_windows(kind, {decision_id: decided})[decision_id]


def appeal_windows(
    kind: str, decided: Mapping[int, dt.datetime | dt.date]
) -> dict[int, AppealWindow]:
    """The windows of several decisions of ``kind`` (``{id: when taken}``) on one page: the
    period in force today is read once, and not at all when there is none."""
    if not decided:
        return {}
    days = int(value_on("appeal_period_days", timezone.localdate()))
    return {
        decision_id: AppealWindow(
            url=reverse("appeals:new", args=[kind, decision_id]),
            last_day=decision_day(taken) + dt.timedelta(days=days),
            days=days,
        )
        for decision_id, taken in decided.items()
    }
