"""Why an award ends: the conditions of its programme for a holder the screening did not write.

``results.parquet`` keeps the subjects eligible to at least one programme, so a person whose
status ended (eligible to nothing now) is absent from it, and the award's end would carry no
reason. The few such holders are evaluated again here, over the part of the snapshot they need
(themselves, the persons they care for and those persons' carers, their families' members), so
that the person reads which condition is no longer met.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import ibis
import pyarrow as pa

from inclusio.rules.compiler import condition_names, person_table, programme_table
from inclusio.rules.loader import Programme
from inclusio.rules.results import RESULT_SCHEMA, ProgrammeColumns, unfold
from inclusio.rules.screen import check_snapshot, parameters_used, snapshot_tables


def ending_results(
    snapshot_dir: Path,
    on: dt.date,
    programmes: list[Programme],
    persons: list[str],
    families: list[str],
) -> pa.Table:
    """Rows in the shape of ``results.parquet`` for the person programmes over ``persons``
    (IINs) and the family programmes over ``families`` (snapshot family ids, as text)."""
    if not (persons or families) or not programmes:
        return RESULT_SCHEMA.empty_table()
    con = ibis.duckdb.connect()
    absent = check_snapshot(snapshot_dir, programmes)
    tables = snapshot_tables(con, snapshot_dir, absent, prefix="ending_")
    everyone, care = tables["persons"], tables["care"]
    holders = ibis.memtable(pa.table({"iin": pa.array(persons, pa.string())}))
    family_ids = ibis.memtable(
        pa.table({"family_id": pa.array([int(f) for f in families], pa.int64())})
    )
    cared = care.filter(care.carer_iin.isin(holders.iin)).select(iin=care.cared_iin)
    needed = everyone.filter(
        everyone.iin.isin(holders.iin)
        | everyone.iin.isin(cared.iin)
        | everyone.family_id.isin(family_ids.family_id)
    )
    base = person_table(needed, tables["disability"])
    # Every carer of the cared persons: the earliest carer rule compares them.
    links = care.filter(care.cared_iin.isin(cared.iin))
    parts = []
    for programme in sorted(programmes, key=lambda p: p.id):
        kind = programme.entity
        wanted = persons if kind == "person" else families
        if not wanted:
            continue
        table = programme_table(programme, base, on, care=links)
        table = table.filter(table.subject_id.isin(wanted)).order_by("subject_id")
        wide = con.to_pyarrow(table)
        if not wide.num_rows:
            continue
        parameters = json.dumps(parameters_used(programme, on), ensure_ascii=False, sort_keys=True)
        columns = ProgrammeColumns(
            programme.id,
            "eligible",
            "amount_kzt",
            tuple((name, name) for name in condition_names(programme)),
            parameters,
        )
        parts.append(unfold(wide, kind, [columns]).cast(RESULT_SCHEMA))
    if not parts:
        return RESULT_SCHEMA.empty_table()
    return pa.concat_tables(parts)
