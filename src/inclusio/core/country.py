"""Loading the configured country's reference data (regions, dated parameters) into the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings

from inclusio import countries
from inclusio.core.models import DatedParameter, Region

SEEDED = "Seeded from the country configuration (parameters.json)"


def references(row: dict[str, Any]) -> dict[str, str]:
    """A parameters.json row's legal reference per language (``{kk, ru, en}``; a file that
    gives one text gives the English)."""
    given = row["reference"]
    if isinstance(given, dict):
        return {language: str(given.get(language) or "") for language in ("kk", "ru", "en")}
    return {"kk": "", "ru": "", "en": str(given)}


def load_country(country: str | None = None) -> tuple[int, int]:
    """Upsert the country's regions; seed its dated parameters where the database holds no value
    for a key and date. Safe to run any number of times (it runs after every migration).

    A parameter value already in the database is never replaced, even if the file says
    otherwise: the ministry keeps the values through ``inclusio.core.parameters``, and the file
    only seeds a fresh install (each value with its reference in the three languages; the rows
    kept before that were given their Kazakh and Russian texts by migration
    ``core.0007_members_parameter_references``). Returns (regions, parameter values seeded).
    """
    country = country or settings.COUNTRY
    regions = countries.regions(country)
    for row in regions:
        Region.objects.update_or_create(
            code=row["code"],
            defaults={key: row[key] for key in ("name_kk", "name_ru", "name_en", "is_city")},
        )
    present = set(DatedParameter.objects.values_list("key", "effective"))
    rows = countries.parameters(country)
    seeded = [
        DatedParameter(
            key=row["key"],
            effective=dt.date.fromisoformat(row["effective"]),
            value=Decimal(str(row["value"])),
            reference=references(row)["en"],
            reference_kk=references(row)["kk"],
            reference_ru=references(row)["ru"],
            reason=SEEDED,
        )
        for row in rows
        if (row["key"], dt.date.fromisoformat(row["effective"])) not in present
    ]
    DatedParameter.objects.bulk_create(seeded)
    return len(regions), len(seeded)


def load_country_after_migrate(**kwargs: Any) -> None:
    load_country()
