"""The national implementation-rate report, read from a snapshot's rehabilitation part.

The rate of a set of programme lines is the mean of fulfilled ÷ prescribed over them (the
definition of docs/rehabilitation.md, the same as the database's report); the report gives it
for each region and year and for the country each year, and counts a year's orders by kind.
One DuckDB query over the Parquet files each: no database, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from inclusio.snapshot.contract import ORDERS, PROGRAMME_LINES, parquet_path


@dataclass(frozen=True)
class RateRow:
    region_code: str | None  # None: the country
    year: int
    lines: int
    percent: float


@dataclass(frozen=True)
class ImplementationReport:
    rows: list[RateRow]

    def national(self) -> dict[int, float]:
        return {row.year: row.percent for row in self.rows if row.region_code is None}

    def regional(self) -> dict[tuple[str, int], float]:
        return {
            (row.region_code, row.year): row.percent
            for row in self.rows
            if row.region_code is not None
        }


def _source(directory: Path, name: str) -> str:
    path = parquet_path(directory, name)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the snapshot has no {name} file")
    return "'" + str(path).replace("'", "''") + "'"


def implementation_report(directory: Path) -> ImplementationReport:
    """Every region's rate in every year of the lines, and the country's (GROUPING SETS: one
    scan of the lines)."""
    lines = _source(directory, PROGRAMME_LINES)
    with duckdb.connect() as db:
        rows = db.execute(
            f"""
            SELECT region_code, year, count(*) AS lines,
                   round(100 * avg(fulfilled::DOUBLE / prescribed), 1) AS percent
            FROM read_parquet({lines})
            GROUP BY GROUPING SETS ((region_code, year), (year))
            ORDER BY year, region_code NULLS FIRST
            """  # noqa: S608 — the path is quoted above, nothing else is interpolated
        ).fetchall()
    return ImplementationReport(
        rows=[RateRow(region, int(year), int(n), float(pct)) for region, year, n, pct in rows]
    )


def orders_by_kind(directory: Path, *, state: str = "confirmed") -> dict[str, int]:
    """How many orders of each kind the snapshot's year holds in ``state``."""
    orders = _source(directory, ORDERS)
    with duckdb.connect() as db:
        rows = db.execute(
            f"SELECT kind, count(*) FROM read_parquet({orders}) WHERE state = ? GROUP BY kind",  # noqa: S608
            [state],
        ).fetchall()
    return {str(kind): int(n) for kind, n in rows}


# The kinds of what the portal delivers, as the orders' file writes them (hygiene products count
# with the technical aids).
ORDER_KINDS = ("technical_aid", "sign_language", "personal_assistant", "sanatorium_treatment")
SANATORIUM = "sanatorium_treatment"


@dataclass(frozen=True)
class Received:
    """What persons received through the portal in a year: the orders confirmed in it, by kind,
    and the sanatorium organisations that gave the stays among them."""

    by_kind: dict[str, int]
    sanatoriums: int


def received_in_year(directory: Path, year: int) -> Received | None:
    """The orders confirmed (received) from 1 January to 31 December of ``year``; None when the
    snapshot has no orders' file. One scan of the file."""
    if not parquet_path(directory, ORDERS).is_file():
        return None
    orders = _source(directory, ORDERS)
    counts = ", ".join(f"count(*) FILTER (WHERE kind = '{kind}')" for kind in ORDER_KINDS)
    with duckdb.connect() as db:
        row = db.execute(
            f"""
            SELECT {counts},
                   count(DISTINCT supplier_id) FILTER (WHERE kind = '{SANATORIUM}')
            FROM read_parquet({orders})
            WHERE state = 'confirmed' AND year(confirmed_on) = ?
            """,  # noqa: S608 — the path is quoted above, the kinds are constants
            [year],
        ).fetchone()
    assert row is not None  # an aggregate without GROUP BY always gives a row
    return Received(
        by_kind={kind: int(n) for kind, n in zip(ORDER_KINDS, row, strict=False)},
        sanatoriums=int(row[-1]),
    )
