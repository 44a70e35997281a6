"""Time the national implementation-rate report: every region's rate over a year's programme
lines, and the country's, from the database.

The database is the one INCLUSIO_DATABASE_URL names (PostgreSQL for the real benchmark, after
bench_load.py has loaded the national registry into it):

    python3 tools/pgcluster.py run -- \
        .venv/bin/python bench/bench_implementation_rate.py [SNAPSHOT_DIR]

An empty registry is first loaded from SNAPSHOT_DIR (generated at ``--scale`` when it holds
none); persons with a current status and no programme are given synthetic programmes and a
history of fulfilments (idempotent: a second run reuses them). The report is then built
``--repeat`` times and the slowest is printed:

    bench: implementation-rate: 0.42 s (target 2 s)

Exits non-zero when it misses the target.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 2.0
YEAR = 2023
DEFAULT_SNAPSHOT = Path(tempfile.gettempdir()) / "inclusio-synth-national-seed1"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    import django

    django.setup()


def ensure_registry(directory: Path, scale: str) -> None:
    from inclusio.registry.models import Person
    from inclusio.synthetic.load import load_snapshot

    if Person.objects.exists():
        return
    if not (directory / "manifest.json").is_file():
        inclusio = Path(sys.executable).parent / "inclusio"
        print(f"bench: no snapshot in {directory}; generating the {scale} one", flush=True)
        subprocess.run(
            [str(inclusio), "synth", "--scale", scale, "--out", str(directory)], check=True
        )
    load_snapshot(directory)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path, nargs="?", default=DEFAULT_SNAPSHOT)
    parser.add_argument("--scale", default="national", choices=["demo", "region", "national"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from inclusio.rehabilitation.models import Line
    from inclusio.rehabilitation.selectors import rate_by_region, rate_national
    from inclusio.synthetic.rehabilitation import programmes_synthesise

    ensure_registry(args.snapshot, args.scale)
    started = time.monotonic()
    counts = programmes_synthesise(seed=1)
    print(
        f"bench: synthetic programmes: {counts['programmes']:,} added, "
        f"{Line.objects.filter(year=YEAR).count():,} lines due in {YEAR} "
        f"({time.monotonic() - started:.1f} s)",
        flush=True,
    )
    timings = []
    for _ in range(args.repeat):
        started = time.monotonic()
        regions = rate_by_region(year=YEAR)
        national = rate_national(year=YEAR)
        timings.append(time.monotonic() - started)
    slowest = max(timings)
    print(
        f"bench: implementation-rate-{YEAR}: {national.percent} % over {national.lines:,} "
        f"lines, {len(regions)} regions"
    )
    print(f"bench: implementation-rate: {slowest:.3f} s (target {TARGET_S:g} s)")
    return 0 if slowest <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
