#!/usr/bin/env python3
"""A throwaway PostgreSQL cluster for tests and benchmarks (standard library only).

    python3 tools/pgcluster.py run -- CMD [ARGS...]
        Create a cluster in a fresh temporary folder, start it on a free TCP port on 127.0.0.1,
        create the database ``inclusio``, run CMD with INCLUSIO_DATABASE_URL (and PGHOST,
        PGPORT, PGUSER, PGDATABASE) pointing at it, then stop the cluster and remove the folder,
        also when CMD fails or is interrupted. Exits with CMD's exit code.

    python3 tools/pgcluster.py available
        Exit 0 when the PostgreSQL server programs (initdb, pg_ctl, postgres) are installed,
        1 otherwise.

From Python::

    from pgcluster import throwaway_cluster
    with throwaway_cluster() as url:   # postgres://postgres@127.0.0.1:PORT/inclusio
        ...

The cluster trusts every connection from 127.0.0.1 and turns durability off (fsync,
synchronous_commit, full_page_writes): it is for tests only. The superuser is ``postgres``.
initdb refuses to run as root, so under root the server programs run as the ``postgres``
system user (created by Debian's postgresql package) in a folder handed over to it.

The server programs are looked for in $PGCLUSTER_BINDIR, then the newest
/usr/lib/postgresql/*/bin (Debian, Ubuntu), /usr/pgsql-*/bin (RHEL), Homebrew, and the PATH.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
SUPERUSER = "postgres"
DATABASE = "inclusio"
TEST_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",
    "shared_buffers": "256MB",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "log_min_messages": "warning",
}


class ClusterError(Exception):
    """The cluster could not be created, started or used; the message says why."""


def say(message: str) -> None:
    print(f"pgcluster: {message}", file=sys.stderr, flush=True)


# --- finding the server programs ----------------------------------------------------------------


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path)) or (0,)


def candidate_bindirs() -> list[str]:
    dirs = []
    if os.environ.get("PGCLUSTER_BINDIR"):
        dirs.append(os.environ["PGCLUSTER_BINDIR"])
    for pattern in (
        "/usr/lib/postgresql/*/bin",
        "/usr/pgsql-*/bin",
        "/opt/homebrew/opt/postgresql@*/bin",
        "/usr/local/opt/postgresql@*/bin",
    ):
        dirs.extend(sorted(glob.glob(pattern), key=_version_key, reverse=True))
    initdb = shutil.which("initdb")
    if initdb:
        dirs.append(os.path.dirname(os.path.realpath(initdb)))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(  # noqa: S603
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout.strip()
            if out:
                dirs.append(out)
    return dirs


def find_bindir() -> str | None:
    """The first folder holding initdb, pg_ctl and postgres, or None."""
    for directory in candidate_bindirs():
        if all(os.access(os.path.join(directory, name), os.X_OK) for name in SERVER_PROGRAMS):
            return directory
    return None


def require_bindir() -> str:
    bindir = find_bindir()
    if bindir is None:
        raise ClusterError(
            "the PostgreSQL server programs (initdb, pg_ctl, postgres) were not found in "
            "$PGCLUSTER_BINDIR, /usr/lib/postgresql/*/bin or on the PATH. Install them "
            "(Debian/Ubuntu: apt-get install postgresql; Fedora/RHEL: dnf install "
            "postgresql-server; macOS: brew install postgresql) or set PGCLUSTER_BINDIR to "
            "the folder that holds initdb."
        )
    return bindir


def server_version(bindir: str) -> str:
    out = subprocess.run(  # noqa: S603
        [os.path.join(bindir, "postgres"), "--version"], capture_output=True, text=True
    ).stdout
    match = re.search(r"\d+(\.\d+)*", out)
    return match.group(0) if match else "unknown"


# --- running as the right user ------------------------------------------------------------------


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _server_account() -> tuple[int, int] | None:
    """(uid, gid) of the account that must own the cluster when we are root, else None."""
    if not _is_root():
        return None
    import pwd

    try:
        entry = pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise ClusterError(
            "running as root, but initdb refuses to run as root and there is no "
            f"'{SUPERUSER}' system user to run it as. Install Debian's postgresql package "
            f"(it creates the user), create a system user '{SUPERUSER}', or run as a normal "
            "user."
        ) from None
    return entry.pw_uid, entry.pw_gid


def _clean_env() -> dict[str, str]:
    # PG* variables of the caller (PGHOST, PGSSLMODE, PGSERVICE…) must not redirect our tools.
    return {key: value for key, value in os.environ.items() if not key.startswith("PG")}


def _run_server_program(
    args: list[str], cwd: str, account: tuple[int, int] | None
) -> subprocess.CompletedProcess[str]:
    """Run a server program as the cluster's owner; output is captured for error messages."""
    kwargs: dict[str, object] = {}
    if account is not None:
        runuser = shutil.which("runuser")
        if runuser:
            args = [runuser, "-u", SUPERUSER, "--", *args]
        else:  # Python 3.9+: switch user in the child
            kwargs = {"user": account[0], "group": account[1], "extra_groups": []}
    return subprocess.run(  # noqa: S603
        args,
        cwd=cwd,  # the owner may not be able to enter the caller's folder
        env=_clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        **kwargs,  # type: ignore[arg-type]
    )


def _check(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise ClusterError(f"{what} failed (exit {result.returncode}):\n{output}")


# --- the cluster --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _temp_base(account: tuple[int, int] | None) -> str | None:
    """Where to make the folder: the usual temporary folder, unless the owner can't reach it."""
    base = os.environ.get("PGCLUSTER_TMPDIR") or tempfile.gettempdir()
    if account is None:
        return base
    path = os.path.realpath(base)
    while True:  # every ancestor must be searchable by others for the postgres user
        if not os.stat(path).st_mode & 0o001:
            return "/tmp"  # noqa: S108 — world-searchable on every Unix
        parent = os.path.dirname(path)
        if parent == path:
            return base
        path = parent


class Cluster:
    """A PostgreSQL cluster in a temporary folder; ``start()`` then always ``destroy()``."""

    def __init__(self, database: str = DATABASE, settings: dict[str, str] | None = None) -> None:
        self.database = database
        self.settings = {**TEST_SETTINGS, **(settings or {})}
        self.bindir = require_bindir()
        self.account = _server_account()
        self.folder = ""
        self.port = 0
        self.version = ""

    @property
    def datadir(self) -> str:
        return os.path.join(self.folder, "data")

    @property
    def logfile(self) -> str:
        return os.path.join(self.folder, "server.log")

    @property
    def url(self) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{self.database}"

    def program(self, name: str) -> str:
        return os.path.join(self.bindir, name)

    def start(self) -> str:
        """Create, configure and start the cluster and its database; returns the URL."""
        self.version = server_version(self.bindir)
        self.folder = tempfile.mkdtemp(prefix="inclusio-pg-", dir=_temp_base(self.account))
        if self.account is not None:
            os.chown(self.folder, *self.account)
        self._initdb()
        self._configure()
        self._start_server()
        result = subprocess.run(  # noqa: S603
            [
                self.program("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SUPERUSER,
                self.database,
            ],
            env=_clean_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        _check(result, f"createdb {self.database}")
        return self.url

    def _initdb(self) -> None:
        base = [
            self.program("initdb"),
            "-D",
            self.datadir,
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        ]
        # C.UTF-8 lets upper()/lower() (so Django's icontains/iexact) handle Cyrillic;
        # plain C is the fallback where that locale is missing (ASCII case folding only).
        result = _run_server_program([*base, "--locale=C.UTF-8"], self.folder, self.account)
        if result.returncode != 0:
            result = _run_server_program([*base, "--locale=C"], self.folder, self.account)
        _check(result, "initdb")

    def _configure(self) -> None:
        settings = {**self.settings, "unix_socket_directories": f"'{self.folder}'"}
        with open(os.path.join(self.datadir, "postgresql.conf"), "a") as conf:
            conf.write("\n# pgcluster: a throwaway cluster for tests\n")
            for name, value in settings.items():
                conf.write(f"{name} = {value}\n")
        with open(os.path.join(self.datadir, "pg_hba.conf"), "w") as hba:
            hba.write(
                "# pgcluster: trust local sockets and 127.0.0.1 only\n"
                "local all all trust\n"
                "host all all 127.0.0.1/32 trust\n"
            )

    def _start_server(self) -> None:
        conf = os.path.join(self.datadir, "postgresql.conf")
        for _attempt in range(5):  # the free port may be taken before the server binds it
            self.port = free_port()
            with open(conf, "a") as handle:
                handle.write(f"port = {self.port}\n")  # the last setting wins
            result = _run_server_program(
                [
                    self.program("pg_ctl"),
                    "start",
                    "-D",
                    self.datadir,
                    "-l",
                    self.logfile,
                    "-w",
                    "-t",
                    "60",
                ],
                self.folder,
                self.account,
            )
            if result.returncode == 0:
                return
            if "already in use" not in self._log_tail():
                break
        raise ClusterError(
            f"pg_ctl start failed (exit {result.returncode}):\n"
            f"{(result.stdout + result.stderr).strip()}\n--- server log ---\n{self._log_tail()}"
        )

    def _log_tail(self, lines: int = 30) -> str:
        try:
            with open(self.logfile, errors="replace") as handle:
                return "".join(handle.readlines()[-lines:])
        except OSError:
            return ""

    def _server_pid(self) -> int | None:
        try:
            with open(os.path.join(self.datadir, "postmaster.pid")) as handle:
                return int(handle.readline().strip())
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        if not self.folder or self._server_pid() is None:
            return
        for mode in ("fast", "immediate"):
            result = _run_server_program(
                [self.program("pg_ctl"), "stop", "-D", self.datadir, "-m", mode, "-w", "-t", "30"],
                self.folder,
                self.account,
            )
            if result.returncode == 0:
                return
        pid = self._server_pid()  # last resort: the postmaster takes its children with it
        if pid:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                time.sleep(0.5)

    def destroy(self, keep_log: str | None = None) -> None:
        """Stop the server (if it runs) and remove the folder; safe to call more than once."""
        if not self.folder:
            return
        try:
            self.stop()
        finally:
            if keep_log:
                with contextlib.suppress(OSError):
                    shutil.copyfile(self.logfile, keep_log)
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = ""


@contextlib.contextmanager
def throwaway_cluster(
    database: str = DATABASE, settings: dict[str, str] | None = None
) -> Iterator[str]:
    """Yield the URL of a fresh cluster with an empty ``database``; removed on exit.

    ``settings`` adds or overrides postgresql.conf lines, e.g. {"max_connections": "400"}.
    """
    cluster = Cluster(database, settings)
    try:
        yield cluster.start()
    finally:
        cluster.destroy()


# --- command line -------------------------------------------------------------------------------


class _Terminate(Exception):
    pass


def _run(
    command: list[str], database: str, settings: dict[str, str], keep_log: str | None, quiet: bool
) -> int:
    child: subprocess.Popen[bytes] | None = None

    def on_interrupt(signum: int, frame: object) -> None:
        # Ctrl-C reaches CMD through the terminal's process group: let CMD decide, then clean
        # up after it. Before CMD starts, stop setting up.
        if child is None:
            raise KeyboardInterrupt

    def on_terminate(signum: int, frame: object) -> None:
        if child is None:
            raise _Terminate
        with contextlib.suppress(OSError):
            child.send_signal(signum)

    # Handlers, not SIG_IGN: handlers fall back to the default in CMD, ignored signals would not.
    signal.signal(signal.SIGINT, on_interrupt)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_terminate)

    cluster: Cluster | None = None
    try:
        cluster = Cluster(database, settings)
        started = time.monotonic()
        url = cluster.start()
        if not quiet:
            say(
                f"PostgreSQL {cluster.version} on 127.0.0.1:{cluster.port} in {cluster.folder} "
                f"(ready in {time.monotonic() - started:.1f}s); {url}"
            )
        env = dict(
            os.environ,
            INCLUSIO_DATABASE_URL=url,
            PGHOST="127.0.0.1",
            PGPORT=str(cluster.port),
            PGUSER=SUPERUSER,
            PGDATABASE=database,
        )
        try:
            child = subprocess.Popen(command, env=env)  # noqa: S603
        except OSError as error:
            say(f"cannot run {command[0]!r}: {error.strerror}")
            return 127 if isinstance(error, FileNotFoundError) else 126
        code = child.wait()
        return 128 - code if code < 0 else code  # killed by signal N: 128+N, as shells do
    except ClusterError as error:
        say(str(error))
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except _Terminate:
        say("terminated")
        return 143
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # let nothing cut the cleanup short
        if cluster is not None:
            cluster.destroy(keep_log)
            if not quiet:
                say("cluster stopped and removed")


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    return name.strip(), value.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pgcluster", description="A throwaway PostgreSQL cluster for tests."
    )
    commands = parser.add_subparsers(dest="action", metavar="{run,available}")
    commands.required = True

    run = commands.add_parser("run", help="run a command against a fresh cluster")
    run.add_argument("--database", default=DATABASE, help="database to create (%(default)s)")
    run.add_argument(
        "--set",
        dest="settings",
        type=_setting,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra postgresql.conf setting (repeatable)",
    )
    run.add_argument(
        "--keep-log",
        metavar="FILE",
        help="copy the server log to FILE before the cluster is removed",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD [ARGS...]")

    available = commands.add_parser("available", help="exit 0 if the server programs exist")
    available.add_argument("-q", "--quiet", action="store_true", help="print nothing")

    args = parser.parse_args(argv)
    if args.action == "available":
        bindir = find_bindir()
        if not args.quiet:
            if bindir:
                say(f"PostgreSQL {server_version(bindir)} server programs in {bindir}")
            else:
                say("PostgreSQL server programs (initdb) not found")
        return 0 if bindir else 1

    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("run needs a command: pgcluster.py run -- CMD [ARGS...]")
    return _run(command, args.database, dict(args.settings), args.keep_log, args.quiet)


if __name__ == "__main__":
    sys.exit(main())
