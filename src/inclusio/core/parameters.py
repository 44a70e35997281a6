"""The country's shared dated parameters: values the law sets for every programme (the
subsistence minimum, the monthly calculation index), kept in the database with their history.

The value in force on a day is the latest revision of the one with the latest effective date on
or before it; a day before every value is an error, never a silent zero. Nothing here changes or
removes a row: a new value (``parameter_value_add``) and a correction of one
(``parameter_value_correct``) are new rows, with their legal reference, who entered them, when
and why. The keys and their kinds are the country's (``countries/<c>/parameters.json``); the
database is seeded from that file where it holds no value for a key and date
(``inclusio.core.country``), so a migration never undoes an edit.

The rule engine reads them as plain data: ``shared_parameters()`` gives the mapping the rule
loader takes (``inclusio.countries.shared``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio import countries
from inclusio.core.audit import Actor, account_of, record_write
from inclusio.core.errors import AccessDenied, Conflict, ErrorCode, NotFound, ValidationFailed
from inclusio.core.models import DatedParameter
from inclusio.core.roles import PARAMETERS_MANAGE
from inclusio.countries.shared import SharedParameter
from inclusio.countries.shared import shared_parameters as shared_from_rows

# Amounts in tenge cannot take effect before the tenge existed (15 November 1993); the budget
# law sets them for three years at most, so nothing takes effect after the third year ahead.
EARLIEST_EFFECTIVE = dt.date(1993, 11, 15)
BUDGET_YEARS_AHEAD = 3
DECIMAL_PLACES = 4  # the column's scale
LARGEST = Decimal(10) ** 14  # the column holds 18 digits, 4 of them after the point


def parameter_keys(country: str | None = None) -> dict[str, dict[str, Any]]:
    """The country's shared parameters by key: ``{kind, titles}``."""
    return countries.parameter_keys(country or settings.COUNTRY)


def _superseded() -> Exists:
    """Whether a later revision of the row's key and date exists (the row was corrected)."""
    return Exists(
        DatedParameter.objects.filter(
            key=OuterRef("key"), effective=OuterRef("effective"), revision__gt=OuterRef("revision")
        )
    )


def parameter_history(key: str | None = None) -> QuerySet[DatedParameter]:
    """Every row, corrected ones included, each with ``superseded`` (corrected later)."""
    rows = DatedParameter.objects.annotate(superseded=_superseded()).select_related("entered_by")
    return rows.filter(key=key) if key is not None else rows


def _in_force_rows(keys: list[str]) -> QuerySet[DatedParameter]:
    return DatedParameter.objects.filter(~_superseded(), key__in=keys)


def shared_parameters(country: str | None = None) -> dict[str, SharedParameter]:
    """The country's shared parameters with every value in force (corrections applied), as the
    rule loader takes them."""
    keys = parameter_keys(country)
    rows = [
        {"key": r.key, "effective": r.effective, "value": r.value, "reference": r.references}
        for r in _in_force_rows(list(keys))
    ]
    return shared_from_rows(keys, rows)


def parameter_on(key: str, day: dt.date) -> DatedParameter:
    found = _in_force_rows([key]).filter(effective__lte=day).order_by("-effective").first()
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


# --- writes -------------------------------------------------------------------------------------


def _require_manager(actor: Actor) -> None:
    """The ministry's work: a national account with the permission to manage parameters."""
    if (
        actor is not None
        and actor.is_authenticated
        and actor.has_perm(PARAMETERS_MANAGE)
        and getattr(actor, "region_id", None) is None
    ):
        return
    raise AccessDenied(
        ErrorCode.PARAMETER_NOT_PERMITTED,
        _("Only the ministry may enter the values of dated parameters."),
    )


def latest_effective(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return dt.date(today.year + BUDGET_YEARS_AHEAD, 12, 31)


def parameter_value_check(
    *,
    key: str,
    effective: dt.date,
    value: Any,
    reference: str,
    reason: str,
    reference_kk: str = "",
    reference_ru: str = "",
) -> Decimal:
    """Refuse a value that cannot be entered (nothing is read or written); the value to store.

    Unknown key, a value not of the key's kind (money is whole tenge), a negative value, an
    effective date outside the years a budget law can set, an empty reason, or a legal
    reference missing or too long in any of the three languages (``reference`` is the English;
    every page shows the reader's).
    """
    keys = parameter_keys()
    if key not in keys:
        raise ValidationFailed(
            ErrorCode.PARAMETER_UNKNOWN,
            _("%(key)s is not a dated parameter of this country."),
            key=key,
        )
    number = _number(value, str(keys[key]["kind"]))
    if number < 0:
        raise ValidationFailed(
            ErrorCode.PARAMETER_NEGATIVE, _("The value cannot be negative: %(value)s."), value=value
        )
    last = latest_effective()
    if (
        not isinstance(effective, dt.date)
        or isinstance(effective, dt.datetime)
        or not EARLIEST_EFFECTIVE <= effective <= last
    ):
        raise ValidationFailed(
            ErrorCode.PARAMETER_DATE_OUT_OF_RANGE,
            _("The value must take effect between %(first)s and %(last)s."),
            first=EARLIEST_EFFECTIVE.isoformat(),
            last=last.isoformat(),
        )
    field = DatedParameter._meta.get_field("reference")
    missing = {
        "kk": _("Give the legal reference of the value in Kazakh: the law that sets it."),
        "ru": _("Give the legal reference of the value in Russian: the law that sets it."),
        "en": _("Give the legal reference of the value in English: the law that sets it."),
    }
    for language, text in (("kk", reference_kk), ("ru", reference_ru), ("en", reference)):
        if not isinstance(text, str) or not text.strip():
            raise ValidationFailed(ErrorCode.PARAMETER_REFERENCE_MISSING, missing[language])
        if len(text.strip()) > (field.max_length or 0):
            raise ValidationFailed(
                ErrorCode.PARAMETER_REFERENCE_MISSING,
                _("The legal reference is longer than %(limit)d characters."),
                limit=field.max_length,
            )
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed(
            ErrorCode.PARAMETER_REASON_MISSING, _("Say why the value is entered.")
        )
    return number


def _number(value: Any, kind: str) -> Decimal:
    """``value`` as an exact decimal of the key's kind, or a refusal (floats are not exact)."""
    wrong = ValidationFailed(
        ErrorCode.PARAMETER_VALUE_KIND,
        _("%(value)s is not a valid value here: give whole tenge.")
        if kind == "money"
        else _("%(value)s is not a valid value here: give a number with at most 4 decimals."),
        value=str(value),
    )
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise wrong
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - ints and Decimals convert
        raise wrong from None
    if not number.is_finite() or abs(number) >= LARGEST:
        raise wrong
    places = number.normalize().as_tuple().exponent
    assert isinstance(places, int)
    if kind == "money" and places < 0:
        raise wrong
    if -places > DECIMAL_PLACES:
        raise wrong
    return number


def parameter_value_add(
    *,
    actor: Actor,
    key: str,
    effective: dt.date,
    value: int | Decimal,
    reference: str,
    reason: str,
    reference_kk: str = "",
    reference_ru: str = "",
) -> DatedParameter:
    """A new value of ``key`` from ``effective`` (e.g. a budget law's new subsistence minimum).

    A date that already has a value is refused: a wrong value is corrected with
    ``parameter_value_correct``, which keeps the wrong one as history.
    """
    _require_manager(actor)
    number = parameter_value_check(
        key=key,
        effective=effective,
        value=value,
        reference=reference,
        reason=reason,
        reference_kk=reference_kk,
        reference_ru=reference_ru,
    )
    texts = {"kk": reference_kk.strip(), "ru": reference_ru.strip(), "en": reference.strip()}
    with transaction.atomic():
        if DatedParameter.objects.filter(key=key, effective=effective).exists():
            raise _date_taken(key, effective)
        return _append(actor, "parameter_value_add", key, effective, 1, number, texts, reason)


def parameter_value_correct(
    *,
    actor: Actor,
    key: str,
    effective: dt.date,
    value: int | Decimal,
    reference: str,
    reason: str,
    reference_kk: str = "",
    reference_ru: str = "",
) -> DatedParameter:
    """Correct the value of ``key`` that takes effect on ``effective`` (a mistyped amount): a new
    revision for that date; the corrected row stays, shown as superseded."""
    _require_manager(actor)
    number = parameter_value_check(
        key=key,
        effective=effective,
        value=value,
        reference=reference,
        reason=reason,
        reference_kk=reference_kk,
        reference_ru=reference_ru,
    )
    texts = {"kk": reference_kk.strip(), "ru": reference_ru.strip(), "en": reference.strip()}
    with transaction.atomic():
        current = _in_force_rows([key]).filter(effective=effective).first()
        if current is None:
            raise NotFound(
                ErrorCode.PARAMETER_NOTHING_TO_CORRECT,
                _("No value of %(key)s takes effect on %(day)s: there is nothing to correct."),
                key=key,
                day=effective.isoformat(),
            )
        if current.value == number and current.references == texts:
            raise ValidationFailed(
                ErrorCode.PARAMETER_UNCHANGED,
                _("The correction gives the same value and reference as before."),
            )
        return _append(
            actor,
            "parameter_value_correct",
            key,
            effective,
            current.revision + 1,
            number,
            texts,
            reason,
        )


def _date_taken(key: str, effective: dt.date) -> Conflict:
    return Conflict(
        ErrorCode.PARAMETER_DATE_TAKEN,
        _("A value of %(key)s already takes effect on %(day)s; correct it instead."),
        key=key,
        day=effective.isoformat(),
    )


def _append(
    actor: Actor,
    action: str,
    key: str,
    effective: dt.date,
    revision: int,
    value: Decimal,
    texts: dict[str, str],
    reason: str,
) -> DatedParameter:
    try:
        with transaction.atomic():
            row = DatedParameter.objects.create(
                key=key,
                effective=effective,
                revision=revision,
                value=value,
                reference=texts["en"],
                reference_kk=texts["kk"],
                reference_ru=texts["ru"],
                reason=reason.strip(),
                entered_by=account_of(actor),
            )
    except IntegrityError:  # the same date entered at the same moment by someone else
        raise _date_taken(key, effective) from None
    record_write(
        actor=actor,
        action=action,
        entity="dated_parameter",
        entity_id=row.pk,
        data={
            "key": key,
            "effective": effective.isoformat(),
            "revision": revision,
            "value": str(value),
            "reference": row.references,
            "reason": row.reason,
        },
    )
    return row
