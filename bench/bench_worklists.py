"""Time each role's worklist on one region of the registry, at the 95th percentile.

The database is the one INCLUSIO_DATABASE_URL names (PostgreSQL for the real benchmark, after
bench_load.py has loaded the national registry into it):

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_worklists.py [SNAPSHOT_DIR]

An empty registry is first loaded from SNAPSHOT_DIR (generated at ``--scale`` when it holds
none). The work the lists show is then written for every person of the region, as screenings,
answers and the MSE would leave it (idempotent: a second run reuses it): an offer for each
person with a current status (a third of them unanswered for weeks), refusals, awards paid in
money with and without a bank account, waiting referrals. Each worklist is then built
``--repeat`` times as its role would see it, and

    bench: worklist-district_officer-unanswered_offers: 12.3 ms (target 100 ms)

is printed for each, with the rows it counted; exits non-zero when one misses the target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_MS = 100
REGION = "75"  # Almaty city: the largest region
DEFAULT_SNAPSHOT = Path(tempfile.gettempdir()) / "inclusio-synth-national-seed1"
BENCH_SNAPSHOT_ID = "bench-worklists".ljust(64, "0")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    import django

    django.setup()


def ensure_registry(directory: Path, scale: str) -> None:
    from inclusio.registry.models import Person
    from inclusio.synthetic.load import load_snapshot

    if Person.objects.exists():
        return
    if not (directory / "manifest.json").is_file():
        inclusio = Path(sys.executable).parent / "inclusio"
        print(f"bench: no snapshot in {directory}; generating the {scale} one", flush=True)
        subprocess.run(
            [str(inclusio), "synth", "--scale", scale, "--out", str(directory)], check=True
        )
    load_snapshot(directory)


def accounts() -> dict[str, Any]:
    from django.contrib.auth.models import Group

    from inclusio.core.models import Region, User

    region = Region.objects.get(code=REGION)
    made = {}
    for role, scope in (
        ("district_officer", region),
        ("mse_specialist", region),
        ("medical_referrer", region),
        ("ministry_admin", None),
    ):
        user, _ = User.objects.get_or_create(username=f"bench_{role}", defaults={"region": scope})
        user.groups.set([Group.objects.get(name=role)])
        made[role] = user
    return made


def write_the_work(doctor: Any) -> None:
    """The lists' rows for the region, written in bulk the first time."""
    from django.db import transaction
    from django.utils import timezone

    from inclusio.assessment.models import Referral
    from inclusio.benefits.models import (
        Award,
        Decision,
        PaymentAccount,
        Programme,
        Proposal,
        ScreeningRun,
    )
    from inclusio.benefits.services import programmes_load
    from inclusio.core.audit import SYSTEM
    from inclusio.registry.models import Person

    if ScreeningRun.objects.filter(snapshot_id=BENCH_SNAPSHOT_ID).exists():
        return
    if not Programme.objects.exists():
        programmes_load(actor=SYSTEM)
    cash = Programme.objects.filter(cash=True).order_by("code").first()
    service = Programme.objects.filter(cash=False).order_by("code").first()
    assert cash is not None and service is not None
    now = timezone.now()
    today = timezone.localdate()
    persons = list(
        Person.objects.filter(
            region_id=REGION, statuses__superseded_at__isnull=True, statuses__ended=False
        )
        .exclude(benefit_proposals__status=Proposal.Status.PENDING)
        .values_list("pk", "iin")
    )
    print(f"bench: writing the work of {len(persons):,} persons of region {REGION}", flush=True)
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            snapshot_dir="bench",
            snapshot_id=BENCH_SNAPSHOT_ID,
            screening_date=today,
            engine="duckdb",
            status=ScreeningRun.Status.COMPLETED,
            finished_at=now,
        )

        def proposal(n: int, pk: int, iin: str, programme: Any, status: str) -> Proposal:
            return Proposal(
                run=run,
                programme=programme,
                subject_kind="person",
                subject_id=iin,
                person_id=pk,
                kind=Proposal.Kind.NEW,
                amount_kzt=50000 if programme.cash else None,
                status=status,
                created_at=now - dt.timedelta(days=30 if n % 3 == 0 else 1),
            )

        pending = [
            proposal(n, pk, iin, cash, Proposal.Status.PENDING)
            for n, (pk, iin) in enumerate(persons)
            if n % 10 < 6
        ]
        answered = [
            proposal(n, pk, iin, service, Proposal.Status.REFUSED)
            if n % 10 < 8
            else proposal(n, pk, iin, cash, Proposal.Status.ACCEPTED)
            for n, (pk, iin) in enumerate(persons)
            if n % 10 >= 6
        ]
        Proposal.objects.bulk_create(pending + answered, batch_size=5000)
        decisions = Decision.objects.bulk_create(
            [
                Decision(
                    proposal=p,
                    person_id=p.person_id,
                    programme=p.programme,
                    outcome=Decision.Outcome.REFUSED
                    if p.status == Proposal.Status.REFUSED
                    else Decision.Outcome.GRANTED,
                    amount_kzt=p.amount_kzt,
                    decided_at=now,
                )
                for p in answered
            ],
            batch_size=5000,
        )
        granted = [d for d in decisions if d.outcome == Decision.Outcome.GRANTED]
        Award.objects.bulk_create(
            [
                Award(
                    person_id=d.person_id,
                    programme=d.programme,
                    amount_kzt=d.amount_kzt,
                    starts=today,
                    decision=d,
                )
                for d in granted
            ],
            batch_size=5000,
        )
        PaymentAccount.objects.bulk_create(
            [
                PaymentAccount(person_id=d.person_id, iban="KZ18722S000012345678")
                for n, d in enumerate(granted)
                if n % 2
            ],
            batch_size=5000,
        )
        Referral.objects.bulk_create(
            [
                Referral(
                    person_id=pk,
                    region_id=REGION,
                    kind=Referral.Kind.REEXAMINATION,
                    mode=Referral.Mode.IN_ABSENTIA,
                    organisation_name="Bench polyclinic",
                    organisation_bin="000000000000",
                    diagnosis_code="G80.1",
                    filed_by=doctor,
                    filed_at=now,
                    deadline=today + dt.timedelta(days=n % 15),
                )
                for n, (pk, _iin) in enumerate(persons)
                if n % 50 == 0
            ],
            batch_size=5000,
        )


def time_worklist(worklist_of: Any, actor: Any, repeat: int) -> tuple[float, int]:
    """The 95th percentile in milliseconds and the count, after one warm-up build."""
    worklist_of(actor=actor)
    durations = []
    count = 0
    for _ in range(repeat):
        # As a request builds it: in autocommit, its access-log rows committed as they append.
        started = time.perf_counter()
        count = worklist_of(actor=actor).count
        durations.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(durations, n=20)[-1] if len(durations) > 1 else durations[0]
    return p95, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path, nargs="?", default=DEFAULT_SNAPSHOT)
    parser.add_argument("--scale", choices=["demo", "region", "national"], default="national")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from inclusio.assessment import selectors as assessment
    from inclusio.benefits import selectors as benefits
    from inclusio.registry import selectors as registry

    if connection.vendor != "postgresql":
        print(f"bench: warning: timing on {connection.vendor}, not PostgreSQL", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    ensure_registry(args.snapshot, args.scale)
    staff = accounts()
    write_the_work(staff["medical_referrer"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As autovacuum leaves the tables soon after a bulk load: statistics, and the
            # visibility map that lets a join read an index alone (person_region_id).
            cursor.execute("VACUUM (ANALYZE)")

    cases = [
        ("district_officer", benefits.worklist_unanswered_offers),
        ("district_officer", benefits.worklist_refusals),
        ("district_officer", benefits.worklist_held_payments),
        ("district_officer", assessment.worklist_referrals_due),
        ("district_officer", registry.worklist_statuses_expiring),
        ("mse_specialist", assessment.worklist_mse_queue),
        ("medical_referrer", assessment.worklist_my_referrals),
        ("ministry_admin", benefits.worklist_screening_runs),
    ]
    missed = 0
    for role, worklist_of in cases:
        p95, count = time_worklist(worklist_of, staff[role], args.repeat)
        name = worklist_of.__name__.removeprefix("worklist_")
        print(f"bench: worklist-{role}-{name}: {p95:.1f} ms (target {TARGET_MS} ms)")
        print(f"bench: worklist-{role}-{name}-rows: {count:,}")
        missed += p95 > TARGET_MS
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
