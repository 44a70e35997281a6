"""The server's cost of one dispatcher's lookup, measured in this process: CPU time and database
round trips per request, without HTTP or a load generator sharing the cores.

Calls the platform's WSGI application (production settings, as gunicorn serves it: cached
templates, the static files' manifest, persistent connections) with the same POST as
``bench_emergency.py`` — a signed-in dispatcher with a confirmed second factor, a 100 m circle
around a known home — ``--count`` times in a row after a warm-up, and prints the CPU time
(user + system of this process) and wall time per lookup and the queries one lookup makes.
``--profile`` prints cProfile's top functions by cumulative time and the function calls a
lookup (``bench/inprocess.py``). ``--api`` sends the same lookups to the dispatch systems' API
(``POST /api/v1/emergency/lookups`` with each region's dispatcher's token, JSON) instead of the
page.

    python3 tools/pgcluster.py run -- sh -c \
        'inclusio migrate -v 0 && python bench/bench_load.py bench/out/region \
         && python bench/profile_emergency.py --count 500'

It compiles the dispatchers' registry first (as the bench does) and leaves its lookups and
their access-log rows in the database.
"""

from __future__ import annotations

import argparse
import json
import secrets
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
    add_profile_arguments(parser, count=500, warm=50)
    parser.add_argument(
        "--compiled", action="store_true", help="the registry is compiled already: use it as it is"
    )
    parser.add_argument(
        "--api", action="store_true", help="the dispatch systems' API instead of the page"
    )
    args = parser.parse_args()
    production_environment()
    import django

    django.setup()
    from bench_emergency import (
        HOME,
        api_lookups,
        compile_residences,
        dispatcher_sessions,
        dispatcher_tokens,
        lookups,
    )
    from inclusio.emergency.models import Residence

    homes = Residence.objects.count() if args.compiled else compile_residences()[0]
    sessions = dispatcher_tokens() if args.api else dispatcher_sessions()
    prefix = f"PROF{secrets.token_hex(3)}"
    make = api_lookups(sessions, prefix) if args.api else lookups(sessions, prefix)
    answer = caller()
    statuses: list[str] = []
    shown = 0
    expected = "201" if args.api else "200"

    def homes_in(body: bytes) -> int:
        if args.api:
            return len(json.loads(body).get("homes", [])) if body.startswith(b"{") else 0
        return len(HOME.findall(body))

    def call(index: int) -> None:
        nonlocal shown
        status, body = answer(make(index))
        statuses.append(status)
        shown += homes_in(body)

    for index in range(args.warm):
        call(index)
    queries = counted_queries()
    call(args.warm)
    one_lookup = list(queries)
    statuses.clear()
    shown = 0
    lookups_timed = range(args.warm + 1, args.warm + 1 + args.count)
    measured = timed(call, lookups_timed, profile=args.profile)
    ok = sum(status.startswith(expected) for status in statuses)
    what = "API lookups" if args.api else "lookups"
    print(f"profile: residences {homes}, dispatchers {len(sessions)}, {what} {args.count}")
    print(
        f"profile: answers {expected}: {ok} of {len(statuses)}; "
        f"homes shown {shown / args.count:.2f}"
    )
    print(f"profile: queries per lookup {(len(queries) - len(one_lookup)) / args.count:.2f}")
    for sql in one_lookup:
        print(f"  query: {' '.join(sql.split())[:150]}")
    measured.print("lookup", args)
    return 0 if ok == len(statuses) else 1


if __name__ == "__main__":
    sys.exit(main())
