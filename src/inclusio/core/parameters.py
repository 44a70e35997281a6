"""Dated parameters: the value in force on a day is the one with the latest effective date
on or before it. A day before every value is an error, never a silent zero."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ErrorCode, NotFound
from inclusio.core.models import DatedParameter


def parameter_on(key: str, day: dt.date) -> DatedParameter:
    found = (
        DatedParameter.objects.filter(key=key, effective__lte=day).order_by("-effective").first()
    )
    if found is None:
        raise NotFound(
            ErrorCode.PARAMETER_NOT_IN_FORCE,
            _("No value of %(key)s is in force on %(day)s."),
            key=key,
            day=day.isoformat(),
        )
    return found


def value_on(key: str, day: dt.date) -> Decimal:
    return parameter_on(key, day).value
