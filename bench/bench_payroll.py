"""The monthly payroll in PostgreSQL, with and without a programme paid by the day; time it.

Registers PERSONS adults with a group I or II disability (as ``bench_proposals.py`` does), loads
the disability benefit assigned by law — once as it is (a whole month), once more under another
id with ``proration: daily`` — screens them so every person holds both awards, then times
``payroll_create`` twice: a month paying the whole-month awards only (the national path, which
reads no snapshot), and the next month paying both, the by-the-day one through the rules engine
over the snapshot. Prints

    bench: payroll-whole-month: 2.1 s (target none stated; 250,000 payments)
    bench: payroll-with-a-month-by-the-day: 9.8 s (target none stated; 500,000 payments, …)

Runs in a throwaway durable cluster of its own (tools/pgcluster.py):

    .venv/bin/python bench/bench_payroll.py [--persons 250000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_proposals import persons_and_snapshot, postgres  # noqa: E402

ON = dt.date(2024, 1, 1)
BY_THE_DAY = "disability_benefit_by_the_day"
TREASURY = {
    "INCLUSIO_TREASURY_NAME": "Bench treasury account",
    "INCLUSIO_TREASURY_IBAN": "KZ510700000000000001",
    "INCLUSIO_TREASURY_BIC": "KKMFKZ2A",
    "INCLUSIO_TREASURY_BIN": "000000000000",
}


def programmes(directory: Path) -> Path:
    """The disability benefit assigned by law, as a whole month and (another id) by the day."""
    from inclusio.benefits.services import programmes_directory

    text = (programmes_directory("kz") / "disability_benefit.yaml").read_text(encoding="utf-8")
    text += "\nassignment: automatic\n"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "disability_benefit.yaml").write_text(text, encoding="utf-8")
    daily = text.replace("id: disability_benefit\n", f"id: {BY_THE_DAY}\n", 1)
    (directory / f"{BY_THE_DAY}.yaml").write_text(daily + "proration: daily\n", encoding="utf-8")
    return directory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=250_000)
    args = parser.parse_args()
    os.environ.update(TREASURY)
    with postgres():
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
        with tempfile.TemporaryDirectory(prefix="inclusio-bench-payroll-") as temp:
            os.environ["INCLUSIO_VAR_DIR"] = str(Path(temp) / "var")
            return run(args.persons, Path(temp))


def run(persons: int, temp: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from inclusio.benefits.models import Payment, Programme
    from inclusio.benefits.services import payroll_create, programmes_load, screening_run
    from inclusio.core.audit import SYSTEM

    call_command("migrate", verbosity=0, interactive=False)
    persons_and_snapshot(persons, temp / "snapshot")
    report = programmes_load(actor=SYSTEM, directory=programmes(temp / "programmes"))
    if report.errors:
        print(f"bench: programme files with errors: {report.errors}", flush=True)
        return 1
    screening_run(actor=SYSTEM, snapshot_dir=temp / "snapshot", on=ON)

    daily = Programme.objects.get(code=BY_THE_DAY)
    Programme.objects.filter(pk=daily.pk).update(cash=False)  # first the whole month alone
    started = time.monotonic()
    payroll_create(actor=SYSTEM, month=ON)
    whole = time.monotonic() - started
    count = Payment.objects.filter(month=ON).count()
    print(
        f"bench: payroll-whole-month: {whole:.1f} s (target none stated; {count:,} payments)",
        flush=True,
    )

    Programme.objects.filter(pk=daily.pk).update(cash=True)
    month = dt.date(2024, 2, 1)
    started = time.monotonic()
    payroll_create(actor=SYSTEM, month=month)
    both = time.monotonic() - started
    count = Payment.objects.filter(month=month).count()
    prorated = Payment.objects.filter(month=month, days__isnull=False).count()
    print(
        f"bench: payroll-with-a-month-by-the-day: {both:.1f} s "
        f"(target none stated; {count:,} payments, {prorated:,} by the day)",
        flush=True,
    )
    return 0 if prorated == persons else 1


if __name__ == "__main__":
    sys.exit(main())
