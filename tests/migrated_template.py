"""Each parallel worker's test database cloned from one migrated copy, instead of migrated anew.

Under pytest-xdist every worker makes its own test database (``test_inclusio_gw0``, …, or an
in-memory SQLite database in each process) and Django migrates each one: 80-odd migrations
whose state Django re-renders after every operation, 35 s of CPU on a quiet machine and several
minutes on a loaded one, and the same work in every worker. Here the first worker to need a
database migrates its own as before and leaves a copy of it (PostgreSQL: a database made with
``CREATE DATABASE … TEMPLATE``; SQLite: a file written with SQLite's backup API); the other
workers wait for that copy and make theirs from it, which takes a second. What a test meets is
the same schema and the same rows that migrations and post_migrate left, made by the same
migrations on the same database.

Only for a run of several workers that makes its databases afresh (not ``--reuse-db``); a run
in one process migrates as Django does.
"""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.backends.base.creation import BaseDatabaseCreation

_Create = Callable[..., str]


def _template_name(creation: BaseDatabaseCreation, run: str) -> str:
    return f"{creation.connection.settings_dict['NAME']}_migrated_{run}"[:63]


def _save(creation: BaseDatabaseCreation, folder: Path, run: str) -> str:
    """Keep a copy of the freshly migrated test database; what the other workers clone."""
    connection = creation.connection
    if connection.vendor == "sqlite":
        target = folder / f"migrated-{connection.alias}.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return str(target)
    name = _template_name(creation, run)
    quote = connection.ops.quote_name
    connection.close()  # a template may have no other session while it is copied
    with creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        source = quote(connection.settings_dict["NAME"])
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {source}")
    return name


def _clone(creation: BaseDatabaseCreation, source: str) -> str:
    """Make this worker's test database from the saved copy, as create_test_db leaves it."""
    connection = creation.connection
    name = creation._get_test_db_name()
    if connection.vendor != "sqlite":
        quote = connection.ops.quote_name
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(source)}")
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(source)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()
    return name


def install(folder: Path, run: str) -> Callable[[], None]:
    """Make create_test_db clone the first worker's migrated database; returns the undoing."""
    original: _Create = BaseDatabaseCreation.create_test_db

    def create_test_db(
        self: BaseDatabaseCreation,
        verbosity: int = 1,
        autoclobber: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> str:
        if kwargs.get("keepdb"):  # --reuse-db: the kept database is used as it is
            return original(self, verbosity, autoclobber, *args, **kwargs)
        alias = self.connection.alias
        with (folder / f"migrated-{alias}.lock").open("a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the others wait here while the first migrates
            noted = folder / f"migrated-{alias}.name"
            if noted.exists():
                return _clone(self, noted.read_text())
            name = original(self, verbosity, autoclobber, *args, **kwargs)
            noted.write_text(_save(self, folder, run))
            self.connection.ensure_connection()
            return name

    BaseDatabaseCreation.create_test_db = create_test_db  # type: ignore[method-assign]

    def undo() -> None:
        BaseDatabaseCreation.create_test_db = original  # type: ignore[method-assign]

    return undo


def drop_templates(folder: Path) -> None:
    """At the end of the run (the controller): drop the PostgreSQL copies made for the workers."""
    from django.db import connections

    for noted in folder.glob("migrated-*.name"):
        alias = noted.name.removeprefix("migrated-").removesuffix(".name")
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        params = connection.get_connection_params()
        params["dbname"] = "postgres"
        raw = connection.get_new_connection(params)
        try:
            raw.autocommit = True
            raw.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(noted.read_text())}")
        finally:
            raw.close()
        noted.unlink()
