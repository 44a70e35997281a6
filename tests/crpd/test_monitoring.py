"""CRPD monitoring: indicators entered with their source (refused without one), measures with
their period, the Committee's recommendations answered by measures of their own article; who
may read and who may enter; the pages, by POST only, refusing bad input with a code, a
translated message and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, ValidationFailed
from inclusio.core.models import AuditEvent, User
from inclusio.crpd.errors import ErrorCode
from inclusio.crpd.models import Indicator, Measure, Recommendation
from inclusio.crpd.selectors import worklist_recommendations_open
from inclusio.crpd.services import (
    indicator_enter,
    measure_enter,
    recommendation_answer,
    recommendation_enter,
)
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

INCLUSIVE_SCHOOLS = {
    "article": 24,
    "kind": "outcome",
    "title": "General education schools with conditions for inclusive education",
    "value": Decimal("86.6"),
    "unit": "%",
    "year": 2023,
    "source": "Ministry of Enlightenment, 2023 (5,981 of 6,903 schools)",
}


def _measure(actor: object = SYSTEM, article: int = 24) -> Measure:
    return measure_enter(
        actor=actor,  # type: ignore[arg-type]
        article=article,
        text="Psychological-pedagogical support rooms opened in schools",
        responsible_body="Ministry of Enlightenment",
        first_year=2019,
        last_year=2023,
        status="done",
    )


def test_an_indicator_is_entered_with_its_source_and_refused_without(crpd_officer: User) -> None:
    indicator = indicator_enter(actor=crpd_officer, **INCLUSIVE_SCHOOLS)
    assert indicator.source.startswith("Ministry") and indicator.entered_by == crpd_officer
    event = AuditEvent.objects.get(action="indicator_enter")
    assert event.data["values"]["value"] == "86.6"
    with pytest.raises(ValidationFailed) as refused:
        indicator_enter(actor=crpd_officer, **{**INCLUSIVE_SCHOOLS, "source": "  "})
    assert refused.value.code == ErrorCode.INDICATOR_SOURCE_REQUIRED
    assert refused.value.params["field"] == "source"
    with pytest.raises(ValidationFailed) as article:
        indicator_enter(actor=crpd_officer, **{**INCLUSIVE_SCHOOLS, "article": 34})
    assert article.value.code == ErrorCode.ARTICLE_UNKNOWN
    with pytest.raises(ValidationFailed) as kind:
        indicator_enter(actor=crpd_officer, **{**INCLUSIVE_SCHOOLS, "kind": "impact"})
    assert kind.value.code == ErrorCode.INDICATOR_KIND_UNKNOWN
    with translation.override("ru"):
        assert str(kind.value.message) == "Выберите один из перечисленных видов индикатора."
    assert kind.value.params["field"] == "kind"
    assert Indicator.objects.count() == 1


def test_a_measure_needs_a_text_a_body_and_an_ordered_period(crpd_officer: User) -> None:
    base = {
        "article": 9,
        "text": "Accessibility map",
        "responsible_body": "MLSP",
        "first_year": 2020,
        "last_year": 2023,
        "status": "under_way",
    }
    for change, code in (
        ({"text": ""}, ErrorCode.MEASURE_TEXT_REQUIRED),
        ({"responsible_body": " "}, ErrorCode.MEASURE_BODY_REQUIRED),
        ({"last_year": 2019}, ErrorCode.PERIOD_INVALID),
        ({"first_year": 1900}, ErrorCode.PERIOD_INVALID),
        ({"status": "done, honestly"}, ErrorCode.STATUS_UNKNOWN),
    ):
        with pytest.raises(ValidationFailed) as refused:
            measure_enter(actor=crpd_officer, **{**base, **change})  # type: ignore[arg-type]
        assert refused.value.code == code
    assert not Measure.objects.exists()
    assert measure_enter(actor=crpd_officer, **base).status == "under_way"  # type: ignore[arg-type]


def test_a_recommendation_is_answered_by_measures_of_its_article(crpd_officer: User) -> None:
    recommendation = recommendation_enter(
        actor=crpd_officer,
        article=24,
        reference="CRPD/C/KAZ/CO/1, para. 46",
        text="Ensure inclusive education in all schools.",
    )
    assert recommendation.status == Recommendation.Status.OPEN
    schools = _measure()
    elsewhere = _measure(article=9)
    with pytest.raises(ValidationFailed) as refused:
        recommendation_answer(
            actor=crpd_officer,
            recommendation=recommendation,
            measures=[schools, elsewhere],
            status="partly",
        )
    assert refused.value.code == ErrorCode.MEASURE_OTHER_ARTICLE
    with pytest.raises(ValidationFailed) as unknown:
        recommendation_answer(
            actor=crpd_officer, recommendation=recommendation, measures=[schools], status="x"
        )
    assert unknown.value.code == ErrorCode.STATUS_UNKNOWN
    recommendation.refresh_from_db()
    assert recommendation.status == "open" and not recommendation.measures.exists()
    recommendation_answer(
        actor=crpd_officer, recommendation=recommendation, measures=[schools], status="partly"
    )
    recommendation.refresh_from_db()
    assert recommendation.status == "partly"
    assert list(recommendation.measures.all()) == [schools]
    event = AuditEvent.objects.filter(action="recommendation_answer").get()
    assert set(event.data["changed"]) == {"status", "measures"}


def test_the_officers_worklist_holds_the_recommendations_not_yet_implemented(
    crpd_officer: User, statistician: User
) -> None:
    def entered(article: int) -> Recommendation:
        return recommendation_enter(
            actor=crpd_officer, article=article, reference=f"para. {article}", text="Do more."
        )

    answered, unanswered, done = entered(9), entered(24), entered(27)
    recommendation_answer(
        actor=crpd_officer, recommendation=answered, measures=[_measure(article=9)], status="partly"
    )
    recommendation_answer(
        actor=crpd_officer,
        recommendation=done,
        measures=[_measure(article=27)],
        status="implemented",
    )

    rows = worklist_recommendations_open(actor=crpd_officer).rows
    assert [row.pk for row in rows] == [unanswered.pk, answered.pk]  # none answering it first
    with pytest.raises(AccessDenied):
        worklist_recommendations_open(actor=statistician)  # reads, but enters nothing


def test_readers_read_and_only_crpd_officers_enter(
    client: Client, statistician: User, district_officer: User
) -> None:
    with pytest.raises(AccessDenied) as refused:
        indicator_enter(actor=statistician, **INCLUSIVE_SCHOOLS)
    assert refused.value.code == ErrorCode.NOT_CRPD_OFFICER
    sign_in(client, statistician)
    for address in ("/en/crpd/", "/en/crpd/articles/24/", "/en/crpd/recommendations/"):
        assert client.get(address).status_code == 200
    assert client.post("/en/crpd/articles/24/indicator/", INCLUSIVE_SCHOOLS).status_code == 403
    assert client.get("/en/crpd/articles/34/").status_code == 404
    sign_in(client, district_officer)
    assert client.get("/en/crpd/").status_code == 403
    assert not Indicator.objects.exists()


def test_the_officer_enters_by_the_pages(client: Client, crpd_officer: User) -> None:
    sign_in(client, crpd_officer)
    page = client.get("/kk/crpd/articles/24/")
    assert page.status_code == 200
    assert "24-бап. Білім беру" in page.content.decode()
    without_source = {**INCLUSIVE_SCHOOLS, "source": ""}
    refused = client.post("/ru/crpd/articles/24/indicator/", without_source)
    assert refused.status_code == 422
    assert "значение без источника не принимается" in refused.content.decode()
    assert not Indicator.objects.exists()
    done = client.post("/en/crpd/articles/24/indicator/", INCLUSIVE_SCHOOLS)
    assert done.status_code == 302
    measure = client.post(
        "/en/crpd/articles/24/measure/",
        {
            "text": "Support rooms",
            "responsible_body": "MoE",
            "first_year": "2019",
            "last_year": "2023",
            "status": "done",
        },
    )
    assert measure.status_code == 302
    page = client.get("/en/crpd/articles/24/").content.decode()
    assert (
        "86.6 %" in page and "Ministry of Enlightenment, 2023" in page and "Support rooms" in page
    )
    created = client.post(
        "/en/crpd/recommendations/", {"article": "24", "reference": "CO/1 46", "text": "Include."}
    )
    assert created.status_code == 302
    recommendation = Recommendation.objects.get()
    answered = client.post(
        created.url, {"measures": [str(Measure.objects.get().pk)], "status": "implemented"}
    )
    assert answered.status_code == 302
    assert Recommendation.objects.get().status == "implemented"
    assert "<li>Support rooms (MoE, 2019–2023; " in client.get(created.url).content.decode()
    assert client.post(created.url, {"measures": ["99999"], "status": "x"}).status_code == 422
    assert recommendation.measures.count() == 1
