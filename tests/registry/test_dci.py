import datetime as dt

import pytest

from inclusio.registry.dci import disability_details, pwd_person
from tests.factories import give_status, make_person

pytestmark = pytest.mark.django_db


def test_a_person_maps_to_a_dci_pwd_person() -> None:
    person = make_person(surname="Абенова", given_name="Дана", birth_date=dt.date(1980, 5, 17))
    mapped = pwd_person(person)
    assert mapped["identifier"] == [{"identifier_type": "IIN", "identifier_value": person.iin}]
    assert mapped["name"] == {"surname": "Абенова", "given_name": "Дана", "second_name": None}
    assert (mapped["sex"], mapped["birth_date"]) == ("female", "1980-05-17")
    assert mapped["address"] == {"region_code": "71", "urban": True}


def test_a_status_maps_to_dci_disability_details() -> None:
    status = give_status(make_person(), "I", cause="work_injury", until=dt.date(2027, 1, 1))
    details = disability_details(status, dt.date(2024, 6, 1))
    assert details["impairment_type"] == ["Physical and movement related functions"]
    assert details["impairment_level"] == "Severe impairment or difficulty"
    assert details["impairment_cause"] == "Work Accident"
    assert details["age_on_set"] == "Working age"
    assert details["is_valid"] is True
    assert disability_details(status, dt.date(2027, 1, 2))["is_valid"] is False
