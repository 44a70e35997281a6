"""Time the periodic CRPD report: every computed figure over the snapshot, the entered
indicators and measures from the database, written as HTML, DOCX and tagged PDF.

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_crpd_report.py SNAPSHOT_DIR

The database is the one INCLUSIO_DATABASE_URL names (migrated); the demo's indicators, measures
and recommendation (``synthetic/crpd.py``) are entered first when it holds none, so that the
report has entered content beside its figures. The report is built ``--repeat`` times and the
slowest is printed; the figures are checked against the seed's shares (within 0.5 points):

    bench: crpd_report: 4.1 s (target ≤ 30 s)

Try it small (``inclusio synth --scale demo --out DIR``); exits non-zero when it misses the
target or a figure is off.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 30.0
SEED_SHARES = {
    "pwd_urban_pct": 58.2,
    "pwd_male_pct": 55.7,
    "pwd_working_age_pct": 58.0,
    "pwd_elderly_pct": 26.9,
    "children_share_pct": 15.1,
    "children_school_age_pct": 68.4,
}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    os.environ.setdefault("INCLUSIO_DEBUG", "True")
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.utils import translation

    from inclusio.crpd.report import build, write
    from inclusio.synthetic.crpd import load_demo_crpd

    load_demo_crpd()
    slowest = 0.0
    with translation.override("ru"), tempfile.TemporaryDirectory() as out:
        for _ in range(args.repeat):
            started = time.monotonic()
            report = build(first_year=2018, last_year=2023, snapshot=args.snapshot)
            write(report, Path(out))
            slowest = max(slowest, time.monotonic() - started)
    from inclusio.crpd import figures

    computed = {f.name: f.value for f in figures.compute(args.snapshot, report.on)}
    off = {
        name: computed[name]
        for name, share in SEED_SHARES.items()
        if abs(float(computed[name] or 0) - share) > 0.5
    }
    for name, value in off.items():
        print(f"bench: crpd_report: {name} is {value}, the seed says {SEED_SHARES[name]}")
    print(f"bench: crpd_report: {slowest:.2f} s (target ≤ {TARGET_S:.0f} s)")
    return 0 if slowest <= TARGET_S and not off else 1


if __name__ == "__main__":
    sys.exit(main())
