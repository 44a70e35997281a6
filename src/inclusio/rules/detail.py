"""Which cared person or family member met which per-person condition: ``members.parquet``.

A carer programme counts the cared persons who meet its ``cared`` conditions, a family
programme the members who meet its ``members`` conditions; ``results.parquet`` keeps only the
count (``cared_count``, ``member_count``). The explanation also names who counted and which
condition failed for whom, so the screening writes, beside ``results.parquet``, one row per
subject, programme and person checked:

============== ====================================== ==========================================
column          type                                   meaning
============== ====================================== ==========================================
subject_kind    string                                 ``person`` (a carer) or ``family``
subject_id      string                                 the carer's IIN or the family id
programme       string                                 the programme's id
member          string                                 the cared person's or member's IIN
counted         bool                                   every condition holds and the person
                                                       counts for this subject (with
                                                       ``earliest_carer_only``, a cared person
                                                       counts for one carer only)
reasons         list<struct<condition: string,         each per-person condition, in the order
                met: bool>>                            of the rule file, and its truth
============== ====================================== ==========================================

Only the subjects whose rows a proposal or an award is made from are detailed — those eligible
to the programme and the explained holders (``screen(explained=…)``) — and a person who died,
emigrated or is imprisoned on the date is not listed (such a person never counts). These are a
few hundred thousand rows nationally, computed after the kept subjects are known, so the
detail costs a join of the kept subjects to the care links or the persons of their families,
not another pass over the population's conditions. No Django here.
"""

from __future__ import annotations

import datetime
from typing import Any

import ibis
import numpy as np
import pyarrow as pa

from inclusio.rules.compiler import compile_expression, decided, parameters_on
from inclusio.rules.life import present
from inclusio.rules.loader import Condition, Programme
from inclusio.rules.results import REASON_TYPE

MEMBERS = "members.parquet"
MEMBER_SCHEMA = pa.schema(
    [
        pa.field("subject_kind", pa.string()),
        pa.field("subject_id", pa.string()),
        pa.field("programme", pa.string()),
        pa.field("member", pa.string()),
        pa.field("counted", pa.bool_()),
        pa.field("reasons", REASON_TYPE),
    ]
)


def _tested(
    conditions: tuple[Condition, ...], table: Any, programme: Programme, on: datetime.date
) -> tuple[dict[str, Any], Any]:
    """Each per-person condition as a decided column (``d0``, ``d1``…), and whether all hold."""
    parameters = parameters_on(programme, on)
    known: dict[str, Any] = {}
    columns: dict[str, Any] = {}
    every = ibis.literal(True)
    for position, condition in enumerate(conditions):
        known[condition.name] = compile_expression(
            condition.expression, table, on, parameters, known
        )
        columns[f"d{position}"] = decided(known[condition.name])
        every = every & columns[f"d{position}"]
    return columns, every


def cared_detail(
    programme: Programme, recorded: Any, care: Any, carers: Any, on: datetime.date
) -> Any:
    """The cared persons of ``carers`` (a table of ``subject_id``: carers' IINs), one row per
    care link: ``subject_id`` (the carer), ``member``, ``counted`` and ``d0``… (each condition).

    As ``compiler.cared_counts`` counts them: the cared person read from ``recorded`` (the
    persons with a record or a care link, joined to their record), with ``earliest_carer_only``
    counting for the earliest qualifying link of every carer of that person, detailed or not.
    """
    cared = programme.cared
    assert cared is not None
    links = care.select(
        carer_iin=care.carer_iin,
        cared_iin=care.cared_iin,
        care_relation=care.relation,
        care_since=care.since,
    )
    mine = links.semi_join(carers, links.carer_iin == carers.subject_id)
    # Every link of those cared persons: another carer may come first.
    theirs = links.semi_join(mine, links.cared_iin == mine.cared_iin)
    joined = theirs.join(recorded, theirs.cared_iin == recorded.iin)
    joined = joined.filter(present(joined, on))
    columns, every = _tested(cared.conditions, joined, programme, on)
    tested = joined.select("carer_iin", "cared_iin", "care_since", every=every, **columns)
    counted = tested.every
    if cared.earliest_carer_only:
        first = ibis.row_number().over(
            group_by=tested.cared_iin,
            order_by=[(~tested.every).cast("int8"), tested.care_since, tested.carer_iin],
        )
        counted = counted & (first == 0)
    tested = tested.mutate(counted=counted)
    detailed = tested.semi_join(carers, tested.carer_iin == carers.subject_id)
    return detailed.select(
        subject_id=detailed.carer_iin,
        member=detailed.cared_iin,
        counted=detailed.counted,
        **{name: detailed[name] for name in columns},
    ).distinct()


def member_detail(programme: Programme, persons: Any, on: datetime.date) -> Any:
    """``persons`` (the person table of the detailed families' members), one row each:
    ``subject_id`` (the family), ``member``, ``counted`` and ``d0``…"""
    members = programme.members
    assert members is not None
    mine = persons.filter(present(persons, on))
    columns, every = _tested(members.conditions, mine, programme, on)
    return mine.select(
        subject_id=mine.family_id.cast("string"),
        member=mine.iin,
        counted=every,
        **columns,
    )


def detail_rows(
    detailed: pa.Table, kind: str, programme: Programme, conditions: tuple[Condition, ...]
) -> pa.Table:
    """``detailed`` (``subject_id``, ``member``, ``counted``, ``d0``…) as ``MEMBER_SCHEMA`` rows,
    the reasons built with Arrow (no loop over rows), ordered by subject and member."""
    detailed = detailed.sort_by([("subject_id", "ascending"), ("member", "ascending")])
    rows, count = detailed.num_rows, len(conditions)
    offsets = pa.array(np.arange(rows + 1, dtype=np.int32) * count)
    if count:
        met = np.column_stack(
            [detailed[f"d{i}"].to_numpy(zero_copy_only=False) for i in range(count)]
        ).reshape(-1)
    else:
        met = np.array([], dtype=bool)
    names = pa.array([c.name for c in conditions] * rows, pa.string())
    reasons = pa.ListArray.from_arrays(
        offsets,
        pa.StructArray.from_arrays([names, pa.array(met, pa.bool_())], ["condition", "met"]),
    )
    return pa.table(
        {
            "subject_kind": pa.array([kind] * rows, pa.string()),
            "subject_id": detailed["subject_id"].cast(pa.string()),
            "programme": pa.array([programme.id] * rows, pa.string()),
            "member": detailed["member"].cast(pa.string()),
            "counted": detailed["counted"].cast(pa.bool_()),
            "reasons": reasons,
        },
        schema=MEMBER_SCHEMA,
    )
