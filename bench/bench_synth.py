"""Generate the national synthetic snapshot; measure wall time and peak memory; check figures.

Runs ``inclusio synth`` in a child process (so the peak memory is the generator's own), then
checks the written snapshot against the national figures with DuckDB (and its disability
history against the yearly ones). Prints

    bench: synth_national_seconds: 41.2 s (target 60)
    bench: synth_national_peak_memory: 3.1 GiB (target 6)
    bench: figure <name>: <actual> (expected <expected>) ok|FAIL

and exits non-zero when a target or a figure is missed.

    .venv/bin/python bench/bench_synth.py [--scale national] [--seed 1] [--out DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from inclusio.synthetic.checks import (
    check_domains,
    check_history,
    check_residences,
    check_snapshot,
)

SECONDS_TARGET = 60
PEAK_MEMORY_TARGET_GIB = 6


def peak_memory_gib() -> float:
    """Largest resident set of this process or any finished child (Linux reports KiB)."""
    peak_kib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return peak_kib / 2**20


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def generate(scale: str, seed: int, out: Path) -> float:
    inclusio = Path(sys.executable).parent / "inclusio"
    command = [str(inclusio), "synth", "--scale", scale, "--seed", str(seed), "--out", str(out)]
    started = time.monotonic()
    subprocess.run(command, check=True)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["demo", "region", "national"], default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="keep the snapshot here (default: discard it)")
    args = parser.parse_args()

    out = args.out or Path(tempfile.mkdtemp(prefix="inclusio-synth-"))
    try:
        seconds = generate(args.scale, args.seed, out)
        memory = peak_memory_gib()
        checks = [
            *check_snapshot(out),
            check_residences(out),
            *check_history(out),
            *check_domains(out),
        ]
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)

    print(f"bench: synth_{args.scale}_seconds: {seconds:.1f} s (target {SECONDS_TARGET})")
    print(
        f"bench: synth_{args.scale}_peak_memory: {memory:.1f} GiB (target {PEAK_MEMORY_TARGET_GIB})"
    )
    for check in checks:
        verdict = "ok" if check.ok else "FAIL"
        print(
            f"bench: figure {check.figure}: {number(check.actual)} "
            f"(expected {number(check.expected)}) {verdict}"
        )
    failed = seconds > SECONDS_TARGET or memory > PEAK_MEMORY_TARGET_GIB
    return 1 if failed or not all(check.ok for check in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
