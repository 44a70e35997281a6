"""The DCI subscriptions' fan-out: one change of a person's disability status, watched by
``--subscriptions`` subscriptions (10,000) of ``--agencies`` agencies, each queued as a
``notify`` callback (its record cut to the agency, its access-log entry written) and delivered,
signed, to the agencies' server — a local HTTP server answering 200 — by ``--workers``
outbox workers claiming rows side by side (SKIP LOCKED on PostgreSQL).

The database is the one INCLUSIO_DATABASE_URL names (PostgreSQL for the real benchmark):

    python3 tools/pgcluster.py run -- .venv/bin/python bench/bench_dci_subscriptions.py \
        [--subscriptions 10000] [--workers 4]

    bench: dci_subscription_fanout: 31.2 s (target ≤ 60 s)

Then an import's fan-out: ``--imported`` persons (10,000) of the demo region brought by one
``disability_statuses_imported`` event (what ``inclusio registry-import`` sends after its
commit), watched by one population subscription of each agency. The changes are queued a chunk
of the import at a time, one ``notify`` per subscription per chunk holding an event per person
(not a callback per person), and delivered; the time runs from the event to the last delivery:

    bench: dci_import_fanout_10000_persons: 4.1 s (10 subscriptions, 200 callbacks; no target)

Exits non-zero when it misses its target or a callback was not delivered.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import os
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lookup import setup_django

TARGET_S = 60.0


def agency_server() -> tuple[http.server.ThreadingHTTPServer, list[int]]:
    received = [0]
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                received[0] += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        # The workers' connections at once: the default backlog of 5 would refuse some.
        request_queue_size = 256

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def subscribed_person(url: str, subscriptions: int, agencies: int) -> tuple[object, list[object]]:
    """A person with a status, and the agencies' subscriptions to their changes; the person
    and the agencies."""
    from joserfc.jwk import KeySet, OKPKey

    from inclusio.core.audit import SYSTEM
    from inclusio.core.identifiers import make_iin
    from inclusio.interop import services
    from inclusio.interop.models import Disclosure, Subscription
    from inclusio.registry.models import Person
    from inclusio.registry.services import disability_status_record, person_create

    iin = next(
        iin
        for serial in range(100, 100_000)
        if (iin := make_iin(dt.date(1971, 3, 9), "M", serial))
        and not Person.objects.filter(iin=iin).exists()
    )
    person = person_create(
        actor=SYSTEM,
        iin=iin,
        surname="Бенчмарков",
        given_name="Ержан",
        region_code="71",
        urban=True,
    )
    disability_status_record(
        actor=SYSTEM,
        person=person,
        category="II",
        cause="general_disease",
        valid_from=dt.date(2024, 1, 1),
        reexamination_date=dt.date(2027, 1, 1),
    )
    key = OKPKey.generate_key("Ed25519", private=True)
    key.ensure_kid()
    run = uuid.uuid4().hex[:6]
    registered = [
        services.agency_register(
            actor=SYSTEM,
            name=f"Benchmark agency {n}",
            sender_id=f"bench-{run}-{n}.gov.kz",
            purposes=["status_verification"],
            # Half the agencies may know who the person is, half only their status.
            disclosures=list(Disclosure.values)
            if n % 2
            else [Disclosure.DISABLED_STATUS, Disclosure.CATEGORY],
            jwks=KeySet([key]).as_dict(private=False),
            callback_url=url,
        )[0]
        for n in range(agencies)
    ]
    Subscription.objects.bulk_create(
        [
            Subscription(
                code=uuid.uuid4().hex,
                agency=registered[n % agencies],
                purpose="status_verification",
                reference_id=f"bench-{n}",
                iin=iin,
            )
            for n in range(subscriptions)
        ],
        batch_size=2000,
    )
    return person, registered


def imported_persons(count: int, agencies: list[object]) -> list[str]:
    """``count`` persons with a category I status in the demo region, written as the importer
    writes them (in bulk, no event per person), and a population subscription of each agency
    to the region; their IINs."""
    from inclusio.core.identifiers import make_iin
    from inclusio.interop.models import Subscription
    from inclusio.registry.models import DisabilityStatus, Person

    taken = set(Person.objects.values_list("iin", flat=True))
    born: dict[str, dt.date] = {}
    for serial in range(100, 10_000):
        for day in range(15_000):
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=day)
            iin = make_iin(birth, "F", serial)
            if iin is not None and iin not in taken:
                born[iin] = birth
            if len(born) == count:
                break
        if len(born) == count:
            break
    persons = Person.objects.bulk_create(
        [
            Person(
                iin=iin,
                surname="Импортова",
                given_name="Айгерим",
                birth_date=birth,
                sex="F",
                region_id="71",
                urban=True,
            )
            for iin, birth in born.items()
        ],
        batch_size=2000,
    )
    DisabilityStatus.objects.bulk_create(
        [
            DisabilityStatus(
                person=person,
                category="I",
                cause="general_disease",
                valid_from=dt.date(2025, 1, 1),
                reexamination_date=dt.date(2028, 1, 1),
                source=DisabilityStatus.Source.IMPORT,
            )
            for person in persons
        ],
        batch_size=2000,
    )
    region = [
        {
            "expression1": {
                "attribute_name": "region_code",
                "operator": "eq",
                "attribute_value": "71",
            }
        }
    ]
    Subscription.objects.bulk_create(
        [
            Subscription(
                code=uuid.uuid4().hex,
                agency=agency,
                purpose="status_verification",
                reference_id=f"bench-population-{n}",
                regions=["71"],
                criteria={"filter_type": "predicate", "filter": region},
            )
            for n, agency in enumerate(agencies)
        ]
    )
    return list(born)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--imported", type=int, default=10_000, help="persons of the import")
    args = parser.parse_args()
    os.environ.setdefault("INCLUSIO_DEBUG", "True")
    setup_django()
    from django.core.management import call_command
    from django.db import connection, connections

    from inclusio.core.audit import SYSTEM
    from inclusio.interop import outbox
    from inclusio.interop.models import OutboxMessage, OutboxState
    from inclusio.registry.events import disability_statuses_imported
    from inclusio.registry.importer import IN_CHUNK
    from inclusio.registry.models import DisabilityStatus
    from inclusio.registry.services import disability_status_record

    call_command("migrate", verbosity=0)
    # SQLite writes one transaction at a time: its workers would only wait for each other.
    workers = args.workers if connection.vendor == "postgresql" else 1
    server, received = agency_server()
    url = f"http://127.0.0.1:{server.server_address[1]}/dci"
    person, agencies = subscribed_person(url, args.subscriptions, args.agencies)
    OutboxMessage.objects.filter(state=OutboxState.QUEUED).update(state=OutboxState.DEAD)

    def worker() -> None:
        try:
            outbox.deliver_due()
        finally:
            connections.close_all()

    def deliver() -> None:
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    started = time.perf_counter()
    # The registry's event is sent after its commit: the callbacks are queued before it returns.
    disability_status_record(
        actor=SYSTEM,
        person=person,  # type: ignore[arg-type]
        category="I",
        cause="general_disease",
        valid_from=dt.date(2026, 1, 1),
        reexamination_date=dt.date(2028, 1, 1),
    )
    queued = time.perf_counter() - started
    deliver()
    elapsed = time.perf_counter() - started
    delivered = received[0]
    failed = OutboxMessage.objects.filter(state=OutboxState.QUEUED).exclude(last_error="")
    print(
        f"queued {args.subscriptions} notifications in {queued:.1f} s; "
        f"delivered {delivered} with {workers} worker(s); "
        f"failed: {sorted(set(failed.values_list('last_error', flat=True)))}"
    )
    print(
        f"bench: dci_subscription_fanout: {elapsed:.1f} s for {args.subscriptions} "
        f"subscriptions (target ≤ {TARGET_S:.0f} s)"
    )
    fanout_ok = elapsed <= TARGET_S and delivered == args.subscriptions

    iins = imported_persons(args.imported, agencies)
    received[0] = 0
    started = time.perf_counter()
    events = disability_statuses_imported.send(sender=DisabilityStatus, iins=iins)
    queued = time.perf_counter() - started
    deliver()
    elapsed = time.perf_counter() - started
    server.shutdown()
    told = dict((receiver.__name__, answer) for receiver, answer in events)
    callbacks = len(agencies) * -(-args.imported // IN_CHUNK)
    print(
        f"queued {told.get('notify_statuses_imported')} events of {args.imported} imported "
        f"persons in {queued:.1f} s; delivered {received[0]} callbacks (expected {callbacks})"
    )
    print(
        f"bench: dci_import_fanout_{args.imported}_persons: {elapsed:.1f} s "
        f"({len(agencies)} subscriptions, {received[0]} callbacks; no target)"
    )
    return 0 if fanout_ok and received[0] == callbacks else 1


if __name__ == "__main__":
    sys.exit(main())
