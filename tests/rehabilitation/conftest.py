from __future__ import annotations

import datetime as dt

import pytest

from inclusio.assessment.models import Referral
from inclusio.assessment.services import referral_file
from inclusio.core.models import User
from inclusio.registry.models import Person
from tests.factories import make_user


@pytest.fixture
def mse() -> User:
    return make_user("mse_astana", "mse_specialist", "71")


@pytest.fixture
def refer() -> object:
    def refer(person: Person) -> Referral:
        doctor = User.objects.filter(username="doctor").first() or make_user(
            "doctor", "medical_referrer", person.region_id
        )
        return referral_file(
            actor=doctor,
            person=person,
            kind="initial",
            mode="in_absentia",
            organisation_name="Polyclinic",
            organisation_bin="000000000000",
            diagnosis_code="G80.1",
        )

    return refer


START = dt.date(2025, 3, 10)
UNTIL = dt.date(2027, 3, 10)  # re-examination: the programme runs to the day before
