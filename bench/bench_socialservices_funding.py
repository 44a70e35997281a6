"""A month's per-capita funding of special social services for every provider of the country,
in PostgreSQL; time it.

Registers PERSONS persons (as ``bench_proposals.py`` does), loads every region's share of the
country's 977 providers and places the registered persons with them (``synth-socialservices``:
61,000 persons served nationally), with last month's attendance confirmed, then times
``funding_month_compute`` for that month: the norms read, every provider's amount computed,
the lines and payments written and the payment file made. Prints

    bench: socialservices-funding-month: 1.9 s (target ≤ 10 s; 977 providers, 61,000 persons)

Runs in a throwaway durable cluster of its own (tools/pgcluster.py):

    .venv/bin/python bench/bench_socialservices_funding.py [--persons 61000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_payroll import TREASURY  # noqa: E402
from bench_proposals import persons_and_snapshot, postgres  # noqa: E402

TARGET_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=61_000)
    args = parser.parse_args()
    os.environ.update(TREASURY)
    with postgres():
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
        with tempfile.TemporaryDirectory(prefix="inclusio-bench-social-") as temp:
            os.environ["INCLUSIO_VAR_DIR"] = str(Path(temp) / "var")
            return run(args.persons, Path(temp))


def run(persons: int, temp: Path) -> int:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from inclusio.core.models import User
    from inclusio.socialservices.models import Attendance, FundingMonth
    from inclusio.socialservices.services import funding_month_compute
    from inclusio.synthetic.socialservices import last_month

    call_command("migrate", verbosity=0, interactive=False)
    persons_and_snapshot(persons, temp / "snapshot")
    statuses()
    call_command("synth_socialservices", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    payer = User.objects.create_user(username="bench_payments")
    payer.groups.add(Group.objects.get(name="ministry_admin"))
    month = last_month(timezone.localdate())
    served = Attendance.objects.filter(month=month).count()
    started = time.monotonic()
    funding_month_compute(actor=payer, month=month)
    seconds = time.monotonic() - started
    funding = FundingMonth.objects.get(month=month)
    print(
        f"bench: socialservices-funding-month: {seconds:.1f} s (target ≤ {TARGET_SECONDS:g} s; "
        f"{funding.providers:,} providers paid, {served:,} persons)",
        flush=True,
    )
    return 0 if seconds <= TARGET_SECONDS and funding.persons == served else 1


def statuses() -> None:
    """A current status for every registered person: the persons placed are chosen among them."""
    import datetime as dt

    from inclusio.registry.models import DisabilityStatus, Person

    DisabilityStatus.objects.bulk_create(
        [
            DisabilityStatus(
                person_id=pk,
                category="II",
                cause="general_disease",
                valid_from=dt.date(2020, 1, 1),
                source="import",
            )
            for pk in Person.objects.values_list("pk", flat=True).iterator()
        ],
        batch_size=5000,
    )


if __name__ == "__main__":
    sys.exit(main())
