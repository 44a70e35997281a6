"""Complete orders a second through the real service path on PostgreSQL, 4 workers.

Each order goes order → accept → ship → deliver → confirm, each step one transaction of
``inclusio.marketplace.orders`` with its audit record (and the confirmation's fulfilment of the
person's programme), then every confirmed order is paid in a suppliers' payment file (one more
transaction). ``--orders`` persons each get a programme (so a voucher) beforehand, outside the
timing; the workers share them out, one supplier's item per worker. Prints

    bench: orders: 63.1 orders/s (target 50 orders/s)

and exits non-zero when the rate misses the target or an order fails.

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_orders.py
    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_orders.py --orders 40
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_catalogue_search import setup_django

TARGET = 50.0
PREFIX = "bench_orders"


def bench_supplier(prefix: str, n: int, categories: list[str]) -> object:
    """A verified supplier of Astana selling ``categories``, with a representative account."""
    from django.contrib.auth.models import Group

    from inclusio.core.models import Region, User
    from inclusio.marketplace.models import Supplier
    from inclusio.synthetic.marketplace import make_bin, make_iban

    region = Region.objects.get(code="71")
    run = int(time.time())
    account = User.objects.create(username=f"{prefix}_supplier_{run}_{n}", region=region)
    account.groups.add(Group.objects.get(name="supplier"))
    # Five digits (a BIN's serial), apart from the synthetic suppliers' and the other benches'.
    serial = 10_000 + (run % 3_900) * 10 + n + (5 if prefix != PREFIX else 0)
    supplier = Supplier.objects.create(
        bin=make_bin(serial, dt.date(2016, 1, 1)),
        legal_name=f"{prefix} supplier {n}",
        region=region,
        categories=categories,
        iban=make_iban(serial),
        phone="+7 700 000 00 00",
        address="—",
        representative=account,
        status="verified",
    )
    supplier.regions_served.set([region])
    return supplier


def bench_item(supplier: object, category: str, name: str, price: int, stock: int | None) -> int:
    from inclusio.marketplace.models import Item

    return Item.objects.create(
        supplier=supplier,
        category=category,
        name=name,
        price=price,
        description="—",
        accessible_kk="—",
        accessible_ru="—",
        accessible_en="—",
        lead_time_days=3,
        stock=stock,
    ).pk


def bench_persons(prefix: str, count: int, prescription: list[object]) -> list[tuple[int, int]]:
    """``count`` persons of Astana with an account, a status and a programme prescribing
    ``prescription`` (so its vouchers): (account id, person id) of each."""
    from django.contrib.auth.models import Group

    from inclusio.core.audit import SYSTEM
    from inclusio.core.identifiers import make_iin
    from inclusio.core.models import User
    from inclusio.registry.models import Person
    from inclusio.registry.services import disability_status_record, person_create
    from inclusio.rehabilitation.services import programme_issue

    person_group = Group.objects.get(name="person")
    run = int(time.time())
    serials = iter(range(1, 10_000))
    made = []
    for n in range(count):
        account = User.objects.create(username=f"{prefix}_person_{run}_{n}")
        account.groups.add(person_group)
        iin = None
        while iin is None or Person.objects.filter(iin=iin).exists():
            iin = make_iin(dt.date(1950 + n % 40, 1 + n % 12, 1 + n % 28), "F", next(serials))
        person = person_create(
            actor=SYSTEM,
            iin=iin,
            surname="Бенч",
            given_name=f"Заказ {n}",
            region_code="71",
            urban=True,
        )
        person.user = account
        person.save(update_fields=["user"])
        status = disability_status_record(
            actor=SYSTEM,
            person=person,
            category="II",
            cause="general_disease",
            valid_from=dt.date(2025, 1, 1),
            reexamination_date=dt.date(2029, 1, 1),
            limitations=["mobility"],
            source="import",
        )
        programme_issue(actor=SYSTEM, person=person, status=status, prescription=prescription)  # type: ignore[arg-type]
        made.append((account.pk, person.pk))
    return made


def prepare(orders: int, workers: int) -> tuple[list[tuple[int, int]], list[int]]:
    """(person's account id, voucher id) for each order to place, and one item per worker."""
    from inclusio.marketplace.models import Voucher
    from inclusio.rehabilitation.services import Prescribed

    items = [
        bench_item(
            bench_supplier(PREFIX, n, ["walking_aid"]),
            "walking_aid",
            f"{PREFIX} cane {n}",
            15_000,
            orders,
        )
        for n in range(workers)
    ]
    work = [
        (account_id, Voucher.objects.get(person_id=person_id).pk)
        for account_id, person_id in bench_persons(PREFIX, orders, [Prescribed("walking_aid", 1)])
    ]
    return work, items


def worker(share: list[tuple[int, int]], item_id: int, done: multiprocessing.Queue) -> None:
    from django.db import connections

    from inclusio.core.models import User
    from inclusio.marketplace import orders
    from inclusio.marketplace.models import Item

    connections.close_all()  # a connection of its own, not the parent's
    supplier = Item.objects.select_related("supplier__representative").get(pk=item_id)
    shop = supplier.supplier.representative
    completed = 0
    for account_id, voucher_id in share:
        person = User.objects.get(pk=account_id)
        order = orders.order_place(
            actor=person,
            voucher_id=voucher_id,
            item_id=item_id,
            quantity=1,
            co_payment_accepted=None,
        )
        orders.order_accept(actor=shop, order_id=order.pk)
        orders.order_ship(actor=shop, order_id=order.pk)
        orders.order_deliver(actor=shop, order_id=order.pk)
        orders.order_confirm(actor=person, order_id=order.pk)
        completed += 1
    done.put(completed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    # The payment file needs the ministry's treasury account; the bench's own if none is set.
    os.environ.setdefault("INCLUSIO_TREASURY_NAME", "Bench treasury")
    os.environ.setdefault("INCLUSIO_TREASURY_IBAN", "KZ510700000000000001")
    os.environ.setdefault("INCLUSIO_TREASURY_BIC", "KKMFKZ2A")
    os.environ.setdefault("INCLUSIO_TREASURY_BIN", "000000000000")
    setup_django()
    from django.db import connection, connections

    from inclusio.core.audit import SYSTEM
    from inclusio.marketplace.orders import supplier_payments_send

    if connection.vendor != "postgresql":
        print("bench: orders: needs PostgreSQL (INCLUSIO_DATABASE_URL)", file=sys.stderr)
        return 2
    print(f"bench: preparing {args.orders:,} persons with vouchers", flush=True)
    work, items = prepare(args.orders, args.workers)
    shares = [work[n :: args.workers] for n in range(args.workers)]
    connections.close_all()
    context = multiprocessing.get_context("fork")
    done: multiprocessing.Queue = context.Queue()
    start = time.perf_counter()
    processes = [
        context.Process(target=worker, args=(share, items[n], done))
        for n, share in enumerate(shares)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    completed = sum(done.get() for _ in processes if not done.empty())
    stepped = time.perf_counter() - start
    paid = supplier_payments_send(actor=SYSTEM)
    elapsed = time.perf_counter() - start
    failed = any(p.exitcode != 0 for p in processes) or completed != args.orders
    rate = completed / elapsed
    print(
        f"bench: orders: {rate:.1f} orders/s (target {TARGET:.0f} orders/s; "
        f"{completed:,} orders, {paid.orders:,} paid, {elapsed:.1f} s: the steps {stepped:.1f} s, "
        f"the payment file {elapsed - stepped:.1f} s; {args.workers} workers)"
    )
    return 1 if failed or rate < TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
