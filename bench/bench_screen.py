"""Screen the snapshots for every Kazakhstan programme and the well-being level on 2024-01-01.

Prints, for the national snapshot (20 M persons; a region-scale one when it is missing)

    bench: screen_national_seconds: 12.3 s (target 20)
    bench: screen_national_peak_memory: 2.1 GiB (target 4)
    bench: screen_national_baseline_sql_seconds: 8.0 s (hand-written DuckDB SQL, same output)
    bench: screen_national_over_baseline: 1.5 x (target 2)
    bench: screen_national_agrees_with_baseline: yes (target yes)
    bench: screen_national_with_holders_seconds: 13.0 s (target 20)

(the last: the same screening writing, besides, the rows of the holders to explain — every
person with a disability record or a care link and 10,000 others, more than the holders of a
current award or an open proposal can be — as ``inclusio benefits-screen`` asks for them)

and, when the region-scale snapshot (2 M persons) is there too,

    bench: screen_growth_region_to_national: 9.1 x (target 12)

and exits non-zero when a target is missed. The peak memory is this process's, measured right
after the national screening and before anything else runs. Results go to temporary
directories and are discarded.

    .venv/bin/python bench/bench_screen.py [SNAPSHOT_DIR] [--region REGION_DIR]
"""

from __future__ import annotations

import argparse
import datetime
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from baseline_sql import baseline
from inclusio.countries import COUNTRIES_DIR
from inclusio.countries.shared import country_parameters
from inclusio.rules.results import RESULT_SCHEMA
from inclusio.rules.ruleset import RuleSet, load_rules, rule_files
from inclusio.rules.screen import (
    ASSESSMENT_SCHEMA,
    ASSESSMENTS,
    RESULTS,
    screen,
)
from inclusio.snapshot.contract import parquet_path

SECONDS_TARGET = 20
PEAK_MEMORY_TARGET_GIB = 4
RATIO_TARGET = 2  # compiled rules within 2x of hand-written SQL doing the same work
GROWTH_TARGET = 12  # 2 M -> 20 M persons: at most 12 times the time
DATE = datetime.date(2024, 1, 1)  # the baseline's parameter values are this day's
DEFAULT = Path(__file__).parent / "out" / "national"
REGION = Path(__file__).parent / "out" / "region"


def peak_memory_gib() -> float:
    """Largest resident set of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def scale_of(snapshot: Path) -> str:
    manifest = snapshot / "manifest.json"
    if manifest.is_file():
        return str(json.loads(manifest.read_text(encoding="utf-8")).get("scale", snapshot.name))
    return snapshot.name


def holders(snapshot: Path, path: Path) -> Path:
    """A file of subjects to explain, larger than any run's holders can be (see the top)."""
    import duckdb

    db = duckdb.connect()
    persons, disability, care = (
        str(parquet_path(snapshot, name)) for name in ("persons", "disability", "care")
    )
    db.execute(
        f"""COPY (
            SELECT 'person' AS subject_kind, iin AS subject_id FROM read_parquet('{disability}')
            UNION SELECT 'person', carer_iin FROM read_parquet('{care}')
            UNION SELECT 'person', cared_iin FROM read_parquet('{care}')
            UNION (SELECT 'person', iin FROM read_parquet('{persons}') ORDER BY hash(iin)
                   LIMIT 10000)
        ) TO '{path}'"""
    )
    return path


def timed_screen(
    snapshot: Path, rules: RuleSet, on: datetime.date, out: Path, explained: Path | None = None
) -> float:
    started = time.monotonic()
    summary = screen(
        snapshot, on, rules.programmes, out, assessments=rules.assessments, explained=explained
    )
    seconds = time.monotonic() - started
    print(
        f"screen {scale_of(snapshot)} on {on}: {len(rules.programmes)} programmes, "
        f"{summary.subjects:,} subjects, {summary.rows:,} rows, "
        f"{summary.awards:,} awards, {summary.total_amount_kzt:,} KZT; {summary.levels}",
        flush=True,
    )
    return seconds


def same_files(ours: Path, theirs: Path) -> bool:
    for name, schema in ((RESULTS, RESULT_SCHEMA), (ASSESSMENTS, ASSESSMENT_SCHEMA)):
        mine = pq.read_table(ours / name).cast(schema)
        other = pq.read_table(theirs / name).cast(schema)
        if not mine.equals(other):
            print(f"differs from the baseline: {name} ({mine.num_rows} / {other.num_rows} rows)")
            return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", nargs="?", type=Path, help="snapshot directory")
    parser.add_argument("--region", type=Path, default=REGION, help="region-scale snapshot")
    parser.add_argument("--country", default="kz")
    args = parser.parse_args()

    generated = None
    snapshot = args.snapshot
    if snapshot is None:
        if DEFAULT.is_dir():
            snapshot = DEFAULT
        else:
            from inclusio.synthetic.generate import generate

            generated = Path(tempfile.mkdtemp(prefix="inclusio-screen-snapshot-"))
            generate("region", 1, generated, country=args.country)
            snapshot = generated
    rules = load_rules(
        rule_files(COUNTRIES_DIR / args.country / "programmes"), country_parameters(args.country)
    )
    scale = scale_of(snapshot)
    out = Path(tempfile.mkdtemp(prefix="inclusio-screen-"))
    try:
        seconds = timed_screen(snapshot, rules, DATE, out / "rules")
        memory = peak_memory_gib()
        started = time.monotonic()
        baseline(snapshot, list(rules.programmes), out / "baseline")
        baseline_seconds = time.monotonic() - started
        agree = same_files(out / "rules", out / "baseline")
        explained = holders(snapshot, out / "explained.parquet")
        with_holders = timed_screen(snapshot, rules, DATE, out / "holders", explained)
        growth = None
        if args.region.is_dir() and args.region.resolve() != snapshot.resolve():
            growth = seconds / timed_screen(args.region, rules, DATE, out / "region")
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if generated is not None:
            shutil.rmtree(generated, ignore_errors=True)
    ratio = seconds / baseline_seconds
    print(f"bench: screen_{scale}_seconds: {seconds:.1f} s (target {SECONDS_TARGET})")
    print(f"bench: screen_{scale}_peak_memory: {memory:.2f} GiB (target {PEAK_MEMORY_TARGET_GIB})")
    print(
        f"bench: screen_{scale}_baseline_sql_seconds: {baseline_seconds:.1f} s "
        "(hand-written DuckDB SQL, same output)"
    )
    print(f"bench: screen_{scale}_over_baseline: {ratio:.2f} x (target {RATIO_TARGET})")
    print(f"bench: screen_{scale}_agrees_with_baseline: {'yes' if agree else 'no'} (target yes)")
    print(
        f"bench: screen_{scale}_with_holders_seconds: {with_holders:.1f} s "
        f"(target {SECONDS_TARGET})"
    )
    ok = seconds <= SECONDS_TARGET and memory <= PEAK_MEMORY_TARGET_GIB
    ok = ok and with_holders <= SECONDS_TARGET
    ok = ok and ratio <= RATIO_TARGET and agree
    if growth is not None:
        print(f"bench: screen_growth_region_to_{scale}: {growth:.1f} x (target {GROWTH_TARGET})")
        ok = ok and growth <= GROWTH_TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
