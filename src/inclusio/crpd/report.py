"""The periodic report: "Information on measures taken in implementation of the CRPD,
YEAR–YEAR", organised by article as the 2018–2023 report is, the measures entered and the
figures computed side by side, each computed figure beside the name of its query
(``figures.py``) and each entered one beside its source.

One content (``build``), three forms: accessible HTML (``to_html``: one document with its
language, headings by article, tables with headers), DOCX (``to_docx``, python-docx: the same
headings as Word heading styles, tables with a header row) and tagged PDF (``to_pdf``,
WeasyPrint's PDF/UA-1 variant of the same HTML).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inclusio.core.errors import ValidationFailed
from inclusio.crpd import figures
from inclusio.crpd.articles import Article, articles
from inclusio.crpd.errors import ErrorCode
from inclusio.crpd.models import Indicator, Measure, Recommendation
from inclusio.snapshot.contract import MANIFEST

FORMATS = ("html", "docx", "pdf")


@dataclass(frozen=True)
class Line:
    """One figure of an article: computed (``query`` named) or entered (``source`` given)."""

    label: str
    value: str
    query: str = ""
    source: str = ""
    kind: str = ""


@dataclass
class Section:
    article: Article
    lines: list[Line] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.article.title()

    @property
    def heading(self) -> str:
        return _("Article %(number)s. %(title)s") % {
            "number": self.article.number,
            "title": self.title,
        }


@dataclass
class Report:
    first_year: int
    last_year: int
    on: dt.date
    language: str
    snapshot: str  # the snapshot's manifest in short (its date and producer), "" when none
    sections: list[Section]
    queries: list[tuple[str, str]]  # (query name, what it computes), in order of use

    @property
    def title(self) -> str:
        return _(
            "Information on measures taken in implementation of the Convention on the Rights "
            "of Persons with Disabilities, %(first)s–%(last)s"
        ) % {"first": self.first_year, "last": self.last_year}

    @property
    def figures_date(self) -> str:
        return _("Figures as of %(day)s.") % {"day": self.on.isoformat()}


def _snapshot_summary(directory: Path) -> str:
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return str(directory)
    parts = [
        str(manifest.get(key))
        for key in ("reference_date", "as_of", "producer", "scale")
        if manifest.get(key)
    ]
    return f"{directory.name} ({', '.join(parts)})" if parts else directory.name


def check_history(snapshot: Path, on: dt.date) -> None:
    """Refuse a report whose date (1 January after its last year) is before the first day the
    snapshot's statuses answer for: its figures would count only the persons whose periods the
    history holds, fewer than there were."""
    first = figures.bounds(snapshot).first
    if on < first:
        raise ValidationFailed(
            ErrorCode.REPORT_BEFORE_HISTORY,
            gettext_lazy(
                "The report's figures would be as of %(date)s, before the first day the "
                "snapshot's status history answers for, %(start)s: choose a later last year "
                "or a snapshot with a longer history."
            ),
            date=on.isoformat(),
            start=first.isoformat(),
        )


def build(
    *, first_year: int, last_year: int, snapshot: Path | None, language: str | None = None
) -> Report:
    """The report's content in ``language`` (the active one unless given). Without a snapshot
    the computed figures are left out and only what officers entered is reported. A report
    dated before the snapshot's history is refused (``REPORT_BEFORE_HISTORY``)."""
    with translation.override(language or translation.get_language() or "kk"):
        on = dt.date(last_year + 1, 1, 1)
        if snapshot is not None:
            check_history(snapshot, on)
        years = range(first_year, last_year + 1)
        # The date's figures and the years' are counted together, one scan a count.
        computed = (
            figures.compute(snapshot, on, first_year=first_year, years=years)
            if snapshot is not None
            else []
        )
        sections = {article.number: Section(article) for article in articles()}
        queries: list[tuple[str, str]] = []
        for figure in computed:
            spec = figure.spec
            sections[spec.article].lines.append(
                Line(
                    str(spec.label),
                    figure.display,
                    query=spec.name,
                    kind=spec.kind,
                )
            )
            queries.append((spec.name, str(spec.label)))
        if snapshot is not None:
            # The period's years, each on its 1 January, from the snapshot's status history.
            for day, found in figures.yearly(snapshot, years, on=on, first_year=first_year):
                for figure in found:
                    sections[figure.spec.article].lines.append(
                        Line(
                            _("%(label)s on 1 January %(year)s")
                            % {"label": figure.spec.label, "year": day.year},
                            figure.display,
                            query=figure.name,
                            kind=figure.spec.kind,
                        )
                    )
        for indicator in Indicator.objects.filter(year__range=(first_year, last_year)):
            sections[indicator.article].lines.append(
                Line(
                    indicator.title,
                    indicator.display_value,
                    source=indicator.source,
                    kind=indicator.kind,
                )
            )
        in_period = Q(first_year__lte=last_year, last_year__gte=first_year)
        for measure in Measure.objects.filter(in_period):
            sections[measure.article].measures.append(measure)
        answering = Prefetch("measures", queryset=Measure.objects.filter(in_period))
        for recommendation in Recommendation.objects.prefetch_related(answering):
            sections[recommendation.article].recommendations.append(recommendation)
        kept = [s for s in sections.values() if s.lines or s.measures or s.recommendations]
        return Report(
            first_year=first_year,
            last_year=last_year,
            on=on,
            language=translation.get_language() or "kk",
            snapshot=_snapshot_summary(snapshot) if snapshot is not None else "",
            sections=kept,
            queries=queries,
        )


def _context(report: Report) -> dict[str, Any]:
    return {"report": report}


def to_html(report: Report) -> str:
    """A whole accessible HTML document (its own language, no script, styles in the head)."""
    with translation.override(report.language):
        return render_to_string("crpd/report_document.html", _context(report))


def to_docx(report: Report, path: Path) -> None:
    from docx import Document  # imported here: only the export needs python-docx

    with translation.override(report.language):
        document = Document()
        document.core_properties.title = report.title
        document.core_properties.language = report.language
        document.add_heading(report.title, level=0)
        document.add_paragraph(report.figures_date)
        for section in report.sections:
            document.add_heading(section.heading, level=1)
            if section.lines:
                document.add_heading(_("Indicators"), level=2)
                table = document.add_table(rows=1, cols=3)
                table.style = "Table Grid"
                for cell, text in zip(
                    table.rows[0].cells,
                    (_("Indicator"), _("Value"), _("Query or source")),
                    strict=True,
                ):
                    cell.text = text
                _repeat_header(table)
                for line in section.lines:
                    cells = table.add_row().cells
                    cells[0].text = line.label
                    cells[1].text = line.value
                    cells[2].text = line.query or line.source
            if section.measures:
                document.add_heading(_("Measures taken"), level=2)
                for measure in section.measures:
                    document.add_paragraph(
                        f"{measure.text} ({measure.responsible_body}, "
                        f"{measure.first_year}–{measure.last_year}; "
                        f"{measure.get_status_display()})",
                        style="List Bullet",
                    )
            if section.recommendations:
                document.add_heading(_("Recommendations of the Committee"), level=2)
                for recommendation in section.recommendations:
                    answered = "; ".join(m.text for m in recommendation.measures.all())
                    document.add_paragraph(
                        f"{recommendation.reference} {recommendation.text} — "
                        f"{recommendation.get_status_display()}"
                        + (f". {_('Answered by')}: {answered}" if answered else ""),
                        style="List Bullet",
                    )
        document.save(str(path))


def _repeat_header(table: Any) -> None:
    """Mark the first row as the table's header (Word's "repeat as header row"), which is what
    screen readers and the PDF export read as column headers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def to_pdf(report: Report, path: Path) -> None:
    from weasyprint import HTML  # imported here: only the export needs WeasyPrint (and pango)

    HTML(string=to_html(report)).write_pdf(str(path), pdf_variant="pdf/ua-1")


def write(report: Report, out: Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write the report's files into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    stem = f"crpd-report-{report.first_year}-{report.last_year}-{report.language}"
    written = []
    for kind in formats:
        path = out / f"{stem}.{kind}"
        if kind == "html":
            path.write_text(to_html(report), encoding="utf-8")
        elif kind == "docx":
            to_docx(report, path)
        else:
            to_pdf(report, path)
        written.append(path)
    return written
