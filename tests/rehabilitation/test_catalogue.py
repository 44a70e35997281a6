"""The catalogue loader refuses a bad file with a message naming the category and the mistake."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core import checks

from inclusio import countries
from inclusio.rehabilitation.apps import check_catalogue
from inclusio.rehabilitation.catalogue import (
    HYGIENE_PRODUCT,
    CatalogueInvalid,
    catalogue,
    parse_catalogue,
)


def _file() -> dict[str, Any]:
    return copy.deepcopy(countries.country_file("kz", "rehabilitation_catalogue.json"))


def test_the_countrys_catalogue_loads_and_keeps_the_diaper_norm() -> None:
    categories = catalogue("kz")
    assert len(categories) == len(countries.rehabilitation_categories("kz"))
    assert categories["diapers"].kind == HYGIENE_PRODUCT
    assert categories["diapers"].daily_norm == 4  # seed §120
    assert categories["wheelchair_manual"].name("ru") == "Кресло-коляска с ручным приводом"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c[0].update(kind="robot"), "'wheelchair_manual': unknown kind 'robot'"),
        (lambda c: c[0].update(unit="litre"), "'wheelchair_manual': unknown unit 'litre'"),
        (lambda c: c[0].update(unit="hour"), "a technical_aid is not counted in hour"),
        (lambda c: c[0]["names"].pop("kk"), "'wheelchair_manual' has no name in 'kk'"),
        (lambda c: c[1]["names"].update(ru=" "), "'wheelchair_powered' has no name in 'ru'"),
        (lambda c: c.append(copy.deepcopy(c[0])), "'wheelchair_manual' appears twice"),
        (lambda c: c[9].pop("daily_norm"), "'diapers': a hygiene product, and only one"),
        (lambda c: c[0].update(daily_norm=2), "'wheelchair_manual': a hygiene product"),
        (lambda c: c[9].update(daily_norm=0), "'diapers': daily_norm must be a whole number"),
        (lambda c: c[0].update(illustrative=["price"]), "illustrative may name only"),
        (lambda c: c[0].pop("code"), "category number 1 has no code"),
    ],
)
def test_a_bad_catalogue_is_refused_with_a_clear_message(change: Any, message: str) -> None:
    data = _file()
    change(data["categories"])
    with pytest.raises(CatalogueInvalid, match=message.replace("(", r"\(")):
        parse_catalogue(data)


def test_an_empty_catalogue_is_refused() -> None:
    with pytest.raises(CatalogueInvalid, match="no list of categories"):
        parse_catalogue({"categories": []})


def test_a_bad_catalogue_file_fails_the_system_check(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.COUNTRY = "xx"  # a key of its own in the catalogue's cache
    bad = _file()
    bad["categories"][0]["unit"] = "litre"
    monkeypatch.setattr(countries, "country_file", lambda country, name: bad)
    found = checks.run_checks(tags=["rehabilitation"])
    errors = [error for error in found if error.id == "rehabilitation.E001"]
    assert len(errors) == 1 and "xx/rehabilitation_catalogue.json" in errors[0].msg
    assert "unknown unit 'litre'" in errors[0].msg
    settings.COUNTRY = "kz"
    assert check_catalogue() == []
