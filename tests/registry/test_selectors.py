"""Access rules, told with the person, an officer of their region and one of another region."""

import pytest

from inclusio.core.errors import AccessDenied
from inclusio.core.models import AccessEvent
from inclusio.registry.selectors import access_log_about, person_card, person_get, person_search
from tests.factories import make_person, make_trio, make_user

pytestmark = pytest.mark.django_db


def _events(iin: str) -> list[tuple[str, str]]:
    return list(AccessEvent.objects.filter(person_iin=iin).values_list("actor_name", "outcome"))


def test_the_person_reads_their_own_record_without_a_log_entry() -> None:
    trio = make_trio()
    card = person_card(actor=trio.person.user, iin=trio.person.iin, purpose="own record")
    assert card.person == trio.person and card.current_status is not None
    assert _events(trio.person.iin) == []


def test_the_officer_of_the_region_reads_it_and_the_read_is_logged() -> None:
    trio = make_trio()
    assert person_get(actor=trio.own_officer, iin=trio.person.iin, purpose="check") == trio.person
    assert _events(trio.person.iin) == [("officer_astana", "granted")]


def test_the_officer_of_another_region_is_refused_and_the_refusal_is_logged() -> None:
    trio = make_trio()
    with pytest.raises(AccessDenied) as refusal:
        person_get(actor=trio.other_officer, iin=trio.person.iin, purpose="curiosity")
    assert refusal.value.code == "OUT_OF_SCOPE"
    assert _events(trio.person.iin) == [("officer_almaty", "denied")]


def test_another_person_cannot_read_someone_elses_record() -> None:
    trio = make_trio()
    stranger = make_person(surname="Stranger")
    stranger_account = make_user("stranger", "person", None)
    stranger.user = stranger_account
    stranger.save()
    with pytest.raises(AccessDenied):
        person_get(actor=stranger_account, iin=trio.person.iin, purpose="x")


def test_search_stays_in_the_officers_region() -> None:
    trio = make_trio()
    make_person(region="75", surname="Абенова", given_name="Almaty")
    own = person_search(actor=trio.own_officer, query="Абен", purpose="search")
    other = person_search(actor=trio.other_officer, query="Абен", purpose="search")
    assert [p.region_id for p in own] == ["71"]
    assert [p.region_id for p in other] == ["75"]
    assert person_search(actor=trio.other_officer, query=trio.person.iin, purpose="s") == []
    assert _events(trio.person.iin) == [("officer_astana", "granted")]


def test_a_national_officer_reads_every_region() -> None:
    trio = make_trio()
    minister = make_user("minister", "ministry_admin", None)
    assert person_get(actor=minister, iin=trio.person.iin, purpose="audit") == trio.person


def test_the_person_sees_who_looked_at_their_data_but_others_do_not() -> None:
    trio = make_trio()
    person_get(actor=trio.own_officer, iin=trio.person.iin, purpose="check")
    with pytest.raises(AccessDenied):
        person_get(actor=trio.other_officer, iin=trio.person.iin, purpose="curiosity")
    log = access_log_about(actor=trio.person.user, person=trio.person)
    assert [(e.actor_name, e.outcome) for e in log] == [
        ("officer_almaty", "denied"),
        ("officer_astana", "granted"),
    ]
    with pytest.raises(AccessDenied):
        access_log_about(actor=trio.own_officer, person=trio.person)


def test_an_auditor_reads_any_access_log() -> None:
    trio = make_trio()
    person_get(actor=trio.own_officer, iin=trio.person.iin, purpose="check")
    auditor = make_user("auditor", "auditor", None)
    log = access_log_about(actor=auditor, person=trio.person)
    assert [(e.actor_name, e.outcome) for e in log] == [("officer_astana", "granted")]
