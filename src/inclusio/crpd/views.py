"""Pages of CRPD monitoring: the articles with their figures, indicators, measures and the
Committee's recommendations; the Washington Group surveys; the periodic report. Read by whoever
holds the monitoring permission; entered by the CRPD officers. Thin: parse, call one service or
build, render."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import duckdb
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inclusio.core.errors import DomainError, NotFound, ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.core.models import Region
from inclusio.crpd import figures, services
from inclusio.crpd import report as reports
from inclusio.crpd.articles import Article, articles
from inclusio.crpd.articles import article as article_of
from inclusio.crpd.errors import ErrorCode
from inclusio.crpd.forms import (
    AnswerForm,
    IndicatorForm,
    MeasureForm,
    RecommendationForm,
    ReportForm,
    SurveyUploadForm,
)
from inclusio.crpd.models import Indicator, Measure, Prevalence, Recommendation, Survey
from inclusio.snapshot.validate import SnapshotError

REPORT_SPAN = 6  # the default report covers six years, as the 2018–2023 one
# A census's microdata: ten short columns a respondent, some 20 bytes; 20 MB is a million rows.
WG_FILE_MAX_BYTES = 20 * 1024 * 1024


def _refused(form: forms.BaseForm, error: DomainError) -> None:
    field = error.params.get("field")
    add_domain_error(form, error, field if field in form.fields else None)


def _may_enter(request: HttpRequest) -> bool:
    return bool(request.user.has_perm(services.CRPD_ENTER))


def _snapshot() -> Path | None:
    folder = settings.CRPD_SNAPSHOT.strip()
    return Path(folder) if folder and Path(folder).is_dir() else None


def _not_found() -> NotFound:
    return NotFound(ErrorCode.CRPD_NOT_FOUND, _("There is no such page."))


def _article(number: int) -> Article:
    found = article_of(number)
    if found is None:
        raise _not_found()
    return found


@login_required
def index(request: HttpRequest) -> HttpResponse:
    services.require(request.user, services.CRPD_VIEW)
    counts: dict[int, dict[str, int]] = {a.number: {} for a in articles()}
    for model, key in ((Indicator, "indicators"), (Measure, "measures"), (Recommendation, "recs")):
        for row in model.objects.values("article").annotate(n=Count("id")).order_by():
            counts[row["article"]][key] = row["n"]
    computed: dict[int, int] = {}
    for spec in figures.FIGURES:
        computed[spec.article] = computed.get(spec.article, 0) + 1
    rows = [
        {"article": a, "computed": computed.get(a.number, 0), **counts[a.number]}
        for a in articles()
    ]
    return render(request, "crpd/index.html", {"rows": rows})


def _computed(number: int) -> tuple[list[figures.Figure], bool]:
    """The article's computed figures on the first of this year, and whether a snapshot could
    be read (a page shows the figures it can, never an error for a missing snapshot)."""
    folder = _snapshot()
    if folder is None:
        return [], False
    on = dt.date(timezone.localdate().year, 1, 1)
    try:
        return figures.compute(folder, on, article=number), True
    except (OSError, duckdb.Error, SnapshotError):
        return [], False


def _article_page(
    request: HttpRequest, found: Article, status: int = 200, **given: Any
) -> HttpResponse:
    computed, readable = _computed(found.number)
    context = {
        "article": found,
        "computed": computed,
        "snapshot_readable": readable,
        "indicators": Indicator.objects.filter(article=found.number),
        "measures": Measure.objects.filter(article=found.number),
        "recommendations": Recommendation.objects.filter(article=found.number).prefetch_related(
            "measures"
        ),
        "may_enter": _may_enter(request),
        "indicator_form": given.get("indicator_form") or IndicatorForm(),
        "measure_form": given.get("measure_form") or MeasureForm(),
    }
    return render(request, "crpd/article.html", context, status=status)


@login_required
def article(request: HttpRequest, article_number: int) -> HttpResponse:
    services.require(request.user, services.CRPD_VIEW)
    return _article_page(request, _article(article_number))


@login_required
@require_POST
def indicator_new(request: HttpRequest, article_number: int) -> HttpResponse:
    found = _article(article_number)
    services.require(request.user, services.CRPD_ENTER)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_enter(
                actor=request.user, article=article_number, **form.cleaned_data
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Indicator entered."))
            return redirect("crpd:article", article_number=article_number)
    return _article_page(request, found, 422, indicator_form=form)


@login_required
@require_POST
def measure_new(request: HttpRequest, article_number: int) -> HttpResponse:
    found = _article(article_number)
    services.require(request.user, services.CRPD_ENTER)
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.measure_enter(actor=request.user, article=article_number, **form.cleaned_data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Measure entered."))
            return redirect("crpd:article", article_number=article_number)
    return _article_page(request, found, 422, measure_form=form)


@login_required
def recommendations(request: HttpRequest) -> HttpResponse:
    services.require(request.user, services.CRPD_VIEW)
    form = RecommendationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        services.require(request.user, services.CRPD_ENTER)
        status = 422
        if form.is_valid():
            try:
                created = services.recommendation_enter(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("Recommendation entered."))
                return redirect("crpd:recommendation", recommendation_id=created.pk)
    return render(
        request,
        "crpd/recommendations.html",
        {
            "recommendations": Recommendation.objects.prefetch_related("measures"),
            "form": form,
            "may_enter": _may_enter(request),
        },
        status=status,
    )


@login_required
def recommendation(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    services.require(request.user, services.CRPD_VIEW)
    found = Recommendation.objects.filter(pk=recommendation_id).first()
    if found is None:
        raise _not_found()
    candidates = list(Measure.objects.filter(article=found.article))
    answered = set(found.measures.values_list("pk", flat=True))
    # A recommendation is answered only by measures of its own article (the service holds it).
    answering = [m for m in candidates if m.pk in answered]
    initial = {"measures": [str(m.pk) for m in answering], "status": found.status}
    form = AnswerForm(request.POST if request.method == "POST" else None, initial=initial)
    choices = form.fields["measures"]
    assert isinstance(choices, forms.MultipleChoiceField)
    choices.choices = [(str(m.pk), str(m)) for m in candidates]
    status = 200
    if request.method == "POST":
        services.require(request.user, services.CRPD_ENTER)
        status = 422
        if form.is_valid():
            chosen = {int(v) for v in form.cleaned_data["measures"]}
            try:
                services.recommendation_answer(
                    actor=request.user,
                    recommendation=found,
                    measures=[m for m in candidates if m.pk in chosen],
                    status=form.cleaned_data["status"],
                )
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("Recommendation updated."))
                return redirect("crpd:recommendation", recommendation_id=found.pk)
    return render(
        request,
        "crpd/recommendation.html",
        {
            "recommendation": found,
            "article": article_of(found.article),
            "answering": answering,
            "form": form,
            "may_enter": _may_enter(request),
        },
        status=status,
    )


@login_required
def surveys(request: HttpRequest) -> HttpResponse:
    services.require(request.user, services.CRPD_VIEW)
    return render(
        request,
        "crpd/surveys.html",
        {"surveys": Survey.objects.all()[:200], "may_enter": _may_enter(request)},
    )


@login_required
def survey(request: HttpRequest, survey_id: int) -> HttpResponse:
    services.require(request.user, services.CRPD_VIEW)
    found = Survey.objects.filter(pk=survey_id).first()
    if found is None:
        raise _not_found()
    names = _category_names()
    tables: dict[str, list[tuple[str, Prevalence]]] = {}
    for cell in found.prevalence.all():
        name = names.get((cell.dimension, cell.category), cell.category)
        tables.setdefault(cell.dimension, []).append((name, cell))
    order = [d for d in Prevalence.Dimension if d in tables]
    return render(
        request,
        "crpd/survey.html",
        {"survey": found, "tables": [(d.label, tables[d.value]) for d in order]},
    )


def _uploaded_text(upload: UploadedFile) -> str:
    """The text of a sent Washington Group file, refused whole if too large or not UTF-8."""
    if upload.size is not None and upload.size > WG_FILE_MAX_BYTES:
        raise ValidationFailed(
            ErrorCode.WG_FILE_TOO_LARGE,
            _("The file is larger than %(megabytes)s MB: import it with inclusio wg-import.")
            % {"megabytes": WG_FILE_MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    try:
        return upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed(
            ErrorCode.WG_FILE_NOT_TEXT,
            _("The file is not a CSV file in UTF-8: save it as “CSV UTF-8” and send it again."),
            field="file",
        ) from None


@login_required
def survey_new(request: HttpRequest) -> HttpResponse:
    """The officer sends a Washington Group file; its prevalence is kept and shown, or the
    first wrong value is named by its row and column and nothing is kept."""
    services.require(request.user, services.CRPD_ENTER)
    sent = request.method == "POST"
    form = SurveyUploadForm(request.POST if sent else None, request.FILES if sent else None)
    if sent and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            survey = services.survey_import(
                actor=request.user,
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
                # A name sent by the client: no NUL (PostgreSQL's text refuses it).
                file_name=(upload.name or "").replace("\x00", ""),
                text=_uploaded_text(upload),
            )
        except DomainError as exc:
            field = exc.params.get("field")
            add_domain_error(form, exc, field if field in ("title", "year") else "file")
        else:
            messages.success(
                request,
                _("Survey imported: %(respondents)s respondents read.")
                % {"respondents": survey.respondents},
            )
            return redirect("crpd:survey", survey_id=survey.pk)
    return render(
        request, "crpd/survey_new.html", {"form": form}, status=422 if form.errors else 200
    )


def _category_names() -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {
        ("total", "total"): _("All respondents"),
        ("sex", "M"): _("Men"),
        ("sex", "F"): _("Women"),
        ("residence", "urban"): _("Urban"),
        ("residence", "rural"): _("Rural"),
    }
    for region in Region.objects.all():
        names[("region", region.code)] = region.name
    return names


def _report_years(request: HttpRequest) -> tuple[ReportForm, int, int]:
    last = timezone.localdate().year - 1
    form = ReportForm(
        request.GET if request.GET else None,
        initial={"first_year": last - REPORT_SPAN + 1, "last_year": last},
    )
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["first_year"], form.cleaned_data["last_year"]
        if first <= last:
            return form, first, last
        form.add_error("last_year", _("The period ends before it begins."))
    return form, last - REPORT_SPAN + 1, last


def _built(request: HttpRequest) -> tuple[ReportForm, reports.Report]:
    form, first, last = _report_years(request)
    snapshot = _snapshot()
    try:
        built = reports.build(first_year=first, last_year=last, snapshot=snapshot)
    except ValidationFailed as error:
        # A date before the snapshot's history: the officer's choice of years, said beside the
        # field; the report is shown without computed figures.
        if form.is_bound:
            form.add_error("last_year", error.message)
        built = reports.build(first_year=first, last_year=last, snapshot=None)
    except (OSError, duckdb.Error, SnapshotError):
        built = reports.build(first_year=first, last_year=last, snapshot=None)
    return form, built


@login_required
def report(request: HttpRequest) -> HttpResponse:
    services.require(request.user, services.CRPD_VIEW)
    form, built = _built(request)
    return render(
        request,
        "crpd/report.html",
        {"form": form, "report": built, "query": request.GET.urlencode()},
        status=422 if form.is_bound and form.errors else 200,
    )


_CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
def report_file(request: HttpRequest, file_format: str) -> HttpResponse:
    services.require(request.user, services.CRPD_VIEW)
    if file_format not in _CONTENT_TYPES:
        raise _not_found()
    form, built = _built(request)
    if form.is_bound and form.errors:
        # No file for years refused (a period ending before it begins, or dated before the
        # snapshot's history): the page says why, nothing is written.
        return render(
            request,
            "crpd/report.html",
            {"form": form, "report": built, "query": request.GET.urlencode()},
            status=422,
        )
    with tempfile.TemporaryDirectory() as folder:
        (path,) = reports.write(built, Path(folder), (file_format,))
        response = HttpResponse(path.read_bytes(), content_type=_CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response
