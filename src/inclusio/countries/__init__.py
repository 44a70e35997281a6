"""Country configurations: the data that makes Inclusio one country's system.

A configuration is a folder beside this file (``kz`` is the first) holding plain data files, so
that the synthetic generator and batch jobs can read them without Django.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

COUNTRIES_DIR = Path(__file__).parent


@cache
def country_file(country: str, name: str) -> dict[str, Any]:
    path = COUNTRIES_DIR / country / name
    if not path.is_file():
        raise FileNotFoundError(f"country configuration {country!r} has no {name}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def regions(country: str) -> list[dict[str, Any]]:
    regions: list[dict[str, Any]] = country_file(country, "regions.json")["regions"]
    return regions


def parameters(country: str) -> list[dict[str, Any]]:
    """The values the database is seeded with: ``{key, effective, value, reference}`` rows."""
    params: list[dict[str, Any]] = country_file(country, "parameters.json")["parameters"]
    return params


def parameter_keys(country: str) -> dict[str, dict[str, Any]]:
    """The country's shared parameters by key: ``{kind, titles}`` (kind ``money`` or
    ``decimal``)."""
    keys: dict[str, dict[str, Any]] = country_file(country, "parameters.json")["keys"]
    return keys


def rehabilitation_categories(country: str) -> list[dict[str, Any]]:
    """The rehabilitation catalogue's categories: ``{code, kind, unit, service_life_months,
    daily_norm?, illustrative, names}`` (see the file's ``_comment``)."""
    categories: list[dict[str, Any]] = country_file(country, "rehabilitation_catalogue.json")[
        "categories"
    ]
    return categories


def housing_categories(country: str) -> list[dict[str, Any]]:
    """The priority categories of the housing waiting lists: ``{code, priority, derived?,
    names, reference}`` (see the file's ``_comment``)."""
    categories: list[dict[str, Any]] = country_file(country, "housing.json")["categories"]
    return categories


def holidays(country: str) -> tuple[frozenset[str], frozenset[str]]:
    """The country's public holidays: month-day pairs ("03-08") every year, and ISO dates of
    the holidays that move (see the file's ``_comment``)."""
    data = country_file(country, "holidays.json")
    return frozenset(data["fixed"]), frozenset(data["dated"])


@cache
def holidays_in(country: str, year: int) -> frozenset[dt.date]:
    """The country's public holidays of ``year`` as dates: its fixed holidays and the moving
    ones listed for it. Built once per country and year, since every working day counted asks
    (the file itself is read once per process, so a change to it takes effect on restart)."""
    fixed, dated = holidays(country)
    days = {dt.date(year, int(pair[:2]), int(pair[3:])) for pair in fixed}
    days.update(dt.date.fromisoformat(day) for day in dated if day.startswith(f"{year}-"))
    return frozenset(days)


def holidays_known_through(country: str) -> int:
    """The last year whose moving holidays the country's file lists (``dated_known_through``)."""
    return int(country_file(country, "holidays.json")["dated_known_through"])
