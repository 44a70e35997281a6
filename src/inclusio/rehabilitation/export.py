"""The programme lines' file of a snapshot (``inclusio snapshot-export``): every line the
implementation rate counts on the date — not withdrawn, begun by then — with the person's IIN,
the line's region and year, the category, what it owes and what of it was delivered. The rate of
the file (``snapshot.rehabilitation``) is then the database's (``selectors.rate_by_year`` and
``rate_by_region`` with ``today`` the export's date): the same lines, the same shares. No name,
no diagnosis: the file is for the national report and the statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa
from django.utils.translation import gettext as _

from inclusio.registry.export import DomainPart, query_batches
from inclusio.registry.models import Person
from inclusio.rehabilitation.models import Line, Programme, ProgrammeItem
from inclusio.snapshot.contract import PROGRAMME_LINES

# ``selectors.counted_lines(today)``'s lines, written one a row. Only the models' table names are
# interpolated.
_LINES_SQL = """
SELECT p.iin, l.region_id, i.category, l.year, l.quantity, l.fulfilled
FROM {line} l
JOIN {item} i ON i.id = l.item_id
JOIN {programme} g ON g.id = i.programme_id
JOIN {person} p ON p.id = g.person_id
WHERE l.withdrawn = %s AND l.starts <= %s
ORDER BY l.id
"""


def _files(on: dt.date) -> Iterator[tuple[str, Iterator[pa.RecordBatch]]]:
    sql = _LINES_SQL.format(
        line=Line._meta.db_table,
        item=ProgrammeItem._meta.db_table,
        programme=Programme._meta.db_table,
        person=Person._meta.db_table,
    )
    yield PROGRAMME_LINES, query_batches(sql, [False, on], PROGRAMME_LINES)


PART = DomainPart(
    step="rehabilitation",
    label=lambda: _("Exporting the rehabilitation programmes' lines"),
    files=_files,
    part="rehabilitation",
)
