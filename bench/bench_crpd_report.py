"""Time the periodic CRPD report: every computed figure over the snapshot, the entered
indicators and measures from the database, written as HTML, DOCX and tagged PDF.

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_crpd_report.py SNAPSHOT_DIR

The database is the one INCLUSIO_DATABASE_URL names (migrated); a few indicators and measures
of the seed are entered first when it holds none, so that the report has entered content beside
its figures. The report is built ``--repeat`` times and the slowest is printed; the figures are
checked against the seed's shares (within 0.5 points):

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
from decimal import Decimal
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


def enter_seed_content() -> None:
    from inclusio.core.audit import SYSTEM
    from inclusio.crpd.models import Measure
    from inclusio.crpd.services import indicator_enter, measure_enter

    if Measure.objects.exists():
        return
    indicator_enter(
        actor=SYSTEM,
        article=24,
        kind="outcome",
        title="General education schools with conditions for inclusive education",
        value=Decimal("86.6"),
        unit="%",
        year=2023,
        source="Report 2018–2023, §96 (5,981 of 6,903 schools)",
    )
    for article, text in (
        (9, "Interactive accessibility map of social infrastructure facilities"),
        (26, "Social Services Portal: rehabilitation means and services chosen by the person"),
        (27, "Employment support measures with priority for persons with disabilities"),
    ):
        measure_enter(
            actor=SYSTEM,
            article=article,
            text=text,
            responsible_body="Ministry of Labour and Social Protection of the Population",
            first_year=2020,
            last_year=2023,
            status="done",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.utils import translation

    from inclusio.crpd.report import build, write

    enter_seed_content()
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
