"""The portal's cast: two suppliers' representatives, officers of two regions, a person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inclusio.core.models import User
from inclusio.marketplace.models import Supplier
from tests.factories import make_person, make_user
from tests.marketplace.builders import GOOD, make_item, make_supplier


@pytest.fixture(autouse=True)
def _photos_in_a_temporary_folder(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


@pytest.fixture
def supplier_a(db: None) -> Supplier:
    return make_supplier("supplier_a", serial=1)


@pytest.fixture
def supplier_b(db: None) -> Supplier:
    return make_supplier("supplier_b", serial=2)


@pytest.fixture
def officer(db: None) -> User:
    """A district officer of Astana, where both suppliers are registered."""
    return make_user("officer_astana", "district_officer", "71")


@pytest.fixture
def other_officer(db: None) -> User:
    return make_user("officer_almaty", "district_officer", "75")


@pytest.fixture
def person_account(db: None) -> User:
    account = make_user("dana", "person", None)
    make_person(region="71", user=account)
    return account


__all__ = ["GOOD", "make_item"]
