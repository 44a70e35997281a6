"""Age limits (``age(x) >= 18``…) are compiled as date cut-offs: the same answers as ``age()``."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import ibis
import pyarrow as pa
import pytest

from inclusio.rules.compiler import birth_cutoff, compile_expression
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
TESTS: list[tuple[str, Callable[[int], bool]]] = [
    ("age(birth_date) >= 18", lambda a: a >= 18),
    ("age(birth_date) > 18", lambda a: a > 18),
    ("age(birth_date) < 18", lambda a: a < 18),
    ("age(birth_date) <= 18", lambda a: a <= 18),
    ("age(birth_date) == 18", lambda a: a == 18),
    ("age(birth_date) != 18", lambda a: a != 18),
    ("6 <= age(birth_date) < 18", lambda a: 6 <= a < 18),
    ("18 > age(birth_date)", lambda a: a < 18),
    ("age(birth_date) >= 0", lambda a: a >= 0),
    ("age(birth_date) + 1 > 19", lambda a: a + 1 > 19),  # not a limit: the arithmetic path
    ("1 < 2 < age(birth_date) <= 30", lambda a: 2 < a <= 30),
]


def age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((born.month, born.day) > (on.month, on.day))


@pytest.mark.parametrize(("source", "test"), TESTS, ids=[t[0] for t in TESTS])
def test_age_limits_give_what_age_gives(source: str, test: Callable[[int], bool]) -> None:
    table = ibis.memtable(pa.table({"birth_date": pa.array(BIRTHS, pa.date32())}))
    expression = check_expression(source, {"birth_date": Type.DATE})
    ages = check_expression("age(birth_date)", {"birth_date": Type.DATE})
    backend = ibis.duckdb.connect()
    for on in DATES:
        compiled = table.select(
            limit=compile_expression(expression, table, on),
            age=compile_expression(ages, table, on),
        )
        rows = backend.to_pyarrow(compiled).to_pylist()
        expected = [None if b is None else test(age(b, on)) for b in BIRTHS]
        assert [r["limit"] for r in rows] == expected, (source, on)
        assert [r["age"] for r in rows] == [None if b is None else age(b, on) for b in BIRTHS]


def test_a_29_february_cutoff_falls_on_28_february_in_other_years() -> None:
    assert birth_cutoff(D(2024, 2, 29), 18) == D(2006, 2, 28)
    assert birth_cutoff(D(2024, 2, 29), 20) == D(2004, 2, 29)
    assert birth_cutoff(D(2024, 1, 1), 10_000) is None


def test_an_age_limit_compiles_to_a_date_comparison() -> None:
    table = ibis.table({"birth_date": "date"}, name="persons")
    expression = check_expression("age(birth_date) >= 18", {"birth_date": Type.DATE})
    sql = ibis.to_sql(table.select(x=compile_expression(expression, table, D(2024, 1, 1))))
    assert "EXTRACT" not in sql.upper()
    assert "2006" in sql
