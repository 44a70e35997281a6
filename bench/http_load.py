"""What the HTTP benchmarks share: the platform served by gunicorn, an open-loop sender, and
percentiles.

**The server.** ``serving()`` starts gunicorn on a free port of 127.0.0.1 in production settings
(``INCLUSIO_DEBUG=False``: no debug toolbar, cached templates, the manifest of static files), on
the database INCLUSIO_DATABASE_URL names, and stops it when the block ends, letting it finish the
requests it holds. The server takes this process's ``INCLUSIO_SECRET_KEY`` and
``INCLUSIO_AUDIT_DIGEST_KEY`` when they are set — a bench that signs sessions in its own process
sets them first, so that the server accepts them — and keys of its own otherwise. A bench that
asks for pages (not only the API) passes ``pages=True``: the static files are collected first,
as production serves them, into a folder of the run's own.

**The open loop.** ``open_loop()`` sends request number *i* at ``start + i / rate`` whatever
happened to the requests before it, from a pool of threads each holding a keep-alive connection.
A closed loop (send, wait for the answer, send the next) slows down with the server it
measures: a slow answer delays the requests behind it, which are then never timed as late, and
the percentiles look better than what callers arriving at their own pace would see (coordinated
omission). Here a request whose moment has passed is sent at once, and its latency is measured
from when it was sent; the pool is large enough that no thread is waiting for a slot in the
ordinary case, and ``Load.achieved_rate`` shows when it was not (the sender fell behind the
schedule: the figures then undercount the wait).

**Where the CPU went.** ``Load.cpu_ms`` is the CPU time (user + system) a request cost, split
between the server's processes (gunicorn), the database's (PostgreSQL's server processes) and
this process (the sender), read from ``/proc`` before and after the loop: latency at a rate is
set by how much of the two cores a request takes, and this says whose share to cut. Processes
that start or end during the loop are missed (none do in a steady run); without ``/proc`` the
split is empty.

**A settled database.** Before the server starts, ``settle_database()`` vacuums and analyses
the PostgreSQL database the server will use. The benches run right after a bulk load (the
national registry, the dispatchers' homes compiled from it); left alone, autovacuum takes up
those tables a minute later — the registry's persons, statuses and families for some 20 s of
a core (session 13, watched in ``pg_stat_activity``) — in the middle of the 60 s being timed,
on a machine of two cores. An operator vacuums after a bulk load; the bench does the same, so
that it measures the requests and not the load's aftermath. Autovacuum prompted by the
requests' own writes still runs during the timing, as it would in production.

**Percentiles.** ``percentile()`` over the latencies in milliseconds; ``nan`` when nothing was
timed, which no target accepts.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _server_environment(pages: bool) -> dict[str, str]:
    env = dict(
        os.environ,
        INCLUSIO_DEBUG="False",
        INCLUSIO_ALLOWED_HOSTS=HOST,
        INCLUSIO_SSL_REDIRECT="False",
    )
    for key in ("INCLUSIO_SECRET_KEY", "INCLUSIO_AUDIT_DIGEST_KEY"):
        env[key] = os.environ.get(key) or secrets.token_urlsafe(40)
    if pages:
        env["INCLUSIO_VAR_DIR"] = tempfile.mkdtemp(prefix="inclusio-bench-server-")
    return env


def _wait_until_answering(server: subprocess.Popen[bytes], port: int) -> None:
    """Until a worker answers a request: gunicorn listens before its workers have loaded the
    platform, and on a busy machine a first answer can take many seconds, which the warm-up
    (each bench's own, timed apart) should not have to absorb."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and server.poll() is None:
        connection = http.client.HTTPConnection(HOST, port, timeout=START_TIMEOUT_S)
        try:
            # The language switch answers with a redirect and renders nothing: a server started
            # without the static files' manifest (the API benches) can answer it too.
            connection.request("GET", "/i18n/setlang/")
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            connection.close()
    server.kill()
    sys.exit("the server did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=STOP_TIMEOUT_S)  # gunicorn finishes the requests it holds
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def settle_database(url: str) -> None:
    """VACUUM (ANALYZE) the PostgreSQL database at ``url``, printing how long it took; nothing
    for another database."""
    if not urlsplit(url).scheme.startswith("postgres"):
        return
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as connection:  # VACUUM runs outside a transaction
        connection.execute("VACUUM (ANALYZE)")
    print(f"settled: the database vacuumed and analysed in {time.monotonic() - started:.1f} s")


@contextlib.contextmanager
def serving(
    *,
    workers: int,
    threads: int = 1,
    pages: bool = False,
    app: str = "inclusio.wsgi:application",
    environment: Mapping[str, str] | None = None,
) -> Iterator[int]:
    """gunicorn serving the platform for the block; yields its port.

    ``threads`` above 1 takes gunicorn's threaded worker (what the API benches measure), 1 its
    synchronous one (one request at a time a process, as the page benches always have). ``app``
    serves another WSGI callable (a module of bench/, which is put on the server's path: the
    floor of ``bench_http_floor.py``), with ``environment`` added to the server's."""
    port = free_port()
    env = _server_environment(pages) | dict(environment or {})
    settle_database(env.get("INCLUSIO_DATABASE_URL", ""))
    bin_dir = Path(sys.executable).parent
    if pages:
        subprocess.check_call(
            [str(bin_dir / "inclusio"), "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env
        )
    command = [
        str(bin_dir / "gunicorn"),
        app,
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    if app != "inclusio.wsgi:application":
        command += ["--pythonpath", str(ROOT / "bench")]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        _wait_until_answering(server, port)
        yield port
    finally:
        _stop(server)


@dataclass(frozen=True)
class Request:
    """One request to send, and the status its answer must have."""

    method: str
    path: str
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    expect: int = 200


# Whether the body of an answer with the expected status is the one the bench expects.
BodyCheck = Callable[[bytes], bool]


CPU_GROUPS = ("server", "database", "sender")


def _database_port() -> int | None:
    """The port of the PostgreSQL server INCLUSIO_DATABASE_URL names, if it names one."""
    url = urlsplit(os.environ.get("INCLUSIO_DATABASE_URL", ""))
    if not url.scheme.startswith("postgres"):
        return None
    return url.port or 5432


def _cpu_by_group(port: int) -> dict[str, float]:
    """The CPU seconds (user + system) used so far by the processes of each of CPU_GROUPS: the
    gunicorn serving ``port`` (master and workers: their command line names the address), the
    PostgreSQL server of INCLUSIO_DATABASE_URL (its postmaster, found by the port its data
    directory's ``postmaster.pid`` records, and the postmaster's children) and this process."""
    ticks = os.sysconf("SC_CLK_TCK")
    totals = dict.fromkeys(CPU_GROUPS, 0.0)
    proc = Path("/proc")
    if not proc.is_dir():
        return totals
    address = f"{HOST}:{port}".encode()
    database_port = str(_database_port()).encode()
    used: dict[int, float] = {}
    parent: dict[int, int] = {}
    postmaster = None
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile, or not ours to read
        # The fields after the command's closing parenthesis: ppid is the 2nd, utime and stime
        # the 12th and 13th.
        fields = stat.rsplit(")", 1)[1].split()
        parent[pid] = int(fields[1])
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks
        if pid == os.getpid():
            totals["sender"] += used[pid]
        elif any(b"gunicorn" in a for a in arguments) and address in arguments:
            totals["server"] += used[pid]
        elif b"-D" in arguments and os.path.basename(arguments[0]) == b"postgres":
            data = Path(os.fsdecode(arguments[arguments.index(b"-D") + 1]))
            with contextlib.suppress(OSError, IndexError):
                if (data / "postmaster.pid").read_bytes().split(b"\n")[3] == database_port:
                    postmaster = pid
    if postmaster is not None:
        totals["database"] = sum(
            seconds
            for pid, seconds in used.items()
            if pid == postmaster or parent.get(pid) == postmaster
        )
    return totals


@dataclass(frozen=True)
class Load:
    """What an open loop measured: each answer's latency in milliseconds (failures included, at
    the time they took), how many failed, and the wall time from the first scheduled moment to
    the last answer."""

    latencies_ms: list[float]
    errors: int
    wall_s: float
    cpu_ms: dict[str, float] = field(default_factory=dict)

    @property
    def achieved_rate(self) -> float:
        return len(self.latencies_ms) / self.wall_s if self.wall_s > 0 else 0.0

    def cpu_line(self) -> str:
        """The CPU a request cost, by group: printed after a bench's figures."""
        parts = ", ".join(f"{group} {ms:.1f} ms" for group, ms in self.cpu_ms.items())
        return f"  CPU a request: {parts or 'not measured'} (load average {os.getloadavg()[0]:.1f})"


def open_loop(
    port: int,
    count: int,
    rate: float,
    request: Callable[[int], Request],
    *,
    body_check: BodyCheck | None = None,
    threads: int = 16,
    timeout_s: float = 10.0,
) -> Load:
    """Send ``request(i)`` for i in 0 … count − 1, number i at ``start + i / rate`` (``rate`` a
    second), from ``threads`` threads. An answer of another status than the request expects, or
    whose body ``body_check`` refuses, a refused connection or a timeout counts as an error."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    indices = iter(range(count))
    start = time.perf_counter() + 0.2  # every thread started before the first moment

    def sender() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout_s)
        while True:
            with lock:
                index = next(indices, None)
            if index is None:
                break
            wanted = request(index)
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            sent = time.perf_counter()
            try:
                connection.request(
                    wanted.method, wanted.path, body=wanted.body, headers=dict(wanted.headers)
                )
                response = connection.getresponse()
                body = response.read()
                ok = response.status == wanted.expect and (body_check is None or body_check(body))
            except (OSError, http.client.HTTPException):
                ok = False
                # A fresh connection: the broken one may hold half an answer.
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=timeout_s)
            elapsed = (time.perf_counter() - sent) * 1000
            with lock:
                latencies.append(elapsed)
                errors += not ok
        connection.close()

    pool = [threading.Thread(target=sender) for _ in range(threads)]
    cpu_before = _cpu_by_group(port)
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - start
    cpu_after = _cpu_by_group(port)
    cpu_ms = {
        group: (cpu_after[group] - cpu_before[group]) * 1000 / max(count, 1) for group in CPU_GROUPS
    }
    return Load(latencies, errors, wall, cpu_ms)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` (0.5, 0.95, 0.99) percentile of ``values``; nan when there are none."""
    if not values:
        return math.nan
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000)[round(share * 1000) - 1]
