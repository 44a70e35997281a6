"""The periodic report on a generated national-shaped snapshot (the demo scale): it states the
seed's figures the platform holds data for — the shares to within half a point, the counts to
the scale — each beside the named query that produced it; it is written as accessible HTML,
DOCX with real headings and table headers, and tagged PDF (PDF/UA-1)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from inclusio.core.audit import SYSTEM
from inclusio.core.models import User
from inclusio.crpd import figures
from inclusio.crpd.report import build, write
from inclusio.crpd.services import indicator_enter, measure_enter
from inclusio.snapshot.contract import DISABILITY_HISTORY, MANIFEST, parquet_path
from inclusio.snapshot.validate import SnapshotError
from inclusio.synthetic import figures as seed
from inclusio.synthetic.generate import generate
from tests.factories import sign_in

# The seed's statements (§ of crpd-kazakhstan-2018-2023) as percentages, and its counts.
SEED_SHARES = {
    "pwd_share_of_population_pct": 3.6,  # §12
    "pwd_urban_pct": 58.2,  # §13
    "pwd_rural_pct": 41.8,
    "pwd_male_pct": 55.7,
    "pwd_female_pct": 44.3,
    "pwd_working_age_pct": 58.0,
    "pwd_elderly_pct": 26.9,
    "children_share_pct": 15.1,  # §30
    "children_school_age_pct": 68.4,
    "programme_implementation_pct": 92.9,  # §60 (DOMAIN.md: 2023)
}
PORTAL = ("technical_aids", "sign_language", "personal_assistants", "sanatorium_stays")
SEED_COUNTS = {
    "persons_with_disabilities": 725_000,  # §12 (404,000 + 320,900)
    "children_with_disabilities": 109_500,  # §30
    "families_raising_children_with_disabilities": 104_388,  # §88
}


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 7)


def test_the_age_bands_are_the_generators() -> None:
    assert (figures.ADULT_AGE, figures.ELDERLY_AGE, figures.SCHOOL_AGE) == (
        seed.ADULT_AGE,
        seed.ELDERLY_AGE,
        seed.SCHOOL_AGE,
    )


def test_the_figures_state_the_seeds(snapshot: Path) -> None:
    computed = {f.name: f.value for f in figures.compute(snapshot, dt.date(2024, 1, 1))}
    assert set(computed) == {spec.name for spec in figures.FIGURES}
    for name, share in SEED_SHARES.items():
        assert computed[name] == pytest.approx(share, abs=0.5), name
    for name, count in SEED_COUNTS.items():
        assert computed[name] == pytest.approx(count * 0.001, rel=0.02, abs=1), name


def test_a_snapshot_drawn_today_reports_last_years_programmes_and_portal(tmp_path: Path) -> None:
    """The demo's snapshot is drawn as of today, and its report closes last year: the portal's
    volumes and the programmes' rate are that year's (the seed's last), not zero or missing."""
    generate("demo", 7, tmp_path, as_of=dt.date(2026, 12, 3))
    computed = {f.name: f.value for f in figures.compute(tmp_path, dt.date(2026, 1, 1))}
    # 0.001 of the seed's 532,400 aids, 8,200 sign-language, 26,400 assistants, 84,500 stays.
    assert [computed[f"portal_{name}_received"] for name in PORTAL] == [532, 8, 26, 84]
    assert computed["portal_sanatorium_organisations"] == 84
    assert computed["programme_implementation_pct"] == pytest.approx(92.9, abs=0.5)


def test_the_figures_are_computed_once_per_snapshot_and_date(
    snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shared snapshot's files by link, its manifest a copy of its own to write anew.
    copy = tmp_path / "snapshot"
    copy.mkdir()
    for item in snapshot.iterdir():
        if item.name != MANIFEST:
            (copy / item.name).symlink_to(item)
    shutil.copy2(snapshot / MANIFEST, copy / MANIFEST)
    opened: list[Path] = []

    class Counted(figures.Source):
        def __init__(self, directory: Path, on: dt.date, **period: Any) -> None:
            opened.append(directory)
            super().__init__(directory, on, **period)

    monkeypatch.setattr(figures, "Source", Counted)
    on = dt.date(2024, 1, 1)
    children = figures.compute(copy, on, article=7)
    population = figures.compute(copy, on, article=1)
    assert [f.name for f in children] == [s.name for s in figures.FIGURES if s.article == 7]
    assert population[0].value and len(opened) == 1
    manifest = (copy / MANIFEST).stat()
    os.utime(copy / MANIFEST, ns=(manifest.st_atime_ns, manifest.st_mtime_ns + 10**9))
    assert figures.compute(copy, on, article=7) == children
    assert len(opened) == 2  # a snapshot written anew is read anew


@pytest.mark.django_db
def test_the_report_in_three_forms(snapshot: Path, tmp_path: Path) -> None:
    indicator_enter(
        actor=SYSTEM,
        article=24,
        kind="outcome",
        title="Schools with conditions for inclusive education",
        value=86.6,  # type: ignore[arg-type]
        unit="%",
        year=2023,
        source="Ministry of Enlightenment (seed §96)",
    )
    measure_enter(
        actor=SYSTEM,
        article=9,
        text="Interactive accessibility map of social infrastructure",
        responsible_body="Ministry of Labour and Social Protection",
        first_year=2020,
        last_year=2023,
        status="done",
    )
    measure_enter(
        actor=SYSTEM,
        article=9,
        text="Outside the period",
        responsible_body="X",
        first_year=2010,
        last_year=2012,
        status="done",
    )
    report = build(first_year=2018, last_year=2023, snapshot=snapshot, language="en")
    assert report.title.endswith("2018–2023") and report.on == dt.date(2024, 1, 1)
    numbers = [section.article.number for section in report.sections]
    assert numbers == sorted(numbers) and {1, 7, 9, 23, 24, 26} <= set(numbers)
    lines = {line.query: line for section in report.sections for line in section.lines}
    assert lines["pwd_urban_pct"].value == "58.2 %"
    education = [line for s in report.sections if s.article.number == 24 for line in s.lines]
    assert [(line.source, line.value) for line in education] == [
        ("Ministry of Enlightenment (seed §96)", "86.6 %")
    ]
    html_path, docx_path, pdf_path = write(report, tmp_path)
    html = html_path.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "<script" not in html
    assert '<th scope="col">Indicator</th>' in html
    # Every computed figure links to its query's definition in the same document.
    for name in re.findall(r'href="#query-(\w+)"', html):
        assert f'id="query-{name}"' in html and hasattr(figures, name)
    assert "Outside the period" not in html and "Interactive accessibility map" in html

    from docx import Document

    document = Document(str(docx_path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Article 7. Children with disabilities" in headings
    assert document.tables[0].rows[0].cells[2].text == "Query or source"
    header_row = document.tables[0].rows[0]._tr
    assert header_row.xpath("./w:trPr/w:tblHeader")

    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF-")
    # The objects sit in compressed streams: inflate them to find the structure tree (the tags)
    # and the PDF/UA identification in the metadata.
    inflated = b"".join(
        zlib.decompress(stream)
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
        if stream[:1] == b"x"
    )
    whole = pdf + inflated
    assert b"/StructTreeRoot" in whole and b"pdfuaid:part" in whole and b"/Lang" in whole


@pytest.mark.django_db
def test_the_report_in_kazakh_and_the_command(snapshot: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command(
        "crpd_report",
        "--from", "2018", "--to", "2023", "--language", "kk",
        "--snapshot", str(snapshot),
        "--out", str(tmp_path),
        "--format", "html",
    )  # fmt: skip
    written = tmp_path / "crpd-report-2018-2023-kk.html"
    assert str(written) in capsys.readouterr().out
    html = written.read_text(encoding="utf-8")
    assert '<html lang="kk">' in html and "7-бап. Мүгедек балалар" in html
    call_command(
        "crpd_report", "--from", "2018", "--to", "2023", "--language", "ru",
        "--snapshot", str(snapshot), "--out", str(tmp_path), "--format", "html",
    )  # fmt: skip
    html = (tmp_path / "crpd-report-2018-2023-ru.html").read_text(encoding="utf-8")
    assert "Статья 7. Дети-инвалиды" in html and "58,2 %" in html  # the Russian decimal comma
    with pytest.raises(CommandError, match="REPORT_SNAPSHOT_MISSING"):
        call_command(
            "crpd_report", "--from", "2018", "--to", "2023",
            "--snapshot", str(tmp_path / "none"), "--out", str(tmp_path),
        )  # fmt: skip
    with pytest.raises(CommandError, match="PERIOD_INVALID"):
        call_command(
            "crpd_report", "--from", "2023", "--to", "2018",
            "--snapshot", str(snapshot), "--out", str(tmp_path),
        )  # fmt: skip


@pytest.mark.django_db
def test_the_report_page_and_its_files(
    client: Client, statistician: User, snapshot: Path, settings: object
) -> None:
    settings.CRPD_SNAPSHOT = str(snapshot)  # type: ignore[attr-defined]
    sign_in(client, statistician)
    page = client.get("/en/crpd/report/?first_year=2018&last_year=2023")
    assert page.status_code == 200
    assert "persons_with_disabilities" in page.content.decode()
    docx = client.get("/en/crpd/report/docx/?first_year=2018&last_year=2023")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert "crpd-report-2018-2023-en.docx" in docx["Content-Disposition"]
    assert client.get("/en/crpd/report/xls/").status_code == 404
    wrong = client.get("/en/crpd/report/?first_year=2023&last_year=2018")
    assert (
        wrong.status_code == 422 and "The period ends before it begins." in wrong.content.decode()
    )


@pytest.mark.django_db
def test_a_history_breaking_the_contract_is_refused_naming_it(
    snapshot: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "snapshot"
    broken.mkdir()
    history = parquet_path(snapshot, DISABILITY_HISTORY)
    for item in snapshot.iterdir():
        if item.name != history.name:
            (broken / item.name).symlink_to(item)
    pq.write_table(pq.read_table(history).drop_columns(["valid_from"]), broken / history.name)
    with pytest.raises(SnapshotError):
        figures.compute(broken, dt.date(2024, 1, 1))
    with pytest.raises(
        CommandError,
        match=r"REPORT_SNAPSHOT_INVALID: disability_history\.parquet нарушает контракт снимка"
        r".*valid_from",
    ):
        call_command(
            "crpd_report", "--from", "2018", "--to", "2023", "--language", "ru",
            "--snapshot", str(broken), "--out", str(tmp_path / "out"),
        )  # fmt: skip
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
