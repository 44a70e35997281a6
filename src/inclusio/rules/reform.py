"""What-if: a drafted change to programmes, run over a snapshot beside the law in force.

No Django here, and nothing written but what the caller asks for: real awards are never
touched. A draft is a whole programme file (the current one, edited): the loader checks it as it
checks any rule file, with file and line. A draft whose id is not a programme in force is a new
programme (everyone it finds is gained).

For each drafted programme both versions are compiled over the same snapshot tables and joined
subject by subject; the counts are grouped by programme and region in the engine, so only the
per-region figures come back to Python. Amounts are monthly; a year is twelve months. A
one-off grant (``period: once``) is counted apart: once in the year, never in the month. A
programme paid by the day (``proration: daily``) is counted by its month: the month of the date
compared, screened day by day (``rules.periods.month_table``), a year being twelve such months.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis

from inclusio.rules.compiler import person_table, programme_table
from inclusio.rules.engines import connect
from inclusio.rules.errors import RuleError, _
from inclusio.rules.loader import Programme
from inclusio.rules.periods import month_table
from inclusio.rules.residual import refusing_arithmetic
from inclusio.rules.screen import check_snapshot, snapshot_tables

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Difference:
    """One programme in one region: recipients and monthly cost, in force and as drafted."""

    programme: str
    region_code: str
    recipients_before: int
    recipients_after: int
    gained: int  # eligible as drafted, not under the law in force
    lost: int  # eligible under the law in force, not as drafted
    monthly_before_kzt: int
    monthly_after_kzt: int
    # One-off grants (``period: once``): paid once, so in the year once and in no month.
    once_before_kzt: int = 0
    once_after_kzt: int = 0

    @property
    def monthly_change_kzt(self) -> int:
        return self.monthly_after_kzt - self.monthly_before_kzt

    @property
    def once_change_kzt(self) -> int:
        return self.once_after_kzt - self.once_before_kzt

    @property
    def yearly_change_kzt(self) -> int:
        return self.monthly_change_kzt * MONTHS_PER_YEAR + self.once_change_kzt


@dataclass(frozen=True)
class Comparison:
    date: datetime.date
    rows: tuple[Difference, ...]  # by programme, then region
    seconds: float = 0.0
    programmes: tuple[str, ...] = field(default=())
    one_off: tuple[str, ...] = field(default=())  # compared programmes that are one-off grants
    by_the_day: tuple[str, ...] = field(default=())  # compared programmes paid by the day

    def total(self, programme: str | None = None) -> Difference:
        """The sum over regions (and over programmes, when ``programme`` is None)."""
        rows = [r for r in self.rows if programme is None or r.programme == programme]
        return Difference(
            programme=programme or "",
            region_code="",
            recipients_before=sum(r.recipients_before for r in rows),
            recipients_after=sum(r.recipients_after for r in rows),
            gained=sum(r.gained for r in rows),
            lost=sum(r.lost for r in rows),
            monthly_before_kzt=sum(r.monthly_before_kzt for r in rows),
            monthly_after_kzt=sum(r.monthly_after_kzt for r in rows),
            once_before_kzt=sum(r.once_before_kzt for r in rows),
            once_after_kzt=sum(r.once_after_kzt for r in rows),
        )

    def by_region(self) -> list[Difference]:
        """One row per region, every drafted programme together."""
        regions = sorted({r.region_code for r in self.rows})
        totals = []
        for region in regions:
            rows = [r for r in self.rows if r.region_code == region]
            totals.append(
                Difference(
                    programme="",
                    region_code=region,
                    recipients_before=sum(r.recipients_before for r in rows),
                    recipients_after=sum(r.recipients_after for r in rows),
                    gained=sum(r.gained for r in rows),
                    lost=sum(r.lost for r in rows),
                    monthly_before_kzt=sum(r.monthly_before_kzt for r in rows),
                    monthly_after_kzt=sum(r.monthly_after_kzt for r in rows),
                    once_before_kzt=sum(r.once_before_kzt for r in rows),
                    once_after_kzt=sum(r.once_after_kzt for r in rows),
                )
            )
        return totals


def _regions(tables: dict[str, Any]) -> Any:
    """Every subject's region: persons by IIN, families by their id as text."""
    persons, families = tables["persons"], tables["families"]
    return ibis.union(
        persons.select(
            subject_kind=ibis.literal("person"),
            subject_id=persons.iin,
            region_code=persons.region_code,
        ),
        families.select(
            subject_kind=ibis.literal("family"),
            subject_id=families.family_id.cast("string"),
            region_code=families.region_code,
        ),
    )


def _outcome(programme: Programme | None, base: Any, care: Any, on: datetime.date) -> Any:
    """subject_id, eligible, amount_kzt of the eligible subjects of ``programme`` (none if None)."""
    if programme is None:
        empty = base.select(subject_id=base.iin, amount_kzt=ibis.null().cast("int64"))
        return empty.filter(ibis.literal(False))
    if programme.proration == "daily":
        table = month_table(programme, base, on, care=care)
    else:
        table = programme_table(programme, base, on, care=care)
    return table.filter(table.eligible).select("subject_id", "amount_kzt")


def _costs(located: Any, side: str, programme: Programme | None) -> dict[str, Any]:
    """A side's cost, in the month or once, as ``programme`` pays it."""
    total = located[f"{side}_kzt"].sum()
    nothing = ibis.literal(0, "int64")
    once = programme is not None and programme.period == "once"
    return {
        f"monthly_{side}_kzt": nothing if once else total,
        f"once_{side}_kzt": total if once else nothing,
    }


def _compared(arguments: dict[str, Any]) -> list[Programme]:
    drafts = list(arguments["drafts"])
    ids = {draft.id for draft in drafts}
    return drafts + [p for p in arguments["in_force"] if p.id in ids]


@refusing_arithmetic(_compared)
def compare(
    snapshot_dir: Path | str,
    on: datetime.date,
    in_force: Iterable[Programme],
    drafts: Iterable[Programme],
    *,
    engine: str = "duckdb",
    spark_master: str = "",
    threads: int | None = None,
) -> Comparison:
    """Run each draft beside the programme in force with the same id; count the difference.

    Raises ``SnapshotError`` for a snapshot that breaks the contract and ``RuleError`` when a
    programme has no parameter value on ``on`` — before anything is computed — or
    ``residual.ArithmeticStopped`` when a programme's arithmetic stops on the snapshot's values.
    """
    started = time.monotonic()
    drafts = list(drafts)
    if not drafts:
        raise ValueError("no drafted programme to compare")
    ids = [d.id for d in drafts]
    if len(set(ids)) != len(ids):
        raise ValueError(f"a programme drafted twice: {sorted(i for i in ids if ids.count(i) > 1)}")
    current = {p.id: p for p in in_force}
    for draft in drafts:
        before = current.get(draft.id)
        if before is not None and before.entity != draft.entity:
            raise RuleError(
                _(
                    "the draft of %(programme)r is for a %(entity)s, the programme in force "
                    "for a %(before)s"
                ),
                file=draft.file,
                programme=draft.id,
                entity=draft.entity,
                before=before.entity,
            )
    compared = [*drafts, *(current[d.id] for d in drafts if d.id in current)]
    # The cost is counted by region (``_regions``).
    regions_read = {"persons": ["region_code"], "families": ["region_code"]}
    absent = check_snapshot(Path(snapshot_dir), compared, also=regions_read)

    con = connect(engine, threads=threads, spark_master=spark_master)
    tables = snapshot_tables(con, Path(snapshot_dir), absent, prefix="w_")
    base = person_table(tables["persons"], tables["disability"])
    regions = _regions(tables)
    parts = []
    for draft in drafts:
        before = _outcome(current.get(draft.id), base, tables["care"], on)
        # A view: a draft that changes nothing on this date compiles to the same relation.
        after = _outcome(draft, base, tables["care"], on).view()
        joined = before.outer_join(after, before.subject_id == after.subject_id)
        pairs = joined.select(
            subject_id=ibis.coalesce(joined.subject_id, joined.subject_id_right),
            was=joined.subject_id.notnull(),
            now=joined.subject_id_right.notnull(),
            before_kzt=joined.amount_kzt.fill_null(0),
            after_kzt=joined.amount_kzt_right.fill_null(0),
        )
        mine = regions.filter(regions.subject_kind == draft.entity)
        # A fresh view: Ibis would otherwise fold this join into the outer join above.
        located = pairs.view().join(mine, "subject_id")
        parts.append(
            located.group_by("region_code").aggregate(
                programme=ibis.literal(draft.id),
                recipients_before=located.was.cast("int64").sum(),
                recipients_after=located.now.cast("int64").sum(),
                gained=(located.now & ~located.was).cast("int64").sum(),
                lost=(located.was & ~located.now).cast("int64").sum(),
                **_costs(located, "before", current.get(draft.id)),
                **_costs(located, "after", draft),
            )
        )
    result = ibis.union(*parts).order_by(["programme", "region_code"])
    rows = tuple(
        Difference(
            programme=row["programme"],
            region_code=row["region_code"],
            recipients_before=int(row["recipients_before"] or 0),
            recipients_after=int(row["recipients_after"] or 0),
            gained=int(row["gained"] or 0),
            lost=int(row["lost"] or 0),
            monthly_before_kzt=int(row["monthly_before_kzt"] or 0),
            monthly_after_kzt=int(row["monthly_after_kzt"] or 0),
            once_before_kzt=int(row["once_before_kzt"] or 0),
            once_after_kzt=int(row["once_after_kzt"] or 0),
        )
        for row in con.to_pyarrow(result).to_pylist()
    )
    return Comparison(
        date=on,
        rows=rows,
        seconds=time.monotonic() - started,
        programmes=tuple(sorted(ids)),
        one_off=tuple(sorted({p.id for p in compared if p.period == "once"})),
        by_the_day=tuple(sorted({p.id for p in compared if p.proration == "daily"})),
    )
