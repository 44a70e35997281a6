"""Shared appeal fixtures: the trio of a district office (which decides benefit appeals), a
refused benefit and a representative."""

from __future__ import annotations

import datetime as dt

import pytest

from inclusio.benefits.models import Decision
from inclusio.benefits.services import proposal_refuse
from inclusio.core.audit import SYSTEM
from inclusio.core.models import User
from inclusio.registry.models import Person
from inclusio.registry.services import care_link_create
from tests.browser.benefits_data import make_offer
from tests.factories import Trio, make_person, make_trio, make_user


@pytest.fixture
def trio() -> Trio:
    return make_trio("district_officer")


@pytest.fixture
def refusal(trio: Trio) -> Decision:
    """The person refused an offer of the disability benefit."""
    return proposal_refuse(actor=trio.person.user, proposal_id=make_offer(trio.person).pk)


@pytest.fixture
def parent() -> tuple[User, Person]:
    """A parent's account and the child they represent."""
    account = make_user("parent", "representative", None)
    carer = make_person(surname="Parent", user=account)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    care_link_create(
        actor=SYSTEM, carer=carer, cared=child, relation="parent", since=dt.date(2016, 2, 2)
    )
    return account, child
