"""The housing pages: the person's place, the trio and the representative, the officer's
registration and decisions by POST, bad input refused with its message and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inclusio.core.models import AccessEvent, User
from inclusio.housing import services
from inclusio.housing.models import Event, Registration
from inclusio.registry.models import CareLink, Person
from tests.factories import Trio, give_status, make_person, make_trio, new_iin, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio() -> Trio:
    trio = make_trio("housing_officer")
    services.registration_create(
        actor=trio.own_officer, person=trio.person, registered_on=dt.date(2019, 4, 2)
    )
    return trio


def _url(person: Person, tail: str = "") -> str:
    return f"/en/housing/person/{person.iin}/{tail}"


def test_the_person_sees_their_place_and_its_reason_within_a_query_budget(
    client: Client, trio: Trio
) -> None:
    ahead = make_person()
    give_status(ahead, "I")
    services.registration_create(
        actor=trio.own_officer, person=ahead, registered_on=dt.date(2018, 1, 9)
    )
    sign_in(client, trio.person.user)
    assert client.get("/en/housing/").url == _url(trio.person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(trio.person))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 of 2" in html and "Person with a disability of group I or II" in html
    assert "1 registration of the same priority is ahead of you" in html
    assert "Law on housing relations, art. 67" in html
    assert "Allocate housing" not in html
    assert len(queries) <= 16


def test_the_mortgage_cost_on_the_page(client: Client, trio: Trio) -> None:
    sign_in(client, trio.person.user)
    response = client.get(_url(trio.person), {"price": "20000000"})
    html = response.content.decode()
    assert "91059 tenge" in html and "118792 tenge" in html
    bad = client.get(_url(trio.person), {"price": "twenty"})
    assert bad.status_code == 422 and "Enter a whole number" in bad.content.decode()
    in_russian = client.get(f"/ru/housing/person/{trio.person.iin}/", {"price": "0"})
    assert in_russian.status_code == 422
    assert "Место в очереди" in in_russian.content.decode()
    in_kazakh = client.get(f"/kk/housing/person/{trio.person.iin}/", {"price": "20000000"})
    page = in_kazakh.content.decode()
    assert "Ай сайынғы төлем" in page and "91059 теңге" in page
    assert "I және II топтағы мүгедектігі бар адам" in page


def test_officers_of_the_region_only(client: Client, trio: Trio) -> None:
    sign_in(client, trio.other_officer)
    stranger = client.get(_url(trio.person))
    unknown = client.get(f"/en/housing/person/{new_iin()}/")
    assert stranger.status_code == unknown.status_code == 404
    refused = client.post(
        _url(trio.person, "remove/"),
        {"remove-reason": "moved", "remove-legal_basis": "Art. 75"},
    )
    assert refused.status_code == 404
    assert Registration.objects.get(person=trio.person).status == "waiting"
    sign_in(client, trio.own_officer)
    response = client.get(_url(trio.person))
    assert response.status_code == 200 and "Allocate housing" in response.content.decode()
    event = AccessEvent.objects.filter(person_iin=trio.person.iin).latest("id")
    assert (event.what, event.office, event.purpose) == (
        "housing_list",
        "housing_officer",
        "housing",
    )


def test_the_representative_sees_the_place(client: Client, trio: Trio) -> None:
    parent_account = User.objects.create_user(username="aigul", password="correct horse battery")
    parent_account.groups.add(Group.objects.get(name="representative"))
    parent = make_person(user=parent_account, birth_date=dt.date(1985, 1, 1))
    child = make_person(birth_date=dt.date(2016, 3, 3))
    give_status(child, "child", valid_from=dt.date(2023, 1, 1))
    CareLink.objects.create(carer=parent, cared=child, relation="parent", since=child.birth_date)
    services.registration_create(
        actor=trio.own_officer, person=child, registered_on=dt.date(2020, 1, 1)
    )
    sign_in(client, parent_account)
    listing = client.get("/en/housing/")
    assert _url(child) in listing.content.decode()
    page = client.get(_url(child)).content.decode()
    assert "Family raising a child with a disability" in page and "2 of 2" in page
    assert client.get(_url(trio.person)).status_code == 404


def test_the_officer_registers_and_bad_input_is_refused(client: Client, trio: Trio) -> None:
    sign_in(client, trio.own_officer)
    assert client.get("/en/housing/register/").status_code == 200
    group_three = make_person()
    give_status(group_three, "III")
    written = Registration.objects.count(), Event.objects.count()
    cases = [
        ({"iin": group_three.iin, "registered_on": "2024-01-01"}, "Not eligible"),
        ({"iin": trio.person.iin, "registered_on": "2024-01-01"}, "already on a housing"),
        ({"iin": "123", "registered_on": "2024-01-01"}, "IIN"),
        ({"iin": new_iin(), "registered_on": "2024-01-01"}, "No such person"),
        (
            {
                "iin": group_three.iin,
                "registered_on": "2024-01-01",
                "category": "disability_group_3",
            },
            "Name the document",
        ),
        ({"iin": group_three.iin, "registered_on": "2999-01-01"}, "past day"),
    ]
    for data, said in cases:
        response = client.post("/en/housing/register/", data)
        assert response.status_code in (409, 422), data
        assert said in response.content.decode(), data
    assert (Registration.objects.count(), Event.objects.count()) == written
    saved = client.post(
        "/en/housing/register/",
        {
            "iin": group_three.iin,
            "registered_on": "2024-01-01",
            "category": "disability_group_3",
            "category_document": "Certificate No. 5 of 2024-01-01",
        },
    )
    assert saved.status_code == 302 and saved.url == _url(group_three)


def test_an_allocation_out_of_turn_needs_its_ground(client: Client, trio: Trio) -> None:
    first = make_person()
    give_status(first, "I")
    services.registration_create(
        actor=trio.own_officer, person=first, registered_on=dt.date(2018, 1, 9)
    )
    sign_in(client, trio.own_officer)
    data = {"allocate-dwelling": "Abai 12-4", "allocate-legal_basis": "Akimat decision No. 7"}
    refused = client.post(_url(trio.person, "allocate/"), data)
    assert refused.status_code == 422
    assert "ground in law for allocating out of turn" in refused.content.decode()
    assert not Event.objects.filter(kind="allocated").exists()
    assert client.get(_url(trio.person, "allocate/")).status_code == 405
    done = client.post(
        _url(trio.person, "allocate/"), {**data, "allocate-skip_ground": "Art. 74: emergency"}
    )
    assert done.status_code == 302
    assert Registration.objects.get(person=trio.person).status == "housed"
    sign_in(client, trio.person.user)
    page = client.get(_url(trio.person)).content.decode()
    assert "Out of turn on the ground: Art. 74: emergency" in page
    assert "Not waiting on a housing list" in page


def test_the_officers_start_page_lists_the_queue(client: Client, trio: Trio) -> None:
    sign_in(client, trio.own_officer)
    html = client.get("/en/").content.decode()
    assert "Housing waiting list" in html and trio.person.full_name in html
    sign_in(client, trio.other_officer)
    assert trio.person.full_name not in client.get("/en/").content.decode()


def test_the_history_reads_in_the_readers_language(client: Client, trio: Trio) -> None:
    # The registry's change of category is recorded by the platform, whatever language the
    # request that set it off was in; the person reads it, and its legal basis, in their own.
    Registration.objects.filter(person=trio.person).update(needs_review=True)
    services.category_rederive(person_id=trio.person.pk)
    assert Event.objects.filter(registration__person=trio.person, kind="category").exists()
    sign_in(client, trio.person.user)
    html = client.get(f"/ru/housing/person/{trio.person.iin}/").content.decode()
    assert "Статус инвалидности в регистре изменился." in html
    assert "Закон «О жилищных отношениях», статья 67" in html
    assert "Law on housing relations" not in html
    assert "The disability status in the registry changed." not in html
