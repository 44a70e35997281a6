"""The append-only, hash-chained trails: every write (audit) and every read by another (access).

Each row's hash is SHA-256 over the previous row's hash and the row's own canonical JSON, so
changing, removing or inserting a row anywhere breaks every hash after it. Appends lock the
chain's head row, which orders concurrent writers on PostgreSQL; SQLite serialises writers
already. The database also refuses UPDATE and DELETE on both tables (see the migration).

Each chain is kept as several strands on PostgreSQL, each a hash chain of its own with its own
head, so that appends from different connections do not queue behind one head ("Strands").

The heads are locked in one order, the order of the chains' names ("access" before "audit"):
an append locks its own head and, before it, the head of every chain named before its own, all
of one strand (see "The lock order" below), so no transaction can take them the other way round.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import (
    BooleanField,
    CharField,
    ForeignKey,
    IntegerField,
    JSONField,
    TextField,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import AccessEvent, AuditEvent, ChainedRecord, ChainHead, User
from inclusio.core.rows import COPY_FROM_ROWS, insert_many

GENESIS = "0" * 64


class SystemActor:
    """The platform itself, as the author of its own writes (a screening run, a scheduled
    referral, a loader). It passes no permission check and covers no person: a service that
    lets it through says so explicitly, and the trails record it as "system"."""

    is_authenticated = False
    is_anonymous = False
    is_superuser = False
    pk = None
    region_id = None

    def has_perm(self, permission: str) -> bool:
        return False

    def get_username(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


Actor = User | AnonymousUser | SystemActor


def account_of(actor: Actor) -> User | None:
    """The account behind ``actor`` for a foreign key ("who did it"); None for the platform."""
    return actor if isinstance(actor, User) else None


# --- what an audit event says about a change ----------------------------------------------------


def personal_digest(value: object) -> str:
    """A keyed digest (HMAC-SHA-256 under ``settings.AUDIT_DIGEST_KEY``) of a personal value.

    The trail can never be erased, so it keeps no name, address, phone or account number; it
    keeps this digest instead, which proves what a value was to whoever holds both the value
    and the key. A bare hash would not do: a phone number or a birth date has so few possible
    values that every one of them can be hashed and looked up. The same value gives
    the same digest everywhere in the trail, so the holder of the key can also ask "where was
    this account number given?".
    """
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    key = settings.AUDIT_DIGEST_KEY.encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any], *, personal: Collection[str]
) -> dict[str, Any]:
    """The ``data`` of an audit event for a change from ``before`` to ``after`` (``{}`` before
    for a creation): which fields changed, the new values of the others in clear, and the new
    values of the ``personal`` ones only as :func:`personal_digest` (None when emptied)."""
    changed = sorted(name for name in after if name not in before or before[name] != after[name])
    return {
        "changed": changed,
        "values": {name: _plain(after[name]) for name in changed if name not in personal},
        "digests": {
            name: personal_digest(after[name]) if after[name] not in (None, "") else None
            for name in changed
            if name in personal
        },
    }


def _canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(f"{prev_hash}|{_canonical(fields)}".encode()).hexdigest()


def _actor_fields(actor: Actor) -> dict[str, Any]:
    if isinstance(actor, SystemActor):
        return {"actor": None, "actor_name": "system"}
    if not actor.is_authenticated:
        return {"actor": None, "actor_name": "anonymous"}
    return {"actor": actor, "actor_name": actor.get_username()}


# --- strands ------------------------------------------------------------------------------------
#
# An append holds its chain's head row until its transaction ends, and on a durable PostgreSQL
# the commit waits for the disk (2–5 ms an fdatasync on this project's machine). With one head,
# every logged read queues behind the previous one's flush: at 200 DCI lookups a second the head
# was held most of the time, and the lookups' 95th percentile was 98 ms for 6 ms of work. So each
# chain is kept as ``settings.TRAIL_STRANDS`` strands, each its own hash chain with its own head.
# A transaction appends to one strand, drawn at random at its first append, so concurrent
# transactions mostly lock different heads and their commits are flushed to disk together. (Drawn
# for each transaction, not fixed for each connection: two connections that drew one strand
# would meet on every transaction; two transactions that drew one meet once.)
# Verification follows each strand through the rows in id order. The first strand's head keeps
# the chain's name ("access"), so a trail written before strands existed is that strand; the
# others are named after it ("access.7"). SQLite serialises writers anyway: one strand there.


def _strand() -> int:
    """The strand the current transaction appends to: drawn at its first append, kept until it
    ends (a callback registered for its commit marks that, as in ``LockOrderCheck``)."""
    count = settings.TRAIL_STRANDS
    own = connections[DEFAULT_DB_ALIAS]  # this thread's connection, not the shared proxy
    if count <= 1 or own.vendor != "postgresql":
        return 0
    if not own.in_atomic_block:
        return secrets.randbelow(count)  # autocommit: the append is a transaction of its own
    drawn = getattr(own, "_trail_strand", None)
    if drawn is not None and any(hook[1] is drawn[1] for hook in own.run_on_commit):
        return int(drawn[0])
    strand = secrets.randbelow(count)

    def ended() -> None:
        own._trail_strand = None  # type: ignore[attr-defined]

    own._trail_strand = (strand, ended)  # type: ignore[attr-defined]
    own.on_commit(ended)
    return strand


def head_name(chain: str, strand: int) -> str:
    """The name of the head of ``chain``'s ``strand``."""
    return chain if strand == 0 else f"{chain}.{strand}"


def _chain_and_strand(head: str) -> tuple[str, int]:
    chain, _dot, strand = head.partition(".")
    return chain, int(strand or 0)


# --- the lock order ------------------------------------------------------------------------------
#
# A transaction that appends to both chains holds both heads until it ends. Two such transactions
# taking them in opposite orders (one audits a change and then logs a read, the other logs a read
# and then audits) would each hold one head and wait for the other's, and PostgreSQL would fail
# one of them with a deadlock. So the order is kept by construction, not by each caller: an append
# to a chain locks, in one statement and in the order of the chains' names, its own head and the
# head of every chain named before it. An access append (every logged read, the hot path of the
# API and the dispatchers' lookup) locks the access head alone, as before; an audit append locks
# the access head, then its own. Whatever a transaction appends next, it already holds every head
# before the one it takes. All of one strand: a transaction runs on one connection, which appends
# to one strand. The cost: a transaction that has audited holds its strand's access head to its
# end, so reads logged meanwhile on that strand wait for it (docs/access.md, "The trails' lock
# order").

CHAIN_ORDER: tuple[str, ...] = tuple(sorted((AccessEvent.CHAIN, AuditEvent.CHAIN)))


def _heads_for(chain: str, strand: int = 0) -> tuple[str, ...]:
    """The heads an append to ``chain``'s ``strand`` locks, in the order it locks them."""
    return tuple(head_name(each, strand) for each in CHAIN_ORDER[: CHAIN_ORDER.index(chain) + 1])


class LockOrderError(AssertionError):
    """A transaction took a chain's head after the head of a chain named after it, or heads of
    two strands."""


class LockOrderCheck:
    """Notes the chain heads each transaction takes, and refuses one taken out of order.

    On while the tests run (tests/conftest.py): the appends above cannot take heads out of order,
    so this guards the construction itself against a change that would break it. A transaction is
    followed by a callback registered for its commit: when the callback has run or has been
    dropped (a rollback, or the rollback of the savepoint that took the first head, which lets
    its locks go too), the transaction's heads are free again.
    """

    def __init__(self) -> None:
        self.violations: list[str] = []
        self._taken: dict[int, tuple[object, list[str]]] = {}

    def _open_chains(self) -> list[str]:
        own = connections[DEFAULT_DB_ALIAS]  # this thread's connection, not the shared proxy
        if not own.in_atomic_block:
            return []  # autocommit: the statement is a transaction of its own
        key = id(own)
        held = self._taken.get(key)
        if held is not None and any(hook[1] is held[0] for hook in own.run_on_commit):
            return held[1]
        chains: list[str] = []

        def ended() -> None:
            self._taken.pop(key, None)

        self._taken[key] = (ended, chains)
        own.on_commit(ended)
        return chains

    def held(self) -> list[str]:
        """The heads the current transaction has taken, in the order it took them."""
        return list(self._open_chains())

    def note(self, heads: Collection[str]) -> None:
        taken = self._open_chains()
        for head in heads:
            if head in taken:
                continue
            chain, strand = _chain_and_strand(head)
            after = [
                other
                for other in taken
                if CHAIN_ORDER.index(_chain_and_strand(other)[0]) > CHAIN_ORDER.index(chain)
            ]
            strands = [other for other in taken if _chain_and_strand(other)[1] != strand]
            if after or strands:
                message = (
                    f"the {head} head taken after the {', '.join(after or strands)} head in one "
                    f"transaction (taken so far: {', '.join(taken)}); the order is "
                    f"{' → '.join(CHAIN_ORDER)}, all of one strand"
                )
                self.violations.append(message)
                raise LockOrderError(message)
            taken.append(head)


_check: LockOrderCheck | None = None


@contextmanager
def lock_order_checked() -> Iterator[LockOrderCheck]:
    """Check every head taken in the block (the tests run inside one)."""
    global _check
    previous, _check = _check, LockOrderCheck()
    try:
        yield _check
    finally:
        _check = previous


def _taking(heads: Collection[str]) -> None:
    if _check is not None:
        _check.note(heads)


def _create_heads(chain: str, strand: int) -> None:
    """Create the heads an append to ``chain``'s ``strand`` locks that do not exist yet, in the
    lock order (the strand's first append)."""
    for head in _heads_for(chain, strand):
        ChainHead.objects.get_or_create(chain=head, defaults={"last_hash": GENESIS})


def _lock_heads_of(cursor: CursorWrapper, chains: Collection[str], strand: int) -> dict[str, str]:
    """Lock, in one statement and in order, the heads appends to ``chains``' ``strand`` take
    (each chain's own and those before it); the last hash of each chain's head."""
    heads = tuple(sorted({head for chain in chains for head in _heads_for(chain, strand)}))
    _taking(heads)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # Byte by byte, as Python sorts the names (SQLite compares so by default).
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    sql = (
        "SELECT chain, last_hash FROM core_chainhead "  # noqa: S608 - fixed names
        f"WHERE chain IN ({', '.join(['%s'] * len(heads))}) ORDER BY chain{collate}{lock}"
    )
    cursor.execute(sql, list(heads))
    last = dict(cursor.fetchall())
    if any(head_name(chain, strand) not in last for chain in chains):
        for chain in chains:
            _create_heads(chain, strand)
        cursor.execute(sql, list(heads))
        last = dict(cursor.fetchall())
    return {chain: str(last[head_name(chain, strand)]) for chain in chains}


# Inside ``batched()``, appends wait here and are chained and written together at its end.
_pending: ContextVar[list[ChainedRecord] | None] = ContextVar("audit_pending", default=None)


def _append[R: ChainedRecord](record: R) -> R:
    pending = _pending.get()
    if pending is not None:
        record.at = timezone.now()
        pending.append(record)
        return record
    # Microseconds are kept by both databases, so the stored time hashes the same on reread.
    record.at = timezone.now()
    record.strand = _strand()
    if connection.vendor == "postgresql":
        return _append_in_one_statement(record)
    with transaction.atomic(), connection.cursor() as cursor:
        prev_hash = _lock_heads_of(cursor, [record.CHAIN], record.strand)[record.CHAIN]
        record.prev_hash = prev_hash
        record.hash = _digest(prev_hash, record.hashed_fields())
        record.save(force_insert=True)
        cursor.execute(
            "UPDATE core_chainhead SET last_hash = %s, length = length + 1 WHERE chain = %s",
            [record.hash, head_name(record.CHAIN, record.strand)],
        )
    return record


# On PostgreSQL the whole append is one statement, so one round trip: lock the heads (its own
# and those before it, sorted by their names byte by byte, as Python sorts them; the rows are
# locked after the sort), insert the row with its hash computed by the database (the same
# SHA-256 over "previous|canonical JSON" that verify_chain recomputes in Python), and move the
# head. Every read of a person's data by someone else comes through here, so it is the hot path
# of the API.
_APPEND_SQL = """
WITH locked AS MATERIALIZED (
    SELECT chain, last_hash FROM core_chainhead
    WHERE chain = ANY(%s) ORDER BY chain COLLATE "C" FOR UPDATE
), head AS (
    SELECT last_hash FROM locked WHERE chain = %s
), inserted AS (
    INSERT INTO {table} ({columns}, prev_hash, hash)
    SELECT {placeholders}, head.last_hash,
           encode(sha256(convert_to(head.last_hash || '|' || %s, 'UTF8')), 'hex')
    FROM head
    RETURNING id, prev_hash, hash
)
UPDATE core_chainhead SET last_hash = inserted.hash, length = core_chainhead.length + 1
FROM inserted WHERE core_chainhead.chain = %s
RETURNING inserted.id, inserted.prev_hash, inserted.hash
"""


def _append_statement(model: type[ChainedRecord]) -> tuple[str, list[Any]]:
    """``_APPEND_SQL`` for ``model`` and the fields its placeholders take, written once per
    process and model."""
    prepared = _APPEND_PREPARED.get(model)
    if prepared is None:
        fields = [
            field
            for field in model._meta.concrete_fields
            if field.column not in ("id", "prev_hash", "hash")
        ]
        sql = _APPEND_SQL.format(
            table=model._meta.db_table,
            columns=", ".join(connection.ops.quote_name(str(field.column)) for field in fields),
            placeholders=", ".join(["%s"] * len(fields)),
        )
        prepared = _APPEND_PREPARED[model] = (sql, fields)
    return prepared


_APPEND_PREPARED: dict[type[ChainedRecord], tuple[str, list[Any]]] = {}


def _append_in_one_statement[R: ChainedRecord](record: R) -> R:
    sql, fields = _append_statement(type(record))
    values = _db_values(record, fields)
    heads = _heads_for(record.CHAIN, record.strand)
    own = head_name(record.CHAIN, record.strand)
    params = [list(heads), own, *values, _canonical(record.hashed_fields()), own]
    _taking(heads)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:  # the strand's first row: create the heads, then append
            _create_heads(record.CHAIN, record.strand)
            cursor.execute(sql, params)
            row = cursor.fetchone()
    record.pk, record.prev_hash, record.hash = row
    record._state.adding = False
    return record


@contextmanager
def batched() -> Iterator[None]:
    """Collect the appends made in the block and write them at its end under one lock.

    For bulk work (an import of thousands of rows) that would otherwise lock the chain's head
    row twice per row. Use inside the transaction of that work: if it rolls back, so do the
    trail rows; if the block raises, nothing collected is written.
    """
    token = _pending.set([])
    try:
        yield
        records = _pending.get() or []
    finally:
        _pending.reset(token)
    if records:
        _append_many(records)


def _append_many(records: list[ChainedRecord]) -> None:
    """Chain and write ``records``: every head they need locked in one statement, each chain's
    rows inserted, every head moved in one statement. Without a savepoint of its own (a page
    that logs what it shows does this on every request): a failure here fails the caller's
    transaction, as it must anyway."""
    # Chain by chain in the lock order, never in a set's order (a set of classes iterates by
    # their addresses, which differ between processes: two server processes once took the
    # access and audit heads crosswise and deadlocked, the dispatchers' lookup at 100 requests
    # a second on PostgreSQL). The heads are locked in one statement sorted by name.
    models = sorted({type(record) for record in records}, key=lambda model: model.CHAIN)
    moved: list[tuple[str, str, int]] = []
    written: list[tuple[type[ChainedRecord], list[ChainedRecord]]] = []
    strand = _strand()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        last = _lock_heads_of(cursor, [model.CHAIN for model in models], strand)
        for model in models:
            chained = [record for record in records if type(record) is model]
            prev = last[model.CHAIN]
            for record in chained:
                record.strand = strand
                record.prev_hash = prev
                record.hash = prev = _digest(prev, record.hashed_fields())
            written.append((model, chained))
            moved.append((head_name(model.CHAIN, strand), prev, len(chained)))
        if connection.vendor == "postgresql" and len(records) < COPY_FROM_ROWS:
            _write_in_one_round_trip(cursor, written, moved)
            return
        for model, chained in written:
            _insert_many(model, chained)
        _move_heads(cursor, moved)


def _write_in_one_round_trip(
    cursor: CursorWrapper,
    written: list[tuple[type[ChainedRecord], list[ChainedRecord]]],
    moved: list[tuple[str, str, int]],
) -> None:
    """Each chain's rows inserted and every head moved, sent as one text of several statements
    (PostgreSQL runs them in order; the client binds the values into it). A page that logs what
    it shows writes a few rows under its lock on every request, and each statement sent on its
    own costs a round trip with the head still locked, and the client's and the server's work
    per statement (a dispatcher's lookup: three statements, now one message)."""
    statements: list[str] = []
    params: list[Any] = []
    for model, chained in written:
        fields = _written_fields(model)
        names = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
        row = f"({', '.join(['%s'] * len(fields))})"
        statements.append(
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) "  # noqa: S608 - the models' names
            f"VALUES {', '.join([row] * len(chained))}"
        )
        for record in chained:
            params.extend(_db_values(record, fields))
    move, move_params = _heads_moved(moved)
    cursor.execute("; ".join([*statements, move]), [*params, *move_params])


def _move_heads(cursor: CursorWrapper, moved: list[tuple[str, str, int]]) -> None:
    cursor.execute(*_heads_moved(moved))


def _heads_moved(moved: list[tuple[str, str, int]]) -> tuple[str, list[Any]]:
    """The statement, and its values, that sets each (chain, last hash, rows added) head at once
    (UPDATE … FROM: SQLite has it since 3.33)."""
    if len(moved) == 1:
        chain, last_hash, added = moved[0]
        return (
            "UPDATE core_chainhead SET last_hash = %s, length = length + %s WHERE chain = %s",
            [last_hash, added, chain],
        )
    values = ", ".join(["(%s, %s, %s)"] * len(moved))
    return (
        f"WITH moved(chain, last_hash, added) AS (VALUES {values}) "  # noqa: S608 - fixed names
        "UPDATE core_chainhead SET last_hash = moved.last_hash, "
        "length = core_chainhead.length + moved.added "
        "FROM moved WHERE core_chainhead.chain = moved.chain",
        [value for row in moved for value in row],
    )


def _written_fields(model: type[ChainedRecord]) -> list[Any]:
    """The columns a chain's row is written with: all but the key the database gives."""
    return [field for field in model._meta.concrete_fields if field.column != "id"]


def _insert_many(model: type[ChainedRecord], records: list[ChainedRecord]) -> None:
    """The rows written as they are (core.rows.insert_many). They are final — hashed, never
    read back by id — so the query compiler's work per row and field that ``bulk_create``
    does (most of the time of a page of 1,000 access-log entries) is not needed."""
    fields = _written_fields(model)
    insert_many(
        model._meta.db_table,
        [str(field.column) for field in fields],
        [_db_values(record, fields) for record in records],
    )


def _passed_as_is(field: Any) -> tuple[type, ...]:
    """The Python types whose values ``field`` hands to the database unchanged: for them its
    preparation, a call a field and row (most of the time of an alert's 10,000 access-log
    rows), is skipped."""
    if isinstance(field, JSONField):
        return ()  # a dict or a list is adapted
    if isinstance(field, (CharField, TextField)):
        return (str, type(None))
    if isinstance(field, BooleanField):
        return (bool, type(None))
    if isinstance(field, IntegerField) or (
        isinstance(field, ForeignKey) and isinstance(field.target_field, IntegerField)
    ):
        return (int, type(None))
    return ()


def _db_values(record: ChainedRecord, fields: list[Any]) -> list[Any]:
    values = []
    for field in fields:
        value = getattr(record, field.attname)
        plain = _PASSED_AS_IS.get(field)
        if plain is None:
            plain = _PASSED_AS_IS[field] = _passed_as_is(field)
        values.append(value if type(value) in plain else field.get_db_prep_save(value, connection))
    return values


_PASSED_AS_IS: dict[Any, tuple[type, ...]] = {}


def record_write(
    *, actor: Actor, action: str, entity: str, entity_id: object, data: dict[str, Any]
) -> AuditEvent:
    """Append a write to the audit trail; call inside the transaction that does the write."""
    return _append(
        AuditEvent(
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            data=data,
            **_actor_fields(actor),
        )
    )


def record_access(
    *,
    actor: Actor,
    person_iin: str,
    what: str,
    purpose: str,
    granted: bool,
    channel: str = "web",
    reader: str = "",
    office: str = "",
    office_region: str = "",
    agency: str = "",
    case: str = "",
) -> AccessEvent:
    """Append a read of a person's data by ``actor``, granted or refused, to the access log.

    Pages call it through core/access.py, which decides the reader's kind, office and purpose.
    """
    return _append(
        AccessEvent(
            person_iin=person_iin,
            what=what,
            purpose=purpose[:200],
            outcome=AccessEvent.Outcome.GRANTED if granted else AccessEvent.Outcome.DENIED,
            channel=channel,
            reader=reader,
            office=office,
            office_region=office_region,
            agency=agency[:100],
            case=case[:40],
            **_actor_fields(actor),
        )
    )


@dataclass(frozen=True)
class ChainReport:
    chain: str
    checked: int
    first_broken_id: int | None
    reason: str | Promise

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def _rows(model: type[ChainedRecord]) -> Iterator[ChainedRecord]:
    return model.objects.order_by("id").iterator(chunk_size=5000)  # type: ignore[attr-defined]


def verify_chain(model: type[ChainedRecord]) -> ChainReport:
    """Recompute every hash in order, each strand linked to its own previous row; name the first
    row whose hash or link does not hold. One pass in id order, whatever the strands."""
    last: dict[int, str] = {}
    lengths: dict[int, int] = {}
    checked = 0
    for row in _rows(model):
        prev = last.get(row.strand, GENESIS)
        if row.prev_hash != prev:
            return ChainReport(
                model.CHAIN, checked, row.pk, _("link to the previous row is broken")
            )
        if _digest(prev, row.hashed_fields()) != row.hash:
            return ChainReport(
                model.CHAIN, checked, row.pk, _("row content does not match its hash")
            )
        last[row.strand] = row.hash
        lengths[row.strand] = lengths.get(row.strand, 0) + 1
        checked += 1
    heads = ChainHead.objects.filter(chain__regex=rf"^{model.CHAIN}(\.[0-9]+)?$")
    for head in heads:
        strand = _chain_and_strand(head.chain)[1]
        if head.last_hash != last.get(strand, GENESIS) or head.length != lengths.get(strand, 0):
            return ChainReport(
                model.CHAIN, checked, -1, _("rows are missing at the end of the chain")
            )
    return ChainReport(model.CHAIN, checked, None, _("intact"))


def verify_all() -> list[ChainReport]:
    return [verify_chain(AuditEvent), verify_chain(AccessEvent)]


# A verification of both chains is written to the audit trail itself, so the last result (when,
# by whom, intact or where broken) is there for the auditor's page, and cannot be quietly undone.
CHAIN_CHECK = ("chain", "audit+access")


def chains_verify(*, actor: Actor) -> list[ChainReport]:
    """Verify both chains and record the result in the audit trail (after the check, so the
    record is not part of what it vouches for)."""
    reports = verify_all()
    record_write(
        actor=actor,
        action="chain_verify",
        entity=CHAIN_CHECK[0],
        entity_id=CHAIN_CHECK[1],
        data={
            "chains": [
                {
                    "chain": report.chain,
                    "checked": report.checked,
                    "intact": report.intact,
                    "first_broken_id": report.first_broken_id,
                }
                for report in reports
            ]
        },
    )
    return reports


def last_chains_check() -> AuditEvent | None:
    """The latest recorded verification of the chains, if any has run."""
    entity, entity_id = CHAIN_CHECK
    return (
        AuditEvent.objects.filter(entity=entity, entity_id=entity_id, action="chain_verify")
        .order_by("-id")
        .first()
    )
