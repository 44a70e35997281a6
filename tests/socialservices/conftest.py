"""Special social services fixtures: a provider of the person's region with its staff account,
an inspector of the region, and the person's need recorded by their officer."""

from __future__ import annotations

import pytest

from inclusio.core.models import User
from inclusio.socialservices import services
from inclusio.socialservices.models import Need, Provider
from tests.factories import Trio, make_trio, make_user
from tests.socialservices.builders import END, START, make_provider


@pytest.fixture
def trio() -> Trio:
    return make_trio()


@pytest.fixture
def provider(trio: Trio) -> Provider:
    return make_provider(trio.own_officer)


@pytest.fixture
def provider_staff(provider: Provider) -> User:
    account = make_user("provider_astana", "social_provider", "71")
    provider.staff.add(account)
    return account


@pytest.fixture
def inspector() -> User:
    return make_user("inspector_astana", "social_inspector", "71")


@pytest.fixture
def need(trio: Trio) -> Need:
    return services.need_record(
        actor=trio.own_officer,
        person=trio.person,
        kind="day_care",
        hours_per_month=120,
        starts=START,
        ends=END,
    )
