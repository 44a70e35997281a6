"""`make bench`: every benchmark, in order, printing `bench: <name>: <value> <unit> (target …)`.

1. the national synthetic snapshot (20 M persons), kept under bench/out/national, and the
   region-scale one (2 M persons) under bench/out/region;
2. screening the national one for every programme and the well-being level (DuckDB), beside a
   hand-written SQL baseline, and the growth from the region-scale one;
3. a what-if (a drafted coefficient beside the law in force) over the national one, the
   published statistics with their disclosure control over it, and screening the region-scale
   one on Spark beside DuckDB;
4. in a throwaway PostgreSQL cluster: loading the registry part, then the lookup API under load,
   the dispatchers' lookup under load (the page, then the dispatch systems' API) and an alert
   of 10,000 recipients, then each role's worklist on the largest region, the catalogue search
   over 50,000 items, orders and services by the hour through the services;
5. writing about a million benefit proposals into PostgreSQL (a cluster of its own), and the
   monthly payroll with and without a month paid by the day (another); a month's per-capita
   funding of special social services for every provider (another);
6. importing the national registry (725,000 rows) from CSV into PostgreSQL (a cluster of its own);
7. a fresh clone's `make demo`, timed until its start page answers.

Exits non-zero when any benchmark misses its target. `--scale region` runs a smaller rehearsal;
`--only orders,housing` runs the benchmarks whose script names contain one of the words (the
snapshots and the cluster are still made when one of them needs them).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from pgcluster import throwaway_cluster  # noqa: E402

ONLY: list[str] = []


def wanted(script: str) -> bool:
    return not ONLY or any(word in Path(script).stem for word in ONLY)


def run(*args: str, env: dict[str, str] | None = None) -> int:
    if not wanted(args[0]):
        return 0
    print(f"== {' '.join(args)}", flush=True)
    return subprocess.call([sys.executable, *args], cwd=ROOT, env=env)


def main() -> int:
    # The benchmarks run their commands in development mode (a key generated into var/); the
    # lookup benchmark serves in production mode with its own key.
    os.environ.setdefault("INCLUSIO_DEBUG", "True")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["national", "region"], default="national")
    parser.add_argument("--only", default="", help="comma-separated words of script names")
    args = parser.parse_args()
    ONLY.extend(word for word in args.only.split(",") if word)
    snapshot = ROOT / "bench" / "out" / args.scale
    failures = 0
    failures += run("bench/bench_synth.py", "--scale", args.scale, "--out", str(snapshot)) != 0
    region = ROOT / "bench" / "out" / "region"
    if args.scale != "region":
        failures += run("bench/bench_synth.py", "--scale", "region", "--out", str(region)) != 0
    failures += run("bench/bench_screen.py", str(snapshot), "--region", str(region)) != 0
    failures += run("bench/bench_reform.py", str(snapshot)) != 0
    failures += run("bench/bench_statistics.py", str(snapshot)) != 0
    failures += run("bench/bench_spark.py", str(region)) != 0
    # Durable like production: the test cluster's fsync=off would flatter every write.
    durable = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
    with throwaway_cluster(settings=durable) as url:
        env = dict(os.environ, INCLUSIO_DATABASE_URL=url)
        inclusio = str(Path(sys.executable).parent / "inclusio")
        subprocess.check_call([inclusio, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env)
        failures += run("bench/bench_load.py", str(snapshot), env=env) != 0
        failures += run("bench/bench_lookup.py", env=env) != 0
        failures += run("bench/bench_till.py", env=env) != 0
        failures += run("bench/bench_emergency.py", env=env) != 0
        # The same lookups through the dispatch systems' API (its homes compiled just above).
        failures += run("bench/bench_emergency.py", "--api", "--compiled", env=env) != 0
        failures += run("bench/bench_dci_disabled.py", env=env) != 0
        failures += run("bench/bench_dci_subscriptions.py", env=env) != 0
        failures += run("bench/bench_dci_search.py", env=env) != 0
        failures += run("bench/bench_worklists.py", str(snapshot), env=env) != 0
        failures += run("bench/bench_housing.py", str(snapshot), env=env) != 0
        failures += run("bench/bench_catalogue_search.py", env=env) != 0
        failures += run("bench/bench_orders.py", env=env) != 0
        failures += run("bench/bench_hours.py", env=env) != 0
        failures += run("bench/bench_accessibility.py", env=env) != 0
        failures += run("bench/bench_implementation_rate.py", str(snapshot), env=env) != 0
        failures += run("bench/bench_overdue_appeals.py", env=env) != 0
        failures += run("bench/bench_crpd_report.py", str(snapshot), env=env) != 0
    failures += run("bench/bench_proposals.py") != 0  # its own cluster
    failures += run("bench/bench_payroll.py") != 0  # its own cluster
    failures += run("bench/bench_employment_quota.py") != 0
    failures += run("bench/bench_socialservices_funding.py") != 0  # its own cluster
    rows = [] if args.scale == "national" else ["--rows", "72500"]
    failures += run("bench/bench_import.py", *rows) != 0  # its own cluster
    failures += run("bench/bench_demo_setup.py") != 0
    print(f"bench: failed_benchmarks: {failures} (target 0)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
