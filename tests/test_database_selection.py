"""The PostgreSQL run keeps exactly the tests that reach a database (tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.conftest import uses_database


def test_a_test_without_the_database_is_left_out(request: pytest.FixtureRequest) -> None:
    assert not uses_database(request.node)


@pytest.mark.django_db
def test_a_test_marked_for_the_database_is_kept(request: pytest.FixtureRequest) -> None:
    assert uses_database(request.node)


def test_a_test_asking_for_the_database_fixture_is_kept(
    request: pytest.FixtureRequest, db: None
) -> None:
    assert uses_database(request.node)
