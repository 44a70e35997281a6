"""Access rules, told with the person, an officer of their region and one of another region,
plus the representative; and the access log the person reads."""

import datetime as dt
from typing import Any

import pytest

from inclusio.core.audit import SYSTEM, record_access, verify_all
from inclusio.core.errors import AccessDenied, NotFound
from inclusio.core.models import AccessEvent, User
from inclusio.registry.models import Family, FamilyMembership
from inclusio.registry.selectors import (
    AccessLogFilter,
    access_log_page,
    person_card,
    person_get,
    person_search,
)
from inclusio.registry.services import care_link_create
from tests.factories import make_person, make_trio, make_user, new_iin

pytestmark = pytest.mark.django_db


def _events(iin: str) -> list[tuple[str, str]]:
    return list(AccessEvent.objects.filter(person_iin=iin).values_list("actor_name", "outcome"))


def _fresh(user: User) -> User:
    """The account as a new request loads it (what one request remembers, the next does not)."""
    return User.objects.get(pk=user.pk)


def _child_of(parent_account: User):  # type: ignore[no-untyped-def]
    parent = make_person(surname="Parent", user=parent_account)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=dt.date(2016, 2, 2)
    )
    return parent, child


def test_the_person_reads_their_own_record_without_a_log_entry() -> None:
    trio = make_trio()
    card = person_card(actor=trio.person.user, iin=trio.person.iin)
    assert card.person == trio.person and card.current_status is not None
    assert _events(trio.person.iin) == []


def test_the_officer_of_the_region_reads_it_and_the_read_is_logged_with_the_office() -> None:
    trio = make_trio()
    assert person_get(actor=trio.own_officer, iin=trio.person.iin) == trio.person
    event = AccessEvent.objects.get(person_iin=trio.person.iin)
    assert (event.outcome, event.reader, event.office, event.office_region) == (
        "granted",
        "staff",
        "district_officer",
        "71",
    )
    assert (event.what, event.purpose) == ("registry_record", "registry")


def test_another_region_and_an_unknown_iin_get_the_same_refusal_and_the_attempt_is_logged() -> None:
    trio = make_trio()
    with pytest.raises(NotFound) as out_of_scope:
        person_get(actor=trio.other_officer, iin=trio.person.iin)
    with pytest.raises(NotFound) as unknown:
        person_get(actor=trio.other_officer, iin=new_iin())
    assert out_of_scope.value.code == unknown.value.code == "NOT_FOUND_OR_NOT_YOURS"
    assert out_of_scope.value.message == unknown.value.message
    assert _events(trio.person.iin) == [("officer_almaty", "denied")]
    assert AccessEvent.objects.count() == 1  # nobody's log holds the unknown IIN


def test_another_person_cannot_read_someone_elses_record() -> None:
    trio = make_trio()
    stranger_account = make_user("stranger", "person", None)
    make_person(surname="Stranger", user=stranger_account)
    with pytest.raises(NotFound):
        person_get(actor=stranger_account, iin=trio.person.iin)
    event = AccessEvent.objects.get(person_iin=trio.person.iin)
    assert (event.outcome, event.reader) == ("denied", "other")


def test_a_representative_reads_the_child_and_is_logged_as_representative() -> None:
    parent_account = make_user("parent", "representative", None)
    _parent, child = _child_of(parent_account)
    assert person_get(actor=parent_account, iin=child.iin) == child
    event = AccessEvent.objects.get(person_iin=child.iin)
    assert (event.reader, event.purpose, event.outcome) == (
        "representative",
        "representation",
        "granted",
    )


def test_representation_ends_with_the_childs_majority() -> None:
    from inclusio.core.access import may_act_for, may_see

    parent_account = make_user("parent", "representative", None)
    _parent, child = _child_of(parent_account)
    assert may_see(parent_account, child, day=dt.date(2024, 1, 1))
    assert not may_see(_fresh(parent_account), child, day=dt.date(2034, 3, 1))
    assert not may_act_for(_fresh(parent_account), child, day=dt.date(2034, 3, 1))


def test_search_stays_in_the_officers_region() -> None:
    trio = make_trio()
    make_person(region="75", surname="Абенова", given_name="Almaty")
    own = person_search(actor=trio.own_officer, query="Абен")
    other = person_search(actor=trio.other_officer, query="Абен")
    assert [p.region_id for p in own] == ["71"]
    assert [p.region_id for p in other] == ["75"]
    assert person_search(actor=trio.other_officer, query=trio.person.iin) == []
    event = AccessEvent.objects.get(person_iin=trio.person.iin)
    assert (event.actor_name, event.what) == ("officer_astana", "search_result")


def test_a_national_officer_reads_every_region() -> None:
    trio = make_trio()
    minister = make_user("minister", "ministry_admin", None)
    assert person_get(actor=minister, iin=trio.person.iin) == trio.person
    assert AccessEvent.objects.get().office_region == ""


def test_family_members_and_carers_on_a_card_are_logged_each() -> None:
    trio = make_trio()
    spouse = make_person(surname="Spouse")
    carer = make_person(surname="Carer")
    family = Family.objects.create(region_id="71", urban=True, housing="own")
    FamilyMembership.objects.create(family=family, person=trio.person, role="head")
    FamilyMembership.objects.create(family=family, person=spouse, role="spouse")
    care_link_create(
        actor=SYSTEM, carer=carer, cared=trio.person, relation="other", since=dt.date(2020, 1, 1)
    )
    person_card(actor=trio.own_officer, iin=trio.person.iin)
    for shown in (spouse, carer):
        event = AccessEvent.objects.get(person_iin=shown.iin)
        assert (event.what, event.reader, event.actor_name) == (
            "family_card",
            "staff",
            "officer_astana",
        )
    # The person opening their own record shows their family's names to them: logged too.
    person_card(actor=trio.person.user, iin=trio.person.iin)
    from_family = AccessEvent.objects.get(person_iin=spouse.iin, actor_name="dana")
    assert (from_family.reader, from_family.purpose) == ("family", "family_record")


# --- the access log -------------------------------------------------------------------------


def _log(actor: User, person, **filters):  # type: ignore[no-untyped-def]
    return access_log_page(actor=actor, person=person, filters=AccessLogFilter(**filters)).entries


def test_the_person_sees_who_looked_in_plain_words() -> None:
    trio = make_trio()
    trio.own_officer.first_name, trio.own_officer.last_name = "Asel", "Nurova"
    trio.own_officer.save()
    person_get(actor=trio.own_officer, iin=trio.person.iin)
    with pytest.raises(NotFound):
        person_get(actor=trio.other_officer, iin=trio.person.iin)
    refused, shown = _log(trio.person.user, trio.person)
    assert (shown.who, shown.office) == (
        "Asel Nurova",
        "District social-protection officer, Astana city",
    )
    assert (shown.what, shown.why, shown.shown) == (
        "your registry record",
        "keeping the registry of persons with disabilities",
        True,
    )
    assert refused.who == "a staff member" and not refused.shown
    assert "officer_almaty" not in refused.who + refused.office  # never a username


def test_an_officer_without_the_access_log_permission_is_refused_and_an_auditor_reads_it() -> None:
    trio = make_trio()
    person_get(actor=trio.own_officer, iin=trio.person.iin)
    with pytest.raises(NotFound):
        access_log_page(actor=trio.own_officer, person=trio.person, filters=AccessLogFilter())
    auditor = make_user("auditor", "auditor", None)
    entries = _log(auditor, trio.person)
    # The auditor's own read, the officer's refused attempt at the log, the officer's read.
    assert [(e.what, e.shown) for e in entries] == [
        ("this access log", True),
        ("this access log", False),
        ("your registry record", True),
    ]
    assert AccessEvent.objects.filter(actor_name="auditor", what="access_log").exists()


def test_refused_attempts_of_one_account_are_one_entry_a_day_so_reads_stay_visible(
    settings: Any,
) -> None:
    settings.IIN_LOOKUPS_PER_ACCOUNT = 1000
    trio = make_trio()
    person_get(actor=trio.own_officer, iin=trio.person.iin)
    for _ in range(205):
        with pytest.raises(NotFound):
            person_get(actor=_fresh(trio.other_officer), iin=trio.person.iin)
    log = access_log_page(actor=trio.person.user, person=trio.person, filters=AccessLogFilter())
    assert log.page.paginator.count == 2
    refused, shown = log.entries
    assert (refused.shown, refused.times) == (False, 205)
    assert shown.shown and shown.times == 1


def test_the_log_filters_by_outcome_kind_of_reader_and_period() -> None:
    trio = make_trio()
    person_get(actor=trio.own_officer, iin=trio.person.iin)
    with pytest.raises(NotFound):
        person_get(actor=trio.other_officer, iin=trio.person.iin)
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    care_link_create(
        actor=SYSTEM,
        carer=parent,
        cared=trio.person,
        relation="guardian",
        since=dt.date(2020, 1, 1),
    )
    person_get(actor=parent_account, iin=trio.person.iin)
    user = trio.person.user
    assert [e.shown for e in _log(user, trio.person, outcome="denied")] == [False]
    assert [e.who for e in _log(user, trio.person, reader="representative")] == [
        "a legal representative"
    ]
    today = dt.date.today()
    assert len(_log(user, trio.person, since=today)) == 3
    assert _log(user, trio.person, until=today - dt.timedelta(days=1)) == []


def test_rows_written_before_the_closed_lists_read_in_words_and_the_chain_holds() -> None:
    trio = make_trio()
    record_access(
        actor=trio.own_officer,
        person_iin=trio.person.iin,
        what="benefit_proposal",
        purpose="registry.view_person_record",
        granted=False,
    )
    record_access(
        actor=trio.own_officer,
        person_iin=trio.person.iin,
        what="person_card",
        purpose="person card",
        granted=True,
    )
    card, proposal = _log(trio.person.user, trio.person)
    assert (card.what, card.why) == (
        "your registry record",
        "keeping the registry of persons with disabilities",
    )
    assert (proposal.what, proposal.why) == (
        "an offer of a benefit to you",
        "no purpose was recorded",
    )
    person_get(actor=trio.own_officer, iin=trio.person.iin)  # a new row after the old ones
    assert all(report.intact for report in verify_all())


def test_search_refuses_a_person_account() -> None:
    trio = make_trio()
    with pytest.raises(AccessDenied) as refused:
        person_search(actor=trio.person.user, query="Абен")
    assert refused.value.code == "OUT_OF_SCOPE"
