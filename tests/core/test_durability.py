"""core/durability.atomic_then_flush: the locks go at the commit, the caller goes on once the
commit is on disk. A transactional test: inside the test's own transaction the block is an
ordinary atomic one, which is checked too."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from inclusio.core.audit import SYSTEM, record_access, verify_chain
from inclusio.core.durability import atomic_then_flush
from inclusio.core.models import AccessEvent


def _appended(iin: str) -> None:
    record_access(actor=SYSTEM, person_iin=iin, what="t", purpose="p", granted=True)


def test_the_block_commits_then_waits_for_the_disk(transactional_db: None) -> None:
    with CaptureQueriesContext(connection) as done, atomic_then_flush():
        _appended("000000000001")
    sql = [query["sql"] for query in done.captured_queries]
    assert AccessEvent.objects.filter(person_iin="000000000001").exists()
    assert verify_chain(AccessEvent).intact
    if connection.vendor != "postgresql":
        assert not any("synchronous_commit" in s or "pg_current_xact_id" in s for s in sql)
        return
    # The commit does not wait for the flush (so its locks go at once); the statement after
    # it, which commits synchronously, does, and covers this transaction's commit.
    appended = next(n for n, s in enumerate(sql) if "core_accessevent" in s)
    # The setting, the commit and the statement that waits, in one round trip, after the
    # append; no round trip of their own before it.
    last = "SET LOCAL synchronous_commit TO OFF; COMMIT; SELECT pg_current_xact_id()"
    assert sql.index(last) > appended
    assert sum("synchronous_commit" in s for s in sql) == 1
    assert "SELECT pg_current_xact_id()" not in sql
    assert not connection.in_atomic_block
    # SET LOCAL: the session's own setting is back once the transaction ended.
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO on")
        try:
            with atomic_then_flush():
                _appended("000000000004")
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)
        finally:
            cursor.execute("RESET synchronous_commit")


def test_a_failed_block_writes_nothing_and_waits_for_nothing(transactional_db: None) -> None:
    with CaptureQueriesContext(connection) as done, pytest.raises(ValueError), atomic_then_flush():
        _appended("000000000002")
        raise ValueError("refused")
    assert not AccessEvent.objects.filter(person_iin="000000000002").exists()
    assert not any("pg_current_xact_id" in q["sql"] for q in done.captured_queries)


def test_inside_an_enclosing_transaction_its_owner_commits(transactional_db: None) -> None:
    with CaptureQueriesContext(connection) as done, transaction.atomic():
        with atomic_then_flush():
            _appended("000000000003")
        assert connection.in_atomic_block
    sql = [query["sql"] for query in done.captured_queries]
    assert not any("synchronous_commit" in s or "pg_current_xact_id" in s for s in sql)
    assert AccessEvent.objects.filter(person_iin="000000000003").exists()


def test_a_block_marked_for_rollback_commits_nothing(transactional_db: None) -> None:
    """An inner block that failed without a savepoint leaves the transaction to be rolled
    back: the early commit is not taken, and nothing is written."""
    with atomic_then_flush():
        _appended("000000000005")
        try:
            with transaction.atomic(savepoint=False):
                _appended("000000000006")
                raise ValueError("refused")
        except ValueError:
            pass
    assert not AccessEvent.objects.filter(person_iin__in=["000000000005", "000000000006"]).exists()
    assert not connection.in_atomic_block


def test_after_the_block_the_connection_takes_new_transactions(transactional_db: None) -> None:
    hooks: list[str] = []
    with atomic_then_flush():
        _appended("000000000007")
        transaction.on_commit(lambda: hooks.append("committed"))
    assert hooks == ["committed"]
    with transaction.atomic():
        _appended("000000000008")
    assert AccessEvent.objects.filter(person_iin__in=["000000000007", "000000000008"]).count() == 2
    assert verify_chain(AccessEvent).intact
