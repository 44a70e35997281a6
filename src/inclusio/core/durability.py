"""A transaction that lets go of its row locks before the disk has its commit, yet answers only
once it has.

Every read of a person's data by someone else appends to the access log, and most writes to the
audit trail, each under a lock of its chain's head row; a sale also locks its item. PostgreSQL
holds a transaction's row locks until its commit is on disk, so with durable settings every
append waits behind the previous request's flush: one flush at a time (5 to 20 ms on this
machine's disk, docs/performance.md), whatever the number of server processes.

``atomic_then_flush()`` commits without waiting for the flush (``SET LOCAL synchronous_commit
TO OFF``: the locks go at once and the next request appends), then waits for the disk before
the caller goes on: one autocommitted statement that takes a transaction id commits
synchronously, and its flush covers everything logged before it, this transaction included
(PostgreSQL's log is written in order). Concurrent requests' waits then share one flush. What
holds: nothing is answered before its log entries and writes are on disk, and a crash loses at
most commits nobody was answered for — whole, from some point of the log on, so a chain stays a
chain (what committed after a lost transaction is lost with it). What changes: another request
may read such a commit a few milliseconds before it is on disk.

Outside PostgreSQL, or inside an enclosing transaction (whose owner commits), it is
``transaction.atomic()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def atomic_then_flush() -> Iterator[None]:
    outermost = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        yield
        if outermost and not connection.needs_rollback:
            # The setting, the commit and the wait for the disk in one round trip: the setting
            # is read at the commit, the only moment it matters, so it goes with it (a block
            # rolled back never needed it). The driver then sees no transaction open, and the
            # atomic block's own commit finds nothing to do (psycopg's commit() of an idle
            # connection sends nothing). A commit that fails raises here, inside the block,
            # which then rolls back what is left (nothing).
            with connection.cursor() as cursor:
                cursor.execute(f"{_ASYNC_COMMIT}; {_FLUSH}")
            return
    if outermost:
        flushed()


# The transaction's commit without waiting for the disk (its locks go at once).
_ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF; COMMIT"
# One autocommitted statement that takes a transaction id: its commit is synchronous.
_FLUSH = "SELECT pg_current_xact_id()"


def flushed() -> None:
    """Wait until everything this connection's server has committed is on disk (with
    ``synchronous_commit`` on; at once when it is off, as in the tests' clusters)."""
    with connection.cursor() as cursor:
        cursor.execute(_FLUSH)
