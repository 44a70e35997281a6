"""Screen a snapshot for every Kazakhstan programme on 2024-01-01; measure wall time and memory.

Prints

    bench: screen_<scale>_seconds: 12.3 s (target 20)
    bench: screen_<scale>_peak_memory: 2.1 GiB (target 4)

and exits non-zero when a target is missed. The snapshot is the directory given as argument,
by default ``bench/out/national`` when it exists, else a region-scale snapshot generated into a
temporary directory. The results are written into a temporary directory and discarded.

    .venv/bin/python bench/bench_screen.py [SNAPSHOT_DIR] [--date 2024-01-01]
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

from inclusio.countries import COUNTRIES_DIR
from inclusio.rules.ruleset import load_rules, rule_files
from inclusio.rules.screen import screen

SECONDS_TARGET = 20
PEAK_MEMORY_TARGET_GIB = 4
DEFAULT = Path(__file__).parent / "out" / "national"


def peak_memory_gib() -> float:
    """Largest resident set of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def scale_of(snapshot: Path) -> str:
    manifest = snapshot / "manifest.json"
    if manifest.is_file():
        return str(json.loads(manifest.read_text(encoding="utf-8")).get("scale", snapshot.name))
    return snapshot.name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", nargs="?", type=Path, help="snapshot directory")
    parser.add_argument("--date", default="2024-01-01", type=datetime.date.fromisoformat)
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
    programmes = load_rules(rule_files(COUNTRIES_DIR / args.country / "programmes")).programmes
    out = Path(tempfile.mkdtemp(prefix="inclusio-screen-"))
    scale = scale_of(snapshot)
    try:
        started = time.monotonic()
        summary = screen(snapshot, args.date, programmes, out)
        seconds = time.monotonic() - started
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if generated is not None:
            shutil.rmtree(generated, ignore_errors=True)
    memory = peak_memory_gib()
    print(
        f"screen {scale} on {args.date}: {len(programmes)} programmes, "
        f"{summary.subjects:,} subjects, {summary.rows:,} rows, "
        f"{summary.awards:,} awards, {summary.total_amount_kzt:,} KZT"
    )
    print(f"bench: screen_{scale}_seconds: {seconds:.1f} s (target {SECONDS_TARGET})")
    print(f"bench: screen_{scale}_peak_memory: {memory:.2f} GiB (target {PEAK_MEMORY_TARGET_GIB})")
    return 0 if seconds <= SECONDS_TARGET and memory <= PEAK_MEMORY_TARGET_GIB else 1


if __name__ == "__main__":
    sys.exit(main())
