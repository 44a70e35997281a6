"""The accessibility map at national scale: the clustered bounding-box query over HTTP at 100
requests a second, the list search, and the full A11yJSON export.

Loads the synthetic facilities (``--scale 1`` is the national 40,958; a region already loaded
is reused) into the database INCLUSIO_DATABASE_URL names, serves the platform with gunicorn in
production settings, then prints

    bench: accessibility-bbox-p95: 12.3 ms (target 50 ms)
    bench: accessibility-list-p95: 23.4 ms (target 100 ms)
    bench: accessibility-export: 8.1 s (target 30 s)

and exits non-zero when a figure misses its target or a request fails. The bbox requests are
sent on a fixed schedule (open loop: a slow answer does not slow the senders down), each a box
of the size a screen shows at a random zoom from 4 to 16 around a random facility.

``--in-process N`` measures instead what the server spends on a bbox request, unaffected by
what else the machine runs at the time: N requests of the same mix, one after another through
Django's whole handler (middleware, URL, API, query, JSON) in this process, timed each, and
prints their mean and 95th percentile (no target: the HTTP figure is the issue's).
``--path sql`` answers them as before the map's in-process copy, with the GROUP BY in SQL.

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_accessibility.py
    INCLUSIO_DATABASE_URL=sqlite:///tmp/access.sqlite3 \
        .venv/bin/python bench/bench_accessibility.py --scale 0.02 --seconds 5
    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_accessibility.py \
        --in-process 2000 [--path sql]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_catalogue_search import setup_django
from http_load import HOST, Request, open_loop, percentile, serving

ROOT = Path(__file__).resolve().parent.parent
BBOX_TARGET_MS = 50.0
LIST_TARGET_MS = 100.0
EXPORT_TARGET_S = 30.0


def timed_get(port: int, path: str) -> tuple[float, int]:
    """(milliseconds, status) of one GET; a connection refused or timed out counts as status
    0 at the time it took."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    started = time.perf_counter()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000, status


def bbox_paths(count: int, rng: random.Random) -> list[str]:
    from inclusio.accessibility.models import Facility

    points = list(Facility.objects.values_list("latitude", "longitude")[:5000])
    paths = []
    for _n in range(count):
        lat, lon = rng.choice(points)
        zoom = rng.randint(4, 16)
        half_w, half_h = 360 / 2**zoom * 2, 180 / 2**zoom * 2  # about 1024 × 1024 pixels
        bbox = f"{lon - half_w:.5f},{lat - half_h:.5f},{lon + half_w:.5f},{lat + half_h:.5f}"
        query = {"bbox": bbox, "zoom": zoom}
        if rng.random() < 0.3:
            query |= {"limitation": rng.choice(["wheelchair", "vision"]), "rating": "fully"}
        paths.append("/api/v1/accessibility/facilities.geojson?" + urlencode(query))
    return paths


def list_paths(count: int, rng: random.Random) -> list[str]:
    from inclusio.accessibility.models import Category
    from inclusio.core.models import Region

    regions = ["", *Region.objects.values_list("code", flat=True)]
    paths = []
    for _n in range(count):
        query = {
            "limitation": rng.choice(["", "wheelchair", "vision", "hearing", "intellectual"]),
            "rating": rng.choice(["", "fully", "partially", "not"]),
            "category": rng.choice(["", *Category.values]),
            "region": rng.choice(regions),
            "q": rng.choice(["", "", "", "школа", "№1"]),
            "page": rng.choice([1, 1, 2, 5]),
        }
        paths.append("/ru/accessibility/?" + urlencode(query))
    return paths


def _database_cpu_seconds() -> tuple[int, float]:
    """The PostgreSQL server process serving this connection and the CPU seconds it has used
    (Linux); (0, 0) on another database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0, 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    user, system = int(fields[11]), int(fields[12])  # utime and stime, in clock ticks
    return pid, (user + system) / os.sysconf("SC_CLK_TCK")


def in_process(paths: list[str], path: str) -> int:
    """Time each request through Django's handler in this process; prints mean and p95."""
    from django.test import Client

    from inclusio.accessibility import selectors

    if path == "sql":
        selectors.map_features = selectors.map_features_sql  # type: ignore[assignment]
    client = Client(HTTP_HOST=HOST)
    for warm in paths[:50]:  # the first answers import and compile what later ones reuse
        client.get(warm)
    server, database_cpu = _database_cpu_seconds()
    times, cpu, failed = [], [], 0
    for one in paths:
        started, used = time.perf_counter(), time.process_time()
        response = client.get(one)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        failed += response.status_code != 200
    same_server, database_cpu_after = _database_cpu_seconds()
    if server and same_server == server:  # one connection throughout (CONN_MAX_AGE below)
        ms = (database_cpu_after - database_cpu) * 1000 / len(paths)
        print(f"bench: accessibility-bbox-database-cpu-mean: {ms:.2f} ms ({path})")
    # Wall time includes the database's answers; this process's CPU time leaves them out.
    for name, taken in (("server", times), ("django-cpu", cpu)):
        mean, p95 = sum(taken) / len(taken), percentile(taken, 0.95)
        print(
            f"bench: accessibility-bbox-{name}-mean: {mean:.2f} ms ({path}, {len(taken)} requests)"
        )
        print(f"bench: accessibility-bbox-{name}-p95: {p95:.2f} ms ({path})")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=30.0, help="of bbox requests")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--list-requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--in-process", type=int, default=0, metavar="N")
    parser.add_argument("--path", choices=("copy", "sql"), default="copy")
    args = parser.parse_args()
    if args.in_process:
        # The production settings the server runs with, on this process's own handler.
        os.environ.update(
            INCLUSIO_DEBUG="False",
            INCLUSIO_ALLOWED_HOSTS=HOST,
            INCLUSIO_SSL_REDIRECT="False",
            INCLUSIO_DB_CONN_MAX_AGE="86400",
        )
    setup_django()
    from inclusio.synthetic.accessibility import facilities_synthesise

    added = facilities_synthesise(scale=args.scale)
    print(f"bench: loaded {added:,} facilities", flush=True)
    rng = random.Random(7)
    if args.in_process:
        return in_process(bbox_paths(args.in_process, rng), args.path)
    failures = 0
    with serving(workers=args.workers, pages=True) as port:
        # Warm every worker: its first answers import and compile what later ones reuse.
        for path in [*bbox_paths(4 * args.workers, rng), *list_paths(4 * args.workers, rng)]:
            timed_get(port, path)
        boxes = bbox_paths(int(args.seconds * args.rate), rng)
        load = open_loop(
            port, len(boxes), args.rate, lambda index: Request("GET", boxes[index]), threads=32
        )
        bbox = percentile(load.latencies_ms, 0.95)
        print(f"bench: accessibility-bbox-p95: {bbox:.1f} ms (target {BBOX_TARGET_MS:.0f} ms)")
        failures += load.errors + (bbox > BBOX_TARGET_MS)
        listed = [timed_get(port, path) for path in list_paths(args.list_requests, rng)]
        found = percentile([ms for ms, _status in listed], 0.95)
        print(f"bench: accessibility-list-p95: {found:.1f} ms (target {LIST_TARGET_MS:.0f} ms)")
        failures += sum(status != 200 for _ms, status in listed) + (found > LIST_TARGET_MS)
    inclusio = str(Path(sys.executable).parent / "inclusio")
    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        subprocess.check_call(
            [inclusio, "accessibility-export", "--format", "a11yjson", "--out", f"{folder}/a.json"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.monotonic() - started
    print(f"bench: accessibility-export: {seconds:.1f} s (target {EXPORT_TARGET_S:.0f} s)")
    failures += seconds > EXPORT_TARGET_S
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
