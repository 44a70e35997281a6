"""CRPD monitoring's entered content for the demo: the 2018–2023 report's own figures that the
platform does not compute — inclusive schools, housing loans — each entered as an indicator
whose source is the report's §, the measures the report describes, and one recommendation
marked as a demo (not the Committee's text), answered by a measure. Idempotent: nothing is
entered when indicators exist."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from inclusio.core.audit import SYSTEM
from inclusio.crpd.models import Indicator
from inclusio.crpd.services import (
    indicator_enter,
    measure_enter,
    recommendation_answer,
    recommendation_enter,
)

SOURCE = "Report on the CRPD 2018–2023, §{}"
MLSP = "Ministry of Labour and Social Protection of the Population"

# (article, kind, title, value, unit, year, § of the report). The facilities, inspections,
# housing lists and employment figures of §47–49 and §123–124 are computed from the snapshot's
# domains' part (``crpd.figures.DOMAIN_FIGURES``), not entered.
INDICATORS = (
    (24, "outcome", "General education schools with conditions for inclusive education",
     "86.6", "%", 2023, "96"),
    (9, "structural", "Housing loans allocated under the 2-10-20 and 5-10-20 programmes",
     "71.9", "billion tenge", 2023, "47"),
)  # fmt: skip

# (article, text, responsible body, from, to, status, § of the report)
MEASURES = (
    (9, "Interactive Accessibility Map of social infrastructure facilities on inva.gov.kz",
     MLSP, 2020, 2023, "done", "48"),
    (9, "Social Services Portal: persons with disabilities choose and buy rehabilitation means "
     "and services directly from suppliers", MLSP, 2020, 2023, "done", "60"),
    (24, "Conditions for the inclusive education of children created in general education "
     "schools", "Ministry of Enlightenment", 2018, 2023, "under_way", "96"),
    (27, "Employment support measures with priority for persons with disabilities",
     MLSP, 2018, 2023, "under_way", "123"),
)  # fmt: skip


def load_demo_crpd() -> int:
    """Enter the demo content; return how many records were entered (0: already there)."""
    if Indicator.objects.exists():
        return 0
    with transaction.atomic():
        for article, kind, title, value, unit, year, paragraph in INDICATORS:
            indicator_enter(
                actor=SYSTEM,
                article=article,
                kind=kind,
                title=title,
                value=Decimal(value),
                unit=unit,
                year=year,
                source=SOURCE.format(paragraph),
            )
        measures = [
            measure_enter(
                actor=SYSTEM,
                article=article,
                text=f"{text} (§{paragraph})",
                responsible_body=body,
                first_year=first,
                last_year=last,
                status=status,
            )
            for article, text, body, first, last, status, paragraph in MEASURES
        ]
        recommendation = recommendation_enter(
            actor=SYSTEM,
            article=24,
            reference="DEMO-1",
            text="Demo recommendation (not the Committee's text): ensure that every general "
            "education school provides the conditions for inclusive education.",
        )
        schools = [m for m in measures if m.article == 24]
        recommendation_answer(
            actor=SYSTEM, recommendation=recommendation, measures=schools, status="partly"
        )
    return len(INDICATORS) + len(MEASURES) + 1
