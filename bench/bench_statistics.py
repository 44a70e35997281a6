"""Time the published statistics over a snapshot: each national table with its disclosure
control, and publishing every dataset.

    bench: statistics_table_<ID>: 0.41 s (target ≤ 2 s)      (one line per table)
    bench: statistics_publish: 9.8 s (target ≤ 60 s)

Each table is computed from the snapshot's Parquet files (DuckDB, no database) and protected
(primary and secondary suppression, HiGHS); the publication writes every dataset's SDMX-CSV and
metadata files and the catalogue into a temporary folder. The snapshot is SNAPSHOT_DIR (the
national one under bench/out/national in `make bench`); try it at a small scale:

    .venv/bin/inclusio synth --scale demo --out /tmp/demo
    INCLUSIO_DEBUG=True .venv/bin/python bench/bench_statistics.py /tmp/demo

Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

TABLE_TARGET_S = 2.0
PUBLISH_TARGET_S = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--date", default=None, help="the reference date (the snapshot's own)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    import django

    django.setup()
    import datetime as dt

    from inclusio.statistics.disclosure import protect
    from inclusio.statistics.publish import compute_datasets, write_publication
    from inclusio.statistics.tables import TABLES, Snapshot, compute

    snapshot = Snapshot.open(args.snapshot)
    on = dt.date.fromisoformat(args.date) if args.date else snapshot.reference_date
    missed = 0
    try:
        for table in TABLES.values():
            if table.follows is not None or not snapshot.holds(table):
                continue  # an amount or a rate takes its count's protection
            started = time.perf_counter()
            cube = compute(table, snapshot, on)
            protection = protect(
                cube.codes, {key: int(value or 0) for key, value in cube.values.items()}
            )
            seconds = time.perf_counter() - started
            missed += seconds > TABLE_TARGET_S
            print(
                f"bench: statistics_table_{table.id}: {seconds:.2f} s "
                f"(target ≤ {TABLE_TARGET_S:g} s; {len(cube.values)} cells, "
                f"{protection.primary} primary, {protection.secondary} secondary)",
                flush=True,
            )
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            publication = compute_datasets(snapshot, on)
            written = write_publication(publication, snapshot, Path(scratch) / "open-data")
            seconds = time.perf_counter() - started
    finally:
        snapshot.close()
    missed += seconds > PUBLISH_TARGET_S
    print(
        f"bench: statistics_publish: {seconds:.1f} s (target ≤ {PUBLISH_TARGET_S:g} s; "
        f"{len(publication.datasets)} datasets, {len(written)} files)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
