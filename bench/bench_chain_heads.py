"""The cost of the trails' lock order: appends to the access log and the audit trail, alone and
beside each other, on PostgreSQL.

An append locks its chain's head and every head named before it (core/audit.py, "The lock
order"): an access append the access head alone, an audit append the access head and then its
own. This measures, in-process on the database named by INCLUSIO_DATABASE_URL (migrated):

- one append at a time, each its own transaction: an access entry (the hot path), an audit
  record, and a transaction of an audit record then an access entry;
- a reader logging access entries back to back while a writer commits audit-only transactions
  back to back on a second connection (the writer now holds the access head from its record to
  its commit, so the reader's appends may wait for it): the reader's latency and both rates.

    python bench/bench_chain_heads.py [--appends 2000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from collections.abc import Callable


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    import django

    django.setup()


def _audit(n: int) -> None:
    from inclusio.core.audit import SYSTEM, record_write

    record_write(actor=SYSTEM, action="bench", entity="bench", entity_id=n, data={"n": n})


def _access(n: int) -> None:
    from inclusio.core.audit import SYSTEM, record_access

    record_access(
        actor=SYSTEM, person_iin=f"{n % 10**12:012d}", what="t", purpose="bench", granted=True
    )


def _both(n: int) -> None:
    from django.db import transaction

    with transaction.atomic():
        _audit(n)
        _access(n)


def _ms(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * share))] * 1000


def sequential(name: str, work: Callable[[int], None], appends: int) -> None:
    times = []
    for n in range(appends):
        started = time.perf_counter()
        work(n)
        times.append(time.perf_counter() - started)
    print(
        f"{name:<28} median {statistics.median(times) * 1000:.3f} ms  "
        f"p95 {_ms(times, 0.95):.3f} ms  ({appends} times)"
    )


def beside(seconds: float) -> None:
    from django.db import connection, transaction

    stop = time.monotonic() + seconds
    reader_times: list[float] = []
    writes = [0]

    def reader() -> None:
        n = 0
        try:
            while time.monotonic() < stop:
                started = time.perf_counter()
                _access(n)
                reader_times.append(time.perf_counter() - started)
                n += 1
        finally:
            connection.close()

    def writer() -> None:
        n = 0
        try:
            while time.monotonic() < stop:
                with transaction.atomic():
                    _audit(n)
                writes[0] += 1
                n += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        f"{'reader beside a writer':<28} median {statistics.median(reader_times) * 1000:.3f} ms  "
        f"p95 {_ms(reader_times, 0.95):.3f} ms  reads {len(reader_times) / seconds:.0f}/s  "
        f"audit-only transactions {writes[0] / seconds:.0f}/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    setup_django()
    _audit(0)
    _access(0)  # both heads exist, as on a platform that has run a while
    for _ in range(2):  # the second round is the figure: the first warms the caches
        sequential("access entry", _access, args.appends)
        sequential("audit record", _audit, args.appends)
        sequential("audit then access (1 tx)", _both, args.appends)
    beside(args.seconds)


if __name__ == "__main__":
    main()
