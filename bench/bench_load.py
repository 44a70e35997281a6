"""Load a synthetic snapshot's registry part into the database and time it.

The database is the one INCLUSIO_DATABASE_URL names (PostgreSQL for the real benchmark):

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_load.py [SNAPSHOT_DIR]

Generates the national snapshot into SNAPSHOT_DIR first when it holds none, applies the
migrations, loads, and prints

    bench: load_national_seconds: 95.3 s (target 300)
    bench: load_national_rows: persons 870,000, ...

then checks that the registry holds what the snapshot says; exits non-zero on a miss.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECONDS_TARGET = 300
DEFAULT_SNAPSHOT = Path(tempfile.gettempdir()) / "inclusio-synth-national-seed1"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    import django

    django.setup()


def ensure_snapshot(directory: Path) -> None:
    if (directory / "manifest.json").is_file():
        return
    inclusio = Path(sys.executable).parent / "inclusio"
    print(f"bench: no snapshot in {directory}; generating the national one", flush=True)
    subprocess.run(
        [str(inclusio), "synth", "--scale", "national", "--out", str(directory)], check=True
    )


def registry_matches_snapshot(directory: Path) -> list[str]:
    """What the registry lacks compared with the snapshot (empty when everything is there)."""
    from inclusio.registry.models import CareLink, DisabilityStatus
    from inclusio.snapshot.contract import read_manifest

    rows = read_manifest(directory)["rows"]
    synthetic = DisabilityStatus.objects.filter(source=DisabilityStatus.Source.SYNTHETIC)
    problems = []
    # A person whose every period has ended holds an ended record (a refusal at re-examination)
    # as their current one: the snapshot's statuses are the current records that are not.
    current = synthetic.filter(superseded_at__isnull=True, ended=False)
    if current.count() != rows["disability"]:
        problems.append(f"current synthetic statuses != {rows['disability']:,}")
    if CareLink.objects.count() < rows["care"]:
        problems.append(f"care links < {rows['care']:,}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path, nargs="?", default=DEFAULT_SNAPSHOT)
    args = parser.parse_args()
    ensure_snapshot(args.snapshot)

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from inclusio.snapshot.contract import read_manifest
    from inclusio.synthetic.load import ADDED, load_snapshot

    if connection.vendor != "postgresql":
        print(f"bench: warning: loading into {connection.vendor}, not PostgreSQL", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    scale = read_manifest(args.snapshot)["scale"]

    started = time.monotonic()

    def on_step(step: str) -> None:
        print(f"bench: load step {step} from {time.monotonic() - started:.1f} s", flush=True)

    counts = load_snapshot(args.snapshot, on_step=on_step)
    seconds = time.monotonic() - started

    print(f"bench: load_{scale}_seconds: {seconds:.1f} s (target {SECONDS_TARGET})")
    added = ", ".join(f"{what} {counts[what]:,}" for what in ADDED)
    print(f"bench: load_{scale}_rows: {added}; already registered {counts['already_registered']:,}")
    problems = registry_matches_snapshot(args.snapshot)
    for problem in problems:
        print(f"bench: load_{scale}_mismatch: {problem}")
    return 1 if seconds > SECONDS_TARGET or problems else 0


if __name__ == "__main__":
    sys.exit(main())
