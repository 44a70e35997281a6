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
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from inprocess import add_profile_arguments, caller, production_environment, timed  # noqa: E402


def sent_statements() -> list[str]:
    """A list that receives every statement psycopg sends from now on, counted below Django's
    query wrappers: the health check's SELECT 1 and the transaction's BEGIN and COMMIT included
    (an executemany, pipelined, counts once)."""
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
    return sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_profile_arguments(parser, count=1000, warm=100)
    args = parser.parse_args()
    production_environment()
    # The platform's keys for this run only (as the bench does).
    os.environ["INCLUSIO_DCI_SIGNING_KEYS_FILE"] = str(
        Path(tempfile.mkdtemp(prefix="inclusio-prof-dci-")) / "keys.json"
    )
    import django

    django.setup()
    from bench_dci_disabled import disabled_search, signed_bodies, succeeded
    from inclusio.interop import keys

    keys.rotate()
    token, bodies = signed_bodies(args.warm + 1 + args.count)
    make = disabled_search(token, bodies)
    answer = caller()
    statuses: list[str] = []
    good = 0

    def call(index: int) -> None:
        nonlocal good
        status, body = answer(make(index))
        statuses.append(status)
        good += succeeded(body)

    for index in range(args.warm):
        call(index)
    sent = sent_statements()
    call(args.warm)
    one_request = list(sent)
    statuses.clear()
    good = 0
    measured = timed(call, range(args.warm + 1, args.warm + 1 + args.count), profile=args.profile)
    per_request = (len(sent) - len(one_request)) / args.count
    ok = sum(status.startswith("200") for status in statuses)
    print(f"profile: dci sync/disabled, requests {args.count} after {args.warm} of warm-up")
    print(f"profile: answers 200: {ok} of {len(statuses)}; succeeded {good}")
    print(f"profile: round trips per request {per_request:.2f}")
    for sql in one_request:
        print(f"  sent: {' '.join(sql.split())[:150]}")
    measured.print("request", args)
    return 0 if ok == len(statuses) == good else 1


if __name__ == "__main__":
    sys.exit(main())
