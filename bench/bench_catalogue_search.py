"""The catalogue search over HTTP with 50,000 items, at the 95th percentile.

Writes ``--items`` catalogue items (idempotent: a second run reuses them) from ``--suppliers``
verified suppliers serving a few regions each into the database INCLUSIO_DATABASE_URL names,
serves the platform with gunicorn in production settings, signs a person in, and asks for
search pages the way people do — a category or none, their region or every one, at or under
the state cap or not, sorted by price or lead time, first pages and later ones — then prints

    bench: catalogue-search: 12.3 ms (target 100 ms)

and exits non-zero when the 95th percentile misses the target or any request fails.

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_catalogue_search.py
    INCLUSIO_DATABASE_URL=sqlite:///tmp/catalogue.sqlite3 \
        .venv/bin/python bench/bench_catalogue_search.py --items 5000 --requests 300
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_load import HOST, percentile, serving

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100.0
BENCH_NAME = "bench catalogue"


def setup_django() -> None:
    # The server checks the session this process makes: both hold the same keys.
    os.environ.update(
        INCLUSIO_SECRET_KEY=os.environ.get("INCLUSIO_SECRET_KEY") or secrets.token_urlsafe(40),
        INCLUSIO_AUDIT_DIGEST_KEY=os.environ.get("INCLUSIO_AUDIT_DIGEST_KEY")
        or secrets.token_urlsafe(40),
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    import django

    django.setup()
    inclusio = str(Path(sys.executable).parent / "inclusio")
    subprocess.check_call([inclusio, "migrate", "--no-input", "-v", "0"], cwd=ROOT)


def write_catalogue(items: int, suppliers: int, rng: random.Random) -> None:
    from django.contrib.auth.models import Group
    from django.db import transaction

    from inclusio.core.models import Region, User
    from inclusio.marketplace.catalogue import caps_on, categories
    from inclusio.marketplace.models import Item, Supplier
    from inclusio.synthetic.marketplace import make_bin, make_iban

    have = Item.objects.filter(supplier__legal_name__startswith=BENCH_NAME).count()
    if have >= items:
        return
    print(f"bench: writing {items:,} catalogue items from {suppliers} suppliers", flush=True)
    regions = list(Region.objects.order_by("code"))
    codes = list(categories())
    caps = caps_on(dt.date.today())
    group = Group.objects.get(name="supplier")
    with transaction.atomic():
        Item.objects.filter(supplier__legal_name__startswith=BENCH_NAME).delete()
        Supplier.regions_served.through.objects.filter(
            supplier__legal_name__startswith=BENCH_NAME
        ).delete()
        Supplier.objects.filter(legal_name__startswith=BENCH_NAME).delete()
        User.objects.filter(username__startswith="bench_supplier_").delete()
        accounts = User.objects.bulk_create(
            [
                User(username=f"bench_supplier_{n}", region=rng.choice(regions))
                for n in range(suppliers)
            ]
        )
        group.user_set.add(*accounts)
        made = Supplier.objects.bulk_create(
            [
                Supplier(
                    bin=make_bin(50_000 + n, dt.date(2016, 1 + n % 12, 1)),
                    legal_name=f"{BENCH_NAME} {n}",
                    region=account.region,
                    categories=codes,
                    iban=make_iban(50_000 + n),
                    phone="+7 700 000 00 00",
                    address="—",
                    representative=account,
                    status="verified" if n % 20 else "suspended",
                )
                for n, account in enumerate(accounts)
            ]
        )
        through = Supplier.regions_served.through
        through.objects.bulk_create(
            [
                through(supplier_id=supplier.pk, region_id=region.pk)
                for supplier in made
                for region in rng.sample(regions, rng.randint(1, 5))
            ]
        )
        batch = []
        for n in range(items):
            code = rng.choice(codes)
            batch.append(
                Item(
                    supplier=made[n % len(made)],
                    category=code,
                    name=f"Item {n}",
                    price=max(1, int(caps[code] * rng.uniform(0.5, 1.4))),
                    description="—",
                    accessible_kk="—",
                    accessible_ru="—",
                    accessible_en="—",
                    lead_time_days=rng.randint(0, 60),
                    stock=rng.randint(0, 50) if categories()[code].goods else None,
                )
            )
        Item.objects.bulk_create(batch, batch_size=5000)


def session_cookie() -> tuple[str, str]:
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client

    from inclusio.core.models import User

    user, _created = User.objects.get_or_create(username="bench_catalogue_person")
    user.groups.set([Group.objects.get(name="person")])
    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def queries(count: int, rng: random.Random) -> list[str]:
    from inclusio.core.models import Region
    from inclusio.marketplace.catalogue import categories

    regions = list(Region.objects.values_list("code", flat=True))
    codes = ["", *categories()]
    paths = []
    for _n in range(count):
        parts = [
            f"category={rng.choice(codes)}",
            f"region={rng.choice([*regions, ''])}",
            f"sort={rng.choice(['price', '-price', 'lead_time'])}",
            f"page={rng.choice([1, 1, 1, 2, 3, 10])}",
        ]
        if rng.random() < 0.5:
            parts.append("at_or_under_cap=on")
        paths.append("/ru/marketplace/?" + "&".join(parts))
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--suppliers", type=int, default=500)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    args = parser.parse_args()
    rng = random.Random(2023)
    setup_django()
    write_catalogue(args.items, args.suppliers, rng)
    name, value = session_cookie()
    paths = queries(args.requests, rng)
    latencies: list[float] = []
    errors = 0
    # One person's searches one after another (a closed loop: a person waits for a page before
    # asking for the next), not at a rate as the API benches send.
    with serving(workers=args.workers, pages=True) as port:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        headers = {"Cookie": f"{name}={value}", "Host": HOST}
        for warm in paths[:20]:
            connection.request("GET", warm, headers=headers)
            connection.getresponse().read()
        for path in paths:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status != 200 or b"<h1>" not in body:
                errors += 1
    p95 = percentile(latencies, 0.95)
    print(f"bench: catalogue-search-p50: {statistics.median(latencies):.1f} ms")
    print(f"bench: catalogue-search: {p95:.1f} ms (target {TARGET_MS:g} ms)")
    print(f"bench: catalogue-search-errors: {errors} (target 0)")
    return 0 if p95 <= TARGET_MS and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
