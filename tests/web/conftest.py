from __future__ import annotations

import pytest

from inclusio.core.models import User
from tests.web.accounts import make_person_account, make_staff_account


@pytest.fixture
def person(db: None) -> User:
    return make_person_account()


@pytest.fixture
def staff(db: None) -> User:
    return make_staff_account()


@pytest.fixture
def staff_without_device(db: None) -> User:
    return make_staff_account("new_officer", with_device=False)
