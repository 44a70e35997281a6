"""The domains' part of a snapshot — facilities and inspections, housing waiting lists, job
quotas — and the one definition of every figure read from it.

Both the published statistics (``statistics.tables``) and the CRPD report's figures
(``crpd.figures``) count through the conditions below, so a table's total and the report's
figure are the same quantity. The part is optional: ``present`` says which of its files a
snapshot holds, after checking their columns against the contract (``DOMAIN_SCHEMAS``).

A period's figures (inspections held, persons housed, special workplaces organised) cover the
periodic report's years, from 1 January of its first year to the day before its date (the
report for 2018–2023 closes on 1 January 2024); asked without a first year, the
``PERIOD_YEARS`` whole years before the date's year.

The facilities and the employers' files state their rows as they are on the snapshot's date. On
an earlier day the facilities and their adaptation are read from the assessments' history
(``facility_assessments`` and the facilities' ``listed_on``), and the persons employed against
the quotas from the placements (``quota_placements``), when the snapshot holds them; the
employers under the quota and the places they owe are known on the snapshot's date only (the
registry keeps an employer's current headcount, not its past ones).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from inclusio.snapshot.contract import (
    DOMAIN_OPTIONAL_COLUMNS,
    DOMAIN_SCHEMAS,
    EMPLOYERS,
    FACILITIES,
    FACILITY_ASSESSMENTS,
    HOUSING_QUEUE,
    INSPECTIONS,
    QUOTA_PLACEMENTS,
    RESIDENCES,
    SPECIAL_WORKPLACES,
    SUPPORT_MEASURES,
    parquet_path,
    read_manifest,
)
from inclusio.snapshot.validate import check_columns, read_file_schema

PERIOD_YEARS = 6
# The housing categories the seed counts (§47): persons with disabilities of groups I–II, and
# families raising a child with a disability (one registration per family).
GROUP_I_II = "disability_group_1_2"
CHILD = "child_with_disability"

# --- the definitions: conditions on one row of a file, the date a parameter ($on) -------------
# A facility is on the map, and adapted or not, as the file states it on its date.
ADAPTED = "adapted"
# An inspection, a registration housed, a workplace begun in the period: from 1 January of the
# period's first year (``$first_year``) to the day before the date.
IN_PERIOD = "{column} >= make_date($first_year, 1, 1) AND {column} < $on"
INSPECTED_IN_PERIOD = IN_PERIOD.format(column="inspected_on")
HOUSED_IN_PERIOD = IN_PERIOD.format(column="housed_on")
WORKPLACE_IN_PERIOD = IN_PERIOD.format(column="first_month")
# Waiting on the date: registered by then, neither housed nor removed by then.
WAITING = (
    "registered_on <= $on AND (housed_on IS NULL OR housed_on > $on)"
    " AND (removed_on IS NULL OR removed_on > $on)"
)
# Kept in the dispatchers' registry on the date: recorded by then, not withdrawn by then.
KEPT = "recorded_on <= $on AND (withdrawn_on IS NULL OR withdrawn_on > $on)"
# Covered by a support measure on the date: started by then.
COVERED = "started <= $on"
# Employed against a quota on the date: the placement began by then and had not ended before.
PLACED = "started <= $on AND (ended IS NULL OR ended >= $on)"
# The facilities on the map on a day and their adaptation then, in the columns of the facilities'
# file: listed by that day, adapted as their assessment of that day or the latest before says
# (the one recorded last when two share a day); never assessed by then, not adapted.
FACILITIES_ON = """
    SELECT f.facility_id, f.region_code, f.category, f.owner, f.is_court,
           coalesce(a.adapted, false) AS adapted, a.assessed_on
    FROM {facilities} AS f LEFT JOIN (
        SELECT facility_id, adapted, assessed_on FROM {assessments} WHERE assessed_on <= $on
        QUALIFY row_number() OVER (
            PARTITION BY facility_id ORDER BY assessed_on DESC, assessment_id DESC) = 1
    ) AS a USING (facility_id)
    WHERE f.listed_on <= $on
"""


def present(directory: Path) -> frozenset[str]:
    """The domain files the snapshot holds; a file whose columns break the contract is refused
    (``SnapshotError``) rather than read as absent."""
    found = set()
    for name, schema in DOMAIN_SCHEMAS.items():
        if not parquet_path(directory, name).is_file():
            continue
        actual = read_file_schema(directory, name)
        optional = DOMAIN_OPTIONAL_COLUMNS.get(name, frozenset())
        required = [column for column in schema.names if column not in optional]
        check_columns(parquet_path(directory, name), actual, schema, required)
        found.add(name)
    return frozenset(found)


def dated(directory: Path, held: frozenset[str] | None = None) -> frozenset[str]:
    """The files whose rows the snapshot can also give on an earlier day than its own, from the
    histories it holds: ``facilities`` (with their assessments and the day each joined the map)
    and ``employers``' persons employed (with the placements)."""
    held = present(directory) if held is None else held
    found = set()
    if {FACILITIES, FACILITY_ASSESSMENTS} <= held and "listed_on" in read_file_schema(
        directory, FACILITIES
    ).names:
        found.add(FACILITIES)
    if QUOTA_PLACEMENTS in held:
        found.add(QUOTA_PLACEMENTS)
    return frozenset(found)


def _read(directory: Path, name: str) -> str:
    return "read_parquet('" + str(parquet_path(directory, name)).replace("'", "''") + "')"


# Each figure: the file it reads and its aggregate over that file (constants only).
_FIGURES: dict[str, tuple[str, str]] = {
    "facilities": (FACILITIES, "count(*)"),
    "facilities_adapted": (FACILITIES, f"count(*) FILTER (WHERE {ADAPTED})"),
    "courts": (FACILITIES, "count(*) FILTER (WHERE is_court)"),
    "courts_adapted": (FACILITIES, f"count(*) FILTER (WHERE is_court AND {ADAPTED})"),
    "inspections": (INSPECTIONS, f"count(*) FILTER (WHERE {INSPECTED_IN_PERIOD})"),
    "prescriptions": (
        INSPECTIONS,
        f"coalesce(sum(prescriptions) FILTER (WHERE {INSPECTED_IN_PERIOD}), 0)",
    ),
    "fines_kzt": (INSPECTIONS, f"coalesce(sum(fines_kzt) FILTER (WHERE {INSPECTED_IN_PERIOD}), 0)"),
    "waiting_persons": (
        HOUSING_QUEUE,
        f"count(*) FILTER (WHERE category = '{GROUP_I_II}' AND {WAITING})",
    ),
    "waiting_families": (
        HOUSING_QUEUE,
        f"count(*) FILTER (WHERE category = '{CHILD}' AND {WAITING})",
    ),
    "housed_persons": (
        HOUSING_QUEUE,
        f"count(*) FILTER (WHERE category = '{GROUP_I_II}' AND {HOUSED_IN_PERIOD})",
    ),
    "housed_families": (
        HOUSING_QUEUE,
        f"count(*) FILTER (WHERE category = '{CHILD}' AND {HOUSED_IN_PERIOD})",
    ),
    "employers": (EMPLOYERS, "count(*)"),
    "quota_places": (EMPLOYERS, "coalesce(sum(quota_places), 0)"),
    "quota_employed": (EMPLOYERS, "coalesce(sum(quota_employed), 0)"),
    "special_workplaces": (
        SPECIAL_WORKPLACES,
        f"count(*) FILTER (WHERE {WORKPLACE_IN_PERIOD})",
    ),
    "support_measures": (SUPPORT_MEASURES, f"count(*) FILTER (WHERE {COVERED})"),
    "support_permanent_job": (
        SUPPORT_MEASURES,
        f"count(*) FILTER (WHERE kind = 'permanent_job' AND {COVERED})",
    ),
    "residences": (RESIDENCES, f"count(*) FILTER (WHERE {KEPT})"),
}
FIGURE_NAMES = tuple(_FIGURES)
# The figures with no date in their definition: the facilities and employers as the file states
# them on the snapshot's date. On another day they are read from the histories (below) when the
# snapshot holds them, and are otherwise not known ("no data"), never the snapshot's state shown
# under an earlier date.
UNDATED = frozenset(name for name, (_, aggregate) in _FIGURES.items() if "$on" not in aggregate)
# The undated figures a history gives on another day: the facilities' over ``FACILITIES_ON``, the
# persons employed over the placements in force.
_ON_ANOTHER_DAY = {
    **{name: FACILITIES for name, (file, _) in _FIGURES.items() if file == FACILITIES},
    "quota_employed": QUOTA_PLACEMENTS,
}


def snapshot_date(directory: Path) -> dt.date | None:
    """The snapshot's own date: an export names it ``date``, the synthetic generator
    ``reference_date``."""
    manifest = read_manifest(directory)
    day = manifest.get("date") or manifest.get("reference_date")
    return dt.date.fromisoformat(day) if day else None


def facilities_on(facilities: str, assessments: str) -> str:
    """``FACILITIES_ON`` over the two relations (views, or ``read_parquet`` of the files)."""
    return FACILITIES_ON.format(facilities=facilities, assessments=assessments)


def figures(
    directory: Path, on: dt.date, *, first_year: int | None = None
) -> dict[str, int | None]:
    """Every domain figure on the date, one query per file; None for a file the snapshot does
    not hold, and for a figure of the snapshot's day only on another day. A period's figure
    counts from 1 January of ``first_year`` (a report's first year) to the day before the date;
    without it, the ``PERIOD_YEARS`` whole years before the date's year."""
    since = on.year - PERIOD_YEARS if first_year is None else first_year
    held = present(directory)
    values: dict[str, int | None] = dict.fromkeys(_FIGURES)
    another_day = on != snapshot_date(directory)
    histories = dated(directory, held) if another_day else frozenset()
    with duckdb.connect() as db:
        for name in DOMAIN_SCHEMAS:
            if name not in held:
                continue
            mine = [figure for figure, (file, _) in _FIGURES.items() if file == name]
            if not mine:
                continue
            source = _read(directory, name)
            if another_day and name == FACILITIES and FACILITIES in histories:
                source = "(" + facilities_on(source, _read(directory, FACILITY_ASSESSMENTS)) + ")"
            aggregates = ", ".join(_FIGURES[figure][1] for figure in mine)
            sql = f"SELECT {aggregates} FROM {source}"  # noqa: S608 — constants
            params: dict[str, object] = {"on": on} if "$on" in sql else {}
            if "$first_year" in sql:
                params["first_year"] = since
            row = db.execute(sql, params).fetchone()
            assert row is not None  # an aggregate without GROUP BY always gives a row
            values.update({figure: int(value) for figure, value in zip(mine, row, strict=True)})
        if another_day and QUOTA_PLACEMENTS in histories:
            sql = f"SELECT count(*) FROM {_read(directory, QUOTA_PLACEMENTS)} WHERE {PLACED}"  # noqa: S608
            row = db.execute(sql, {"on": on}).fetchone()
            assert row is not None
            values["quota_employed"] = int(row[0])
    if another_day:
        values.update(
            {
                name: None
                for name in UNDATED
                if _ON_ANOTHER_DAY.get(name) not in histories or values[name] is None
            }
        )
    return values
