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
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from inprocess import (  # noqa: E402
    add_profile_arguments,
    caller,
    counted_queries,
    production_environment,
    timed,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_profile_arguments(parser, count=400, warm=50)
    parser.add_argument("--holders", type=int, default=50)
    args = parser.parse_args()
    production_environment()
    import django

    django.setup()
    from bench_till import prepare, till

    token, item_id, codes = prepare(args.holders)
    make = till(token, item_id, codes)
    answer = caller()
    statuses: list[str] = []

    def call(index: int) -> None:
        wanted = make(index)
        status, _ = answer(wanted)
        statuses.append(status)
        if not status.startswith(str(wanted.expect)):
            print(f"profile: request {index} answered {status}", file=sys.stderr)

    for index in range(args.warm):
        call(index)
    queries = counted_queries()
    first = args.warm + args.warm % 2  # a check, then a sale
    call(first)
    one_check = list(queries)
    call(first + 1)
    one_sale = queries[len(one_check) :]
    statuses.clear()
    counted = len(queries)
    measured = timed(call, range(first + 2, first + 2 + args.count), profile=args.profile)
    ok = sum(status[:3] in ("200", "201") for status in statuses)
    print(f"profile: till requests {args.count} (check, sale, ...), {len(codes)} holders")
    print(f"profile: answers 200/201: {ok} of {len(statuses)}")
    print(f"profile: queries per request {(len(queries) - counted) / args.count:.2f}")
    for name, run in (("check", one_check), ("sale", one_sale)):
        print(f"profile: one {name}: {len(run)} queries")
        for sql in run:
            print(f"  query: {' '.join(sql.split())[:160]}")
    measured.print("request", args)
    return 0 if ok == len(statuses) else 1


if __name__ == "__main__":
    sys.exit(main())
