"""The employment pages: the person's vacancies filtered by what they can do, the trio, the
officer's employers, placements and subsidy by POST, bad input refused with a code and nothing
written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inclusio.core.models import AccessEvent, AuditEvent
from inclusio.employment.models import Employer, Placement, SubsidyMonth, SupportMeasure
from inclusio.employment.services import vacancy_publish
from tests.employment.builders import make_employer, make_workplace, new_bin
from tests.factories import Trio, make_trio, new_iin, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio() -> Trio:
    return make_trio("employment_officer")


def test_the_person_sees_the_vacancies_that_suit_them(client: Client, trio: Trio) -> None:
    employer = make_employer(trio.own_officer)
    other = make_employer(trio.other_officer)
    officer = trio.own_officer
    vacancy_publish(actor=officer, employer=employer, title="Call-centre operator", wage_kzt=1)
    # The person's status records limited mobility (tests/factories.give_status).
    vacancy_publish(
        actor=officer, employer=employer, title="Courier", wage_kzt=1, needs=["mobility"]
    )
    vacancy_publish(actor=trio.other_officer, employer=other, title="Almaty clerk", wage_kzt=1)
    SupportMeasure.objects.create(person=trio.person, kind="short_training", started="2023-05-01")
    sign_in(client, trio.person.user)
    assert client.get("/en/employment/").url == f"/en/employment/person/{trio.person.iin}/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/en/employment/person/{trio.person.iin}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Call-centre operator" in html and "short-term training" in html
    assert "Courier" not in html and "Almaty clerk" not in html
    assert len(queries) <= 14


def test_officers_of_the_region_only(client: Client, trio: Trio) -> None:
    sign_in(client, trio.other_officer)
    stranger = client.get(f"/en/employment/person/{trio.person.iin}/")
    unknown = client.get(f"/en/employment/person/{new_iin()}/")
    assert stranger.status_code == unknown.status_code == 404
    sign_in(client, trio.own_officer)
    assert client.get(f"/en/employment/person/{trio.person.iin}/").status_code == 200
    event = AccessEvent.objects.filter(person_iin=trio.person.iin).latest("id")
    assert event.what == "employment" and event.purpose == "employment"


def test_an_employer_of_another_region_is_not_found(client: Client, trio: Trio) -> None:
    employer = make_employer(trio.own_officer)
    sign_in(client, trio.other_officer)
    assert client.get(f"/en/employment/employers/{employer.bin}/").status_code == 404
    sign_in(client, trio.person.user)
    assert client.get("/en/employment/employers/").status_code == 403


def test_register_an_employer_and_bad_input_refused(client: Client, trio: Trio) -> None:
    sign_in(client, trio.own_officer)
    before = AuditEvent.objects.count()
    form = {"name": "Kazakh Steel", "headcount": "120", "hazardous_jobs": "0", "iban": ""}
    bad_bin = client.post("/en/employment/employers/", {**form, "bin": "123456789012"})
    assert bad_bin.status_code == 422
    assert "check digit does not match" in bad_bin.content.decode()
    hazardous = client.post(
        "/en/employment/employers/", {**form, "bin": new_bin(), "hazardous_jobs": "121"}
    )
    assert hazardous.status_code == 422
    assert "cannot be more than all the jobs" in hazardous.content.decode()
    assert AuditEvent.objects.count() == before and not Employer.objects.exists()
    good = client.post("/en/employment/employers/", {**form, "bin": new_bin()})
    assert good.status_code == 302
    employer = Employer.objects.get()
    assert employer.region_id == "71"
    page = client.get(good.url).content.decode()
    assert "Kazakh Steel" in page and "Quota by month" in page


def test_the_officer_places_the_person_and_pays_a_month(client: Client, trio: Trio) -> None:
    employer = make_employer(trio.own_officer)
    vacancy = vacancy_publish(
        actor=trio.own_officer, employer=employer, title="Operator", wage_kzt=200_000
    )
    sign_in(client, trio.own_officer)
    placed = client.post(
        f"/en/employment/employers/{employer.bin}/place/",
        {"iin": trio.person.iin, "vacancy": vacancy.pk, "started": "2024-02-05"},
    )
    assert placed.status_code == 302
    placement = Placement.objects.get()
    made = client.post(
        f"/en/employment/placements/{placement.pk}/workplace/",
        {"first_month": "2024-02-05", "monthly_wage_kzt": "200000", "equipment_kzt": "0"},
    )
    assert made.status_code == 302
    paid = client.post(made.url + "subsidy/", {"month": "2024-02", "wage_kzt": "200000"})
    assert paid.status_code == 302
    assert SubsidyMonth.objects.get().amount_kzt == 140_000
    before = AuditEvent.objects.count()
    outside = client.post(made.url + "subsidy/", {"month": "2027-02", "wage_kzt": "200000"})
    assert outside.status_code == 422
    assert "outside the subsidy" in outside.content.decode()
    assert AuditEvent.objects.count() == before and SubsidyMonth.objects.count() == 1


def test_the_other_officer_cannot_place_or_pay(client: Client, trio: Trio) -> None:
    workplace = make_workplace(trio.own_officer, trio.person)
    sign_in(client, trio.other_officer)
    response = client.post(
        f"/en/employment/workplaces/{workplace.pk}/subsidy/",
        {"month": "2024-02", "wage_kzt": "1000"},
    )
    assert response.status_code == 404
    assert not SubsidyMonth.objects.exists()


def test_the_worklist_and_the_report(client: Client, trio: Trio) -> None:
    make_employer(trio.own_officer, headcount=300)  # owes 12 places, fills none
    SupportMeasure.objects.create(person=trio.person, kind="grant", started=dt.date(2023, 5, 1))
    sign_in(client, trio.own_officer)
    home = client.get("/en/").content.decode()
    assert "Employers below their job quota this month" in home and "Astana Su LLP" in home
    report = client.get("/en/employment/report/?year=2024").content.decode()
    assert "grant for a business idea" in report
    sign_in(client, trio.other_officer)
    other = client.get("/en/employment/report/?year=2024").content.decode()
    assert "Every employer of your region" in client.get("/en/").content.decode()
    assert other.count("<td>1</td>") == 0


def test_the_pages_speak_kazakh_and_russian(client: Client, trio: Trio) -> None:
    sign_in(client, trio.person.user)
    kk = client.get(f"/kk/employment/person/{trio.person.iin}/").content.decode()
    ru = client.get(f"/ru/employment/person/{trio.person.iin}/").content.decode()
    assert "Сізге сай квоталық бос орындар" in kk
    assert "Подходящие вам квотируемые вакансии" in ru
    sign_in(client, trio.own_officer)
    workplace = make_workplace(trio.own_officer, trio.person)
    refused = client.post(
        f"/ru/employment/workplaces/{workplace.pk}/subsidy/",
        {"month": "2030-01", "wage_kzt": "1000"},
    ).content.decode()
    assert "вне трёх лет субсидии" in refused


def test_the_workplace_form_logs_the_person_shown(client: Client, trio: Trio) -> None:
    employer = make_employer(trio.own_officer)
    placement = Placement.objects.create(
        person=trio.person,
        employer=employer,
        started=dt.date(2024, 2, 5),
        recorded_at=dt.datetime(2024, 2, 5, tzinfo=dt.UTC),
    )
    sign_in(client, trio.own_officer)
    before = AccessEvent.objects.filter(person_iin=trio.person.iin).count()
    response = client.get(f"/en/employment/placements/{placement.pk}/workplace/")
    assert response.status_code == 200 and trio.person.surname in response.content.decode()
    logged = AccessEvent.objects.filter(person_iin=trio.person.iin)
    assert logged.count() == before + 1 and logged.latest("id").what == "employment"
