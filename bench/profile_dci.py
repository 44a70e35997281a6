"""The server's cost of one DCI ``sync/disabled`` lookup, measured in this process: CPU time,
wall time and database round trips per request, without HTTP or a load generator sharing the
cores.

Calls the platform's WSGI application (production settings, as gunicorn serves it: persistent
connections with their health check) with the bench's own signed messages
(``bench_dci_disabled.signed_bodies``: an agency registered for the run, its access token, one
person a message) ``--count`` times in a row after a warm-up, and prints the CPU time (user +
system of this process) and wall time per request and the statements one request sends —
counted at the driver, so the connection's health check and the transaction's commit are
included, which Django's query wrappers do not see. ``--profile`` prints cProfile's top
functions (timed in CPU).

    python3 tools/pgcluster.py run -- sh -c \
        'inclusio migrate -v 0 && python bench/bench_load.py bench/out/region \
         && python bench/profile_dci.py --count 1000'

It leaves the agency, its messages' ids and their access-log rows in the database.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from profile_emergency import production_environment, wsgi_environ  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--warm", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", help="cProfile's order (tottime, …)")
    args = parser.parse_args()
    production_environment()
    # The platform's keys for this run only (as the bench does).
    os.environ["INCLUSIO_DCI_SIGNING_KEYS_FILE"] = str(
        Path(tempfile.mkdtemp(prefix="inclusio-prof-dci-")) / "keys.json"
    )
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    from bench_dci_disabled import disabled_search, signed_bodies, succeeded
    from inclusio.interop import keys

    keys.rotate()
    token, bodies = signed_bodies(args.warm + 1 + args.count)
    make = disabled_search(token, bodies)
    application = get_wsgi_application()
    statuses: list[str] = []
    good = 0

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)
        return lambda data: None

    def call(index: int) -> None:
        nonlocal good
        response = application(wsgi_environ(make(index)), start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()  # request_finished: what a WSGI server triggers
        good += succeeded(body)

    for index in range(args.warm):
        call(index)

    # Every statement psycopg sends, counted below Django's query wrappers: the health check's
    # SELECT 1 and the transaction's BEGIN and COMMIT included (an executemany, pipelined,
    # counts once).
    import psycopg
    from psycopg._connection_base import BaseConnection

    sent: list[str] = []

    def text(command: Any) -> str:
        return command.decode(errors="replace") if isinstance(command, bytes) else str(command)

    def counting_execute(original: Any) -> Any:
        def execute(self: Any, query: Any, *rest: Any, **kwargs: Any) -> Any:
            sent.append(text(query))
            return original(self, query, *rest, **kwargs)

        return execute

    exec_command = BaseConnection._exec_command

    def counting_command(self: Any, command: Any, *rest: Any, **kwargs: Any) -> Any:
        sent.append(text(command))
        return exec_command(self, command, *rest, **kwargs)

    psycopg.Cursor.execute = counting_execute(psycopg.Cursor.execute)  # type: ignore[method-assign]
    psycopg.Cursor.executemany = counting_execute(psycopg.Cursor.executemany)  # type: ignore[method-assign]
    BaseConnection._exec_command = counting_command  # type: ignore[method-assign]
    call(args.warm)
    one_request = list(sent)
    statuses.clear()
    good = 0
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for index in range(args.warm + 1, args.warm + 1 + args.count):
        call(index)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    per_request = (len(sent) - len(one_request)) / args.count
    ok = sum(status.startswith("200") for status in statuses)
    print(f"profile: dci sync/disabled, requests {args.count} after {args.warm} of warm-up")
    print(f"profile: answers 200: {ok} of {len(statuses)}; succeeded {good}")
    print(f"profile: CPU per request {cpu / args.count * 1000:.2f} ms")
    print(f"profile: wall per request {wall / args.count * 1000:.2f} ms")
    print(f"profile: round trips per request {per_request:.2f}")
    for sql in one_request:
        print(f"  sent: {' '.join(sql.split())[:150]}")
    print(f"profile: load average {os.getloadavg()[0]:.1f}")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        calls = stats.total_calls  # type: ignore[attr-defined]
        print(f"profile: function calls per request {calls / args.count:,.0f}")
        stats.sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
    return 0 if ok == len(statuses) == good else 1


if __name__ == "__main__":
    sys.exit(main())
