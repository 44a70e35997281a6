"""Time the periodic CRPD report and hold it to the seed: every computed figure over the snapshot,
the entered indicators and measures from the database, written as HTML, DOCX and tagged PDF; then
each figure the seed states (§12–13, §30, §47–49, §52, §60, §88, §123–124) compared with the
figure the report states, and the query it names.

    python3 tools/pgcluster.py run -- sh -c '.venv/bin/inclusio migrate -v 0 &&
        .venv/bin/python bench/bench_crpd_report.py bench/out/national'

The database is the one INCLUSIO_DATABASE_URL names (migrated); the demo's indicators, measures
and recommendation (``synthetic/crpd.py``) are entered first when it holds none, so that the
report has entered content beside its figures. The report is built ``--repeat`` times (in
Russian) and the slowest is printed; then once in English, whose figures are read from its
lines and compared (``synthetic.report_check``: the seed's statements at the snapshot's scale),
one line per figure:

    bench: crpd_report: §13 pwd_male: report 404,000, seed 404,000: ok
    bench: crpd_report: 4.1 s (target ≤ 30 s)

Try it small (``inclusio synth --scale demo --out DIR``); exits non-zero when it misses the
target, a figure differs from the seed's, or a figure names no query.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 30.0


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
    from inclusio.synthetic.report_check import compare, statements

    load_demo_crpd()
    took, cpu = [], []
    load = os.getloadavg()[0]
    with translation.override("ru"), tempfile.TemporaryDirectory() as out:
        for _ in range(args.repeat):
            started, started_cpu = time.monotonic(), time.process_time()
            report = build(first_year=2018, last_year=2023, snapshot=args.snapshot)
            write(report, Path(out))
            took.append(time.monotonic() - started)
            # The process's CPU (DuckDB's threads included): less moved by the machine's other
            # work than the wall time.
            cpu.append(time.process_time() - started_cpu)
    slowest = max(took)
    manifest = json.loads((args.snapshot / "manifest.json").read_text(encoding="utf-8"))
    english = build(first_year=2018, last_year=2023, snapshot=args.snapshot, language="en")
    compared = compare(english, statements(float(manifest.get("scale_factor", 1.0))))
    for item in compared:
        verdict = "ok" if item.ok else ("NOT TRACED" if not item.traced else "DIFFERS")
        print(
            f"bench: crpd_report: {item.statement.paragraph} {item.statement.query}: "
            f"report {item.shown or '(none)'}, seed {item.statement.stated}: {verdict}"
        )
    off = [item for item in compared if not item.ok]
    print(f"bench: crpd_report: {len(compared) - len(off)} of {len(compared)} seed figures agree")
    # The first build computes the figures (cached for the snapshot and date); the others only
    # write the three forms.
    print(
        "bench: crpd_report: each build "
        + ", ".join(f"{seconds:.2f} s" for seconds in took)
        + " (the first computes the figures); CPU "
        + ", ".join(f"{seconds:.2f} s" for seconds in cpu)
        + f"; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print(f"bench: crpd_report: {slowest:.2f} s (target ≤ {TARGET_S:.0f} s)")
    return 0 if slowest <= TARGET_S and not off else 1


if __name__ == "__main__":
    sys.exit(main())
