"""Time the deciding body's list of overdue appeals: the first page of the worklist of a
district office of the largest region, overdue first, at the 95th percentile.

The database is the one INCLUSIO_DATABASE_URL names (PostgreSQL for the real benchmark):

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_overdue_appeals.py

``--appeals`` appeals (default 200,000: about a year of appeals against every kind of
decision, in every region) are written straight into the table, a tenth of them open and a
third of those past their deadline, against persons made for the purpose; then the worklist is
built ``--repeat`` times by an officer of Astana:

    bench: overdue_appeals_p95: 4.1 ms (target ≤ 100 ms)

Exits non-zero when it misses its target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import statistics
import sys
import time

from bench_worklists import setup_django

TARGET_MS = 100.0
REGION = "71"
PERSONS = 2000


def write_appeals(count: int) -> None:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from inclusio.appeals.models import BODY_OF_KIND, Appeal, Kind, State
    from inclusio.core.identifiers import make_iin
    from inclusio.core.models import Region, User
    from inclusio.registry.models import Person

    regions = list(Region.objects.values_list("code", flat=True))
    filer, _ = User.objects.get_or_create(username="bench_appeals_filer")
    filer.groups.set([Group.objects.get(name="person")])
    serials = itertools.count(1)
    persons = []
    while len(persons) < PERSONS:
        iin = make_iin(dt.date(1980, 1, 1), "F", next(serials))
        if iin is not None:
            persons.append(
                Person(
                    iin=iin,
                    surname="Бенч",
                    given_name="Апелляция",
                    birth_date=dt.date(1980, 1, 1),
                    sex="F",
                    region_id=REGION if len(persons) % 4 == 0 else random.choice(regions),
                    urban=True,
                )
            )
    Person.objects.bulk_create(persons, ignore_conflicts=True, batch_size=2000)
    people = list(Person.objects.values_list("pk", "region_id")[: PERSONS * 2])
    today = timezone.localdate()
    now = timezone.now()
    kinds = list(Kind)
    rows = []
    for number in range(count):
        person_id, region = people[number % len(people)]
        kind = kinds[(number // 10) % len(kinds)]
        open_ = number % 10 == 0
        filed = today - dt.timedelta(days=random.randint(0, 365))
        rows.append(
            Appeal(
                person_id=person_id,
                region_id=region,
                body=BODY_OF_KIND[kind],
                kind=kind,
                decision_id=number + 1,  # distinct: one open appeal per decision
                decided_on=filed - dt.timedelta(days=10),
                filed_by=filer,
                grounds="bench",
                filed_at=now - (today - filed),
                deadline=today - dt.timedelta(days=5)
                if open_ and (number // 10) % 3 == 0
                else filed + dt.timedelta(days=28),
                state=State.FILED if open_ else State.REFUSED,
            )
        )
    Appeal.objects.bulk_create(rows, batch_size=5000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    setup_django()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from inclusio.appeals.models import Appeal
    from inclusio.appeals.selectors import overdue_appeals, worklist_appeals
    from inclusio.core.models import Region, User

    if connection.vendor != "postgresql":
        print(f"bench: warning: timing on {connection.vendor}, not PostgreSQL", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    if not Appeal.objects.exists():
        write_appeals(args.appeals)
        print(f"bench: appeals written: {Appeal.objects.count()}", flush=True)
    officer, _ = User.objects.get_or_create(
        username="bench_appeals_officer", defaults={"region": Region.objects.get(code=REGION)}
    )
    officer.groups.set([Group.objects.get(name="district_officer")])
    officer = User.objects.get(pk=officer.pk)
    overdue = overdue_appeals(officer).count()
    worklist_appeals(actor=officer)  # a warm-up build
    durations = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        shown = worklist_appeals(actor=officer)
        assert all(appeal.overdue for appeal in shown.rows[: min(overdue, len(shown.rows))])
        durations.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(durations, n=20)[-1] if len(durations) > 1 else durations[0]
    print(f"bench: overdue appeals of the region: {overdue}", flush=True)
    print(f"bench: overdue_appeals_p95: {p95:.1f} ms (target ≤ {TARGET_MS:.0f} ms)", flush=True)
    return 0 if p95 <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
