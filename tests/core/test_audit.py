import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from inclusio.core.audit import (
    GENESIS,
    SYSTEM,
    changes,
    personal_digest,
    record_access,
    record_write,
    verify_all,
    verify_chain,
)
from inclusio.core.models import AccessEvent, AuditEvent

pytestmark = pytest.mark.django_db


def _three_writes() -> list[AuditEvent]:
    return [
        record_write(actor=SYSTEM, action="test", entity="thing", entity_id=n, data={"n": n})
        for n in range(3)
    ]


def test_each_row_links_to_the_one_before() -> None:
    before = AuditEvent.objects.count()
    rows = _three_writes()
    assert AuditEvent.objects.count() == before + 3
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    report = verify_chain(AuditEvent)
    assert report.intact and report.checked == before + 3


def test_a_tampered_row_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _three_writes()
    # Bypass the append-only triggers the way an attacker with database access would.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
        cursor.execute(
            "UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', rows[1].pk]
        )
    report = verify_chain(AuditEvent)
    assert not report.intact
    assert report.first_broken_id == rows[1].pk
    with pytest.raises(CommandError), translation.override("en"):
        call_command("audit_verify")
    assert f"BROKEN at row {rows[1].pk}" in capsys.readouterr().out


def test_a_removed_row_breaks_the_link_of_the_next() -> None:
    rows = _three_writes()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [rows[1].pk])
    report = verify_chain(AuditEvent)
    assert report.first_broken_id == rows[2].pk
    with translation.override("en"):
        assert "link" in str(report.reason)


def test_the_database_refuses_updates_and_deletes() -> None:
    row = record_access(
        actor=SYSTEM, person_iin="000000000000", what="test", purpose="test", granted=True
    )
    for statement in (
        "UPDATE core_accessevent SET purpose = 'x' WHERE id = %s",
        "DELETE FROM core_accessevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(statement, [row.pk])
    assert AccessEvent.objects.get(pk=row.pk).purpose == "test"


def test_verify_command_reports_intact_chains(capsys: pytest.CaptureFixture[str]) -> None:
    _three_writes()
    with translation.override("en"):
        call_command("audit_verify")
    out = capsys.readouterr().out
    assert "audit:" in out and "chain intact" in out
    assert all(report.intact for report in verify_all())


def test_the_first_row_starts_from_the_genesis_hash() -> None:
    _three_writes()
    assert AuditEvent.objects.order_by("id").first().prev_hash == GENESIS  # type: ignore[union-attr]


def test_batched_appends_chain_like_single_ones() -> None:
    from inclusio.core.audit import batched

    record_write(actor=SYSTEM, action="before", entity="thing", entity_id=0, data={})
    with transaction.atomic(), batched():
        for n in range(5):
            record_write(actor=SYSTEM, action="batched", entity="thing", entity_id=n, data={"n": n})
            record_access(
                actor=SYSTEM, person_iin="000000000000", what="t", purpose="p", granted=True
            )
        assert AuditEvent.objects.filter(action="batched").count() == 0  # not yet written
    assert AuditEvent.objects.filter(action="batched").count() == 5
    assert all(report.intact for report in verify_all())


@pytest.mark.parametrize("rows", [1, 40, 120])
def test_a_batch_is_stored_as_hashed_and_sent_as_its_lock_and_one_message(rows: int) -> None:
    """A small batch's rows and its heads' move go to PostgreSQL as one message after the lock
    (a page that logs what it shows does this on every request); from COPY_FROM_ROWS rows on,
    COPY. Either way, every value is stored as it was hashed."""
    from django.test.utils import CaptureQueriesContext

    from inclusio.core.audit import batched
    from inclusio.core.rows import COPY_FROM_ROWS

    # The strand's heads are made by its first append: made here, they are only locked below.
    with transaction.atomic(), batched():
        record_write(actor=SYSTEM, action="first", entity="thing", entity_id=0, data={})
        record_access(actor=SYSTEM, person_iin="000000000000", what="t", purpose="p", granted=True)
    with CaptureQueriesContext(connection) as sent, transaction.atomic(), batched():
        for n in range(rows):
            record_write(actor=SYSTEM, action="batched", entity="thing", entity_id=n, data={"n": n})
        # A placeholder's text inside a value stays a value (the client binds the values).
        record_access(
            actor=SYSTEM, person_iin="000000000000", what="t", purpose="100 %s", granted=True
        )
    assert AuditEvent.objects.filter(action="batched").count() == rows
    assert AccessEvent.objects.filter(purpose="100 %s").count() == 1
    assert sorted(e.data["n"] for e in AuditEvent.objects.filter(action="batched")) == list(
        range(rows)
    )
    assert all(report.intact for report in verify_all())
    if connection.vendor == "postgresql" and rows + 1 < COPY_FROM_ROWS:
        # The test's own transaction makes the block a savepoint: its two statements aside.
        statements = [q["sql"] for q in sent if "SAVEPOINT" not in q["sql"].split(" ", 2)[:2]]
        assert len(statements) == 2, [sql[:80] for sql in statements]
        assert statements[0].startswith("SELECT chain, last_hash FROM core_chainhead")


@pytest.mark.parametrize("access_first", [True, False])
def test_a_batch_locks_the_chains_in_the_order_of_their_names(
    access_first: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every process must take the heads in one order, whatever order the batch collected its
    rows in: two processes taking them crosswise deadlock on PostgreSQL."""
    from inclusio.core import audit

    locked: list[tuple[str, ...]] = []
    real = audit._taking

    def noting(heads: tuple[str, ...]) -> None:
        locked.append(tuple(heads))
        real(heads)

    monkeypatch.setattr(audit, "_taking", noting)

    def read() -> None:
        record_access(actor=SYSTEM, person_iin="000000000000", what="t", purpose="p", granted=True)

    def write() -> None:
        record_write(actor=SYSTEM, action="batched", entity="thing", entity_id=1, data={})

    with transaction.atomic(), audit.batched():
        for append in (read, write) if access_first else (write, read):
            append()
    # Both heads (of the connection's strand) in one statement, sorted by name.
    strand = audit._strand()
    assert locked == [
        tuple(sorted(audit.head_name(chain, strand) for chain in ("access", "audit")))
    ]
    assert AccessEvent.objects.count() == 1 and AuditEvent.objects.count() == 1


def test_a_failed_batch_writes_nothing() -> None:
    from inclusio.core.audit import batched

    with pytest.raises(RuntimeError), transaction.atomic(), batched():
        record_write(actor=SYSTEM, action="lost", entity="thing", entity_id=1, data={})
        raise RuntimeError("the bulk work failed")
    assert not AuditEvent.objects.filter(action="lost").exists()
    assert all(report.intact for report in verify_all())


def test_changes_name_the_fields_and_keep_personal_values_only_as_digests() -> None:
    before = {
        "surname": "Ким",
        "phone": "+77010000000",
        "region": "71",
        "born": dt.date(1990, 1, 2),
    }
    after = {**before, "phone": "", "region": "75", "surname": "Пак"}
    data = changes(before, after, personal={"surname", "phone", "born"})
    assert data == {
        "changed": ["phone", "region", "surname"],
        "values": {"region": "75"},
        "digests": {"phone": None, "surname": personal_digest("Пак")},
    }
    created = changes({}, {"born": dt.date(1990, 1, 2), "urban": True}, personal={"born"})
    assert created["values"] == {"urban": True}
    assert created["digests"] == {"born": personal_digest("1990-01-02")}
    assert changes(before, before, personal=set()) == {"changed": [], "values": {}, "digests": {}}


def test_the_platforms_writes_read_system() -> None:
    event = record_write(actor=SYSTEM, action="x", entity="y", entity_id=1, data={})
    refused = record_access(actor=SYSTEM, person_iin="1", what="w", purpose="p", granted=False)
    assert (event.actor_id, event.actor_name) == (None, "system")
    assert (refused.actor_id, refused.actor_name) == (None, "system")


# --- strands ------------------------------------------------------------------------------------


@pytest.fixture
def strand_of_the_moment(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The strand the next appends go to, set by the test (it is the connection's otherwise).
    A transaction appends to one strand only, so the tests that switch commit each append."""
    from inclusio.core import audit

    current = [0]
    monkeypatch.setattr(audit, "_strand", lambda: current[0])
    return current


@pytest.mark.django_db(transaction=True)  # each append its own transaction
def test_each_strand_is_a_chain_of_its_own(strand_of_the_moment: list[int]) -> None:
    from inclusio.core.models import ChainHead

    rows = []
    for n, strand in enumerate([0, 1, 2, 1, 0, 2, 2]):
        strand_of_the_moment[0] = strand
        rows.append(
            record_write(actor=SYSTEM, action="test", entity="thing", entity_id=n, data={"n": n})
        )
    by_strand: dict[int, list[AuditEvent]] = {}
    for row in rows:
        by_strand.setdefault(row.strand, []).append(row)
    for strand, chained in by_strand.items():
        assert chained[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(chained))
        head = ChainHead.objects.get(chain="audit" if strand == 0 else f"audit.{strand}")
        assert head.last_hash == chained[-1].hash and head.length == len(chained)
    report = verify_chain(AuditEvent)
    assert report.intact and report.checked == 7


@pytest.mark.django_db(transaction=True)  # each append its own transaction
def test_a_tampered_row_of_a_strand_is_named(strand_of_the_moment: list[int]) -> None:
    rows = []
    for n, strand in enumerate([1, 2, 1, 2]):
        strand_of_the_moment[0] = strand
        rows.append(
            record_write(actor=SYSTEM, action="test", entity="thing", entity_id=n, data={"n": n})
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
        # Moved to the other strand, with its content untouched: the links of both break.
        cursor.execute("UPDATE core_auditevent SET strand = 1 WHERE id = %s", [rows[3].pk])
    report = verify_chain(AuditEvent)
    assert report.first_broken_id == rows[3].pk
    with translation.override("en"):
        assert "link" in str(report.reason)


@pytest.mark.django_db(transaction=True)  # each append its own transaction
def test_the_last_row_of_a_strand_removed_is_found(strand_of_the_moment: list[int]) -> None:
    rows = []
    for n, strand in enumerate([1, 2, 1, 2]):
        strand_of_the_moment[0] = strand
        rows.append(
            record_write(actor=SYSTEM, action="test", entity="thing", entity_id=n, data={"n": n})
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [rows[2].pk])
    report = verify_chain(AuditEvent)
    assert not report.intact and report.first_broken_id == -1
    with translation.override("en"):
        assert "missing at the end" in str(report.reason)


def test_one_strand_for_a_transaction_and_where_the_database_serialises_writers(
    settings: Any,
) -> None:
    from inclusio.core import audit

    settings.TRAIL_STRANDS = 16
    drawn = {audit._strand() for _ in range(20)}  # within the test's transaction
    assert len(drawn) == 1
    if connection.vendor != "postgresql":
        assert drawn == {0}
    settings.TRAIL_STRANDS = 1
    assert audit._strand() == 0
    row = record_access(
        actor=SYSTEM, person_iin="000000000000", what="t", purpose="p", granted=True
    )
    assert row.strand == 0 and AccessEvent.objects.get(pk=row.pk).strand == 0
