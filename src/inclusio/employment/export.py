"""The job quotas' files of a snapshot (``inclusio snapshot-export``): every employer with its
quota in the date's month (``quota.compliance_arrays``, the rates the ministry keeps) and the
persons with disabilities it employs on the date, the placements against the quotas begun by then
(so that the persons employed can be counted on any earlier day), the special workplaces begun
by then, and the persons covered by support measures started by then. An employer's quota on an
earlier day is not written: the registry keeps its current headcount only. No BIN, no name, no
person: the files are for aggregates (``snapshot.domains``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
from django.db import connection
from django.utils.translation import gettext as _

from inclusio.employment.models import Employer, Placement, SpecialWorkplace, SupportMeasure
from inclusio.employment.quota import QuotaRates, compliance_arrays
from inclusio.registry.export import DomainPart, query_batches
from inclusio.registry.models import Person
from inclusio.snapshot.contract import (
    DOMAIN_SCHEMAS,
    EMPLOYERS,
    QUOTA_PLACEMENTS,
    SPECIAL_WORKPLACES,
    SUPPORT_MEASURES,
)

# The placements lasting on the date count against the employer's quota (``quota._active_on``).
_EMPLOYERS_SQL = """
SELECT e.id, e.region_id, e.headcount, e.hazardous_jobs,
       (SELECT count(*) FROM {placement} p WHERE p.employer_id = e.id AND p.started <= %s
        AND (p.ended IS NULL OR p.ended >= %s))
FROM {employer} e ORDER BY e.id
"""
# An end after the date is not known on it: written as not ended.
_PLACEMENTS_SQL = """
SELECT p.employer_id, e.region_id, p.started, CASE WHEN p.ended <= %s THEN p.ended END
FROM {placement} p JOIN {employer} e ON e.id = p.employer_id
WHERE p.started <= %s ORDER BY p.id
"""
_WORKPLACES_SQL = """
SELECT w.id, e.region_id, w.first_month
FROM {workplace} w
JOIN {placement} p ON p.id = w.placement_id
JOIN {employer} e ON e.id = p.employer_id
WHERE w.first_month <= %s ORDER BY w.id
"""
_SUPPORT_SQL = """
SELECT r.region_id, s.kind, s.started
FROM {measure} s JOIN {person} r ON r.id = s.person_id
WHERE s.started <= %s ORDER BY s.id
"""


def _employers(on: dt.date) -> Iterator[pa.RecordBatch]:
    """The employers with their quota: one read of the rates, one vectorised computation."""
    with connection.cursor() as cursor:
        cursor.execute(
            _EMPLOYERS_SQL.format(
                placement=Placement._meta.db_table, employer=Employer._meta.db_table
            ),
            [on, on],
        )
        rows = cursor.fetchall()
    if not rows:
        return
    ids, regions, headcount, hazardous, filled = (
        np.array(column) for column in zip(*rows, strict=True)
    )
    quota = compliance_arrays(
        region=regions,
        headcount=headcount.astype(np.int64),
        hazardous=hazardous.astype(np.int64),
        filled=filled.astype(np.int64),
        month=on.replace(day=1),
        rates=QuotaRates.from_database(),
    )["quota"]
    yield pa.record_batch(
        [
            pa.array(ids.astype(np.int64)),
            pa.array(regions.tolist(), type=pa.string()),
            pa.array(headcount.astype(np.int32)),
            pa.array(hazardous.astype(np.int32)),
            pa.array(quota.astype(np.int32)),
            pa.array(filled.astype(np.int32)),
        ],
        schema=DOMAIN_SCHEMAS[EMPLOYERS],
    )


def _files(on: dt.date) -> Iterator[tuple[str, Iterator[pa.RecordBatch]]]:
    names = {
        "employer": Employer._meta.db_table,
        "placement": Placement._meta.db_table,
        "workplace": SpecialWorkplace._meta.db_table,
        "measure": SupportMeasure._meta.db_table,
        "person": Person._meta.db_table,
    }
    yield EMPLOYERS, _employers(on)
    yield (
        QUOTA_PLACEMENTS,
        query_batches(_PLACEMENTS_SQL.format(**names), [on, on], QUOTA_PLACEMENTS),
    )
    yield (
        SPECIAL_WORKPLACES,
        query_batches(_WORKPLACES_SQL.format(**names), [on], SPECIAL_WORKPLACES),
    )
    yield SUPPORT_MEASURES, query_batches(_SUPPORT_SQL.format(**names), [on], SUPPORT_MEASURES)


PART = DomainPart(
    step="employment",
    label=lambda: _("Exporting the job quotas and employment support"),
    files=_files,
)
