"""Two transactions appending to both trails in opposite orders never wait on each other in a
circle (PostgreSQL, two connections of their own).

One writes an audit record and then logs an access (an administrator's change to a person's
account does), the other logs an access and then writes an audit record (a service that shows a
record and then changes it). Each waits, after its first append, until the other has made its
own first append or is stopped at a lock. Taking each head only when its own chain is appended
to, the two hold one head each and want the other's: PostgreSQL breaks the circle by failing one
with a deadlock error (this test failed so before). With the lock order of ``core/audit.py``,
the audit append holds the access head too, so the second writer waits at its first append and
both finish. The race is run on one strand (core/audit.py, "Strands"): on two, the writers never
meet; that they do not is tested below too."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from django.db import DatabaseError, connection, transaction

from inclusio.core import audit
from inclusio.core.audit import (
    SYSTEM,
    LockOrderError,
    batched,
    lock_order_checked,
    record_access,
    record_write,
    verify_chain,
)
from inclusio.core.models import AccessEvent, AuditEvent

WAIT = 20.0  # seconds a writer may take to reach its lock: far beyond a loaded machine's


def _blocked(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return bool(cursor.fetchone()[0])


def _audit(n: int) -> None:
    record_write(actor=SYSTEM, action="race", entity="test", entity_id=n, data={})


def _access(n: int) -> None:
    record_access(actor=SYSTEM, person_iin=f"{n:012d}", what="t", purpose="race", granted=True)


# The strand each thread appends to, when a test sets it (the connection's otherwise).
_pinned = threading.local()


@pytest.fixture(autouse=True)
def pinned_strands(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    real = audit._strand
    monkeypatch.setattr(audit, "_strand", lambda: getattr(_pinned, "strand", None) or real())
    yield
    _pinned.strand = None


def _heads(*chains: str) -> list[str]:
    """The heads of ``chains`` on this thread's strand."""
    strand = audit._strand()
    return [audit.head_name(chain, strand) for chain in chains]


class Writer(threading.Thread):
    """Appends ``first`` then ``second`` in one transaction on a connection of its own, to
    ``strand``; between the two it waits until ``other`` has appended its first or is stopped
    at a lock."""

    def __init__(
        self, first: Callable[[], None], second: Callable[[], None], strand: int = 1
    ) -> None:
        super().__init__()
        self.first, self.second, self.strand = first, second, strand
        self.other: Writer | None = None
        self.pid = 0
        self.connected = threading.Event()
        self.appended_first = threading.Event()
        self.outcome = ""

    def run(self) -> None:
        _pinned.strand = self.strand
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.connected.set()
            with transaction.atomic():
                self.first()
                self.appended_first.set()
                self._wait_for_other()
                self.second()
            self.outcome = "done"
        except DatabaseError as error:
            self.outcome = type(error.__cause__ or error).__name__
        finally:
            self.connected.set()
            self.appended_first.set()
            connection.close()

    def _wait_for_other(self) -> None:
        assert self.other is not None
        deadline = time.monotonic() + WAIT
        while not self.other.appended_first.is_set():
            if self.other.pid and _blocked(self.other.pid):
                return
            assert time.monotonic() < deadline, "the other writer neither appended nor waited"
            time.sleep(0.01)


def race(first: Writer, second: Writer) -> list[str]:
    """``first`` appends its first record before ``second`` starts; what came of each."""
    first.other, second.other = second, first
    first.start()
    assert first.appended_first.wait(WAIT)
    second.start()
    for writer in (first, second):
        writer.join(WAIT * 3)
        assert not writer.is_alive()
    return [first.outcome, second.outcome]


@pytest.fixture
def postgresql(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    # Both heads exist, as on any platform that has run a while.
    _audit(0)
    _access(0)


@pytest.mark.usefixtures("postgresql")
def test_audit_then_access_beside_access_then_audit_both_finish() -> None:
    outcomes = race(
        Writer(lambda: _audit(1), lambda: _access(1)),
        Writer(lambda: _access(2), lambda: _audit(2)),
    )
    assert outcomes == ["done", "done"]
    for model in (AuditEvent, AccessEvent):
        report = verify_chain(model)
        assert report.intact and report.checked == 3


@pytest.mark.usefixtures("postgresql")
def test_access_then_audit_beside_audit_then_access_both_finish() -> None:
    outcomes = race(
        Writer(lambda: _access(1), lambda: _audit(1)),
        Writer(lambda: _audit(2), lambda: _access(2)),
    )
    assert outcomes == ["done", "done"]
    for model in (AuditEvent, AccessEvent):
        report = verify_chain(model)
        assert report.intact and report.checked == 3


def _free_heads() -> list[str]:
    """The heads of this thread's strand another connection could lock now, without waiting."""
    free: list[str] = []
    heads = _heads("access", "audit")

    def probe() -> None:
        try:
            for chain in heads:
                with transaction.atomic(), connection.cursor() as cursor:
                    try:
                        cursor.execute(
                            "SELECT 1 FROM core_chainhead WHERE chain = %s FOR UPDATE NOWAIT",
                            [chain],
                        )
                        free.append(chain)
                    except DatabaseError:
                        pass
        finally:
            connection.close()

    prober = threading.Thread(target=probe)
    prober.start()
    prober.join(WAIT)
    return free


@pytest.mark.usefixtures("postgresql")
def test_a_logged_read_holds_the_access_head_alone_and_an_audit_record_both() -> None:
    """The hot path (a read logged, nothing written) still takes one lock: writers of the audit
    trail meanwhile do not wait for it."""
    _pinned.strand = 1
    _audit(1)  # the strand's heads exist (made in a transaction, none could see them)
    with transaction.atomic():
        _access(1)
        assert _free_heads() == _heads("audit")
    with transaction.atomic():
        _audit(1)
        assert _free_heads() == []
    assert _free_heads() == _heads("access", "audit")


@pytest.mark.usefixtures("postgresql")
def test_writers_on_two_strands_do_not_wait_for_each_other() -> None:
    """The point of the strands: while one transaction holds its strand's heads (to its commit,
    which waits for the disk), a read logged and a write audited on another strand go through;
    each strand stays a chain of its own."""
    for strand in (1, 2):  # the strands' heads exist (made in a transaction, none could see them)
        _pinned.strand = strand
        _audit(strand)
    held = threading.Event()
    release = threading.Event()
    outcome: list[str] = []

    def holder() -> None:
        _pinned.strand = 1
        try:
            with transaction.atomic():
                _audit(10)
                _access(10)
                held.set()
                assert release.wait(WAIT)
            outcome.append("done")
        finally:
            held.set()
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(WAIT)
    try:
        _pinned.strand = 2
        with transaction.atomic():
            _access(20)
            _audit(20)
        assert _free_heads() == _heads("access", "audit")  # strand 2 free again
        _pinned.strand = 1
        assert _free_heads() == []  # strand 1 still held
    finally:
        _pinned.strand = None
        release.set()
        thread.join(WAIT)
    assert outcome == ["done"]
    for model in (AuditEvent, AccessEvent):
        report = verify_chain(model)
        assert report.intact and report.checked == (5 if model is AuditEvent else 3)
        assert set(model.objects.values_list("strand", flat=True)) >= {1, 2}


@pytest.mark.usefixtures("postgresql")
def test_each_transaction_draws_its_strand_and_keeps_it() -> None:
    for n in range(40):
        with transaction.atomic():
            _access(n)
            _audit(n)
    pairs = AccessEvent.objects.filter(purpose="race").exclude(person_iin=f"{0:012d}")
    strands = {event.strand for event in pairs}
    assert len(strands) > 1  # 40 draws from 16 landing on one: a chance of 16⁻³⁹
    by_record = dict(AuditEvent.objects.values_list("entity_id", "strand"))
    assert all(by_record[str(int(event.person_iin))] == event.strand for event in pairs)
    assert verify_chain(AuditEvent).intact and verify_chain(AccessEvent).intact


# --- the check under the tests, and the construction it guards (any database) ------------------


@pytest.mark.django_db
def test_an_audit_append_takes_the_access_head_first_and_an_access_append_only_its_own() -> None:
    with lock_order_checked() as check, transaction.atomic():
        _access(1)
        assert check.held() == _heads("access")
    with lock_order_checked() as check, transaction.atomic():
        _audit(1)
        assert check.held() == _heads("access", "audit")
        _access(2)
        assert check.held() == _heads("access", "audit")
    assert check.violations == []


@pytest.mark.django_db
def test_a_batch_of_audit_records_takes_the_access_head_first() -> None:
    with lock_order_checked() as check, transaction.atomic():
        with batched():
            _audit(1)
            _audit(2)
        assert check.held() == _heads("access", "audit")
        _access(1)
    assert check.violations == []
    assert AuditEvent.objects.count() == 2
    assert verify_chain(AuditEvent).intact and verify_chain(AccessEvent).intact


@pytest.mark.django_db
def test_each_transaction_is_noted_apart() -> None:
    """A transaction that ended (committed, or rolled back) frees its heads: the next one's
    notes start empty. The test's own transaction is the outer one here, so the inner ones are
    savepoints; a rolled-back savepoint lets go of the heads it took."""
    with lock_order_checked() as check:
        try:
            with transaction.atomic():
                _audit(1)
                raise RuntimeError
        except RuntimeError:
            pass
        with transaction.atomic():
            assert check.held() == []
            _access(1)
            assert check.held() == _heads("access")


@pytest.mark.django_db
def test_the_check_fails_a_transaction_that_takes_the_heads_out_of_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Were an append to lock its own head alone (as before), auditing and then logging a read
    in one transaction would take the access head after the audit head: the check refuses it,
    naming both, and nothing of the second append is written."""
    monkeypatch.setattr(
        audit, "_heads_for", lambda chain, strand=0: (audit.head_name(chain, strand),)
    )
    with lock_order_checked() as check, transaction.atomic():
        _access(1)
        _audit(1)  # in order: access, then audit
        assert check.held() == _heads("access", "audit")
    assert check.violations == []
    with lock_order_checked() as check:
        refused = pytest.raises(
            LockOrderError, match=r"access(\.\d+)? head taken after the audit(\.\d+)? head"
        )
        with refused, transaction.atomic():
            _audit(2)
            _access(2)
        assert len(check.violations) == 1
    assert not AccessEvent.objects.filter(person_iin=f"{2:012d}").exists()
    assert not AuditEvent.objects.filter(entity_id="2").exists()


@pytest.mark.django_db
def test_the_check_fails_a_transaction_that_takes_heads_of_two_strands() -> None:
    """A transaction appends to its connection's strand only: heads of another strand taken in
    it could be taken the other way round by a transaction there."""
    with lock_order_checked() as check:
        with pytest.raises(LockOrderError, match="all of one strand"), transaction.atomic():
            _pinned.strand = 3
            _access(1)
            _pinned.strand = 4
            _access(2)
        assert len(check.violations) == 1
    _pinned.strand = None
    assert not AccessEvent.objects.filter(person_iin=f"{2:012d}").exists()


def test_the_lock_order_is_the_order_of_the_chains_names() -> None:
    assert audit.CHAIN_ORDER == ("access", "audit")
    assert audit._heads_for("access") == ("access",)
    assert audit._heads_for("audit") == ("access", "audit")
    assert audit._heads_for("audit", 7) == ("access.7", "audit.7")
