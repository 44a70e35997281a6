from __future__ import annotations

import pytest

from inclusio.core.models import User
from tests.factories import make_user


@pytest.fixture
def crpd_officer() -> User:
    return make_user("crpd_officer", "crpd_officer", None)


@pytest.fixture
def statistician() -> User:
    return make_user("statistician", "statistician", None)


@pytest.fixture
def district_officer() -> User:
    return make_user("officer_astana", "district_officer", "71")
