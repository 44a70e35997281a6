"""The country's rehabilitation catalogue, read once and checked.

The file (``countries/<country>/rehabilitation_catalogue.json``) is configuration that a ministry
edits by hand; a mistake in it is reported by a Django system check (``rehabilitation.E001``,
in ``apps.py``) that names the category and what is wrong, so that ``check``, ``migrate`` and
``runserver`` stop on it rather than it showing up later as a programme nobody can read. The
programme form, the pages and the synthetic programmes read it through :func:`catalogue`; the
marketplace reads the same file (``marketplace/catalogue.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio import countries
from inclusio.core.errors import ValidationFailed
from inclusio.rehabilitation.errors import ErrorCode

TECHNICAL_AID = "technical_aid"
HYGIENE_PRODUCT = "hygiene_product"
SIGN_LANGUAGE = "sign_language"
PERSONAL_ASSISTANT = "personal_assistant"
SANATORIUM = "sanatorium_treatment"
KINDS = (TECHNICAL_AID, HYGIENE_PRODUCT, SIGN_LANGUAGE, PERSONAL_ASSISTANT, SANATORIUM)
HOURLY_KINDS = (SIGN_LANGUAGE, PERSONAL_ASSISTANT)
UNITS = ("piece", "pair", "set", "hour", "course")
# The unit each kind must be counted in; technical aids come in pieces, pairs or sets.
KIND_UNITS = {
    TECHNICAL_AID: ("piece", "pair", "set"),
    HYGIENE_PRODUCT: ("piece", "pair", "set"),
    SIGN_LANGUAGE: ("hour",),
    PERSONAL_ASSISTANT: ("hour",),
    SANATORIUM: ("course",),
}
LANGUAGES = ("kk", "ru", "en")
FIELDS = ("service_life_months", "daily_norm")


class CatalogueInvalid(ValueError):
    """The catalogue file is wrong; the message names the category and the mistake."""


@dataclass(frozen=True)
class Category:
    code: str
    kind: str
    unit: str
    service_life_months: int | None
    daily_norm: int | None  # hygiene products only: the most items a day
    illustrative: tuple[str, ...]  # fields whose values the seed does not give
    names: Mapping[str, str]

    @property
    def hygiene(self) -> bool:
        return self.kind == HYGIENE_PRODUCT

    @property
    def hourly(self) -> bool:
        return self.kind in HOURLY_KINDS

    def name(self, language: str | None = None) -> str:
        language = (language or get_language() or "kk")[:2]
        return self.names.get(language) or self.names["kk"]


def _positive_or_none(code: str, field: str, value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise CatalogueInvalid(f"category {code!r}: {field} must be a whole number above 0")
    return value


def parse_catalogue(data: Mapping[str, Any]) -> dict[str, Category]:
    """The categories of a catalogue file's content, by code; CatalogueInvalid at the first
    mistake: a missing or repeated code, an unknown kind or unit, a unit that does not fit the
    kind, a name missing in one of the languages, a hygiene product without its daily norm (or
    a daily norm on anything else), an illustrative mark on a field that does not exist."""
    rows = data.get("categories")
    if not isinstance(rows, list) or not rows:
        raise CatalogueInvalid("the catalogue has no list of categories")
    found: dict[str, Category] = {}
    for number, row in enumerate(rows, start=1):
        code = row.get("code") if isinstance(row, dict) else None
        if not isinstance(code, str) or not code:
            raise CatalogueInvalid(f"category number {number} has no code")
        if code in found:
            raise CatalogueInvalid(f"category {code!r} appears twice")
        kind, unit = row.get("kind"), row.get("unit")
        if kind not in KINDS:
            raise CatalogueInvalid(
                f"category {code!r}: unknown kind {kind!r} (one of {', '.join(KINDS)})"
            )
        if unit not in UNITS:
            raise CatalogueInvalid(
                f"category {code!r}: unknown unit {unit!r} (one of {', '.join(UNITS)})"
            )
        if unit not in KIND_UNITS[kind]:
            raise CatalogueInvalid(f"category {code!r}: a {kind} is not counted in {unit}")
        names = row.get("names")
        if not isinstance(names, dict):
            raise CatalogueInvalid(f"category {code!r} has no names")
        for language in LANGUAGES:
            name = names.get(language)
            if not isinstance(name, str) or not name.strip():
                raise CatalogueInvalid(f"category {code!r} has no name in {language!r}")
        daily_norm = _positive_or_none(code, "daily_norm", row.get("daily_norm"))
        if (kind == HYGIENE_PRODUCT) != (daily_norm is not None):
            raise CatalogueInvalid(
                f"category {code!r}: a hygiene product, and only one, has a daily_norm"
            )
        illustrative = row.get("illustrative", [])
        if not isinstance(illustrative, list) or any(f not in FIELDS for f in illustrative):
            raise CatalogueInvalid(
                f"category {code!r}: illustrative may name only {', '.join(FIELDS)}"
            )
        found[code] = Category(
            code=code,
            kind=kind,
            unit=unit,
            service_life_months=_positive_or_none(
                code, "service_life_months", row.get("service_life_months")
            ),
            daily_norm=daily_norm,
            illustrative=tuple(illustrative),
            names={language: names[language] for language in LANGUAGES},
        )
    return found


@cache
def _catalogue(country: str) -> dict[str, Category]:
    data = countries.country_file(country, "rehabilitation_catalogue.json")
    try:
        return parse_catalogue(data)
    except CatalogueInvalid as error:
        raise CatalogueInvalid(f"{country}/rehabilitation_catalogue.json: {error}") from None


def catalogue(country: str | None = None) -> dict[str, Category]:
    """The country's categories by code, in the file's order (checked once, then kept)."""
    return _catalogue(country or settings.COUNTRY)


def category_get(code: str) -> Category:
    """The category with ``code``, or a refusal that names it."""
    found = catalogue().get(code)
    if found is None:
        raise ValidationFailed(
            ErrorCode.PRESCRIPTION_CATEGORY_UNKNOWN,
            _("“%(given)s” is not a category of the rehabilitation catalogue."),
            given=code,
        )
    return found
