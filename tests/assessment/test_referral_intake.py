"""A doctor refers someone not yet in the registry: the person is registered with the referral,
in its transaction, from the population register's record or from details typed by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from inclusio.assessment.models import Referral
from inclusio.core.models import AuditEvent
from inclusio.registry.models import Person
from tests.factories import make_person, make_user, new_iin, sign_in
from tests.registry.test_intake import population_snapshot
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

BORN = dt.date(2012, 6, 1)
REFERRAL = {
    "kind": "initial",
    "mode": "in_absentia",
    "organisation_name": "City polyclinic",
    "organisation_bin": "000000000000",
    "diagnosis_code": "G80.1",
    "clinical_summary": "",
}
BY_HAND = {
    "surname": "Сейітова",
    "given_name": "Айгерім",
    "patronymic": "",
    "birth_date": BORN.isoformat(),
    "sex": "F",
    "residence": "urban",
}


def doctor(region: str = "71") -> Client:
    client = Client()
    sign_in(client, make_user(f"doctor{region}", "medical_referrer", region))
    return client


def test_a_doctor_refers_someone_the_population_register_holds(
    tmp_path: Path, settings: Any
) -> None:
    iin = new_iin(BORN, "M")
    settings.POPULATION_SNAPSHOT = str(
        population_snapshot(
            tmp_path / "population",
            {
                "iin": iin,
                "birth_date": BORN,
                "sex": "M",
                "region_code": "71",
                "urban": True,
                "surname": "Сейітов",
                "given_name": "Нұрлан",
            },
        )
    )
    client = doctor()
    form = client.get("/en/assessment/referrals/new/", {"lookup-iin": iin}).context["form"]
    assert form.initial["surname"] == "Сейітов" and form.initial["sex"] == "M"
    submitted = {**REFERRAL, "iin": iin, **BY_HAND, "surname": "Сейітов", "sex": "M"}
    submitted["given_name"] = "Нұрлан"
    response = client.post("/en/assessment/referrals/new/", submitted)
    assert response.status_code == 302
    person = Person.objects.get(iin=iin)
    assert (person.surname, person.region_id, person.birth_date) == ("Сейітов", "71", BORN)
    assert Referral.objects.get().person == person
    assert AuditEvent.objects.filter(action="person_create", entity_id=iin).exists()


def test_someone_the_register_does_not_hold_is_registered_by_hand_in_the_doctors_region(
    settings: Any,
) -> None:
    settings.POPULATION_SNAPSHOT = ""
    iin = new_iin(BORN, "F")
    response = doctor("75").post(
        "/en/assessment/referrals/new/", {**REFERRAL, "iin": iin, **BY_HAND}
    )
    assert response.status_code == 302
    assert Person.objects.get(iin=iin).region_id == "75"
    assert Referral.objects.get().region_id == "75"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"birth_date": "2012-06-02"}, "birth_date", "IIN_BIRTH_DATE_MISMATCH"),
        ({"sex": "M"}, "sex", "IIN_SEX_MISMATCH"),
        ({"organisation_bin": "000000000001"}, "organisation_bin", "BIN_CHECKSUM"),
        ({"diagnosis_code": " "}, "diagnosis_code", "required"),
        ({"surname": ""}, "surname", "PERSON_DETAILS_REQUIRED"),
    ],
)
def test_a_refused_referral_registers_nobody(
    changes: dict[str, str], field: str, code: str
) -> None:
    iin = new_iin(BORN, "F")
    client = doctor()
    before = row_counts()
    response = client.post(
        "/en/assessment/referrals/new/", {**REFERRAL, "iin": iin, **BY_HAND, **changes}
    )
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()[field][0]
    assert error.code == code and str(error.message)
    assert row_counts() == before


def test_without_details_an_unknown_iin_asks_for_them_as_an_out_of_scope_one_does() -> None:
    elsewhere = make_person(region="75")
    client = doctor()
    unknown = client.post("/en/assessment/referrals/new/", {**REFERRAL, "iin": new_iin()})
    out_of_scope = client.post("/en/assessment/referrals/new/", {**REFERRAL, "iin": elsewhere.iin})
    first = unknown.context["form"].errors.as_data()["iin"][0]
    second = out_of_scope.context["form"].errors.as_data()["iin"][0]
    assert first.code == second.code == "PERSON_DETAILS_REQUIRED"
    assert first.message == second.message
    assert not Referral.objects.exists()


def test_a_person_registered_elsewhere_is_not_registered_again() -> None:
    elsewhere = make_person(region="75", birth_date=BORN)
    client = doctor()
    before = Person.objects.count()
    response = client.post(
        "/en/assessment/referrals/new/", {**REFERRAL, "iin": elsewhere.iin, **BY_HAND}
    )
    assert response.context["form"].errors.as_data()["iin"][0].code == "PERSON_EXISTS"
    assert Person.objects.count() == before and not Referral.objects.exists()
