"""Reads of the statistics app: the statistician's worklist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.audit import Actor
from inclusio.core.roles import STATISTICS_PUBLISH
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.statistics.models import Publication
from inclusio.statistics.tables import TABLES


def due_reference_date(today: dt.date | None = None) -> dt.date:
    """The statistics are published monthly, as of the first day of the month."""
    return (today or timezone.localdate()).replace(day=1)


@dataclass(frozen=True)
class DatasetDue:
    dataset: str
    title: str
    last_published: dt.date | None  # None: never


def worklist_datasets_due(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the statistician: the datasets not yet published as of this month's reference date,
    those never published first, then the longest unpublished."""
    require_permission(actor, STATISTICS_PUBLISH)
    due = due_reference_date()
    latest = dict(Publication.objects.values_list("dataset").annotate(latest=Max("reference_date")))
    rows = sorted(
        (
            DatasetDue(table.id, str(table.title), latest.get(table.id))
            for table in TABLES.values()
            if latest.get(table.id) is None or latest[table.id] < due
        ),
        key=lambda row: (row.last_published or dt.date.min, row.dataset),
    )
    found = page_of(rows, page)
    return Worklist(
        key="datasets_due",
        title=_("Datasets not published for this month"),
        # The whole command: --snapshot and --out are required, and the pages show OPEN_DATA_DIR.
        description=_(
            "Publish them as of %(date)s, from a snapshot of that date: inclusio "
            "statistics-publish --snapshot FOLDER --date %(date)s --out %(out)s (the folder the "
            "public pages show)."
        )
        % {"date": due.isoformat(), "out": settings.OPEN_DATA_DIR},
        template="statistics/worklist_datasets_due.html",
        page=found,
        rows=list(found.object_list),
        empty=_("Every dataset is published for this month."),
    )
