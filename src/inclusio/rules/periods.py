"""Periods: how often an amount is paid, and a month paid by the day.

A programme's ``amount`` is paid every month unless it says otherwise::

    period: month        # the default: a monthly amount
    proration: daily     # optional: a month is paid by the day (below)

    period: once         # a one-off grant: paid once per subject, never again

**A month by the day.** Screening a date gives the monthly amount in force on that date. A
programme with ``proration: daily`` can also be screened by month (``month_table``,
``evaluate_month``): each day of the month is screened, and the month's amount is the sum of
the monthly amounts of the days the subject was eligible, divided by the month's days (the
compiler's division), rounded half up to whole tenge. A right that starts on the 16th of a
31-day month is paid 16/31 of it; a parameter that changes mid-month (a subsistence minimum
amended from the 15th) pays the old value for the days before and the new one after.
``eligible`` is true when the subject was eligible on at least one day, and ``days`` counts them.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa
from yaml.nodes import Node

from inclusio.rules import exact
from inclusio.rules.errors import RuleError, _
from inclusio.rules.expressions import Type

if TYPE_CHECKING:
    from inclusio.rules.loader import Programme, _Reader

PERIODS = ("month", "once")
PRORATIONS = ("daily",)
_MONTH_AMOUNT = "round_half_up(days_amount / month_days)"


def read_period(
    reader: _Reader, top: Mapping[str, tuple[Node, Node]], has_amount: bool
) -> tuple[str, str | None]:
    """``period`` and ``proration`` of a programme's top mapping."""
    from inclusio.rules.loader import scalar

    period = "month"
    if "period" in top:
        period = scalar(top["period"][1], reader.file)
        if period not in PERIODS:
            raise reader.fail(
                top["period"][1],
                _("period must be one of %(allowed)s"),
                allowed=", ".join(PERIODS),
            )
        if not has_amount:
            raise reader.fail(
                top["period"][0], _("period is for an amount in money: this programme has none")
            )
    proration = None
    if "proration" in top:
        proration = scalar(top["proration"][1], reader.file)
        if proration not in PRORATIONS:
            raise reader.fail(
                top["proration"][1],
                _("proration must be one of %(allowed)s"),
                allowed=", ".join(PRORATIONS),
            )
        if period != "month" or not has_amount:
            raise reader.fail(
                top["proration"][0],
                _("proration is for a monthly amount in money (period: month)"),
            )
    return str(period), proration


def _by_the_day(programme: Programme) -> None:
    if programme.proration != "daily":
        raise RuleError(
            _("a month is screened by the day only for a programme with 'proration: daily'"),
            file=programme.file,
        )


def month_days(month: datetime.date) -> list[datetime.date]:
    """Every day of the month of ``month``."""
    first = month.replace(day=1)
    count = calendar.monthrange(first.year, first.month)[1]
    return [first + datetime.timedelta(days=offset) for offset in range(count)]


def month_table(programme: Programme, table: Any, month: datetime.date, *, care: Any = None) -> Any:
    """One row per subject: ``subject_id``, ``eligible`` (on at least one day of the month),
    ``days`` (the days eligible) and ``amount_kzt`` (the month paid by the day), for a
    programme with ``proration: daily``. ``table`` and ``care`` as for ``programme_table``."""
    from inclusio.rules.compiler import compile_expression, programme_table
    from inclusio.rules.expressions import check_expression

    _by_the_day(programme)
    days = month_days(month)
    daily = ibis.union(
        *[
            programme_table(programme, table, day, care=care).select(
                "subject_id", "eligible", "amount_kzt"
            )
            for day in days
        ]
    )
    per_subject = daily.group_by("subject_id").aggregate(
        days=daily.eligible.cast("int64").sum(),
        days_amount=daily.amount_kzt.sum(where=daily.eligible).fill_null(0),
    )
    # Checked like a rule's formula, so the compiler has the facts its exact division needs;
    # the month's length (28..31) is written in, so the divisor is never zero.
    source = _MONTH_AMOUNT.replace("month_days", str(len(days)))
    # Each day's amount is from 0 to below exact.MONEY_LIMIT (the checker refuses an amount that
    # could be negative or more), so the month's sum is bounded by that times the days.
    most = len(days) * (exact.MONEY_LIMIT - 1)
    facts = {"days_amount": exact.range_fact(0, most, nullable=False)}
    expression = check_expression(
        source, {"days_amount": Type.INT}, file=programme.file, facts=facts
    )
    # Read as the 64-bit integer the checker sized it as (a sum may come wider).
    columns = {"days_amount": per_subject.days_amount.cast("int64")}
    amount = compile_expression(expression, columns, days[0])
    eligible = per_subject.days > 0
    return per_subject.select(
        "subject_id",
        eligible=eligible,
        days=per_subject.days,
        amount_kzt=ibis.ifelse(eligible, amount, ibis.null().cast("int64")),
    )


def evaluate_month(
    programme: Programme,
    tables: Mapping[str, Any],
    month: datetime.date,
    *,
    connection: Any = None,
) -> pa.Table:
    """``month_table`` over snapshot tables (pyarrow or Ibis), like ``compiler.evaluate``."""
    from inclusio.rules.compiler import _as_ibis, person_table

    _by_the_day(programme)
    care = _as_ibis(tables["care"]) if programme.cared is not None else None
    base = person_table(_as_ibis(tables["persons"]), _as_ibis(tables["disability"]))
    result = month_table(programme, base, month, care=care).order_by("subject_id")
    backend = connection if connection is not None else ibis.duckdb.connect()
    arrow: pa.Table = backend.to_pyarrow(result)
    return arrow
