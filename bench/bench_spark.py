"""The Spark engine on the region-scale snapshot (2 M persons), beside DuckDB on the same one.

Prints

    bench: screen_region_duckdb_seconds: 2.1 s (reference)
    bench: screen_region_spark_seconds: 95.0 s (printed beside DuckDB's; no target)
    bench: screen_region_engines_agree: yes (target yes)

Spark runs in local mode (``INCLUSIO_SPARK_MASTER``, default ``local[2]``), so on one small
machine it measures the cost of the JVM and Spark's planning rather than what a cluster does;
the figure is there to show the same compiled rules run unchanged. Exits non-zero only when the
two engines' results differ.

    .venv/bin/python bench/bench_spark.py [SNAPSHOT_DIR]
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from inclusio.countries import COUNTRIES_DIR
from inclusio.countries.shared import country_parameters
from inclusio.rules.engines import DEFAULT_SPARK_MASTER
from inclusio.rules.results import RESULT_SCHEMA
from inclusio.rules.ruleset import load_rules, rule_files
from inclusio.rules.screen import ASSESSMENT_SCHEMA, ASSESSMENTS, RESULTS, screen

DEFAULT = Path(__file__).parent / "out" / "region"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--date", default="2024-01-01", type=datetime.date.fromisoformat)
    args = parser.parse_args()
    if not args.snapshot.is_dir():
        from inclusio.synthetic.generate import generate

        generate("region", 1, args.snapshot)
    rules = load_rules(rule_files(COUNTRIES_DIR / "kz" / "programmes"), country_parameters("kz"))
    master = os.environ.get("INCLUSIO_SPARK_MASTER", DEFAULT_SPARK_MASTER)
    out = Path(tempfile.mkdtemp(prefix="inclusio-spark-"))
    seconds = {}
    try:
        for engine in ("duckdb", "spark"):
            started = time.monotonic()
            screen(
                args.snapshot,
                args.date,
                rules.programmes,
                out / engine,
                assessments=rules.assessments,
                engine=engine,
                spark_master=master,
            )
            seconds[engine] = time.monotonic() - started
        agree = all(
            pq.read_table(out / "duckdb" / name)
            .cast(schema)
            .equals(pq.read_table(out / "spark" / name).cast(schema))
            for name, schema in ((RESULTS, RESULT_SCHEMA), (ASSESSMENTS, ASSESSMENT_SCHEMA))
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"bench: screen_region_duckdb_seconds: {seconds['duckdb']:.1f} s (reference)")
    print(
        f"bench: screen_region_spark_seconds: {seconds['spark']:.1f} s "
        f"(Spark {master}; printed beside DuckDB's, no target)"
    )
    print(f"bench: screen_region_engines_agree: {'yes' if agree else 'no'} (target yes)")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
