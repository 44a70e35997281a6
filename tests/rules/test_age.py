"""Age limits compiled as date cut-offs give the same answers as ``age()`` itself."""

from __future__ import annotations

import datetime

import ibis
import pyarrow as pa
import pytest

from inclusio.rules.age import birth_cutoff, compile_with_age_cutoffs
from inclusio.rules.compiler import compile_expression
from inclusio.rules.expressions import Type, check_expression

D = datetime.date
BIRTHS = [
    D(2000, 2, 29),
    D(2004, 2, 29),
    D(2005, 12, 31),
    D(2006, 1, 1),
    D(2006, 1, 2),
    D(2006, 2, 28),
    D(2006, 3, 1),
    D(2018, 1, 1),
    D(2018, 2, 28),
    D(2024, 2, 29),
    None,
]
DATES = [
    D(2024, 2, 29),
    D(2024, 2, 28),
    D(2024, 3, 1),
    D(2023, 2, 28),
    D(2024, 1, 1),
    D(2036, 2, 28),
]
TESTS = [
    "age(birth_date) >= 18",
    "age(birth_date) > 18",
    "age(birth_date) < 18",
    "age(birth_date) <= 18",
    "age(birth_date) == 18",
    "age(birth_date) != 18",
    "6 <= age(birth_date) < 18",
    "18 > age(birth_date)",
    "age(birth_date) >= 0",
    "age(birth_date) >= 18 and age(birth_date) + 1 > 19",
]


@pytest.mark.parametrize("source", TESTS)
def test_cutoffs_agree_with_age(source: str) -> None:
    table = ibis.memtable(pa.table({"birth_date": pa.array(BIRTHS, pa.date32())}))
    expression = check_expression(source, {"birth_date": Type.DATE})
    backend = ibis.duckdb.connect()
    for on in DATES:
        plain = table.select(x=compile_expression(expression, table, on))
        cut = table.select(x=compile_with_age_cutoffs(expression, table, on))
        assert backend.to_pyarrow(plain) == backend.to_pyarrow(cut), (source, on)


def test_a_29_february_cutoff_falls_on_28_february_in_other_years() -> None:
    assert birth_cutoff(D(2024, 2, 29), 18) == D(2006, 2, 28)
    assert birth_cutoff(D(2024, 2, 29), 20) == D(2004, 2, 29)
    assert birth_cutoff(D(2024, 1, 1), 10_000) is None
