"""The server's cost of the in-shop till's requests, measured in this process: CPU time and
database round trips per request, without HTTP or a load generator sharing the cores.

Calls the platform's WSGI application (production settings, as gunicorn serves it: persistent
connections with their health check) with the requests of ``bench_till.py`` — a supplier's
token, voucher checks and sales alternating over ``--holders`` persons' vouchers — ``--count``
times in a row after a warm-up, and prints the CPU time (user + system of this process) and
wall time per request, and the queries of one check and of one sale. ``--profile`` prints
cProfile's top functions (timed in CPU) by cumulative time.

    python3 tools/pgcluster.py run -- sh -c \
        'inclusio migrate -v 0 && python bench/profile_till.py --count 400'

It leaves its supplier, persons, sales and their trail rows in the database. The health check's
``SELECT 1`` (``CONN_HEALTH_CHECKS``) bypasses Django's query wrappers: it is not counted.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from profile_emergency import production_environment, wsgi_environ  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--warm", type=int, default=50)
    parser.add_argument("--holders", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", help="cProfile's order (tottime: own time)")
    args = parser.parse_args()
    production_environment()
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.db.backends.signals import connection_created

    from bench_till import prepare, till

    token, item_id, codes = prepare(args.holders)
    application = get_wsgi_application()
    make = till(token, item_id, codes)
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)
        return lambda data: None

    def call(index: int) -> None:
        wanted = make(index)
        response = application(wsgi_environ(wanted), start_response)
        try:
            b"".join(response)
        finally:
            response.close()  # request_finished: what a WSGI server triggers
        if not statuses[-1].startswith(str(wanted.expect)):
            print(f"profile: request {index} answered {statuses[-1]}", file=sys.stderr)

    for index in range(args.warm):
        call(index)
    queries: list[str] = []

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    def wrap(sender: Any, connection: Any, **kwargs: Any) -> None:
        if counting not in connection.execute_wrappers:
            connection.execute_wrappers.append(counting)

    connection_created.connect(wrap)
    connection.ensure_connection()
    wrap(None, connection)
    first = args.warm + args.warm % 2  # a check, then a sale
    call(first)
    one_check = list(queries)
    call(first + 1)
    one_sale = queries[len(one_check) :]
    statuses.clear()
    counted = len(queries)
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for index in range(first + 2, first + 2 + args.count):
        call(index)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    per_request = (len(queries) - counted) / args.count
    ok = sum(status[:3] in ("200", "201") for status in statuses)
    print(f"profile: till requests {args.count} (check, sale, ...), {len(codes)} holders")
    print(f"profile: answers 200/201: {ok} of {len(statuses)}")
    print(f"profile: CPU per request {cpu / args.count * 1000:.2f} ms")
    print(f"profile: wall per request {wall / args.count * 1000:.2f} ms")
    print(f"profile: queries per request {per_request:.2f}")
    print(f"profile: load average {os.getloadavg()[0]:.1f}")
    for name, run in (("check", one_check), ("sale", one_sale)):
        print(f"profile: one {name}: {len(run)} queries")
        for sql in run:
            print(f"  query: {' '.join(sql.split())[:160]}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
    return 0 if ok == len(statuses) else 1


if __name__ == "__main__":
    sys.exit(main())
