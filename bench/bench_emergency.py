"""The emergency registry under load: a dispatcher's lookup by place and radius over HTTP, with
its access-log write, at a steady rate; and an alert to 10,000 persons queued.

Needs a loaded registry in the database named by INCLUSIO_DATABASE_URL (bench/run.py loads the
national one into a throwaway PostgreSQL first). Compiles the dispatchers' registry from it
(95,087 homes at national scale, ``emergency/coverage.py``), signs one dispatcher per region
in (a session with a confirmed second factor, as after signing in), serves the platform with
gunicorn in production settings and posts lookups at a fixed rate (open loop), each around a
known home with a 100 m radius. Then an emergency officer of the country sends an alert to a
circle grown until it holds ``--recipients`` persons with hearing or vision impairment, timed
from the call to the messages queued, logged and delivered by the local backend.

    python bench/bench_emergency.py [--rate 100] [--seconds 60] [--recipients 10000]

``--api`` posts the same lookups to the dispatch systems' API instead of the page
(``POST /api/v1/emergency/lookups`` with a token of each region's dispatcher, JSON in and out;
``emergency/api.py``) and prints ``emergency_lookup_api``; the alert is not sent then.

Try it small: ``--rate 5 --seconds 3 --recipients 50`` over a demo registry.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

# Run as a script: its folder is on the path. The server serves pages (its static files
# collected) with this process's keys, which signed the dispatchers' sessions.
from http_load import Request, open_loop, percentile, serving

P95_TARGET_MS = 20.0
ALERT_TARGET_S = 5.0
RADIUS_M = 100
# The bench's dispatchers make far more lookups than a person could: lift the per-dispatcher
# allowance so that the refusal does not hide the lookup's own cost.
ALLOWANCE = "1000000"
HOME = re.compile(rb'class="emergency-home"')
API_PATH = "/api/v1/emergency/lookups"


def setup_django() -> None:
    # The server checks the sessions this process makes: both hold the same keys.
    os.environ.update(
        INCLUSIO_SECRET_KEY=os.environ.get("INCLUSIO_SECRET_KEY") or secrets.token_urlsafe(40),
        INCLUSIO_AUDIT_DIGEST_KEY=os.environ.get("INCLUSIO_AUDIT_DIGEST_KEY")
        or secrets.token_urlsafe(40),
        INCLUSIO_EMERGENCY_LOOKUPS_PER_10_MINUTES=ALLOWANCE,
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    import django

    django.setup()


def compile_residences() -> tuple[int, float]:
    from inclusio.emergency.models import Residence
    from inclusio.emergency.services import residences_compile

    started = time.monotonic()
    residences_compile()
    return Residence.objects.count(), time.monotonic() - started


def _dispatchers() -> dict[str, tuple[Any, list[tuple[float, float]]]]:
    """Per region with homes: its bench dispatcher and places of homes."""
    from django.contrib.auth.models import Group

    from inclusio.core.models import Region, User
    from inclusio.emergency.models import Residence

    found = {}
    for region in Region.objects.all():
        places = list(
            Residence.objects.filter(region=region)
            .order_by("?")
            .values_list("latitude", "longitude")[:2000]
        )
        if not places:
            continue
        user, _ = User.objects.get_or_create(
            username=f"bench_dispatcher_{region.code}", defaults={"region": region}
        )
        user.groups.add(Group.objects.get(name="dispatcher"))
        found[region.code] = (user, places)
    if not found:
        sys.exit("the dispatchers' registry is empty: load a snapshot first (bench/run.py does)")
    return found


def dispatcher_sessions() -> dict[str, tuple[str, list[tuple[float, float]]]]:
    """Per region with homes: a signed-in dispatcher's session key and places of homes."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sessions = {}
    for code, (user, places) in _dispatchers().items():
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        sessions[code] = (session.session_key, places)
    return sessions


def dispatcher_tokens() -> dict[str, tuple[str, list[tuple[float, float]]]]:
    """Per region with homes: a token of its dispatcher (a new one each run) and places of
    homes, for the dispatch systems' API."""
    from inclusio.emergency.tokens import dispatcher_token_create

    return {
        code: (dispatcher_token_create(actor=user, name="bench")[1], places)
        for code, (user, places) in _dispatchers().items()
    }


def lookups(
    sessions: dict[str, tuple[str, list[tuple[float, float]]]], prefix: str
) -> Callable[[int], Request]:
    """Lookup number i: the dispatchers of the regions in turn, each around the next of its
    region's homes, under an incident number of its own."""
    regions = sorted(sessions)
    csrf = secrets.token_hex(16)  # an unmasked 32-character secret is its own form token

    def request(index: int) -> Request:
        session_key, places = sessions[regions[index % len(regions)]]
        latitude, longitude = places[(index // len(regions)) % len(places)]
        body = urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "incident": f"{prefix}-{index}",
                "latitude": f"{latitude:.6f}",
                "longitude": f"{longitude:.6f}",
                "radius_m": RADIUS_M,
            }
        )
        headers = {
            "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept-Language": "en",
        }
        return Request("POST", "/en/emergency/lookup/", body=body.encode(), headers=headers)

    return request


def api_lookups(
    tokens: dict[str, tuple[str, list[tuple[float, float]]]], prefix: str
) -> Callable[[int], Request]:
    """The same lookups as ``lookups``, to the dispatch systems' API with each region's token."""
    regions = sorted(tokens)

    def request(index: int) -> Request:
        token, places = tokens[regions[index % len(regions)]]
        latitude, longitude = places[(index // len(regions)) % len(places)]
        body = {
            "incident": f"{prefix}-{index}",
            "lat": round(latitude, 6),
            "lon": round(longitude, 6),
            "radius_m": RADIUS_M,
        }
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        }
        return Request(
            "POST", API_PATH, body=json.dumps(body).encode(), headers=headers, expect=201
        )

    return request


class HomesInJson:
    """Counts the homes the API's answers list, each of which the access log must hold."""

    def __init__(self) -> None:
        self.per_answer: list[int] = []

    def __call__(self, body: bytes) -> bool:
        homes = json.loads(body).get("homes")
        if not isinstance(homes, list):
            return False
        self.per_answer.append(len(homes))
        return True

    @property
    def total(self) -> int:
        return sum(self.per_answer)


class HomesShown:
    """Counts the homes the lookups' pages show, each of which the access log must hold."""

    def __init__(self) -> None:
        self.per_answer: list[int] = []  # list.append is atomic: the senders share it

    def __call__(self, page: bytes) -> bool:
        self.per_answer.append(len(HOME.findall(page)))
        return True

    @property
    def total(self) -> int:
        return sum(self.per_answer)


def alert_of(recipients: int) -> tuple[int, float]:
    """Send an alert to a circle holding at least ``recipients`` persons; return how many it
    reached and the seconds it took to queue (and, with the local backend, deliver) it."""
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from inclusio.core.models import User
    from inclusio.emergency import areas
    from inclusio.emergency.services import alert_preview, alert_send
    from inclusio.registry.models import Person

    officer, _ = User.objects.get_or_create(username="bench_emergency_officer")
    officer.groups.add(Group.objects.get(name="emergency_officer"))
    texts = {"kk": "Bench: kk", "ru": "Bench: ru", "en": "Bench: en"}
    # A home in the city (of republican significance) with the most persons on the map: the
    # densest place, where a circle within the radius limit holds the most.
    busiest = (
        Person.objects.filter(latitude__isnull=False, region__is_city=True)
        .values("region_id")
        .annotate(count=Count("pk"))
        .order_by("-count")
        .first()
    )
    centre = (
        Person.objects.filter(latitude__isnull=False, region_id=busiest["region_id"])
        .order_by("pk")
        .values_list("latitude", "longitude")
        .first()
        if busiest
        else None
    )
    if centre is None:
        sys.exit("the registry has no homes on the map")
    low, high = 1, settings.EMERGENCY_ALERT_RADIUS_MAX_M
    while low < high:  # the smallest radius that reaches enough persons
        middle = (low + high) // 2
        area = areas.circle(*centre, middle)
        if alert_preview(actor=officer, area=area, texts=texts).total >= recipients:
            high = middle
        else:
            low = middle + 1
    started = time.monotonic()
    alert = alert_send(actor=officer, area=areas.circle(*centre, low), texts=texts)
    return alert.recipients, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument(
        "--compiled", action="store_true", help="the registry is compiled already: time no compile"
    )
    parser.add_argument(
        "--api", action="store_true", help="the dispatch systems' API, not the page (no alert)"
    )
    args = parser.parse_args()
    setup_django()
    from inclusio.core.models import AccessEvent

    if args.compiled:
        from inclusio.emergency.models import Residence

        homes = Residence.objects.count()
    else:
        homes, compile_seconds = compile_residences()
        print(f"bench: emergency_compile: {compile_seconds:.1f} s")
    print(f"bench: emergency_residences: {homes} homes (target 95087 at national scale)")
    if args.api:
        callers = dispatcher_tokens()
        make: Callable[[Any, str], Callable[[int], Request]] = api_lookups
        shown: HomesShown | HomesInJson = HomesInJson()
        name = "emergency_lookup_api"
    else:
        callers = dispatcher_sessions()
        make, shown, name = lookups, HomesShown(), "emergency_lookup"
    with serving(workers=args.workers, threads=args.threads, pages=not args.api) as port:
        open_loop(port, args.rate * 3, args.rate, make(callers, "WARM"))  # caches
        count = int(args.rate * args.seconds)
        # A prefix of this run's own: a database reused by several runs keeps their lookups.
        prefix = f"BENCH{secrets.token_hex(3).upper()}"
        load = open_loop(port, count, args.rate, make(callers, prefix), body_check=shown)
        logged = AccessEvent.objects.filter(case__startswith=f"{prefix}-").count()
    latencies, errors, found, wall = load.latencies_ms, load.errors, shown.total, load.wall_s
    p95 = percentile(latencies, 0.95)
    print(
        f"bench: {name}_requests: {len(latencies)} requests over {wall:.1f} s "
        f"({len(latencies) / wall:.0f} per second, target {args.rate})"
    )
    print(load.cpu_line())
    print(f"bench: {name}_p50: {percentile(latencies, 0.50):.2f} ms")
    if args.api:
        print(f"bench: {name}: {p95:.2f} ms (target {P95_TARGET_MS:g} ms)")
    else:
        print(f"bench: {name}_p95: {p95:.2f} ms (target {P95_TARGET_MS:g})")
    print(f"bench: {name}_errors: {errors} (target 0)")
    print(f"bench: {name}_access_log_rows: {logged} (target {found}, one a home shown)")
    ok = p95 <= P95_TARGET_MS and errors == 0 and logged == found and found >= len(latencies)
    if args.api:
        return 0 if ok else 1
    reached, seconds = alert_of(args.recipients)
    print(
        f"bench: emergency_alert_queued: {seconds:.2f} s for {reached} recipients "
        f"(target {ALERT_TARGET_S:g} s for {args.recipients})"
    )
    return 0 if ok and seconds <= ALERT_TARGET_S and reached >= args.recipients else 1


if __name__ == "__main__":
    sys.exit(main())
