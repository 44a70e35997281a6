"""The in-shop till through the supplier API under steady load: voucher checks and sales.

A verified supplier with a token sells hygiene products at its till to ``--holders`` persons,
each with a programme (so a voucher of well over a thousand units); the requests alternate
``POST /api/v1/marketplace/vouchers/check`` and ``POST /api/v1/marketplace/sales`` (each sale
locks its voucher and the item, reserves a unit, sends a one-time code and writes its audit
record), sent at a fixed rate by a pool of threads (open loop) to gunicorn in production
settings, on the database named by INCLUSIO_DATABASE_URL. Prints

    bench: marketplace_sale_p95: 21.4 ms (target ≤ 50 ms)

and exits non-zero when the p95 misses the target or a request fails.

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_till.py
    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_till.py --rate 20 --seconds 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_catalogue_search import setup_django
from http_load import Request, open_loop, percentile, serving

P95_TARGET_MS = 50.0
CHECK = "/api/v1/marketplace/vouchers/check"
SALE = "/api/v1/marketplace/sales"
PREFIX = "bench_till"


def prepare(holders: int) -> tuple[str, int, list[str]]:
    """The supplier's API token, its item, and the holders' voucher codes."""
    from django.contrib.auth.models import Group

    from inclusio.core.audit import SYSTEM
    from inclusio.core.identifiers import make_iin
    from inclusio.core.models import Region, User
    from inclusio.marketplace.models import Item, Supplier, Voucher
    from inclusio.marketplace.tokens import supplier_token_create
    from inclusio.registry.models import Person
    from inclusio.registry.services import disability_status_record, person_create
    from inclusio.rehabilitation.services import Prescribed, programme_issue
    from inclusio.synthetic.marketplace import make_bin, make_iban

    region = Region.objects.get(code="71")
    run = int(time.time())
    account = User.objects.create(username=f"{PREFIX}_supplier_{run}", region=region)
    account.groups.add(Group.objects.get(name="supplier"))
    serial = 80_000 + run % 10_000
    supplier = Supplier.objects.create(
        bin=make_bin(serial, dt.date(2016, 1, 1)),
        legal_name=f"{PREFIX} shop",
        region=region,
        categories=["diapers"],
        iban=make_iban(serial),
        phone="+7 700 000 00 00",
        address="—",
        representative=account,
        status="verified",
    )
    supplier.regions_served.set([region])
    item = Item.objects.create(
        supplier=supplier,
        category="diapers",
        name=f"{PREFIX} diapers",
        price=150,
        description="—",
        accessible_kk="—",
        accessible_ru="—",
        accessible_en="—",
        lead_time_days=1,
        stock=1_000_000,
    )
    _, token = supplier_token_create(actor=account, name=PREFIX)
    serials = iter(range(1, 100_000))
    codes = []
    for n in range(holders):
        iin = None
        while iin is None or Person.objects.filter(iin=iin).exists():
            iin = make_iin(dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28), "M", next(serials))
        person = person_create(
            actor=SYSTEM,
            iin=iin,
            surname="Бенч",
            given_name=f"Касса {n}",
            region_code="71",
            urban=True,
        )
        person.phone = "+77010000000"
        person.save(update_fields=["phone"])
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
        programme_issue(
            actor=SYSTEM, person=person, status=status, prescription=[Prescribed("diapers", 3)]
        )
        codes.append(Voucher.objects.get(person=person, category="diapers").code)
    return token, item.pk, codes


def till(token: str, item_id: int, codes: list[str]) -> Callable[[int], Request]:
    """Request number i: a check then a sale for each holder in turn."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept-Language": "en",
        "Content-Type": "application/json",
    }

    def request(index: int) -> Request:
        code = codes[(index // 2) % len(codes)]
        if index % 2 == 0:
            body = json.dumps({"code": code}).encode()
            return Request("POST", CHECK, body=body, headers=headers)
        sale = {"code": code, "item_id": item_id, "quantity": 1, "unit_price": 150}
        return Request("POST", SALE, body=json.dumps(sale).encode(), headers=headers, expect=201)

    return request


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--holders", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    args = parser.parse_args()
    setup_django()
    from inclusio.marketplace.models import ShopSale

    token, item_id, codes = prepare(args.holders)
    request = till(token, item_id, codes)
    with serving(workers=args.workers, threads=args.threads) as port:
        open_loop(port, args.rate * 3, args.rate, request)  # connections, caches
        before = ShopSale.objects.count()
        load = open_loop(port, int(args.rate * args.seconds), args.rate, request)
        recorded = ShopSale.objects.count() - before
    latencies, errors, wall = load.latencies_ms, load.errors, load.wall_s
    p95 = percentile(latencies, 0.95)
    print(
        f"bench: marketplace_till_requests: {len(latencies)} requests over {wall:.1f} s "
        f"({len(latencies) / wall:.0f} per second, target {args.rate})"
    )
    print(load.cpu_line())
    print(f"bench: marketplace_sale_p50: {percentile(latencies, 0.50):.2f} ms")
    print(f"bench: marketplace_sale_p95: {p95:.2f} ms (target ≤ {P95_TARGET_MS:g} ms)")
    print(f"bench: marketplace_sale_errors: {errors} (target 0)")
    print(f"bench: marketplace_sales_recorded: {recorded}")
    return 0 if p95 <= P95_TARGET_MS and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
