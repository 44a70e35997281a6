"""The housing waiting lists' file of a snapshot (``inclusio snapshot-export``): every
registration made on or before the date with its region, priority category and the days it was
housed or removed, when that happened by the date. No person is named: the file is for
aggregates (``snapshot.domains``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa
from django.utils.translation import gettext as _

from inclusio.housing.models import Registration, WaitingList
from inclusio.registry.export import DomainPart, local_day_sql, query_batches
from inclusio.snapshot.contract import HOUSING_QUEUE

# A registration is closed (housed or removed) on the day of ``closed_at`` in the country.
# Only the models' table names and the day's expression are interpolated.
_HOUSING_SQL = """
SELECT r.id, w.region_id, r.category, r.registered_on,
       CASE WHEN r.status = %s AND {closed} <= %s THEN {closed} END,
       CASE WHEN r.status = %s AND {closed} <= %s THEN {closed} END
FROM {registration} r JOIN {waiting_list} w ON w.id = r.waiting_list_id
WHERE r.registered_on <= %s
ORDER BY r.id
"""


def _files(on: dt.date) -> Iterator[tuple[str, Iterator[pa.RecordBatch]]]:
    closed = local_day_sql("r.closed_at")
    sql = _HOUSING_SQL.format(
        closed=closed,
        registration=Registration._meta.db_table,
        waiting_list=WaitingList._meta.db_table,
    )
    params = [Registration.Status.HOUSED, on, Registration.Status.REMOVED, on, on]
    yield HOUSING_QUEUE, query_batches(sql, params, HOUSING_QUEUE)


PART = DomainPart(
    step="housing",
    label=lambda: _("Exporting the housing waiting lists"),
    files=_files,
)
