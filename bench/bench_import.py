"""Import the national registry (725,000 persons with a status) from CSV into PostgreSQL.

    .venv/bin/python bench/bench_import.py [--rows N]

Writes a CSV of N valid rows (default: the registry's 725,000; the same file for the same N),
then runs ``inclusio registry-import`` on it in a throwaway durable cluster of its own
(tools/pgcluster.py) and prints

    bench: registry_import_national_seconds: 212.0 s (target 300)
    bench: registry_import_national_rows_per_second: 3,420 rows/s

It then checks that every row was loaded; exits non-zero on a miss or over the target.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from pgcluster import throwaway_cluster  # noqa: E402

NATIONAL_ROWS = 725_000  # persons with a disability status in the registry (DOMAIN.md)
SECONDS_TARGET = 300
DURABLE = {
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
}
COLUMNS = [
    "iin",
    "surname",
    "given_name",
    "patronymic",
    "region_code",
    "urban",
    "category",
    "cause",
    "work_capacity_loss_pct",
    "limitations",
    "valid_from",
    "reexamination_date",
]
CAUSES = ["general_disease", "from_childhood", "work_injury", "occupational_disease", "other"]


def write_registry_csv(path: Path, rows: int) -> None:
    """``rows`` distinct, valid persons with a status, as an existing registry would export them."""
    from inclusio.core.identifiers import make_iin

    regions_file = ROOT / "src" / "inclusio" / "countries" / "kz" / "regions.json"
    regions = [region["code"] for region in json.loads(regions_file.read_text())["regions"]]
    rng = random.Random(rows)
    on = dt.date(2024, 1, 1)
    serials: dict[tuple[dt.date, str], int] = {}
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        written = 0
        while written < rows:
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(30_000))
            sex = rng.choice("MF")
            serial = serials.get((birth, sex), 0) + 1
            serials[birth, sex] = serial
            iin = make_iin(birth, sex, serial)
            if iin is None or serial > 9999:
                continue
            valid_from = on - dt.timedelta(days=rng.randrange(30, 1500))
            if valid_from <= birth or (birth.month, birth.day) == (2, 29):
                continue
            child = valid_from < birth.replace(year=birth.year + 18)  # the category on that day
            female = sex == "F"
            writer.writerow(
                [
                    iin,
                    "Ахметова" if female else "Ахметов",
                    "Айгерим" if female else "Ерлан",
                    "",
                    rng.choice(regions),
                    rng.choice(["true", "false"]),
                    "child" if child else rng.choice(["I", "II", "III"]),
                    "from_childhood" if child else rng.choice(CAUSES),
                    "",
                    rng.choice(["", "mobility", "vision;hearing"]),
                    valid_from.isoformat(),
                    (valid_from + dt.timedelta(days=730)).isoformat(),
                ]
            )
            written += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=NATIONAL_ROWS)
    args = parser.parse_args()
    os.environ.setdefault("INCLUSIO_DEBUG", "True")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    scale = "national" if args.rows == NATIONAL_ROWS else f"{args.rows}_rows"
    source = Path(tempfile.gettempdir()) / f"inclusio-registry-{args.rows}.csv"
    if not source.is_file():
        print(f"bench: writing {args.rows:,} rows to {source}", flush=True)
        write_registry_csv(source, args.rows)

    inclusio = str(Path(sys.executable).parent / "inclusio")
    with throwaway_cluster(settings=DURABLE) as url:
        env = dict(os.environ, INCLUSIO_DATABASE_URL=url)
        subprocess.check_call([inclusio, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env)
        started = time.monotonic()
        finished = subprocess.run(
            [inclusio, "registry-import", str(source)], cwd=ROOT, env=env, check=False
        )
        seconds = time.monotonic() - started
        loaded = int(
            subprocess.check_output(
                [
                    inclusio,
                    "shell",
                    "-c",
                    "from inclusio.registry.models import DisabilityStatus;"
                    "print(DisabilityStatus.objects.count())",
                ],
                cwd=ROOT,
                env=env,
                text=True,
            ).split()[-1]
        )
    print(f"bench: registry_import_{scale}_seconds: {seconds:.1f} s (target {SECONDS_TARGET})")
    print(f"bench: registry_import_{scale}_rows_per_second: {args.rows / seconds:,.0f} rows/s")
    if finished.returncode != 0 or loaded != args.rows:
        print(f"bench: registry_import_{scale}_mismatch: loaded {loaded:,} of {args.rows:,}")
        return 1
    return 0 if seconds <= SECONDS_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
