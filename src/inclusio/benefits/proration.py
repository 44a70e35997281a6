"""A month paid by the day: what the payroll pays the awards of a ``proration: daily`` programme.

The amount is the rules engine's (``rules.periods.evaluate_month``): each day of the month
screened over the snapshot of the latest completed screening run, the days eligible summed and
divided by the month's days — the screening's own arithmetic, never a second formula here. Only
the award holders' rows are read from the snapshot (and, for a family programme, their families'
members; for a carer programme, the persons they care for), so a month costs the holders, not
the population.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import ibis
import pyarrow as pa

from inclusio.benefits.models import Programme, ScreeningRun
from inclusio.benefits.screening import rule_programme
from inclusio.core.parameters import shared_parameters
from inclusio.rules.periods import evaluate_month
from inclusio.rules.screen import check_snapshot, snapshot_tables


@dataclass(frozen=True)
class MonthPaid:
    days: int  # the days of the month the person was eligible
    amount_kzt: int  # the month paid by the day


def latest_snapshot() -> Path | None:
    """The snapshot of the latest completed screening run: what the platform knows now."""
    run = (
        ScreeningRun.objects.filter(status=ScreeningRun.Status.COMPLETED)
        .order_by("-finished_at", "-pk")
        .only("snapshot_dir")
        .first()
    )
    return Path(run.snapshot_dir) if run is not None else None


def month_paid(
    programme: Programme, holders: list[str], month: dt.date, snapshot_dir: Path
) -> dict[str, MonthPaid]:
    """By holder's IIN (the person, or the head of the family paid): the days and the amount
    of ``month`` for those eligible on at least one day of it. Raises ``SnapshotError`` for a
    snapshot that breaks the contract and ``RuleError`` when a parameter has no value."""
    rule = rule_programme(programme, shared_parameters())
    absent = check_snapshot(snapshot_dir, [rule])
    con = ibis.duckdb.connect()
    tables = snapshot_tables(con, snapshot_dir, absent, prefix="m_")
    wanted = ibis.memtable(pa.table({"holder_iin": pa.array(holders, pa.string())}))
    persons, care = tables["persons"], tables["care"]
    holding = persons.join(wanted, persons.iin == wanted.holder_iin).select(
        "iin", family=persons.family_id.cast("string")
    )
    if rule.entity == Programme.Entity.FAMILY:
        # A family programme is screened over its members; its subject is the family.
        members = persons.semi_join(holding, persons.family_id.cast("string") == holding.family)
    else:
        care = care.semi_join(wanted, care.carer_iin == wanted.holder_iin)
        cared = care.select(iin=care.cared_iin)
        members = persons.semi_join(ibis.union(holding.select("iin"), cared), "iin")
    # The few rows read once here; the month screens them once per day.
    read = {
        "persons": con.to_pyarrow(members),
        "disability": con.to_pyarrow(tables["disability"].semi_join(members, "iin")),
        "care": con.to_pyarrow(care),
    }
    holder_of = {
        row["family"] if rule.entity == Programme.Entity.FAMILY else row["iin"]: row["iin"]
        for row in con.to_pyarrow(holding).to_pylist()
    }
    paid: dict[str, MonthPaid] = {}
    for row in evaluate_month(rule, read, month).to_pylist():
        holder = holder_of.get(row["subject_id"])
        if holder is not None and row["eligible"]:
            paid[holder] = MonthPaid(days=int(row["days"]), amount_kzt=int(row["amount_kzt"] or 0))
    return paid
