"""DuckDB and Spark give the same screening results and pass the same rule tests."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from inclusio.benefits.management.commands.rules import country_rules
from inclusio.countries.shared import country_parameters
from inclusio.rules.detail import MEMBERS
from inclusio.rules.engines import connect
from inclusio.rules.results import RESULT_SCHEMA
from inclusio.rules.screen import ASSESSMENT_SCHEMA, ASSESSMENTS, screen
from inclusio.snapshot.contract import parquet_path

# Spark allows one session a process and each costs a JVM: under pytest-xdist these tests share
# one worker (`--dist loadgroup`), so only one worker starts Spark.
pytestmark = pytest.mark.xdist_group("spark")

# The day the carer coefficient changes (1.40 → 1.61): amounts differ from the day before.
ON = datetime.date(2023, 7, 1)


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 2)


def test_duckdb_and_spark_write_the_same_results(snapshot: Path, tmp_path: Path) -> None:
    rules = country_rules("kz", country_parameters("kz"))
    # A few subjects written whether eligible or not (as the benefits app asks for its holders).
    persons = pq.read_table(parquet_path(snapshot, "persons"), columns=["iin", "family_id"])
    explained = pa.table(
        {
            "subject_kind": ["person"] * 5 + ["family"] * 3,
            "subject_id": sorted(persons["iin"].to_pylist())[:5]
            + [str(f) for f in sorted(set(persons["family_id"].to_pylist()))[:3]],
        }
    )
    pq.write_table(explained, tmp_path / "explained.parquet")
    duck, spark = (
        screen(
            snapshot,
            ON,
            rules.programmes,
            tmp_path / engine,
            assessments=rules.assessments,
            engine=engine,
            explained=tmp_path / "explained.parquet",
        )
        for engine in ("duckdb", "spark")
    )

    # DuckDB marks some columns NOT NULL in the file; the values and their order must agree.
    from_duck = pq.read_table(duck.path).cast(RESULT_SCHEMA)
    from_spark = pq.read_table(spark.path).cast(RESULT_SCHEMA)
    assert from_duck.num_rows > 1000
    assert from_duck.column("amount_kzt").drop_null().to_pylist()  # some money is paid
    assert from_spark.equals(from_duck)
    assert spark.programmes == duck.programmes
    assert spark.subjects == duck.subjects
    scores = [
        pq.read_table(summary.path.parent / ASSESSMENTS).cast(ASSESSMENT_SCHEMA)
        for summary in (duck, spark)
    ]
    assert scores[0].num_rows > 100
    assert scores[1].equals(scores[0])
    assert spark.levels == duck.levels
    # Who met which per-person condition, on both engines alike.
    detail = [pq.read_table(summary.path.parent / MEMBERS) for summary in (duck, spark)]
    assert detail[0].num_rows > 100
    assert detail[1].equals(detail[0])


def test_the_rule_tests_pass_on_spark() -> None:
    out = io.StringIO()
    call_command("rules", "test", "--engine", "spark", stdout=out)
    text = out.getvalue()
    assert "[spark]" in text and "[duckdb]" not in text
    summary = re.search(r"(\d+) passed, (\d+) failed", text)
    assert summary is not None
    assert int(summary[1]) > 20 and summary[2] == "0"


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown engine 'polars'"):
        connect("polars")
