"""Putting the test database back after a transactional test, without redoing post_migrate.

A transactional test (the browser tests, the races between two connections) commits its data,
so afterwards the database must be emptied for the next test. Django's way
(``TransactionTestCase._fixture_teardown``) empties every table and then sends post_migrate
again, which here creates the content types and permissions of every app, brings the roles'
groups in line and loads the country's regions and dated parameters. Measured on this project
(SQLite, a loaded 2-core machine): the emptying 0.07 s, post_migrate 1.8 s, for each of the
suite's ~300 transactional tests. Yet a test almost never changes what post_migrate wrote.

So, once the test database is made, ``note_migrated_state`` records which tables migrations and
post_migrate filled and a fingerprint of their rows; after each transactional test
``restore_migrated_state`` empties every other table and compares the fingerprints. Equal: the
database is as migrations left it, and that is all. Different (a test changed a role's
permissions, added a dated parameter…): Django's full emptying and post_migrate run, as before.

The append-only tables (audit and access logs, dated parameters) refuse deletion by trigger:
both paths take the triggers off and put them back, in the emptying's transaction.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction

# The migrations whose trigger functions make tables append-only: the trails, dated parameters.
APPEND_ONLY_MIGRATIONS = ("0002_append_only", "0004_parameters_history")


class _StatementRunner:
    """Just enough of a schema editor for the trigger functions of the core migrations."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Any = None) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)


def _set_append_only_triggers(connection: Any, action: str) -> None:
    for name in APPEND_ONLY_MIGRATIONS:
        migration = importlib.import_module(f"inclusio.core.migrations.{name}")
        getattr(migration, action)(None, _StatementRunner(connection))


@contextmanager
def append_only_triggers_off(alias: str = "default") -> Iterator[None]:
    connection = connections[alias]
    _set_append_only_triggers(connection, "drop_triggers")
    try:
        yield
    finally:
        _set_append_only_triggers(connection, "create_triggers")


@dataclass(frozen=True)
class _MigratedState:
    filled: dict[str, str]  # each table migrations filled, with the fingerprint of its rows
    empty: tuple[str, ...]  # the other tables, which a test may fill


# Per database alias, noted when the test database is made.
_migrated_state: dict[str, _MigratedState] = {}


def _fingerprint(connection: Any, table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        rows = sorted(repr(row) for row in cursor.fetchall())
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def note_migrated_state(alias: str = "default") -> None:
    connection = connections[alias]
    filled, empty = {}, []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.django_table_names(only_existing=True)):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is None:
                empty.append(table)
            else:
                filled[table] = _fingerprint(connection, table)
    _migrated_state[alias] = _MigratedState(filled, tuple(empty))


def restore_migrated_state(alias: str) -> bool:
    """Empty what the test filled; False when the tables made with the database were changed
    too (nothing is then emptied: the caller flushes the Django way)."""
    state = _migrated_state.get(alias)
    if state is None:
        return False
    connection = connections[alias]
    with transaction.atomic(using=alias):
        if any(_fingerprint(connection, table) != print_ for table, print_ in state.filled.items()):
            return False
        # Foreign keys are deferred to the commit on both databases, so the order is free.
        with append_only_triggers_off(alias), connection.cursor() as cursor:
            for table in state.empty:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
    return True


def put_back(alias: str = "default") -> None:
    """Empty what was committed since the database was made: the quick way when it can, else
    Django's flush with post_migrate (for data shared by several tests, built outside them)."""
    if restore_migrated_state(alias):
        return
    from django.core.management import call_command

    with append_only_triggers_off(alias):
        call_command("flush", interactive=False, database=alias, verbosity=0)
    note_migrated_state(alias)


def fast_fixture_teardown(django_teardown: Callable[[Any], None]) -> Callable[[Any], None]:
    """TransactionTestCase._fixture_teardown that restores the migrated state when it can."""

    def _fixture_teardown(test_case: Any) -> None:
        aliases = list(test_case._databases_names(include_mirrors=False))
        slow = [alias for alias in aliases if not restore_migrated_state(alias)]
        if not slow:
            return
        with append_only_triggers_off():
            django_teardown(test_case)
        for alias in slow:  # post_migrate made the rows again, under new ids
            note_migrated_state(alias)

    return _fixture_teardown


@contextmanager
def committed_world(django_db_blocker: Any) -> Iterator[None]:
    """Run the block that builds a module's shared data, committed, as a test's transaction
    would leave it: its on_commit callbacks dropped unrun (as in a rolled-back test), with the
    test hasher, English and the check of the trails' lock order (what the autouse fixtures
    give a test, not yet active for a module fixture). The caller empties it with ``put_back``
    when the module's tests are done; here it is emptied only if the build fails."""
    from django.db import connection
    from django.test import override_settings
    from django.utils import translation

    from inclusio.core.audit import lock_order_checked

    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as _fast_password_hashing
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers):
        try:
            with (
                lock_order_checked() as check,
                translation.override("en"),
                transaction.atomic(),
            ):
                yield
                connection.run_on_commit = []
            assert check.violations == [], "trail heads taken out of order"
        except BaseException:
            put_back()
            raise
