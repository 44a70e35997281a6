"""Complete services by the hour a second through the real service path on PostgreSQL, 4 workers.

Each person gets, through ``inclusio.marketplace.hours`` and ``orders``, each step one
transaction with its audit record: a sign-language session booked (``session_book``), held by
the supplier (``slot_hold``, a slot of up to 4 at a time) and confirmed (``order_confirm``); and
last month's personal-assistant timesheet submitted (``timesheet_submit``) and confirmed. Both
are complete orders, counted and paid like any other. The issue names no throughput for
services by the hour: the target is its order throughput, 50 complete orders a second with 4
workers. Persons, suppliers and their slots are made beforehand, outside the timing; between
the bookings and the holding, the slots' start is moved to the past (the session's time comes:
the bench moves the data, not the clock), also outside the timing. Prints

    bench: hours: 71.3 orders/s (target 50 orders/s)

and exits non-zero when the rate misses the target or a step fails.

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_hours.py
    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_hours.py --persons 40
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_catalogue_search import setup_django
from bench_orders import bench_item, bench_persons, bench_supplier

TARGET = 50.0
PREFIX = "bench_hours"
SLOT_PLACES = 4

type Share = list[tuple[int, int, int, str]]  # account, sign voucher, slot, assistant code


def prepare(persons: int, workers: int) -> tuple[list[Share], list[tuple[int, int]]]:
    """Each worker's persons (account, sign-language voucher, the slot they book, their
    assistant voucher's code) and its supplier's (representative account, assistant item)."""
    from django.utils import timezone

    from inclusio.marketplace import hours
    from inclusio.marketplace.models import Voucher
    from inclusio.rehabilitation.services import Prescribed

    made = bench_persons(
        PREFIX,
        persons,
        [Prescribed("sign_language", 60), Prescribed("personal_assistant", 1200)],
    )
    starts = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    shares, shops = [], []
    for n in range(workers):
        supplier = bench_supplier(PREFIX, n, ["sign_language", "personal_assistant"])
        sign = bench_item(supplier, "sign_language", f"{PREFIX} interpreter {n}", 3000, None)
        assist = bench_item(supplier, "personal_assistant", f"{PREFIX} assistant {n}", 2000, None)
        rep = supplier.representative  # type: ignore[attr-defined]
        share: Share = []
        mine = made[n::workers]
        for first in range(0, len(mine), SLOT_PLACES):
            slot = hours.slot_publish(
                actor=rep,
                item_id=sign,
                starts=starts + dt.timedelta(hours=first),
                hours=2,
                capacity=SLOT_PLACES,
            )
            for account_id, person_id in mine[first : first + SLOT_PLACES]:
                vouchers = dict(
                    Voucher.objects.filter(person_id=person_id).values_list("category", "pk")
                )
                code = Voucher.objects.get(pk=vouchers["personal_assistant"]).code
                share.append((account_id, vouchers["sign_language"], slot.pk, code))
        shares.append(share)
        shops.append((rep.pk, assist))
    return shares, shops


def book(share: Share, done: multiprocessing.Queue) -> None:
    from django.db import connections

    from inclusio.core.models import User
    from inclusio.marketplace import hours

    connections.close_all()  # a connection of its own, not the parent's
    for account_id, voucher_id, slot_id, _code in share:
        hours.session_book(
            actor=User.objects.get(pk=account_id), slot_id=slot_id, voucher_id=voucher_id
        )
    done.put(len(share))


def complete(share: Share, shop: tuple[int, int], done: multiprocessing.Queue) -> None:
    """The supplier holds its sessions and submits last month's hours; the persons confirm."""
    from django.db import connections
    from django.utils import timezone

    from inclusio.core.models import User
    from inclusio.marketplace import hours, orders
    from inclusio.marketplace.hour_models import SessionBooking

    connections.close_all()
    rep = User.objects.get(pk=shop[0])
    for slot_id in dict.fromkeys(slot for _a, _v, slot, _c in share):
        hours.slot_hold(actor=rep, slot_id=slot_id)
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    days = {month + dt.timedelta(days=d): 4 for d in range(5)}
    completed = 0
    for account_id, voucher_id, slot_id, code in share:
        person = User.objects.get(pk=account_id)
        booking = SessionBooking.objects.get(slot_id=slot_id, voucher_id=voucher_id)
        orders.order_confirm(actor=person, order_id=booking.order_id)
        sheet = hours.timesheet_submit(
            actor=rep, voucher_code=code, item_id=shop[1], month=month, days=days
        )
        orders.order_confirm(actor=person, order_id=sheet.order_id)
        completed += 2
    done.put(completed)


def timed(
    context: multiprocessing.context.BaseContext, jobs: list[tuple]
) -> tuple[int, float, bool]:  # type: ignore[type-arg]
    """Run each (target, args) in a process of its own; what they completed, in how long, and
    whether every one finished cleanly."""
    done = context.Queue()  # type: ignore[attr-defined]
    start = time.perf_counter()
    processes = [context.Process(target=target, args=(*args, done)) for target, args in jobs]  # type: ignore[attr-defined]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - start
    completed = sum(done.get() for _ in processes if not done.empty())
    return completed, elapsed, all(p.exitcode == 0 for p in processes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    setup_django()
    from django.db import connection, connections
    from django.utils import timezone

    from inclusio.marketplace.hour_models import SessionSlot

    if connection.vendor != "postgresql":
        print("bench: hours: needs PostgreSQL (INCLUSIO_DATABASE_URL)", file=sys.stderr)
        return 2
    print(f"bench: preparing {args.persons:,} persons with vouchers", flush=True)
    shares, shops = prepare(args.persons, args.workers)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    booked, booking_time, booked_ok = timed(context, [(book, (share,)) for share in shares])
    slots = {slot for share in shares for _a, _v, slot, _c in share}
    SessionSlot.objects.filter(pk__in=slots).update(starts=timezone.now() - dt.timedelta(hours=1))
    connections.close_all()
    completed, completing_time, completed_ok = timed(
        context, [(complete, (share, shop)) for share, shop in zip(shares, shops, strict=True)]
    )
    elapsed = booking_time + completing_time
    failed = not (booked_ok and completed_ok) or completed != 2 * args.persons
    rate = completed / elapsed
    print(
        f"bench: hours: {rate:.1f} orders/s (target {TARGET:.0f} orders/s, the issue's order "
        f"throughput: it names none for hours; {booked:,} sessions booked in "
        f"{booking_time:.1f} s, {completed:,} orders held or submitted and confirmed in "
        f"{completing_time:.1f} s, {args.workers} workers)"
    )
    return 1 if failed or rate < TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
