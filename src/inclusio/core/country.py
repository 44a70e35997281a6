"""Loading the configured country's reference data (regions, dated parameters) into the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings

from inclusio import countries
from inclusio.core.models import DatedParameter, Region


def load_country(country: str | None = None) -> tuple[int, int]:
    """Upsert the country's regions and parameters; safe to run any number of times."""
    country = country or settings.COUNTRY
    regions = countries.regions(country)
    for row in regions:
        Region.objects.update_or_create(
            code=row["code"],
            defaults={key: row[key] for key in ("name_kk", "name_ru", "name_en", "is_city")},
        )
    parameters = countries.parameters(country)
    for row in parameters:
        DatedParameter.objects.update_or_create(
            key=row["key"],
            effective=dt.date.fromisoformat(row["effective"]),
            defaults={"value": Decimal(row["value"]), "reference": row["reference"]},
        )
    return len(regions), len(parameters)


def load_country_after_migrate(**kwargs: Any) -> None:
    load_country()
