"""A small CRPD world for the sweeps: a measure, a recommendation it answers and a survey,
under the URL argument names of the CRPD pages."""

from __future__ import annotations

from inclusio.core.audit import SYSTEM
from inclusio.crpd.services import (
    measure_enter,
    recommendation_answer,
    recommendation_enter,
    survey_import,
)

SURVEY = "\n".join(
    [
        "seeing,hearing,walking,cognition,self_care,communication,sex,age,region,residence",
        "1,1,3,1,1,1,F,70,71,urban",
        "1,2,1,1,1,1,M,40,75,rural",
    ]
)


def crpd_world() -> dict[str, str]:
    measure = measure_enter(
        actor=SYSTEM,
        article=24,
        text="Support rooms in schools",
        responsible_body="Ministry of Enlightenment",
        first_year=2019,
        last_year=2023,
        status="done",
    )
    recommendation = recommendation_enter(
        actor=SYSTEM, article=24, reference="CO/1 46", text="Inclusive education in every school."
    )
    recommendation_answer(
        actor=SYSTEM, recommendation=recommendation, measures=[measure], status="partly"
    )
    survey = survey_import(actor=SYSTEM, title="Pilot", year=2023, file_name="p.csv", text=SURVEY)
    return {
        "article_number": "24",
        "recommendation_id": str(recommendation.pk),
        "survey_id": str(survey.pk),
        "file_format": "html",
    }
