"""The server's cost of one dispatcher's lookup, measured in this process: CPU time and database
round trips per request, without HTTP or a load generator sharing the cores.

Calls the platform's WSGI application (production settings, as gunicorn serves it: cached
templates, the static files' manifest, persistent connections) with the same POST as
``bench_emergency.py`` — a signed-in dispatcher with a confirmed second factor, a 100 m circle
around a known home — ``--count`` times in a row after a warm-up, and prints the CPU time
(user + system of this process) and wall time per lookup and the queries one lookup makes.
``--profile`` prints cProfile's top functions by cumulative time.

    python3 tools/pgcluster.py run -- sh -c \
        'inclusio migrate -v 0 && python bench/bench_load.py bench/out/region \
         && python bench/profile_emergency.py --count 500'

It compiles the dispatchers' registry first (as the bench does) and leaves its lookups and
their access-log rows in the database.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def production_environment() -> None:
    os.environ.update(
        INCLUSIO_DEBUG="False",
        INCLUSIO_ALLOWED_HOSTS="127.0.0.1",
        INCLUSIO_SSL_REDIRECT="False",
        INCLUSIO_SECRET_KEY=os.environ.get("INCLUSIO_SECRET_KEY") or secrets.token_urlsafe(40),
        INCLUSIO_AUDIT_DIGEST_KEY=os.environ.get("INCLUSIO_AUDIT_DIGEST_KEY")
        or secrets.token_urlsafe(40),
        INCLUSIO_EMERGENCY_LOOKUPS_PER_10_MINUTES="1000000",
    )
    var = Path(os.environ.setdefault("INCLUSIO_VAR_DIR", tempfile.mkdtemp(prefix="inclusio-prof-")))
    if not (var / "static" / "staticfiles.json").is_file():
        inclusio = Path(sys.executable).parent / "inclusio"
        subprocess.check_call([str(inclusio), "collectstatic", "--no-input", "-v", "0"], cwd=ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")


def wsgi_environ(request: Any) -> dict[str, Any]:
    body = request.body or b""
    environ = {
        "REQUEST_METHOD": request.method,
        "PATH_INFO": request.path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "HTTP_HOST": "127.0.0.1",
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        else:
            environ[f"HTTP_{key}"] = value
    return environ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--warm", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--compiled", action="store_true", help="the registry is compiled already: use it as it is"
    )
    parser.add_argument("--stats", help="also write cProfile's statistics to this file (pstats)")
    args = parser.parse_args()
    production_environment()
    import django

    django.setup()
    sys.path.insert(0, str(ROOT / "bench"))
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    from bench_emergency import HOME, compile_residences, dispatcher_sessions, lookups

    if args.compiled:
        from inclusio.emergency.models import Residence

        homes = Residence.objects.count()
    else:
        homes, _ = compile_residences()
    sessions = dispatcher_sessions()
    application = get_wsgi_application()
    prefix = f"PROF{secrets.token_hex(3)}"
    make = lookups(sessions, prefix)
    statuses: list[str] = []
    shown = 0

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)
        return lambda data: None

    def call(index: int) -> None:
        nonlocal shown
        response = application(wsgi_environ(make(index)), start_response)
        try:
            page = b"".join(response)
        finally:
            response.close()  # request_finished: what a WSGI server triggers
        shown += len(HOME.findall(page))

    for index in range(args.warm):
        call(index)
    queries: list[str] = []

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    # One lookup's queries (the connection may be reopened by the request: wrap every one).
    from django.db.backends.signals import connection_created

    def wrap(sender: Any, connection: Any, **kwargs: Any) -> None:
        if counting not in connection.execute_wrappers:
            connection.execute_wrappers.append(counting)

    connection_created.connect(wrap)
    connection.ensure_connection()
    if counting not in connection.execute_wrappers:
        connection.execute_wrappers.append(counting)
    call(args.warm)
    one_lookup = list(queries)
    statuses.clear()
    shown = 0
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for index in range(args.warm + 1, args.warm + 1 + args.count):
        call(index)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    per_lookup = (len(queries) - len(one_lookup)) / args.count
    ok = sum(status.startswith("200") for status in statuses)
    print(f"profile: residences {homes}, dispatchers {len(sessions)}, lookups {args.count}")
    print(f"profile: answers 200: {ok} of {len(statuses)}; homes shown {shown / args.count:.2f}")
    print(f"profile: CPU per lookup {cpu / args.count * 1000:.2f} ms")
    print(f"profile: wall per lookup {wall / args.count * 1000:.2f} ms")
    print(f"profile: queries per lookup {per_lookup:.2f}")
    for sql in one_lookup:
        print(f"  query: {' '.join(sql.split())[:150]}")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        # Function calls do not swell on a busy machine as CPU time does: a before/after
        # comparison that holds whatever else the cores are doing.
        print(f"profile: function calls per lookup {stats.total_calls / args.count:.0f}")  # type: ignore[attr-defined]
        if args.stats:
            stats.dump_stats(args.stats)
        stats.sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
    return 0 if ok == len(statuses) else 1


if __name__ == "__main__":
    sys.exit(main())
