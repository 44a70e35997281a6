"""Time the housing waiting lists: recomputing every place of the national lists, and a
person's position page at the 95th percentile.

The database is the one INCLUSIO_DATABASE_URL names (PostgreSQL for the real benchmark):

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_housing.py [SNAPSHOT_DIR]

An empty registry is first loaded from SNAPSHOT_DIR (as bench_worklists.py does), then the
synthetic lists of the seed's figures (55,258 persons and 25,337 families waiting) are written
at ``--housing-scale``. The recompute is timed in its worst case — every place of every list
changed, so every place and its history are written — and the page is fetched by ``--repeat``
persons of the largest region, each their own:

    bench: housing-recompute-national: 1.2 s (target 5 s)
    bench: housing-position-page: 21.0 ms (target 50 ms)

Exits non-zero when one misses its target.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench_worklists import DEFAULT_SNAPSHOT, ensure_registry, setup_django

RECOMPUTE_TARGET_S = 5.0
PAGE_TARGET_MS = 50.0


def person_clients(iins: list[str]) -> list[tuple[str, object]]:
    """A signed-in client for each person, on their own page (a person reads it more than
    anyone; an officer's reads are counted against the look-up limit)."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from inclusio.core.models import User
    from inclusio.registry.models import Person

    group = Group.objects.get(name="person")
    clients = []
    for person in Person.objects.filter(iin__in=iins):
        if person.user_id is None:
            person.user = User.objects.create_user(username=f"bench_housing_{person.iin}")
            person.save(update_fields=["user"])
        person.user.groups.set([group])
        client = Client(HTTP_HOST="localhost")
        client.force_login(person.user)
        clients.append((person.iin, client))
    return clients


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path, nargs="?", default=DEFAULT_SNAPSHOT)
    parser.add_argument("--scale", choices=["demo", "region", "national"], default="national")
    parser.add_argument("--housing-scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from inclusio.housing.models import Registration
    from inclusio.housing.services import positions_recompute
    from inclusio.synthetic.housing import housing_synthesise

    if connection.vendor != "postgresql":
        print(f"bench: warning: timing on {connection.vendor}, not PostgreSQL", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    ensure_registry(args.snapshot, args.scale)
    if not Registration.objects.exists():
        counts = housing_synthesise(scale=args.housing_scale)
        print(f"bench: housing lists written: {counts}", flush=True)
    waiting = Registration.objects.filter(status=Registration.Status.WAITING)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")

    waiting.update(position=None)  # every place changes: the worst case
    started = time.perf_counter()
    moved = positions_recompute()
    seconds = time.perf_counter() - started
    print(f"bench: housing-recompute-national: {seconds:.2f} s (target {RECOMPUTE_TARGET_S:g} s)")
    print(f"bench: housing-recompute-national-rows: {moved:,}")

    largest = (
        waiting.values("waiting_list__region_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("waiting_list__region_id", flat=True)
        .first()
    )
    iins = list(
        waiting.filter(waiting_list__region_id=largest)
        .order_by("?")
        .values_list("person__iin", flat=True)[: args.repeat + 1]
    )
    if len(iins) < 2:
        print("nobody is waiting: load a snapshot first (bench/run.py does)")
        return 1
    clients = person_clients(iins)
    durations = []
    for n, (iin, client) in enumerate(clients):
        started = time.perf_counter()
        response = client.get(f"/en/housing/person/{iin}/")
        if n:  # the first is the warm-up
            durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    p95 = statistics.quantiles(durations, n=20)[-1] if len(durations) > 1 else durations[0]
    print(f"bench: housing-position-page: {p95:.1f} ms (target {PAGE_TARGET_MS:g} ms)")
    return 1 if seconds > RECOMPUTE_TARGET_S or p95 > PAGE_TARGET_MS else 0


if __name__ == "__main__":
    sys.exit(main())
