"""After a transactional test the database is as migrations left it (tests/database_reset.py)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import TransactionTestCase

from inclusio.core import roles
from inclusio.core.audit import SYSTEM, record_access
from inclusio.core.models import AccessEvent, Region, User
from tests import database_reset


def test_what_a_test_filled_is_emptied_and_what_migrations_made_is_kept(
    transactional_db: None,
) -> None:
    regions, groups = Region.objects.count(), Group.objects.count()
    User.objects.create(username="left-behind")
    record_access(actor=SYSTEM, person_iin="000000000000", what="t", purpose="t", granted=True)

    assert database_reset.restore_migrated_state(connection.alias)

    assert not User.objects.exists()
    assert not AccessEvent.objects.exists()  # append-only, emptied all the same
    assert (Region.objects.count(), Group.objects.count()) == (regions, groups)


def test_a_change_to_what_migrations_made_asks_for_the_full_flush(
    transactional_db: None,
) -> None:
    User.objects.create(username="left-behind")
    group = Group.objects.first()
    assert group is not None
    group.permissions.remove(*group.permissions.all()[:1])
    if not group.permissions.exists():
        group.permissions.add(Permission.objects.first())

    assert not database_reset.restore_migrated_state(connection.alias)
    assert User.objects.exists()  # nothing emptied yet: the test's teardown flushes it all

    class ThisTest(TransactionTestCase):
        databases = {connection.alias}

    ThisTest()._fixture_teardown()  # what pytest-django runs after the test

    assert not User.objects.exists()
    for role in roles.ROLES:  # post_migrate made the roles' groups whole again
        granted = Group.objects.get(name=role.code).permissions.all()
        assert {f"{p.content_type.app_label}.{p.codename}" for p in granted} == set(
            role.permissions
        )
    assert database_reset.restore_migrated_state(connection.alias)  # the new state is noted


def test_put_back_empties_what_was_committed_and_remakes_what_migrations_made(
    transactional_db: None,
) -> None:
    # What a module's shared data leaves (tests/web/test_hostile_requests.py's world): rows of
    # its own, and here a change to a table migrations filled, which asks for the full flush.
    User.objects.create(username="shared-world")
    group = Group.objects.get(name="district_officer")
    assert group.permissions.exists()
    group.permissions.clear()

    database_reset.put_back(connection.alias)

    assert not User.objects.exists()
    officer = roles.ROLE_BY_CODE["district_officer"]
    granted = Group.objects.get(name="district_officer").permissions.all()
    assert {f"{p.content_type.app_label}.{p.codename}" for p in granted} == set(officer.permissions)
    assert database_reset.restore_migrated_state(connection.alias)  # the new state is noted
