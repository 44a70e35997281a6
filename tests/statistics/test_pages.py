"""The public statistics pages, the downloads, the record of publications and the
statistician's worklist."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from inclusio.core.errors import AccessDenied
from inclusio.core.models import AuditEvent
from inclusio.statistics.models import Publication
from inclusio.statistics.publish import compute_datasets, write_publication
from inclusio.statistics.selectors import due_reference_date, worklist_datasets_due
from inclusio.statistics.tables import TABLES, Snapshot
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_data(settings: Any, published: Path) -> Path:
    settings.OPEN_DATA_DIR = published
    return published


def test_the_list_names_every_dataset_without_signing_in(client: Client, open_data: Path) -> None:
    page = client.get("/ru/statistics/").content.decode()
    for table in TABLES.values():
        assert f"/ru/statistics/datasets/{table.id}/" in page
        assert table.title.ru in page
    assert "/ru/statistics/files/catalogue.jsonld" in page


def test_nothing_published_yet_is_said(client: Client, settings: Any, tmp_path: Path) -> None:
    settings.OPEN_DATA_DIR = tmp_path
    response = client.get("/en/statistics/")
    assert response.status_code == 200
    assert "No statistics have been published yet." in response.content.decode()


def test_each_chart_has_its_table_and_withheld_cells_say_so(
    client: Client, open_data: Path
) -> None:
    page = client.get("/en/statistics/datasets/PWD_REGION_GROUP_SEX/").content.decode()
    charts = re.findall(r'<svg role="img" aria-labelledby="([^"]+)-chart-title"', page)
    tables = re.findall(
        r'<table class="usa-table usa-table--compact" aria-labelledby="([^"]+)-heading"', page
    )
    assert charts == tables == ["by-ref-area", "by-disability-group", "by-sex"]
    # The national total by sex: 725 persons, published.
    assert '<th scope="row">Total</th><td>725</td>' in page


def test_a_withheld_margin_has_no_bar_and_says_why(
    client: Client, settings: Any, demo_snapshot: Path, tmp_path: Path
) -> None:
    # With a threshold of 30, the demo's few sign-language orders (8) are withheld nationally.
    snapshot = Snapshot.open(demo_snapshot)
    try:
        publication = compute_datasets(
            snapshot, dt.date(2024, 1, 1), datasets=["IPR_ORDERS"], threshold=30
        )
        write_publication(publication, snapshot, tmp_path)
    finally:
        snapshot.close()
    settings.OPEN_DATA_DIR = tmp_path
    page = client.get("/en/statistics/datasets/IPR_ORDERS/").content.decode()
    kinds = page[page.index('id="by-service-kind-heading"') :]
    assert (
        '<th scope="row">Sign-language interpretation</th>'
        "<td>withheld: fewer than the threshold</td>" in kinds
    )
    chart = kinds[: kinds.index("</svg>")]
    assert chart.count('stroke-dasharray="2 2"') >= 1


def test_downloads_serve_the_published_files_and_nothing_else(
    client: Client, open_data: Path
) -> None:
    response = client.get("/en/statistics/files/IPR_LINES.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        b"".join(response.streaming_content)
        == (open_data / "current" / "IPR_LINES.csv").read_bytes()
    )
    for name in ("..%2Fmanifest.json", "NOPE.csv", "IPR_LINES.csv.bak"):
        assert client.get(f"/en/statistics/files/{name}").status_code == 404
    assert client.get("/en/statistics/datasets/NOPE/").status_code == 404


def test_publishing_is_recorded_and_leaves_the_statisticians_worklist(
    demo_snapshot: Path, tmp_path: Path, settings: Any
) -> None:
    statistician = make_user("statistician", "statistician", None)
    worklist = worklist_datasets_due(actor=statistician)
    assert worklist.count == len(TABLES)
    # The worklist gives the whole command, into the folder the public pages read.
    assert f"--snapshot FOLDER --date {due_reference_date().isoformat()} --out " in str(
        worklist.description
    )
    assert str(settings.OPEN_DATA_DIR) in str(worklist.description)
    today = timezone.localdate()
    due = due_reference_date(today)
    assert due == today.replace(day=1)
    call_command(
        "statistics_publish",
        "--snapshot",
        str(demo_snapshot),
        "--date",
        "2024-01-01",
        "--out",
        str(tmp_path / "open"),
        "--dataset",
        "IPR_LINES",
        stdout=StringIO(),
    )
    record = Publication.objects.get()
    assert (record.dataset, record.reference_date, record.cells) == (
        "IPR_LINES",
        dt.date(2024, 1, 1),
        105,
    )
    event = AuditEvent.objects.get(action="statistics_publish")
    assert event.data["datasets"] == ["IPR_LINES"]
    # Published for 2024, not for this month: still due, shown with its date, after the
    # datasets never published (on the last page: a number past the end gives it).
    rows = worklist_datasets_due(actor=statistician, page=len(TABLES)).rows
    assert rows[-1].dataset == "IPR_LINES" and rows[-1].last_published == dt.date(2024, 1, 1)
    Publication.objects.filter(pk=record.pk).update(reference_date=due)
    assert "IPR_LINES" not in {
        row.dataset for row in worklist_datasets_due(actor=statistician).rows
    }


def test_a_role_without_the_permission_has_no_statistics_worklist() -> None:
    with pytest.raises(AccessDenied):
        worklist_datasets_due(actor=make_user("officer", "district_officer", "71"))
