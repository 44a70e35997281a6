"""Person lookup by IIN through the HTTP API, with its access-log write, under steady load.

Needs a loaded registry in the database named by INCLUSIO_DATABASE_URL (bench/run.py loads the
national one into a throwaway PostgreSQL first). Serves the platform with gunicorn in production
settings, sends requests at a fixed rate from a pool of threads (open loop: a slow answer does
not slow the sender), and prints the latency percentiles and the error count.

    python bench/bench_lookup.py [--rate 200] [--seconds 60] [--workers 3]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_load import Request, open_loop, percentile, serving

P95_TARGET_MS = 15.0


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    import django

    django.setup()


def agency_token_and_iins(sample: int) -> tuple[str, list[str]]:
    from django.contrib.auth.models import Group

    from inclusio.core.audit import SYSTEM
    from inclusio.core.models import User
    from inclusio.core.tokens import api_token_issue
    from inclusio.registry.models import DisabilityStatus

    agency, _ = User.objects.get_or_create(username="bench_agency")
    agency.groups.add(Group.objects.get(name="ministry_admin"))
    token = api_token_issue(
        actor=SYSTEM,
        user=agency,
        name="benchmark",
        agency="Benchmark agency",
        purposes=["status_verification"],
    )
    iins = list(
        DisabilityStatus.objects.filter(superseded_at__isnull=True)
        .order_by("?")
        .values_list("person__iin", flat=True)[:sample]
    )
    if not iins:
        sys.exit("the registry is empty: load a snapshot first (bench/run.py does)")
    return token, iins


def lookup(token: str, iins: list[str]) -> Callable[[int], Request]:
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    def request(index: int) -> Request:
        path = f"/api/v1/registry/persons/{iins[index % len(iins)]}?purpose=status_verification"
        return Request("GET", path, headers=headers)

    return request


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    args = parser.parse_args()
    setup_django()
    from inclusio.core.models import AccessEvent

    token, iins = agency_token_and_iins(50_000)
    request = lookup(token, iins)
    with serving(workers=args.workers, threads=args.threads) as port:
        open_loop(port, args.rate * 5, args.rate, request)  # connections, caches
        logged_before = AccessEvent.objects.count()
        load = open_loop(port, int(args.rate * args.seconds), args.rate, request)
        logged = AccessEvent.objects.count() - logged_before
    latencies, errors, wall = load.latencies_ms, load.errors, load.wall_s
    p95 = percentile(latencies, 0.95)
    print(
        f"bench: lookup_requests: {len(latencies)} requests over {wall:.1f} s "
        f"({len(latencies) / wall:.0f} per second, target {args.rate})"
    )
    print(load.cpu_line())
    print(f"bench: lookup_p50: {percentile(latencies, 0.50):.2f} ms")
    print(f"bench: lookup_p95: {p95:.2f} ms (target {P95_TARGET_MS:g})")
    print(f"bench: lookup_p99: {percentile(latencies, 0.99):.2f} ms")
    print(f"bench: lookup_errors: {errors} (target 0)")
    print(f"bench: lookup_access_log_rows: {logged} (target {len(latencies)})")
    ok = p95 <= P95_TARGET_MS and errors == 0 and logged == len(latencies)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
