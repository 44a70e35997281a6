"""What the CRPD monitoring pages and the CRPD officer's start page read."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from inclusio.core.audit import Actor
from inclusio.core.roles import CRPD_ENTER
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.crpd.models import Recommendation


def worklist_recommendations_open(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the CRPD officer: the Committee's recommendations not yet implemented, those no
    measure answers first, then by article."""
    require_permission(actor, CRPD_ENTER)
    rows = (
        Recommendation.objects.exclude(status=Recommendation.Status.IMPLEMENTED)
        .annotate(answered_by=Count("measures"))
        .order_by("answered_by", "article", "id")
    )
    found = page_of(rows, page)
    return Worklist(
        key="recommendations_open",
        title=_("Recommendations not yet implemented"),
        description=_("Answer each with the measures taken under its article, and its status."),
        template="crpd/worklist_recommendations_open.html",
        page=found,
        rows=list(found.object_list),
        empty=_("Every recommendation of the Committee is implemented."),
    )
