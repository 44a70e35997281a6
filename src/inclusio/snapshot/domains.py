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
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from inclusio.snapshot.contract import (
    DOMAIN_SCHEMAS,
    EMPLOYERS,
    FACILITIES,
    HOUSING_QUEUE,
    INSPECTIONS,
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
# Covered by a support measure on the date: started by then.
COVERED = "started <= $on"


def present(directory: Path) -> frozenset[str]:
    """The domain files the snapshot holds; a file whose columns break the contract is refused
    (``SnapshotError``) rather than read as absent."""
    found = set()
    for name, schema in DOMAIN_SCHEMAS.items():
        if not parquet_path(directory, name).is_file():
            continue
        actual = read_file_schema(directory, name)
        check_columns(parquet_path(directory, name), actual, schema, schema.names)
        found.add(name)
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
}
FIGURE_NAMES = tuple(_FIGURES)
# The figures with no date in their definition: the facilities and employers as the file states
# them on the snapshot's date, which the part holds no history of; on another day they are not
# known ("no data"), never the snapshot's state shown under an earlier date.
UNDATED = frozenset(name for name, (_, aggregate) in _FIGURES.items() if "$on" not in aggregate)


def snapshot_date(directory: Path) -> dt.date | None:
    """The snapshot's own date: an export names it ``date``, the synthetic generator
    ``reference_date``."""
    manifest = read_manifest(directory)
    day = manifest.get("date") or manifest.get("reference_date")
    return dt.date.fromisoformat(day) if day else None


def figures(
    directory: Path, on: dt.date, *, first_year: int | None = None
) -> dict[str, int | None]:
    """Every domain figure on the date, one query per file; None for a file the snapshot does
    not hold. A period's figure counts from 1 January of ``first_year`` (a report's first year)
    to the day before the date; without it, the ``PERIOD_YEARS`` whole years before the date's
    year."""
    since = on.year - PERIOD_YEARS if first_year is None else first_year
    held = present(directory)
    values: dict[str, int | None] = dict.fromkeys(_FIGURES)
    with duckdb.connect() as db:
        for name in DOMAIN_SCHEMAS:
            if name not in held:
                continue
            mine = [figure for figure, (file, _) in _FIGURES.items() if file == name]
            if not mine:
                continue
            aggregates = ", ".join(_FIGURES[figure][1] for figure in mine)
            sql = f"SELECT {aggregates} FROM {_read(directory, name)}"  # noqa: S608 — constants
            params: dict[str, object] = {"on": on} if "$on" in sql else {}
            if "$first_year" in sql:
                params["first_year"] = since
            row = db.execute(sql, params).fetchone()
            assert row is not None  # an aggregate without GROUP BY always gives a row
            values.update({figure: int(value) for figure, value in zip(mine, row, strict=True)})
    if on != snapshot_date(directory):
        values.update(dict.fromkeys(UNDATED))
    return values
