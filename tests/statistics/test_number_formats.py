"""Figures as each language writes them on pages (Kazakh and Russian: 725 000 and 58,2 with a
no-break space; English: 725,000 and 58.2), and machine formats left alone: the SDMX-CSV files,
form inputs, years and ids stay 725000, 58.2, 2024."""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from inclusio.core.audit import SYSTEM
from inclusio.crpd.models import Prevalence, Survey
from inclusio.crpd.services import indicator_enter
from inclusio.statistics.publish import compute_datasets, write_publication
from inclusio.statistics.tables import Snapshot
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.django_db

NBSP = "\xa0"
WRITTEN = {
    "kk": (f"725{NBSP}000", "58,2"),
    "ru": (f"725{NBSP}000", "58,2"),
    "en": ("725,000", "58.2"),
}


@pytest.fixture
def reader(client: Client) -> Client:
    sign_in(client, make_user("crpd_officer", "crpd_officer", None))
    return client


def test_a_survey_page_writes_its_figures_in_the_readers_language(reader: Client) -> None:
    survey = Survey.objects.create(
        title="Census",
        year=2024,
        file_name="census.csv",
        respondents=725000,
        undetermined=12,
        weighted=False,
    )
    Prevalence.objects.create(
        survey=survey,
        dimension="total",
        category="total",
        respondents=725000,
        identified=421950,
        percent=Decimal("58.2"),
    )
    for language, (whole, share) in WRITTEN.items():
        page = reader.get(f"/{language}/crpd/surveys/{survey.pk}/").content.decode()
        row = re.search(r"<tr><th scope=\"row\">[^<]*</th>(.*?)</tr>", page)
        assert row is not None
        assert row.group(1) == (
            f"<td>{whole}</td><td>{'421,950' if language == 'en' else f'421{NBSP}950'}</td>"
            f"<td>{share}</td>"
        ), language
        assert "(2024)" in page  # a year is never grouped


def test_an_entered_indicator_is_written_in_the_readers_language(reader: Client) -> None:
    for value, unit in ((Decimal("725000"), "persons"), (Decimal("58.2"), "%")):
        indicator_enter(
            actor=SYSTEM,
            article=31,
            kind="outcome",
            title=f"Figure in {unit}",
            value=value,
            unit=unit,
            year=2024,
            source="Census 2024",
        )
    for language, (whole, share) in WRITTEN.items():
        page = reader.get(f"/{language}/crpd/articles/31/").content.decode()
        assert f"<td>{whole} persons</td>" in page, language
        assert f"<td>{share} %</td>" in page, language


def test_the_open_data_stay_in_machine_format_while_the_page_groups_them(
    demo_snapshot: Path, tmp_path: Path, settings: Any, client: Client
) -> None:
    snapshot = Snapshot.open(demo_snapshot)
    try:
        with translation.override("kk"):
            publication = compute_datasets(
                snapshot,
                dt.date(2024, 1, 1),
                datasets=["BENEFIT_AMOUNTS", "IPR_LINES", "IPR_IMPLEMENTATION"],
            )
            write_publication(publication, snapshot, tmp_path)
    finally:
        snapshot.close()
    values: dict[str, list[str]] = {}
    for name in ("BENEFIT_AMOUNTS", "IPR_IMPLEMENTATION"):
        with (tmp_path / "current" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            values[name] = [row["OBS_VALUE"] for row in csv.DictReader(f)]
    every = [value for column in values.values() for value in column]
    assert all(re.fullmatch(r"(\d+(\.\d+)?)?", value) for value in every), every
    assert any(len(value) > 3 and "." not in value for value in values["BENEFIT_AMOUNTS"])
    assert any("." in value for value in values["IPR_IMPLEMENTATION"])

    # The page shows the same national total grouped, in Kazakh.
    settings.OPEN_DATA_DIR = tmp_path
    with (tmp_path / "current" / "BENEFIT_AMOUNTS.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    dimensions = [c for c in rows[0] if c not in {"STRUCTURE", "STRUCTURE_ID", "ACTION"}][:-3]
    total = next(r for r in rows if all(r[d] == "_T" for d in dimensions))["OBS_VALUE"]
    grouped = f"{int(total):,}".replace(",", NBSP)
    assert len(total) > 3 and NBSP in grouped
    page = client.get("/kk/statistics/datasets/BENEFIT_AMOUNTS/").content.decode()
    assert f"<td>{grouped}</td>" in page
    assert f"<td>{total}</td>" not in page


def test_form_inputs_years_and_ids_are_never_localized() -> None:
    class Asked(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        count = forms.IntegerField()
        share = forms.DecimalField()

    template = Template('{{ year }} <a href="/facilities/{{ id }}/">{{ id }}</a>')
    for language in ("kk", "ru"):
        with translation.override(language):
            form = Asked(initial={"day": dt.date(2024, 3, 1), "count": 725000})
            html = str(form)
            # An <input type="date"> shows only an ISO date; a number input only 725000.
            assert 'value="2024-03-01"' in html
            assert 'value="725000"' in html
            # What a person types the Kazakh way, and the ISO way, are both read.
            typed = Asked({"day": "01.03.2024", "count": "725000", "share": "58.2"})
            assert typed.is_valid(), typed.errors
            assert Asked({"day": "2024-03-01", "count": "1", "share": "1"}).is_valid()
            assert template.render(Context({"year": 2024, "id": 12345})) == (
                '2024 <a href="/facilities/12345/">12345</a>'
            )
