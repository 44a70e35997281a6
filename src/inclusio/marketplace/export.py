"""The orders' file of a snapshot (``inclusio snapshot-export``): the Social Services Portal's
orders as the contract states them on the date — ``confirmed`` (received by the person on or
before it, with that day) and ``disputed`` (placed by then and under dispute at the export, not
received) — each with the person's IIN and region, the category and its kind in the
rehabilitation catalogue (hygiene products counted with the technical aids, as the seed counts
"technical means"), the supplier's id, the quantity, the days and the rating. Orders under way,
returned or cancelled are not there. No name, no address, no price."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa
from django.utils.translation import gettext as _

from inclusio.marketplace.models import Order, Voucher
from inclusio.registry.export import DomainPart, local_day_sql, query_batches
from inclusio.registry.models import Person
from inclusio.rehabilitation.catalogue import catalogue
from inclusio.snapshot.contract import ORDERS

# The kind column is the category again, mapped to its kind below (the catalogue is a file).
# Only the models' table names and the days' expressions are interpolated.
_ORDERS_SQL = """
SELECT o.id, p.iin, o.region_id, v.category, v.category, o.supplier_id, o.quantity,
       {placed}, CASE WHEN o.state = %s THEN {confirmed} END, o.state, o.rating
FROM {order} o
JOIN {voucher} v ON v.id = o.voucher_id
JOIN {person} p ON p.id = v.person_id
WHERE (o.state = %s AND {confirmed} <= %s) OR (o.state = %s AND {placed} <= %s)
ORDER BY o.id
"""
# An order of hygiene products is one of "technical means" (seed §60), as the synthetic part.
_ORDER_KIND = {"hygiene_product": "technical_aid"}
_KIND = 4


def _kinds(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Each order's category replaced by its kind in the catalogue (a category the catalogue no
    longer lists keeps its code, so the file says what it was rather than guess)."""
    known = catalogue()
    for batch in batches:
        kinds = []
        for code in batch.column(_KIND).to_pylist():
            category = known.get(code)
            kind = category.kind if category is not None else code
            kinds.append(_ORDER_KIND.get(kind, kind))
        yield batch.set_column(_KIND, batch.schema.field(_KIND), pa.array(kinds, pa.string()))


def _files(on: dt.date) -> Iterator[tuple[str, Iterator[pa.RecordBatch]]]:
    sql = _ORDERS_SQL.format(
        placed=local_day_sql("o.placed_at"),
        confirmed=local_day_sql("o.confirmed_at"),
        order=Order._meta.db_table,
        voucher=Voucher._meta.db_table,
        person=Person._meta.db_table,
    )
    confirmed, disputed = Order.State.CONFIRMED, Order.State.DISPUTED
    params = [confirmed, confirmed, on, disputed, on]
    yield ORDERS, _kinds(query_batches(sql, params, ORDERS))


PART = DomainPart(
    step="orders",
    label=lambda: _("Exporting the Social Services Portal's orders"),
    files=_files,
    part="rehabilitation",
)
