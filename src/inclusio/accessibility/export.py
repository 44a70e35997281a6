"""The accessibility map's files of a snapshot (``inclusio snapshot-export``): every facility on
the map on the date with its adaptation as last assessed on or before it and the day it joined
the map, every assessment held by then (so that the facilities and their adaptation can be
counted on any earlier day), and the inspections held by then with the prescriptions issued and
the fines imposed after each. No names, addresses or owners' BINs: the files are for aggregates
(``snapshot.domains``).

A facility joined the map on the day it was recorded, or on its first assessment when one is
dated earlier (a facility entered with its past assessments)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa
from django.utils.translation import gettext as _

from inclusio.accessibility.models import Assessment, Facility, Fine, Inspection, Prescription
from inclusio.registry.export import DomainPart, local_day_sql, query_batches
from inclusio.snapshot.contract import FACILITIES, FACILITY_ASSESSMENTS, INSPECTIONS

# The facilities on the map by the date (joined on the day recorded, or on the first assessment
# when earlier) and the adaptation each had on it: its assessment of that day or the latest before
# (the one recorded last when two share a day); never assessed by then, not adapted. Only the
# models' table names and the database's date of a timestamp are interpolated.
_FACILITIES_SQL = """
SELECT f.id, f.region_id, f.category, f.owner, f.is_court,
       CASE WHEN a.adapted IS NULL THEN %s ELSE a.adapted END, a.assessed_on, f.listed_on
FROM (
    SELECT g.*, CASE WHEN e.first_assessed IS NOT NULL AND e.first_assessed < {created}
                     THEN e.first_assessed ELSE {created} END AS listed_on
    FROM {facility} g LEFT JOIN (
        SELECT facility_id, min(assessed_on) AS first_assessed
        FROM {assessment} GROUP BY facility_id
    ) e ON e.facility_id = g.id
) f LEFT JOIN (
    SELECT facility_id, adapted, assessed_on,
           ROW_NUMBER() OVER (PARTITION BY facility_id ORDER BY assessed_on DESC, id DESC)
               AS newest
    FROM {assessment} WHERE assessed_on <= %s
) a ON a.facility_id = f.id AND a.newest = 1
WHERE f.listed_on <= %s
ORDER BY f.id
"""
_ASSESSMENTS_SQL = """
SELECT a.id, a.facility_id, a.assessed_on, a.adapted
FROM {assessment} a WHERE a.assessed_on <= %s
ORDER BY a.id
"""
_INSPECTIONS_SQL = """
SELECT i.id, i.facility_id, i.region_id, i.kind, i.inspected_on,
       (SELECT count(*) FROM {prescription} p WHERE p.inspection_id = i.id),
       (SELECT coalesce(sum(m.amount_tenge), 0) FROM {fine} m
        WHERE m.inspection_id = i.id AND m.imposed_on <= %s)
FROM {inspection} i WHERE i.inspected_on <= %s
ORDER BY i.id
"""


def _files(on: dt.date) -> Iterator[tuple[str, Iterator[pa.RecordBatch]]]:
    names = {
        "facility": Facility._meta.db_table,
        "assessment": Assessment._meta.db_table,
        "inspection": Inspection._meta.db_table,
        "prescription": Prescription._meta.db_table,
        "fine": Fine._meta.db_table,
        # The day a facility was recorded, in the country.
        "created": local_day_sql("g.created_at"),
    }
    yield (
        FACILITIES,
        query_batches(_FACILITIES_SQL.format(**names), [False, on, on], FACILITIES),
    )
    yield (
        FACILITY_ASSESSMENTS,
        query_batches(_ASSESSMENTS_SQL.format(**names), [on], FACILITY_ASSESSMENTS),
    )
    yield INSPECTIONS, query_batches(_INSPECTIONS_SQL.format(**names), [on, on], INSPECTIONS)


PART = DomainPart(
    step="accessibility",
    label=lambda: _("Exporting the facilities and inspections"),
    files=_files,
)
