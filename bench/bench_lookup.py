"""Person lookup by IIN through the HTTP API, with its access-log write, under steady load.

Needs a loaded registry in the database named by INCLUSIO_DATABASE_URL (bench/run.py loads the
national one into a throwaway PostgreSQL first). Serves the platform with gunicorn in production
settings, sends requests at a fixed rate from a pool of threads (open loop: a slow answer does
not slow the sender), and prints the latency percentiles and the error count.

    python bench/bench_lookup.py [--rate 200] [--seconds 60] [--workers 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        INCLUSIO_DEBUG="False",
        INCLUSIO_SECRET_KEY=secrets.token_urlsafe(40),
        INCLUSIO_AUDIT_DIGEST_KEY=secrets.token_urlsafe(40),
        INCLUSIO_ALLOWED_HOSTS="127.0.0.1",
        INCLUSIO_SSL_REDIRECT="False",
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "inclusio.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("the server did not start")


def run_load(
    port: int, token: str, iins: list[str], rate: int, seconds: float, threads: int = 16
) -> tuple[list[float], int, float]:
    """Send rate × seconds requests on schedule; return latencies (ms), errors, wall time."""
    total = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    next_index = iter(range(total))
    start = time.perf_counter() + 0.2

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            iin = iins[index % len(iins)]
            sent = time.perf_counter()
            try:
                conn.request(
                    "GET",
                    f"/api/v1/registry/persons/{iin}?purpose=status_verification",
                    headers=headers,
                )
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            elapsed = (time.perf_counter() - sent) * 1000
            with lock:
                latencies.append(elapsed)
                errors += not ok

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies, errors, time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=1000)[int(share * 1000) - 1]


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
    port = free_port()
    server = start_server(port, args.workers, args.threads)
    try:
        run_load(port, token, iins, args.rate, 5)  # warm-up: connections, caches
        logged_before = AccessEvent.objects.count()
        latencies, errors, wall = run_load(port, token, iins, args.rate, args.seconds)
        logged = AccessEvent.objects.count() - logged_before
    finally:
        server.terminate()
        server.wait(timeout=10)
    p95 = percentile(latencies, 0.95)
    print(
        f"bench: lookup_requests: {len(latencies)} requests over {wall:.1f} s "
        f"({len(latencies) / wall:.0f} per second, target {args.rate})"
    )
    print(f"bench: lookup_p50: {percentile(latencies, 0.50):.2f} ms")
    print(f"bench: lookup_p95: {p95:.2f} ms (target {P95_TARGET_MS:g})")
    print(f"bench: lookup_p99: {percentile(latencies, 0.99):.2f} ms")
    print(f"bench: lookup_errors: {errors} (target 0)")
    print(f"bench: lookup_access_log_rows: {logged} (target {len(latencies)})")
    ok = p95 <= P95_TARGET_MS and errors == 0 and logged == len(latencies)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
