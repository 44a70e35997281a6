"""Root test configuration, shared by every test folder; fixtures belong in app-level conftests.

The suite runs on whatever INCLUSIO_DATABASE_URL names: SQLite by default (an in-memory test
database, or the file in INCLUSIO_TEST_SQLITE), PostgreSQL under ``tools/pgcluster.py run``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import TransactionTestCase

from tests import database_reset, migrated_template


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        where = connection.settings_dict["TEST"].get("NAME") or "in memory"
        return f"sqlite {sqlite3.sqlite_version} ({where})"
    version = ""
    if connection.vendor == "postgresql":
        try:
            # A raw connection: pytest-django blocks the ordinary one outside tests.
            raw = connection.get_new_connection(connection.get_connection_params())
            try:
                number = raw.info.server_version  # e.g. 150018
                version = f" {number // 10000}.{number % 10000}"
            finally:
                raw.close()
        except Exception as error:
            version = f" (unreachable: {error.__class__.__name__})"
    host = connection.settings_dict.get("HOST") or "local socket"
    port = connection.settings_dict.get("PORT")
    return f"{connection.vendor}{version} at {host}{':' + port if port else ''}"


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {database_description()}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if terminalreporter.config.get_verbosity() < 0:  # -q hides the header: say it at the end
        terminalreporter.write_line(f"database: {database_description()}")
    if _failed_for_nothing_passed:
        terminalreporter.write_line("CI: no test passed (all skipped?), so the run fails", red=True)


# In CI a run in which no test passed (none collected, or all skipped) is a failure: it means
# the suite did not actually check anything, e.g. a missing browser or database skipped it all.
_passed = 0
_failed_for_nothing_passed = False


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _passed
    if report.when == "call" and report.passed:
        _passed += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _failed_for_nothing_passed
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    if hasattr(session.config, "workerinput") or session.config.option.collectonly:
        return  # an xdist worker (the controller judges the whole run), or --collect-only
    if in_ci and exitstatus == pytest.ExitCode.OK and _passed == 0:
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED
        _failed_for_nothing_passed = True


# --- the second database run: only the tests that use a database ---------------------------

# The fixtures through which a test reaches the database; the django_db mark is the other way.
# (Not django_db_blocker: pytest-django's own autouse fixtures ask every test for it.)
DATABASE_FIXTURES = frozenset(
    {"_django_db_helper", "db", "transactional_db", "django_db_setup", "live_server"}
)


def uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") is not None:
        return True
    return not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With INCLUSIO_TEST_DATABASE_ONLY set (``make test`` sets it for its PostgreSQL run), the
    tests that never touch a database are left out: they ran, unchanged, in the SQLite run, and
    pytest-django would have failed them had they tried to reach one."""
    if os.environ.get("INCLUSIO_TEST_DATABASE_ONLY", "").lower() not in ("1", "true", "yes"):
        return
    kept = [item for item in items if uses_database(item)]
    left_out = [item for item in items if not uses_database(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:  # pytest-django's settings wrapper
    # The production hasher costs ~0.3 s a password by design; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Commands and services speak the active language (Kazakh by default). Every test starts in
    # English, so that one run alone reads the same texts as in the whole suite, where a page
    # request would otherwise leave its language active for the next test.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _chain_heads_in_lock_order() -> Iterator[None]:
    # Every test runs under the check of the trails' lock order (core/audit.py): a transaction
    # taking a chain's head after the head of a chain named after it fails the test, at the
    # append (LockOrderError) and here, should a caller have swallowed the error.
    from inclusio.core.audit import lock_order_checked

    with lock_order_checked() as check:
        yield
    assert check.violations == [], "trail heads taken out of order"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Permission sets are cached per account id, and ids repeat between rolled-back tests.
    from django.core.cache import cache

    cache.clear()


# --- synthetic snapshots, made once a run ------------------------------------------------


@pytest.fixture(scope="session")
def synthetic_snapshot(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Callable[[str, int], Path]:
    """A synthetic snapshot of a scale and seed, generated once for the whole run.

    Under pytest-xdist every worker is a process of its own: the snapshots live in the run's
    temporary folder that all workers share, the first worker to ask generates one (under a
    lock, into a folder renamed into place when complete) and the others read it. Tests only
    read it; one that changes a snapshot copies it first.
    """
    from inclusio.synthetic.generate import generate

    run_folder = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # popen-gw0, popen-gw1 … are folders of the run's one
        run_folder = run_folder.parent
    cache = run_folder / "synthetic-snapshots"
    cache.mkdir(exist_ok=True)

    def snapshot(scale: str, seed: int) -> Path:
        directory = cache / f"{scale}-seed{seed}"
        with (cache / f"{directory.name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not directory.is_dir():
                partial = cache / f"{directory.name}.partial"
                shutil.rmtree(partial, ignore_errors=True)
                generate(scale, seed, partial)
                partial.rename(directory)
        return directory

    return snapshot


# --- transactional tests: the database put back quickly afterwards ------------------------

# Django empties the database after each transactional test and redoes post_migrate; this
# empties only what the test filled, when it can (why and how: tests/database_reset.py).
TransactionTestCase._fixture_teardown = database_reset.fast_fixture_teardown(  # type: ignore[method-assign]
    TransactionTestCase._fixture_teardown
)


# --- parallel workers: one migration, cloned ------------------------------------------------


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder, the one every xdist worker's own folder is in."""
    return tmp_path_factory.getbasetemp().parent


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
) -> Iterator[None]:
    """Under xdist the first worker migrates its test database and the others clone it (why
    and how: tests/migrated_template.py)."""
    if worker_id == "master":
        yield
        return
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "run")[:8]
    undo = migrated_template.install(_run_folder(tmp_path_factory), run)
    try:
        yield
    finally:
        undo()


def pytest_unconfigure(config: pytest.Config) -> None:
    # The controller of a parallel run drops the PostgreSQL copies the workers cloned from.
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is not None:
        migrated_template.drop_templates(factory.getbasetemp())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        database_reset.note_migrated_state()
