"""Registering a person in the browser: from the population register's record by IIN, or by
hand with the birth date and sex agreeing with the IIN."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.test import Client

from inclusio.core.models import AuditEvent, User
from inclusio.registry.models import Person
from tests.factories import make_person, make_trio, make_user, new_iin, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

BORN = dt.date(1990, 3, 8)


def population_snapshot(folder: Path, *records: dict[str, Any]) -> Path:
    """A population part holding ``records`` (the contract's persons columns and the names)."""
    folder.mkdir(exist_ok=True)
    columns: dict[str, list[Any]] = {
        name: [record.get(name) for record in records]
        for name in ("iin", "birth_date", "sex", "region_code", "urban", "surname", "given_name")
    }
    columns["family_id"] = list(range(1, len(records) + 1))
    pq.write_table(pa.table(columns), folder / "persons.parquet")
    return folder


@pytest.fixture
def population(tmp_path: Path, settings: Any) -> dict[str, Any]:
    record = {
        "iin": new_iin(BORN, "F"),
        "birth_date": BORN,
        "sex": "F",
        "region_code": "71",
        "urban": False,
        "surname": "Ахметова",
        "given_name": "Әсел",
    }
    settings.POPULATION_SNAPSHOT = str(population_snapshot(tmp_path / "population", record))
    return record


def registration(iin: str, **changes: str) -> dict[str, str]:
    return {
        "iin": iin,
        "surname": "Ахметова",
        "given_name": "Әсел",
        "patronymic": "",
        "birth_date": BORN.isoformat(),
        "sex": "F",
        "region": "71",
        "residence": "rural",
        "address": "",
        "phone": "",
        "preferred_language": "kk",
        **changes,
    }


def officer_client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_an_officer_registers_a_person_from_the_population_register(
    population: dict[str, Any],
) -> None:
    client = officer_client(make_user("officer", "district_officer", "71"))
    page = client.get("/en/registry/persons/new/", {"lookup-iin": population["iin"]})
    html = page.content.decode()
    assert page.status_code == 200 and "Found in the population register" in html
    assert 'value="Ахметова"' in html and f'value="{BORN.isoformat()}"' in html
    assert page.context["form"].initial["residence"] == "rural"
    response = client.post("/en/registry/persons/new/", registration(population["iin"]))
    assert response.status_code == 302
    assert response["Location"] == f"/en/registry/persons/{population['iin']}/"
    person = Person.objects.get(iin=population["iin"])
    assert (person.surname, person.birth_date, person.sex, person.urban) == (
        "Ахметова",
        BORN,
        "F",
        False,
    )
    event = AuditEvent.objects.get(action="person_create", entity_id=person.iin)
    assert "Ахметова" not in str(event.data) and BORN.isoformat() not in str(event.data)


def test_an_iin_the_register_does_not_hold_is_entered_by_hand(
    population: dict[str, Any],
) -> None:
    client = officer_client(make_user("officer", "district_officer", "71"))
    iin = new_iin(dt.date(2001, 12, 1), "M")
    page = client.get("/en/registry/persons/new/", {"lookup-iin": iin}).content.decode()
    assert "does not hold this IIN: enter the details by hand" in page
    response = client.post(
        "/en/registry/persons/new/",
        registration(iin, surname="Серіков", given_name="Ерлан", birth_date="2001-12-01", sex="M"),
    )
    assert response.status_code == 302 and Person.objects.filter(iin=iin).exists()


def test_without_a_configured_register_every_iin_is_entered_by_hand(settings: Any) -> None:
    settings.POPULATION_SNAPSHOT = ""
    client = officer_client(make_user("officer", "district_officer", "71"))
    page = client.get("/en/registry/persons/new/", {"lookup-iin": new_iin()}).content.decode()
    assert "enter the details by hand" in page


@pytest.mark.parametrize(
    ("changes", "field", "code", "message"),
    [
        (
            {"birth_date": "1990-03-09"},
            "birth_date",
            "IIN_BIRTH_DATE_MISMATCH",
            "The birth date does not match the one in the IIN.",
        ),
        ({"sex": "M"}, "sex", "IIN_SEX_MISMATCH", "The sex does not match the one in the IIN."),
        ({"surname": " "}, "surname", "required", "This field is required."),
    ],
)
def test_details_disagreeing_with_the_iin_are_refused_and_nothing_is_written(
    population: dict[str, Any], changes: dict[str, str], field: str, code: str, message: str
) -> None:
    client = officer_client(make_user("officer", "district_officer", "71"))
    before = row_counts()
    response = client.post("/en/registry/persons/new/", registration(population["iin"], **changes))
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()[field][0]
    assert (error.code, error.message) == (code, message)
    assert f'href="#id_{field}' in response.content.decode()  # the summary links to the field
    assert row_counts() == before


def test_a_mistyped_iin_is_refused_on_lookup_and_registration_in_russian() -> None:
    client = officer_client(make_user("officer", "district_officer", "71"))
    good = new_iin(BORN, "F")
    mistyped = good[:11] + str((int(good[11]) + 1) % 10)
    looked = client.get("/ru/registry/persons/new/", {"lookup-iin": mistyped})
    assert looked.context["lookup"].errors.as_data()["iin"][0].code == "IIN_CHECKSUM"
    before = row_counts()
    posted = client.post("/ru/registry/persons/new/", registration(mistyped))
    error = posted.context["form"].errors.as_data()["iin"][0]
    assert error.code == "IIN_CHECKSUM" and "контрольн" in str(error.message).lower()
    assert row_counts() == before


def test_an_iin_already_registered_is_a_conflict_that_says_no_more(
    population: dict[str, Any],
) -> None:
    elsewhere = make_person(region="75", surname="Бекова")
    client = officer_client(make_user("officer", "district_officer", "71"))
    before = row_counts()
    response = client.post(
        "/en/registry/persons/new/",
        registration(elsewhere.iin, birth_date="1980-05-17"),
    )
    error = response.context["form"].errors.as_data()["iin"][0]
    assert error.code == "PERSON_EXISTS"
    assert "Бекова" not in response.content.decode()
    assert elsewhere.region.name not in str(error.message)
    assert row_counts() == before


def test_the_trio_only_an_officer_may_register_and_only_in_their_region(
    population: dict[str, Any],
) -> None:
    trio = make_trio()
    parent = make_user("parent", "representative", None)
    before = row_counts()
    other = officer_client(trio.other_officer)
    refused = other.post("/en/registry/persons/new/", registration(population["iin"]))
    assert refused.context["form"].errors.as_data()["region"][0].code == "OUT_OF_SCOPE"
    person = Client()
    person.force_login(trio.person.user)
    assert person.get("/en/registry/persons/new/").status_code == 403
    assert (
        person.post("/en/registry/persons/new/", registration(population["iin"])).status_code == 403
    )
    representative = Client()
    representative.force_login(parent)
    assert representative.get("/en/registry/persons/new/").status_code == 403
    assert not Person.objects.filter(iin=population["iin"]).exists()
    counts = row_counts()
    # The refused attempt is in the would-be person's access log, and nothing else is written.
    assert counts.pop("core.AccessEvent") == before.pop("core.AccessEvent") + 1
    counts.pop("core.ChainHead"), before.pop("core.ChainHead")  # the access log's first entry
    assert counts == before
