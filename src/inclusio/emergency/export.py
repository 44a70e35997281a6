"""The residences' file of a snapshot (``inclusio snapshot-export``): every home the dispatchers'
registry keeps that was recorded on or before the date, with its region and the day it was
recorded. No address, no place, no person: the file counts homes (seed §66).

The registry removes a home no longer covered with everything it held (docs/emergency.md), so it
knows no withdrawal: ``withdrawn_on`` is always null in the export, and a count on an earlier
day than the export's leaves out the homes kept then and removed since."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa
from django.utils.translation import gettext as _

from inclusio.emergency.models import Residence
from inclusio.registry.export import DomainPart, query_batches
from inclusio.snapshot.contract import RESIDENCES

# Only the model's table name is interpolated.
_RESIDENCES_SQL = """
SELECT r.id, r.region_id, r.recorded_on, NULL
FROM {residence} r
WHERE r.recorded_on <= %s
ORDER BY r.id
"""


def _files(on: dt.date) -> Iterator[tuple[str, Iterator[pa.RecordBatch]]]:
    sql = _RESIDENCES_SQL.format(residence=Residence._meta.db_table)
    yield RESIDENCES, query_batches(sql, [on], RESIDENCES)


PART = DomainPart(
    step="emergency",
    label=lambda: _("Exporting the dispatchers' registry of homes"),
    files=_files,
)
