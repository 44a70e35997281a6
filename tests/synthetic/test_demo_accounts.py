"""The demo's accounts show what each role does on the day the demo runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from inclusio.registry.models import CareLink, Person
from inclusio.synthetic.demo import create_demo_accounts
from tests.factories import give_status, make_person

pytestmark = pytest.mark.django_db


def _parent_of(child_born: dt.date, surname: str) -> Person:
    parent = make_person(birth_date=dt.date(1975, 3, 1), surname=surname)
    child = make_person(birth_date=child_born, surname=surname)
    give_status(child, "child", valid_from=child_born, until=None)
    CareLink.objects.create(
        carer=parent, cared=child, relation=CareLink.Relation.PARENT, since=child_born
    )
    return parent


def test_the_representative_represents_a_child_today_not_one_come_of_age() -> None:
    today = timezone.localdate()
    # The first in IIN order is the parent of a child who was a minor on the synthetic
    # snapshot's date but is an adult today: that parent represents nobody now.
    adult = _parent_of(dt.date(today.year - 20, 1, 1), "Ахметова")
    minor = _parent_of(dt.date(today.year - 5, 1, 1), "Серикова")
    assert adult.cares_for.get().cared.iin < minor.cares_for.get().cared.iin

    create_demo_accounts()

    representative = Person.objects.get(user__username="representative")
    assert representative == minor


def test_a_representative_linked_before_the_child_came_of_age_is_linked_again() -> None:
    today = timezone.localdate()
    adult = _parent_of(dt.date(today.year - 20, 1, 1), "Ахметова")
    create_demo_accounts()
    assert Person.objects.get(user__username="representative") == adult
    minor = _parent_of(dt.date(today.year - 5, 1, 1), "Серикова")

    create_demo_accounts()

    assert Person.objects.get(user__username="representative") == minor
    adult.refresh_from_db()
    assert adult.user is None
