import datetime as dt

import pytest
from django.test import Client

from inclusio.core.models import AccessEvent
from inclusio.registry.services import care_link_create
from tests.factories import make_person, make_trio, make_user, sign_in

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/en/registry/search/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_an_officer_finds_a_person_of_their_region(client: Client) -> None:
    trio = make_trio()
    sign_in(client, trio.own_officer)
    response = client.get("/en/registry/search/", {"q": trio.person.iin})
    assert response.status_code == 200
    assert trio.person.full_name in response.content.decode()


def test_an_officer_of_another_region_finds_nobody(client: Client) -> None:
    trio = make_trio()
    sign_in(client, trio.other_officer)
    response = client.get("/en/registry/search/", {"q": trio.person.iin})
    assert trio.person.full_name not in response.content.decode()
    assert "0 persons found" in response.content.decode()


def test_a_malformed_iin_in_search_is_explained(client: Client) -> None:
    sign_in(client, make_user("officer", "district_officer"))
    response = client.get("/en/registry/search/", {"q": "12345"})
    assert "IIN must have exactly 12 digits; 5 given." in response.content.decode()


def test_the_card_is_shown_in_region_and_refused_elsewhere(client: Client) -> None:
    trio = make_trio()
    sign_in(client, trio.own_officer)
    response = client.get(f"/en/registry/persons/{trio.person.iin}/")
    assert response.status_code == 200 and "group II" in response.content.decode()
    other = Client()
    sign_in(other, trio.other_officer)
    assert other.get(f"/en/registry/persons/{trio.person.iin}/").status_code == 404
    outcomes = AccessEvent.objects.filter(person_iin=trio.person.iin).values_list(
        "actor_name", "outcome"
    )
    assert sorted(outcomes) == [("officer_almaty", "denied"), ("officer_astana", "granted")]


def test_the_person_sees_their_record_and_who_looked(client: Client) -> None:
    trio = make_trio()
    officer = Client()
    sign_in(officer, trio.own_officer)
    officer.get(f"/en/registry/persons/{trio.person.iin}/")
    client.force_login(trio.person.user)
    me = client.get("/en/registry/me/").content.decode()
    assert trio.person.iin in me and "Status history" in me
    log = client.get("/en/registry/me/access-log/").content.decode()
    assert "your registry record" in log and "District social-protection officer" in log
    assert "officer_astana" not in log


def test_a_parent_sees_the_childs_record_and_its_access_log(client: Client) -> None:
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    care_link_create(
        actor=None, carer=parent, cared=child, relation="parent", since=dt.date(2016, 2, 2)
    )
    client.force_login(parent_account)
    assert child.full_name in client.get("/en/registry/me/").content.decode()
    assert client.get(f"/en/registry/persons/{child.iin}/").status_code == 200
    assert client.get(f"/en/registry/me/access-log/?iin={child.iin}").status_code == 200
    stranger = make_person(surname="Stranger")
    assert client.get(f"/en/registry/persons/{stranger.iin}/").status_code == 404


def test_an_expired_status_is_not_shown_as_current(client: Client) -> None:
    from tests.factories import give_status

    trio = make_trio()
    expired = make_person(surname="Expired")
    give_status(expired, "III", valid_from=dt.date(2020, 1, 1), until=dt.date(2024, 1, 1))
    sign_in(client, trio.own_officer)
    page = client.get(f"/en/registry/persons/{expired.iin}/").content.decode()
    assert "was valid until 2024-01-01" in page and "Current status" not in page
    current = client.get(f"/en/registry/persons/{trio.person.iin}/").content.decode()
    assert "Current status" in current
