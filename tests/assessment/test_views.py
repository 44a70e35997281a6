import pytest
from django.test import Client

from inclusio.assessment.models import Referral
from inclusio.registry.services import current_status
from tests.factories import make_person, make_user, same_page, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

REFERRAL = {
    "kind": "initial",
    "mode": "in_absentia",
    "organisation_name": "City polyclinic",
    "organisation_bin": "000000000000",
    "diagnosis_code": "G80.1",
    "clinical_summary": "Spastic diplegia",
}


def test_a_doctor_files_a_referral_from_the_form(client: Client) -> None:
    person = make_person()
    sign_in(client, make_user("doctor", "medical_referrer"))
    response = client.post("/en/assessment/referrals/new/", {**REFERRAL, "iin": person.iin})
    referral = Referral.objects.get(person=person)
    assert response.status_code == 302 and response["Location"].endswith(f"/{referral.pk}/")


def test_a_bad_bin_is_shown_on_its_field_and_nothing_is_written(client: Client) -> None:
    person = make_person()
    sign_in(client, make_user("doctor", "medical_referrer"))
    response = client.post(
        "/en/assessment/referrals/new/",
        {**REFERRAL, "iin": person.iin, "organisation_bin": "000000000001"},
    )
    assert response.status_code == 200
    assert "BIN check digit does not match" in response.content.decode()
    assert not Referral.objects.exists()


def test_half_a_document_is_refused(client: Client) -> None:
    person = make_person()
    sign_in(client, make_user("doctor", "medical_referrer"))
    response = client.post(
        "/en/assessment/referrals/new/",
        {**REFERRAL, "iin": person.iin, "document_title": "Epicrisis"},
    )
    assert "Fill in every detail of the attached document" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_mse_sees_the_queue_and_decides(client: Client) -> None:
    person = make_person()
    doctor = Client()
    sign_in(doctor, make_user("doctor", "medical_referrer"))
    doctor.post("/en/assessment/referrals/new/", {**REFERRAL, "iin": person.iin})
    referral = Referral.objects.get()
    sign_in(client, make_user("mse", "mse_specialist"))
    assert person.full_name in client.get("/en/assessment/queue/").content.decode()
    decision = {
        "outcome": "establish",
        "category": "I",
        "cause": "general_disease",
        "limitations": ["mobility"],
        "rationale": "Confirmed by the documents.",
    }
    response = client.post(f"/en/assessment/referrals/{referral.pk}/", decision)
    assert response.status_code == 302
    status = current_status(person)
    assert status is not None and status.category == "I"
    again = client.post(f"/en/assessment/referrals/{referral.pk}/", decision, follow=True)
    assert "can no longer be decided" in again.content.decode()
    assert person.statuses.count() == 1


def test_an_mse_of_another_region_cannot_open_the_referral(client: Client) -> None:
    person = make_person(region="71")
    doctor = Client()
    sign_in(doctor, make_user("doctor", "medical_referrer"))
    doctor.post("/en/assessment/referrals/new/", {**REFERRAL, "iin": person.iin})
    sign_in(client, make_user("mse_almaty", "mse_specialist", "75"))
    referral = Referral.objects.get()
    out_of_scope = client.get(f"/en/assessment/referrals/{referral.pk}/")
    unknown = client.get(f"/en/assessment/referrals/{referral.pk + 1000}/")
    assert out_of_scope.status_code == unknown.status_code == 404
    assert same_page(out_of_scope.content, unknown.content)
    assert person.full_name not in client.get("/en/assessment/queue/").content.decode()


def test_a_person_cannot_reach_the_queue(client: Client) -> None:
    client.force_login(make_user("someone", "person", None))
    assert client.get("/en/assessment/queue/").status_code == 403


@pytest.mark.parametrize("size", [str(10**20), str(2**31)])
def test_a_document_too_big_for_the_register_is_refused_on_its_field(
    client: Client, size: str
) -> None:
    person = make_person()
    sign_in(client, make_user("doctor", "medical_referrer"))
    document = {
        "document_title": "Epicrisis",
        "document_issued_on": "2024-01-10",
        "document_file_name": "epicrisis.pdf",
        "document_sha256": "a" * 64,
        "document_size_bytes": size,
    }
    before = row_counts()
    response = client.post(
        "/ru/assessment/referrals/new/", {**REFERRAL, **document, "iin": person.iin}
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["document_size_bytes"]
    assert error.code == "DOCUMENT_SIZE"
    assert f"Размер документа должен быть от 1 до 2147483647 байт; указано: {size}." in (
        response.content.decode()
    )
    assert row_counts() == before
