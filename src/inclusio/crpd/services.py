"""Every write of the CRPD monitoring app. Each function is keyword-only, runs in one
transaction and leaves an audit record; none holds personal data (a survey's aggregates only,
never its answers). Entering needs the CRPD officer's permission; the Washington Group import is
the statistics office's, run from the command line as the platform."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inclusio.core.audit import SYSTEM, Actor, account_of, changes, record_write
from inclusio.core.errors import AccessDenied, ValidationFailed
from inclusio.core.models import Region
from inclusio.core.roles import CRPD_ENTER, CRPD_VIEW
from inclusio.crpd import washington_group
from inclusio.crpd.articles import FIRST, LAST
from inclusio.crpd.errors import ErrorCode
from inclusio.crpd.models import Indicator, Measure, Prevalence, Recommendation, Survey

FIRST_YEAR, LAST_YEAR = 2006, 2100  # the Convention's adoption; a bound for typing errors

__all__ = ["CRPD_ENTER", "CRPD_VIEW"]


def require(actor: Actor, permission: str) -> None:
    """Refuse (403) an actor without the permission; the platform's own work passes."""
    if actor is SYSTEM or getattr(actor, "has_perm", lambda _p: False)(permission):
        return
    raise AccessDenied(
        ErrorCode.NOT_CRPD_OFFICER,
        _("Only an officer reporting under the Convention may do this."),
    )


def _article(article: int) -> int:
    if not FIRST <= article <= LAST:
        raise ValidationFailed(
            ErrorCode.ARTICLE_UNKNOWN,
            _("Choose an article of the Convention, 1 to 33."),
            field="article",
        )
    return article


def _year(value: int, field: str) -> int:
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValidationFailed(
            ErrorCode.PERIOD_INVALID,
            _("Give a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field=field,
        )
    return value


def _text(value: str, code: ErrorCode, message: str | Promise, field: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationFailed(code, message, field=field)
    return text


def survey_import(*, actor: Actor, title: str, year: int, file_name: str, text: str) -> Survey:
    """Read a Washington Group file and keep its prevalence cells (never the answers); a file
    with one wrong value is refused whole and nothing is written."""
    require(actor, CRPD_ENTER)
    clean_title = _text(
        title, ErrorCode.SURVEY_TITLE_REQUIRED, _("Give the survey's title."), "title"
    )
    _year(year, "year")
    result = washington_group.read(text, regions=Region.objects.values_list("code", flat=True))
    with transaction.atomic():
        survey = Survey.objects.create(
            title=clean_title,
            year=year,
            file_name=file_name[:200],
            respondents=result.respondents,
            undetermined=result.undetermined,
            weighted=result.weighted,
            imported_by=account_of(actor),
        )
        Prevalence.objects.bulk_create(
            Prevalence(
                survey=survey,
                dimension=cell.dimension,
                category=cell.category,
                respondents=cell.respondents,
                identified=cell.identified,
                percent=cell.percent,
            )
            for cell in result.cells
        )
        record_write(
            actor=actor,
            action="survey_import",
            entity="crpd_survey",
            entity_id=survey.pk,
            data=changes(
                {},
                {
                    "title": clean_title,
                    "year": year,
                    "respondents": result.respondents,
                    "undetermined": result.undetermined,
                    "cells": len(result.cells),
                },
                personal=(),
            ),
        )
    return survey


def indicator_enter(
    *,
    actor: Actor,
    article: int,
    kind: str,
    title: str,
    value: Decimal,
    unit: str,
    year: int,
    source: str,
) -> Indicator:
    """An indicator an officer states, with where it comes from: one without a source is
    refused (a figure nobody can trace does not go into the report)."""
    require(actor, CRPD_ENTER)
    _article(article)
    if kind not in Indicator.Kind.values:
        raise ValidationFailed(
            ErrorCode.INDICATOR_KIND_UNKNOWN,
            _("Choose one of the kinds of indicator listed."),
            field="kind",
        )
    clean_title = _text(
        title, ErrorCode.INDICATOR_TITLE_REQUIRED, _("Say what the indicator counts."), "title"
    )
    clean_source = _text(
        source,
        ErrorCode.INDICATOR_SOURCE_REQUIRED,
        _("Give the indicator's source: an entered value without one is not accepted."),
        "source",
    )
    _year(year, "year")
    with transaction.atomic():
        indicator = Indicator.objects.create(
            article=article,
            kind=kind,
            title=clean_title,
            value=value,
            unit=unit.strip(),
            year=year,
            source=clean_source,
            entered_by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="indicator_enter",
            entity="crpd_indicator",
            entity_id=indicator.pk,
            data=changes(
                {},
                {
                    "article": article,
                    "kind": kind,
                    "title": clean_title,
                    "value": str(value),
                    "year": year,
                    "source": clean_source,
                },
                personal=(),
            ),
        )
    return indicator


def _status(status: str, known: list[str]) -> None:
    if status not in known:
        raise ValidationFailed(
            ErrorCode.STATUS_UNKNOWN, _("Choose one of the statuses listed."), field="status"
        )


def measure_enter(
    *,
    actor: Actor,
    article: int,
    text: str,
    responsible_body: str,
    first_year: int,
    last_year: int,
    status: str,
) -> Measure:
    require(actor, CRPD_ENTER)
    _article(article)
    clean_text = _text(text, ErrorCode.MEASURE_TEXT_REQUIRED, _("Describe the measure."), "text")
    body = _text(
        responsible_body,
        ErrorCode.MEASURE_BODY_REQUIRED,
        _("Name the body responsible for the measure."),
        "responsible_body",
    )
    _year(first_year, "first_year")
    _year(last_year, "last_year")
    if last_year < first_year:
        raise ValidationFailed(
            ErrorCode.PERIOD_INVALID,
            _("The period ends before it begins."),
            field="last_year",
        )
    _status(status, Measure.Status.values)
    with transaction.atomic():
        measure = Measure.objects.create(
            article=article,
            text=clean_text,
            responsible_body=body,
            first_year=first_year,
            last_year=last_year,
            status=status,
            entered_by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="measure_enter",
            entity="crpd_measure",
            entity_id=measure.pk,
            data=changes(
                {},
                {
                    "article": article,
                    "responsible_body": body,
                    "first_year": first_year,
                    "last_year": last_year,
                    "status": status,
                },
                personal=(),
            ),
        )
    return measure


def recommendation_enter(
    *, actor: Actor, article: int, reference: str, text: str
) -> Recommendation:
    require(actor, CRPD_ENTER)
    _article(article)
    clean_text = _text(
        text,
        ErrorCode.RECOMMENDATION_TEXT_REQUIRED,
        _("Give the recommendation's text."),
        "text",
    )
    with transaction.atomic():
        recommendation = Recommendation.objects.create(
            article=article,
            reference=reference.strip()[:100],
            text=clean_text,
            status=Recommendation.Status.OPEN,
            entered_by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="recommendation_enter",
            entity="crpd_recommendation",
            entity_id=recommendation.pk,
            data=changes(
                {}, {"article": article, "reference": recommendation.reference}, personal=()
            ),
        )
    return recommendation


def recommendation_answer(
    *,
    actor: Actor,
    recommendation: Recommendation,
    measures: list[Measure],
    status: str,
) -> Recommendation:
    """Say which measures answer a recommendation (measures of its own article) and how far
    it is implemented."""
    require(actor, CRPD_ENTER)
    if any(measure.article != recommendation.article for measure in measures):
        raise ValidationFailed(
            ErrorCode.MEASURE_OTHER_ARTICLE,
            _("A recommendation is answered by measures under its own article."),
            field="measures",
        )
    _status(status, Recommendation.Status.values)
    with transaction.atomic():
        before = {
            "status": recommendation.status,
            "measures": sorted(recommendation.measures.values_list("pk", flat=True)),
        }
        recommendation.status = status
        recommendation.save(update_fields=["status"])
        recommendation.measures.set(measures)
        record_write(
            actor=actor,
            action="recommendation_answer",
            entity="crpd_recommendation",
            entity_id=recommendation.pk,
            data=changes(
                before,
                {"status": status, "measures": sorted(m.pk for m in measures)},
                personal=(),
            ),
        )
    return recommendation
