"""Kazakh personal (IIN) and business (BIN) identification numbers.

Both are 12 digits whose last digit is a check digit over the first eleven: the weighted sum with
weights 1..11 modulo 11; if that gives 10, a second sum with weights 3..11,1,2; if that gives 10
too, no valid number has these eleven digits. An IIN also encodes the birth date (YYMMDD) and, in
its seventh digit, the century and sex.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ErrorCode, ValidationFailed

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Seventh digit of an IIN → (first year of the century, sex).
CENTURY_AND_SEX = {
    1: (1800, "M"),
    2: (1800, "F"),
    3: (1900, "M"),
    4: (1900, "F"),
    5: (2000, "M"),
    6: (2000, "F"),
}


def check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when no check digit makes them valid."""
    digits = [int(c) for c in first_eleven]
    total = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
        if total == 10:
            return None
    return total


@dataclass(frozen=True)
class _Kind:
    """A kind of 12-digit number: its name as the user reads it, and its refusals' codes."""

    label: str | Promise
    length: ErrorCode
    not_digits: ErrorCode
    checksum: ErrorCode


_IIN = _Kind(_("IIN"), ErrorCode.IIN_LENGTH, ErrorCode.IIN_NOT_DIGITS, ErrorCode.IIN_CHECKSUM)
_BIN = _Kind(_("BIN"), ErrorCode.BIN_LENGTH, ErrorCode.BIN_NOT_DIGITS, ErrorCode.BIN_CHECKSUM)


def _check_shape(value: str, kind: _Kind) -> None:
    if len(value) != 12:
        raise ValidationFailed(
            kind.length,
            _("%(kind)s must have exactly 12 digits; %(length)s given."),
            kind=kind.label,
            length=len(value),
        )
    if not value.isascii() or not value.isdigit():
        raise ValidationFailed(
            kind.not_digits, _("%(kind)s may contain digits only."), kind=kind.label
        )
    if check_digit(value[:11]) != int(value[11]):
        raise ValidationFailed(
            kind.checksum,
            _("%(kind)s check digit does not match: the number is mistyped."),
            kind=kind.label,
        )


@dataclass(frozen=True)
class IIN:
    value: str
    birth_date: dt.date
    sex: str  # "M" or "F"

    def __str__(self) -> str:
        return self.value


def parse_iin(raw: str) -> IIN:
    """Validate an IIN and read its birth date and sex; raise ValidationFailed otherwise."""
    value = raw.strip()
    _check_shape(value, _IIN)
    century_digit = int(value[6])
    if century_digit not in CENTURY_AND_SEX:
        raise ValidationFailed(
            ErrorCode.IIN_DATE,
            _("IIN digit 7 must be 1 to 6 (century and sex); %(digit)s given."),
            digit=century_digit,
        )
    century, sex = CENTURY_AND_SEX[century_digit]
    try:
        birth_date = dt.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        raise ValidationFailed(
            ErrorCode.IIN_DATE, _("IIN does not start with a real birth date (YYMMDD).")
        ) from None
    return IIN(value=value, birth_date=birth_date, sex=sex)


def validate_bin(raw: str) -> str:
    """Validate a BIN (organisation number) and return it without surrounding spaces."""
    value = raw.strip()
    _check_shape(value, _BIN)
    return value


def make_iin(birth_date: dt.date, sex: str, serial: int) -> str | None:
    """Compose an IIN, or None when this serial has no valid check digit (try the next one)."""
    century_digit = {1800: 1, 1900: 3, 2000: 5}[birth_date.year // 100 * 100] + (sex == "F")
    head = f"{birth_date:%y%m%d}{century_digit}{serial:04d}"
    digit = check_digit(head)
    return None if digit is None else f"{head}{digit}"
