"""The report's period and its history: a period's figure counts the years the report is asked
for (not always six), its yearly lines start on the day the snapshot's history vouches for, and
a report dated before that day is refused — by the command, the page and its files — with a
translated message and nothing written."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from inclusio.core.errors import ValidationFailed
from inclusio.core.models import User
from inclusio.crpd import figures
from inclusio.crpd.errors import ErrorCode
from inclusio.crpd.report import build
from inclusio.snapshot.contract import DOMAIN_SCHEMAS, INSPECTIONS, MANIFEST, parquet_path
from inclusio.synthetic import figures as seed
from tests.factories import sign_in

# Inspections on the edges of the periods below: the day before 2018, inside 2018–2020, the
# last day of 2020 and the first of 2021, the last day of 2023, and the report's date itself.
INSPECTED = [
    dt.date(2015, 3, 1),
    dt.date(2017, 12, 31),
    dt.date(2018, 6, 1),
    dt.date(2020, 12, 31),
    dt.date(2021, 1, 1),
    dt.date(2023, 12, 31),
    dt.date(2024, 1, 1),
]


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 7)


def copy_of(snapshot: Path, folder: Path) -> Path:
    folder.mkdir()
    for item in snapshot.iterdir():
        (folder / item.name).symlink_to(item)
    return folder


@pytest.fixture
def inspected(snapshot: Path, tmp_path: Path) -> Path:
    """The demo snapshot with inspections of known days (3 prescriptions and ₸1,000 each)."""
    folder = copy_of(snapshot, tmp_path / "inspected")
    n = len(INSPECTED)
    table = pa.table(
        {
            "inspection_id": pa.array(range(1, n + 1), pa.int64()),
            "facility_id": pa.array([1] * n, pa.int64()),
            "region_code": pa.array(["71"] * n),
            "kind": pa.array(["planned"] * n),
            "inspected_on": pa.array(INSPECTED, pa.date32()),
            "prescriptions": pa.array([3] * n, pa.int32()),
            "fines_kzt": pa.array([1_000] * n, pa.int64()),
        },
        schema=DOMAIN_SCHEMAS[INSPECTIONS],
    )
    (folder / f"{INSPECTIONS}.parquet").unlink()
    pq.write_table(table, parquet_path(folder, INSPECTIONS))
    return folder


def line_values(report_lines: list[tuple[str, str]], query: str) -> list[str]:
    return [value for name, value in report_lines if name == query]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "last", "held"),
    [
        (2018, 2023, 4),  # six years: 2018-06-01, 2020-12-31, 2021-01-01, 2023-12-31
        (2021, 2023, 2),  # three: 2021-01-01 and 2023-12-31 only
        (2018, 2020, 2),  # three, closing on 1 January 2021: 2018-06-01 and 2020-12-31
        (2023, 2023, 1),  # one year
        (2015, 2023, 6),  # nine years: from 1 January 2015 (before the history: no yearly line)
    ],
)
def test_a_period_figure_counts_the_reports_own_years(
    inspected: Path, first: int, last: int, held: int
) -> None:
    on = dt.date(last + 1, 1, 1)
    computed = {f.name: f.value for f in figures.compute(inspected, on, first_year=first)}
    assert computed["accessibility_inspections_in_period"] == held
    assert computed["accessibility_prescriptions_in_period"] == 3 * held
    assert computed["accessibility_fines_in_period_kzt"] == 1_000 * held
    if first >= 2018:
        report = build(first_year=first, last_year=last, snapshot=inspected, language="en")
        lines = [(line.query, line.value) for s in report.sections for line in s.lines]
        assert line_values(lines, "accessibility_inspections_in_period") == [str(held)]
        # One yearly line a year of the period, each on its 1 January.
        yearly = line_values(lines, "persons_with_disabilities")
        assert len(yearly) == 1 + (last - first + 1)


def test_without_a_first_year_the_period_is_the_six_years_before(inspected: Path) -> None:
    # The article pages name no period: the six whole years before the date's year.
    computed = {f.name: f.value for f in figures.compute(inspected, dt.date(2024, 1, 1))}
    assert computed["accessibility_inspections_in_period"] == 4


@pytest.mark.django_db
def test_the_yearly_lines_start_on_the_day_the_history_vouches_for(
    snapshot: Path, tmp_path: Path
) -> None:
    folder = copy_of(snapshot, tmp_path / "later")
    manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    (folder / MANIFEST).unlink()
    (folder / MANIFEST).write_text(
        json.dumps({**manifest, "history_from": "2020-01-01"}), encoding="utf-8"
    )
    # The history holds periods back to 2001, but the producer vouches for 2020 on only.
    days = [day for day, _ in figures.yearly(folder, range(2018, 2024))]
    assert days == [dt.date(year, 1, 1) for year in range(2020, 2024)]
    found = dict(figures.yearly(folder, range(2020, 2021)))[dt.date(2020, 1, 1)]
    (count,) = [f.value for f in found if f.name == "persons_with_disabilities"]
    assert count == round(seed.PWD_BY_YEAR[2020] * 0.001)
    # Without the key (a snapshot made before it), only the snapshot's own date is answered.
    (folder / MANIFEST).write_text(
        json.dumps({k: v for k, v in manifest.items() if k != "history_from"}), encoding="utf-8"
    )
    figures._values.cache_clear()
    assert figures.yearly(folder, range(2018, 2024)) == []


@pytest.mark.django_db
def test_a_report_dated_before_the_history_is_refused(snapshot: Path, tmp_path: Path) -> None:
    # 2012–2016 closes on 1 January 2017, before the history's first day (1 January 2018).
    with pytest.raises(ValidationFailed) as refused:
        build(first_year=2012, last_year=2016, snapshot=snapshot, language="en")
    assert refused.value.code == ErrorCode.REPORT_BEFORE_HISTORY
    english = refused.value.message
    assert "2017-01-01" in english and "2018-01-01" in english
    for language in ("ru", "kk"):
        with translation.override(language):
            assert refused.value.message != english, language
    out = tmp_path / "out"
    with pytest.raises(CommandError, match=r"REPORT_BEFORE_HISTORY: .*2018-01-01"):
        call_command(
            "crpd_report", "--from", "2012", "--to", "2016", "--language", "ru",
            "--snapshot", str(snapshot), "--out", str(out),
        )  # fmt: skip
    assert not out.exists()
    # The last year the history answers for is accepted.
    build(first_year=2012, last_year=2017, snapshot=snapshot, language="en")


@pytest.mark.django_db
def test_the_report_page_refuses_a_period_before_the_history(
    client: Client, statistician: User, snapshot: Path, settings: object
) -> None:
    settings.CRPD_SNAPSHOT = str(snapshot)  # type: ignore[attr-defined]
    sign_in(client, statistician)
    page = client.get("/ru/crpd/report/?first_year=2012&last_year=2016")
    assert page.status_code == 422
    text = page.content.decode()
    assert "2018-01-01" in text and "persons_with_disabilities" not in text
    docx = client.get("/ru/crpd/report/docx/?first_year=2012&last_year=2016")
    assert docx.status_code == 422 and "Content-Disposition" not in docx
    assert client.get("/en/crpd/report/?first_year=2018&last_year=2023").status_code == 200
