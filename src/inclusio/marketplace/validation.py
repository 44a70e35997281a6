"""Checks of what a supplier types: its BIN, its bank account, its catalogue entries. Each
refuses with a stable code and a translated message before anything is written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ValidationFailed
from inclusio.core.identifiers import validate_bin
from inclusio.marketplace.catalogue import Category, categories, category
from inclusio.marketplace.errors import ErrorCode

# A BIN's fifth digit is the kind of entity it was given to (Law No. 223 "On national registers
# of identification numbers"): 4 a resident legal entity, 5 a non-resident's branch or
# representative office, 6 individual entrepreneurs in joint entrepreneurship. A person's IIN
# (whose fifth digit is part of a birth day, 0 to 3) is not a BIN.
ENTITY_TYPES = frozenset("456")
LANGUAGES = ("kk", "ru", "en")
LARGEST_PRICE = 2_000_000_000  # the column's range; no aid costs two billion tenge
LONGEST_LEAD_TIME = 365
LARGEST_COUNT = 1_000_000


def supplier_bin(raw: str) -> str:
    value = validate_bin(str(raw))
    if value[4] not in ENTITY_TYPES:
        raise ValidationFailed(
            ErrorCode.BIN_ENTITY_TYPE,
            _(
                "This number is not an organisation's BIN: its fifth digit must be 4, 5 or 6 "
                "(a legal entity, a branch of a non-resident, joint entrepreneurship)."
            ),
        )
    return value


def required_text(value: Any, label: Any, limit: int) -> str:
    text = str(value or "").strip()
    if not text or len(text) > limit:
        raise ValidationFailed(
            ErrorCode.DETAIL_MISSING,
            _("Give the %(field)s (at most %(limit)d characters)."),
            field=label,
            limit=limit,
        )
    return text


def category_codes(codes: Iterable[str]) -> list[str]:
    known = categories()
    chosen = list(dict.fromkeys(codes))
    for code in chosen:
        category(code)
    if not chosen:
        raise ValidationFailed(
            ErrorCode.CATEGORIES_MISSING, _("Choose at least one category you supply.")
        )
    return [code for code in known if code in chosen]


def whole_number(value: Any, *, code: ErrorCode, message: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(code, message, value=str(value)[:20])
    return value


def price(value: Any) -> int:
    return whole_number(
        value,
        code=ErrorCode.PRICE_NOT_POSITIVE,
        message=_("The price must be a whole number of tenge greater than zero; %(value)s given."),
        low=1,
        high=LARGEST_PRICE,
    )


def lead_time(value: Any) -> int:
    return whole_number(
        value,
        code=ErrorCode.LEAD_TIME_INVALID,
        message=_("The lead time must be 0 to 365 days; %(value)s given."),
        low=0,
        high=LONGEST_LEAD_TIME,
    )


def stock(value: Any, of: Category) -> int | None:
    if not of.goods:
        return None
    return whole_number(
        value,
        code=ErrorCode.STOCK_NEGATIVE,
        message=_("The stock must be a whole number, zero or more; %(value)s given."),
        low=0,
        high=LARGEST_COUNT,
    )


def accessible_descriptions(texts: Mapping[str, Any]) -> dict[str, str]:
    """The plain-language description in each of the three languages, all required."""
    names = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}
    result = {}
    for language in LANGUAGES:
        text = str(texts.get(language) or "").strip()
        if not text:
            raise ValidationFailed(
                ErrorCode.ACCESSIBLE_DESCRIPTION_MISSING,
                _("Give the plain-language description in %(language)s too."),
                language=names[language],
            )
        result[language] = text[:2000]
    return result
