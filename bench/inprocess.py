"""What the in-process profiles share (``profile_emergency.py``, ``profile_till.py``,
``profile_dci.py``): the platform's WSGI application called in this process, in production
settings, with a bench's own requests, and what one request costs — CPU and wall time, the
queries it makes, cProfile's functions — without HTTP or a sender sharing the cores.

CPU is this process's (user + system): the database's own work is not in it (the HTTP benches
split it out, ``http_load.py``). Function calls a request, printed with ``--profile``, do not
swell on a busy machine as CPU time does: before/after comparisons that hold while other work
shares the cores.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def production_environment() -> None:
    """Production settings, as gunicorn serves the platform (cached templates, the static
    files' manifest, persistent connections with their health check), with keys of the run's
    own unless set; call before ``django.setup()``."""
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
    """The WSGI environment of a bench's ``http_load.Request``."""
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


def caller() -> Callable[[Any], tuple[str, bytes]]:
    """A function that answers a request through the platform's WSGI application: (status,
    body). After ``django.setup()``."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    def call(request: Any) -> tuple[str, bytes]:
        answered: list[str] = []

        def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            answered.append(status)
            return lambda data: None

        response = application(wsgi_environ(request), start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()  # request_finished: what a WSGI server triggers
        return answered[0], body

    return call


def counted_queries() -> list[str]:
    """A list that receives the SQL of every query Django's connections run from now on (the
    health check's ``SELECT 1`` bypasses Django's wrappers: it is not in it)."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    queries: list[str] = []

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    def wrap(sender: Any, connection: Any, **kwargs: Any) -> None:
        if counting not in connection.execute_wrappers:
            connection.execute_wrappers.append(counting)

    # A request may open the connection again: wrap every one.
    connection_created.connect(wrap, weak=False)
    connection.ensure_connection()
    wrap(None, connection)
    return queries


def add_profile_arguments(parser: argparse.ArgumentParser, *, count: int, warm: int) -> None:
    parser.add_argument("--count", type=int, default=count, help="requests timed")
    parser.add_argument("--warm", type=int, default=warm, help="requests before the timing")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", help="cProfile's order (tottime: own)")
    parser.add_argument("--stats", help="also write cProfile's statistics to this file (pstats)")


@dataclass(frozen=True)
class Timed:
    count: int
    cpu_s: float
    wall_s: float
    profile: pstats.Stats | None

    def print(self, what: str, args: argparse.Namespace) -> None:
        """CPU and wall a request, the load average, and cProfile's figures when profiled."""
        print(f"profile: CPU per {what} {self.cpu_s / self.count * 1000:.2f} ms")
        print(f"profile: wall per {what} {self.wall_s / self.count * 1000:.2f} ms")
        print(f"profile: load average {os.getloadavg()[0]:.1f}")
        if self.profile is None:
            return
        calls = self.profile.total_calls  # type: ignore[attr-defined]
        print(f"profile: function calls per {what} {calls / self.count:,.0f}")
        if args.stats:
            self.profile.dump_stats(args.stats)
        out = io.StringIO()
        self.profile.stream = out  # type: ignore[attr-defined]
        self.profile.sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())


def timed(call: Callable[[int], Any], indices: Iterable[int], *, profile: bool) -> Timed:
    """Call ``call(i)`` for each index, timing this process's CPU and the wall clock (and
    profiling, timed in CPU, not waits)."""
    indices = list(indices)
    profiler = cProfile.Profile(time.process_time) if profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for index in indices:
        call(index)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return Timed(len(indices), cpu, wall, pstats.Stats(profiler) if profiler else None)
