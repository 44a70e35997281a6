import datetime as dt
from typing import Any

import pytest
from django.test import Client

from inclusio.core.audit import SYSTEM
from inclusio.core.models import AccessEvent
from inclusio.registry.selectors import person_get
from inclusio.registry.services import care_link_create
from tests.factories import make_person, make_trio, make_user, same_page, sign_in

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
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=dt.date(2016, 2, 2)
    )
    client.force_login(parent_account)
    assert child.full_name in client.get("/en/registry/me/").content.decode()
    assert client.get(f"/en/registry/persons/{child.iin}/").status_code == 200
    childs_log = client.get(f"/en/registry/me/access-log/?iin={child.iin}")
    assert childs_log.status_code == 200
    # The child's log is not called the parent's own.
    assert f"<h1>Who looked at the data of {child.full_name}</h1>" in childs_log.content.decode()
    own_log = client.get("/ru/registry/me/access-log/").content.decode()
    assert "<h1>Кто смотрел мои данные</h1>" in own_log
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


# --- one answer for unknown and out of scope; look-ups rate-limited ---------------------------


def test_out_of_scope_and_unknown_iins_answer_the_same_404(client: Client) -> None:
    from tests.factories import new_iin

    trio = make_trio()
    sign_in(client, trio.other_officer)
    out_of_scope = client.get(f"/en/registry/persons/{trio.person.iin}/")
    unknown = client.get(f"/en/registry/persons/{new_iin()}/")
    assert out_of_scope.status_code == unknown.status_code == 404
    assert same_page(out_of_scope.content, unknown.content)
    assert AccessEvent.objects.get(person_iin=trio.person.iin).outcome == "denied"


def test_too_many_look_ups_by_iin_are_429_with_retry_after(client: Client, settings: Any) -> None:
    settings.IIN_LOOKUPS_PER_ACCOUNT = 2
    trio = make_trio()
    sign_in(client, trio.own_officer)
    url = f"/en/registry/persons/{trio.person.iin}/"
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    limited = client.get(url)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= settings.IIN_LOOKUP_WINDOW_SECONDS
    assert "Too many look-ups by IIN" in limited.content.decode()
    assert AccessEvent.objects.count() == 2
    other = Client()
    sign_in(other, make_user("officer2", "district_officer"))
    assert other.get(url).status_code == 200  # each account its own count


# --- the access log page ----------------------------------------------------------------------


def test_the_access_log_is_paged_and_the_pager_keeps_the_filters(
    client: Client, settings: Any
) -> None:
    settings.IIN_LOOKUPS_PER_ACCOUNT = 1000
    trio = make_trio()
    officers = [make_user(f"officer{n}", "district_officer") for n in range(30)]
    for officer in officers:
        person_get(actor=officer, iin=trio.person.iin)
    client.force_login(trio.person.user)
    first = client.get("/en/registry/me/access-log/", {"outcome": "granted"}).content.decode()
    assert first.count("<tr>") == 1 + 25  # the heading row, a page of entries
    assert 'aria-current="page"' in first and "page 1 of 2" in first
    assert 'href="?outcome=granted&amp;page=2"' in first
    second = client.get("/en/registry/me/access-log/", {"outcome": "granted", "page": "2"})
    assert second.content.decode().count("<tr>") == 1 + 5
    beyond = client.get("/en/registry/me/access-log/", {"page": "999"})
    assert beyond.status_code == 200  # the last page, not an error


def test_bad_filters_are_explained_and_filter_nothing(client: Client) -> None:
    trio = make_trio()
    person_get(actor=trio.own_officer, iin=trio.person.iin)
    client.force_login(trio.person.user)
    response = client.get(
        "/en/registry/me/access-log/", {"since": "2024-13-45", "reader": "hacker"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Enter a valid date." in html
    assert "your registry record" in html
    reversed_period = client.get(
        "/en/registry/me/access-log/", {"since": "2024-02-01", "until": "2024-01-01"}
    ).content.decode()
    assert "The end of the period cannot be before its start." in reversed_period


def test_a_malformed_iin_for_the_access_log_is_422_with_the_reason(client: Client) -> None:
    trio = make_trio()
    client.force_login(trio.person.user)
    response = client.get("/en/registry/me/access-log/", {"iin": "123"})
    assert response.status_code == 422
    assert "IIN must have exactly 12 digits; 3 given." in response.content.decode()
    assert not AccessEvent.objects.exists()


def test_someone_elses_access_log_is_the_same_404(client: Client) -> None:
    trio = make_trio()
    stranger = make_user("stranger", "person", None)
    make_person(surname="Stranger", user=stranger)
    client.force_login(stranger)
    response = client.get("/en/registry/me/access-log/", {"iin": trio.person.iin})
    assert response.status_code == 404
    assert AccessEvent.objects.get(person_iin=trio.person.iin).outcome == "denied"


def test_the_card_and_the_access_log_stay_within_their_query_budgets(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    trio = make_trio()
    for n in range(3):
        relative = make_person(surname=f"Relative{n}")
        care_link_create(
            actor=SYSTEM,
            carer=relative,
            cared=trio.person,
            relation="other",
            since=dt.date(2020, 1, 1),
        )
    for n in range(5):
        person_get(actor=make_user(f"o{n}", "district_officer"), iin=trio.person.iin)
    sign_in(client, trio.own_officer)
    card = f"/en/registry/persons/{trio.person.iin}/"
    client.get(card)  # the trail's head and the permissions, as on a running platform
    # One query each for the life events and the record's corrections, whatever their number.
    with django_assert_max_num_queries(21):
        assert client.get(card).status_code == 200
    person = Client()
    person.force_login(trio.person.user)
    person.get("/en/registry/me/access-log/")
    with django_assert_max_num_queries(12):
        assert person.get("/en/registry/me/access-log/").status_code == 200


@pytest.mark.parametrize(
    ("language", "what", "office"),
    [
        ("kk", "тізілімдегі сіздің жазбаңыз", "Аудандық әлеуметтік қорғау"),
        ("ru", "ваша запись в регистре", "Специалист районного отдела"),
    ],
)
def test_the_access_log_speaks_the_persons_language(
    client: Client, language: str, what: str, office: str
) -> None:
    from django.utils.translation import override

    trio = make_trio()
    person_get(actor=trio.own_officer, iin=trio.person.iin)
    client.force_login(trio.person.user)
    with override(language):
        html = client.get(f"/{language}/registry/me/access-log/").content.decode()
    assert what in html and office in html
    assert "registry_record" not in html and "officer_astana" not in html


def test_an_officer_opening_a_persons_access_log_is_refused_and_recorded_as_refused(
    client: Client,
) -> None:
    # Before, the IIN look-up was logged as shown and the log itself then refused.
    trio = make_trio()
    sign_in(client, trio.own_officer)
    response = client.get("/en/registry/me/access-log/", {"iin": trio.person.iin})
    assert response.status_code == 404
    outcomes = AccessEvent.objects.filter(person_iin=trio.person.iin).values_list("what", "outcome")
    assert list(outcomes) == [("access_log", "denied")]
