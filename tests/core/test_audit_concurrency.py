"""Parallel writers against a server database: a transactional test, so that each writer's own
connection sees the others' commits (the append-only tables are emptied afterwards by
tests/database_reset.py)."""

import pytest
from django.db import connection

from inclusio.core.audit import SYSTEM, record_access, verify_chain
from inclusio.core.models import AccessEvent


def test_concurrent_appends_keep_one_unbroken_chain(transactional_db: None) -> None:
    """Writers in parallel threads (own connections) must still form one chain, not a fork."""
    import threading

    from django.db import connections

    if connection.vendor == "sqlite":
        # SQLite serialises writers by design, and its shared in-memory test database has no
        # busy timeout, so parallel writers there test SQLite, not the chain.
        pytest.skip("parallel writers need a server database; runs on PostgreSQL")

    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(25):
                record_access(
                    actor=SYSTEM, person_iin=f"{n:012d}", what="t", purpose=str(i), granted=True
                )
        except BaseException as error:  # report it to the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AccessEvent.objects.count() == 100
    report = verify_chain(AccessEvent)
    assert report.intact and report.checked == 100
