"""Write about a million benefit proposals into PostgreSQL through a real screening run; time it.

Registers PERSONS adults with a group I or II disability straight into the registry (COPY), writes
a snapshot of the same persons, loads the Kazakhstan programmes, and runs ``screening_run`` —
screening, the difference with the awards, and the write of the proposals, the decisions taken
on import (automatic programmes), their awards and the messages in one transaction. Each person
is eligible to four person programmes, so 250,000 persons make 1,000,000 proposals. Prints

    bench: proposals into PostgreSQL: 41.2 s (target 120 s)
    bench: proposals_rows_per_second: 24,270 rows/s (1,000,000 proposals, ...)

where the first figure is the run's time after screening (difference + every write + commit).
Runs in a throwaway durable cluster of its own (tools/pgcluster.py):

    .venv/bin/python bench/bench_proposals.py [--persons 250000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from pgcluster import throwaway_cluster  # noqa: E402

SECONDS_TARGET = 120
ON = dt.date(2024, 1, 1)
# Durable like production (the test cluster's fsync=off would flatter every write), with the WAL
# room a production server doing national runs is given: a run is one transaction of a few GB,
# and the default max_wal_size (1 GB) would checkpoint several times in the middle of it.
DURABLE = {
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
}


@contextmanager
def postgres() -> Iterator[None]:
    """A throwaway cluster of its own: the benchmark registers persons of its own."""
    with throwaway_cluster(settings=DURABLE) as url:
        os.environ["INCLUSIO_DATABASE_URL"] = url
        yield


def persons_and_snapshot(count: int, snapshot: Path) -> None:
    """Register ``count`` persons (COPY) and write a snapshot of them (Parquet)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from inclusio import countries
    from inclusio.benefits.bulk import insert_arrow, timestamp_text
    from inclusio.core.identifiers import make_iin
    from inclusio.registry.models import Person, fold_name
    from inclusio.snapshot.contract import MANIFEST, SCHEMAS, parquet_path

    regions = [row["code"] for row in countries.regions(settings.COUNTRY)]
    iins: list[str] = []
    births: list[dt.date] = []
    day, serial = dt.date(1950, 1, 1), 0
    while len(iins) < count:
        iin = make_iin(day, "F", serial)
        if iin is not None:
            iins.append(iin)
            births.append(day)
        serial += 1
        if serial == 40:
            day, serial = day + dt.timedelta(days=1), 0
    n = len(iins)
    region = [regions[i % len(regions)] for i in range(n)]
    now = timestamp_text(timezone.now())
    registry = pa.table(
        {
            "iin": iins,
            "surname": ["Бенчмарк"] * n,
            "given_name": ["Тест"] * n,
            "patronymic": [""] * n,
            # Bulk writes bypass the model's save, which fills the folded names a search reads.
            "surname_folded": [fold_name("Бенчмарк")] * n,
            "given_name_folded": [fold_name("Тест")] * n,
            "patronymic_folded": [""] * n,
            "birth_date": [b.isoformat() for b in births],
            "sex": ["F"] * n,
            "region": region,
            "urban": [True] * n,
            "address": [""] * n,
            "phone": [""] * n,
            "preferred_language": ["kk"] * n,
            "created": [now] * n,
            "updated": [now] * n,
        }
    )
    with transaction.atomic():
        insert_arrow(Person, registry)

    snapshot.mkdir(parents=True, exist_ok=True)
    family_ids = list(range(1, n + 1))
    false = [False] * n
    tables = {
        "persons": {
            "iin": iins,
            "family_id": family_ids,
            "family_role": ["head"] * n,
            "birth_date": births,
            "sex": ["F"] * n,
            "region_code": region,
            "urban": [True] * n,
            "employed": false,
            "monthly_income_kzt": [0] * n,
            "home_schooled": false,
        },
        "families": {
            "family_id": family_ids,
            "region_code": region,
            "urban": [True] * n,
            "housing": ["own"] * n,
            "members": [1] * n,
            "latitude": [51.1] * n,
            "longitude": [71.4] * n,
        },
        "disability": {
            "iin": iins,
            "category": ["I" if i % 2 else "II" for i in range(n)],
            "cause": ["general_disease"] * n,
            "since": [dt.date(2020, 1, 1)] * n,
            "until": [None] * n,
            "work_capacity_loss_pct": [60] * n,
            "mobility": [True] * n,
            "vision": false,
            "hearing": false,
            "speech": false,
            "intellectual": false,
            "psychosocial": false,
        },
        "care": {"carer_iin": [], "cared_iin": [], "relation": [], "since": []},
    }
    for name, schema in SCHEMAS.items():
        rows = len(next(iter(tables[name].values())))
        # The contract's optional columns (benefits reported, life events) left null.
        columns = {f.name: tables[name].get(f.name, [None] * rows) for f in schema}
        pq.write_table(pa.table(columns, schema=schema), parquet_path(snapshot, name))
    (snapshot / MANIFEST).write_text(f'{{"bench": "proposals", "persons": {n}}}\n')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=250_000)
    args = parser.parse_args()
    with postgres():
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
        with tempfile.TemporaryDirectory(prefix="inclusio-bench-proposals-") as temp:
            os.environ["INCLUSIO_VAR_DIR"] = str(Path(temp) / "var")
            return run(args.persons, Path(temp) / "snapshot")


def run(persons: int, snapshot: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from inclusio.benefits import screening
    from inclusio.benefits.models import Award, Decision, Message, Proposal
    from inclusio.benefits.services import programmes_load, screening_run
    from inclusio.core.audit import SYSTEM

    if connection.vendor != "postgresql":
        print(f"bench: warning: writing into {connection.vendor}, not PostgreSQL", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    report = programmes_load(actor=SYSTEM)
    if report.errors:
        print(f"bench: programme files with errors: {report.errors}", flush=True)
    started = time.monotonic()
    persons_and_snapshot(persons, snapshot)
    print(f"bench: proposals setup: {persons:,} persons in {time.monotonic() - started:.1f} s")

    screened: list[float] = []
    real_screen = screening._screen

    def timed_screen(*args: object) -> object:
        begin = time.monotonic()
        result = real_screen(*args)  # type: ignore[arg-type]
        screened.append(time.monotonic() - begin)
        return result

    screening._screen = timed_screen  # type: ignore[assignment]
    started = time.monotonic()
    run = screening_run(actor=SYSTEM, snapshot_dir=snapshot, on=ON)
    total = time.monotonic() - started
    writing = total - screened[0]
    proposals = Proposal.objects.filter(run=run).count()
    print(f"bench: proposals into PostgreSQL: {writing:.1f} s (target {SECONDS_TARGET} s)")
    print(
        f"bench: proposals_rows_per_second: {proposals / writing:,.0f} rows/s "
        f"({proposals:,} proposals, {Message.objects.count():,} messages, "
        f"{Decision.objects.count():,} decisions and {Award.objects.count():,} awards on import)"
    )
    print(f"bench: proposals_screening_seconds: {screened[0]:.1f} s (whole run {total:.1f} s)")
    started = time.monotonic()
    again = screening_run(actor=SYSTEM, snapshot_dir=snapshot, on=ON)
    print(
        f"bench: proposals_rerun_seconds: {time.monotonic() - started:.2f} s "
        f"(same run: {again.pk == run.pk})"
    )
    return 0 if writing <= SECONDS_TARGET and again.pk == run.pk else 1


if __name__ == "__main__":
    sys.exit(main())
