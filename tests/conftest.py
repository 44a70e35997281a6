"""Root test configuration, shared by every test folder; fixtures belong in app-level conftests.

The suite runs on whatever INCLUSIO_DATABASE_URL names: SQLite by default (an in-memory test
database, or the file in INCLUSIO_TEST_SQLITE), PostgreSQL under ``tools/pgcluster.py run``.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

import pytest


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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:  # pytest-django's settings wrapper
    # The production hasher costs ~0.3 s a password by design; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Permission sets are cached per account id, and ids repeat between rolled-back tests.
    from django.core.cache import cache

    cache.clear()
