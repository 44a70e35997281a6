"""Every role whose domain exists lands on its worklist: scoped to its region, logged, counted,
a page at a time, each within a query budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from inclusio.assessment.models import Referral
from inclusio.assessment.selectors import (
    worklist_mse_queue,
    worklist_my_referrals,
    worklist_referrals_due,
)
from inclusio.assessment.services import referral_file
from inclusio.benefits.models import Award, Proposal
from inclusio.benefits.selectors import (
    worklist_held_payments,
    worklist_refusals,
    worklist_screening_runs,
    worklist_to_answer,
    worklist_unanswered_offers,
    worklist_unread_messages,
)
from inclusio.benefits.services import proposal_refuse
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied
from inclusio.core.models import AccessEvent, Seen, User
from inclusio.core.worklists import WORKLIST_PAGE
from inclusio.registry.selectors import worklist_statuses_expiring
from inclusio.registry.services import care_link_create
from inclusio.web.worklists import ROLE_WORKLISTS, _key_of
from tests.browser.benefits_data import make_offer, make_run
from tests.factories import Trio, give_status, make_person, make_trio, make_user, sign_in

pytestmark = pytest.mark.django_db

# The count, the page, the trail's head and the log rows of the page, and the account's roles.
WORKLIST_BUDGET = 8
HOME_BUDGET = 60


def _old_offer(person: Any, days: int = 20) -> Proposal:
    offer = make_offer(person)
    Proposal.objects.filter(pk=offer.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    return offer


def _refer(doctor: User, person: Any) -> Referral:
    return referral_file(
        actor=doctor,
        person=person,
        kind=Referral.Kind.INITIAL,
        mode=Referral.Mode.IN_ABSENTIA,
        organisation_name="Polyclinic",
        organisation_bin="000000000000",
        diagnosis_code="G80.1",
        clinical_summary="",
    )


def _held_award(person: Any) -> Award:
    """A current cash award whose person gave no bank account (as a screening's automatic
    assignment leaves it)."""
    offer = make_offer(person)
    from inclusio.benefits.services import _decide

    decision = _decide(offer, SYSTEM, consent=True)
    return Award.objects.get(decision=decision)


def _officer_world() -> Trio:
    trio = make_trio()
    person = trio.person
    # The trio's person's status has its re-examination years away: bring it near today.
    person.statuses.update(reexamination_date=timezone.localdate() + dt.timedelta(days=10))
    _old_offer(person)
    refused = make_offer(person, "free_legal_aid")
    proposal_refuse(actor=person.user, proposal_id=refused.pk)
    _held_award(make_person(surname="Held"))
    referral = _refer(make_user("doctor", "medical_referrer"), make_person(surname="Due"))
    Referral.objects.filter(pk=referral.pk).update(deadline=timezone.localdate())
    return trio


def test_each_worklist_is_keyed_by_its_name() -> None:
    for worklists in ROLE_WORKLISTS.values():
        for worklist_of in worklists:
            assert worklist_of.__name__.startswith("worklist_")
    trio = _officer_world()
    for role, worklists in ROLE_WORKLISTS.items():
        if role == "district_officer":
            actor = trio.own_officer
        elif role in ("person", "representative"):
            actor = trio.person.user
        else:
            actor = make_user(f"keyed_{role}", role, "71")
        for worklist_of in worklists:
            # The start page reads a list's page number under its key: any other key loses it.
            assert worklist_of(actor=actor).key == _key_of(worklist_of), role


@pytest.mark.parametrize(
    "worklist_of",
    [
        worklist_unanswered_offers,
        worklist_refusals,
        worklist_held_payments,
        worklist_referrals_due,
        worklist_statuses_expiring,
    ],
)
def test_the_officer_sees_the_work_of_their_region_only(worklist_of: Any) -> None:
    trio = _officer_world()
    own = worklist_of(actor=trio.own_officer)
    assert own.count == 1 and len(own.rows) == 1
    other = worklist_of(actor=trio.other_officer)
    assert other.count == 0 and list(other.rows) == []


def test_an_offer_is_chased_only_after_the_days_set(settings: Any) -> None:
    trio = make_trio()
    _old_offer(trio.person, days=5)
    assert worklist_unanswered_offers(actor=trio.own_officer).count == 0
    settings.WORKLIST_UNANSWERED_DAYS = 3
    assert worklist_unanswered_offers(actor=trio.own_officer).count == 1


def test_a_held_payment_leaves_the_list_once_an_account_is_given() -> None:
    trio = make_trio()
    award = _held_award(trio.person)
    assert worklist_held_payments(actor=trio.own_officer).rows == [award]
    from inclusio.benefits.models import PaymentAccount

    PaymentAccount.objects.create(person=trio.person, iban="KZ18722S000012345678")
    assert worklist_held_payments(actor=trio.own_officer).count == 0


def test_each_person_on_a_worklist_finds_the_read_in_their_log() -> None:
    trio = _officer_world()
    before = AccessEvent.objects.filter(person_iin=trio.person.iin).count()
    worklist_unanswered_offers(actor=trio.own_officer)
    logged = AccessEvent.objects.filter(person_iin=trio.person.iin).order_by("-id")
    assert logged.count() == before + 1
    assert logged[0].what == Seen.BENEFIT_OFFER and logged[0].actor_id == trio.own_officer.pk


def test_a_role_without_the_permission_is_refused() -> None:
    trio = make_trio()
    with pytest.raises(AccessDenied):
        worklist_unanswered_offers(actor=trio.person.user)
    with pytest.raises(AccessDenied):
        worklist_mse_queue(actor=trio.own_officer)  # a district officer decides nothing


def test_the_pages_of_a_long_list() -> None:
    trio = make_trio()
    for n in range(WORKLIST_PAGE + 2):
        _old_offer(make_person(surname=f"Person{n}"))
    first = worklist_unanswered_offers(actor=trio.own_officer)
    second = worklist_unanswered_offers(actor=trio.own_officer, page="2")
    assert first.count == WORKLIST_PAGE + 2
    assert len(first.rows) == WORKLIST_PAGE and len(second.rows) == 2
    # Whatever is typed for a page gives a page.
    assert worklist_unanswered_offers(actor=trio.own_officer, page="x").page.number == 1
    assert worklist_unanswered_offers(actor=trio.own_officer, page="99").page.number == 2


def test_the_mse_queue_shows_the_status_and_its_history() -> None:
    mse = make_user("mse", "mse_specialist")
    person = make_person(surname="Reexamined")
    give_status(person, "III", valid_from=dt.date(2020, 1, 1), until=dt.date(2022, 1, 1))
    give_status(person, "II", valid_from=dt.date(2022, 1, 1), until=dt.date(2027, 1, 1))
    _refer(make_user("doctor", "medical_referrer"), person)
    worklist = worklist_mse_queue(actor=mse)
    row = worklist.rows[0]
    assert row.current.category == "II"
    assert [status.category for status in row.history] == ["III"]
    assert worklist_mse_queue(actor=make_user("mse_almaty", "mse_specialist", "75")).count == 0


def test_the_doctor_sees_their_own_referrals_and_their_state() -> None:
    doctor = make_user("doctor", "medical_referrer")
    colleague = make_user("colleague", "medical_referrer")
    mine = _refer(doctor, make_person(surname="Mine"))
    _refer(colleague, make_person(surname="Theirs"))
    worklist = worklist_my_referrals(actor=doctor)
    assert [referral.pk for referral in worklist.rows] == [mine.pk]


def test_the_person_and_the_representative_see_what_they_must_answer() -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    assert worklist_to_answer(actor=trio.person.user).rows == [offer]
    assert worklist_unread_messages(actor=trio.person.user).count == 1

    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=dt.date(2016, 2, 2)
    )
    child_offer = make_offer(child)
    assert worklist_to_answer(actor=parent_account).rows == [child_offer]
    # The representative's read is in the child's log.
    assert AccessEvent.objects.filter(person_iin=child.iin, actor=parent_account).exists()
    # Someone who represents nobody has nothing to answer, and nobody else's.
    assert worklist_to_answer(actor=trio.other_officer).count == 0


def test_the_ministry_sees_the_screening_runs() -> None:
    run = make_run()
    minister = make_user("minister", "ministry_admin", None)
    assert worklist_screening_runs(actor=minister).rows == [run]
    with pytest.raises(AccessDenied):
        worklist_screening_runs(actor=make_user("officer", "district_officer"))


@pytest.mark.parametrize(
    "worklist_of",
    [
        worklist_unanswered_offers,
        worklist_refusals,
        worklist_held_payments,
        worklist_referrals_due,
        worklist_statuses_expiring,
    ],
)
def test_each_officer_worklist_keeps_to_its_query_budget(
    worklist_of: Any, django_assert_max_num_queries: Any
) -> None:
    trio = _officer_world()
    for n in range(5):  # more rows add no query
        person = make_person(surname=f"More{n}")
        _old_offer(person)
        _held_award(make_person(surname=f"Held{n}"))
        give_status(person, until=timezone.localdate() + dt.timedelta(days=5))
    officer = User.objects.get(pk=trio.own_officer.pk)
    worklist_of(actor=officer)  # the account's permissions and the trail's head, as when running
    with django_assert_max_num_queries(WORKLIST_BUDGET):
        worklist_of(actor=officer)


@pytest.mark.parametrize(
    ("worklist_of", "role"),
    [
        (worklist_mse_queue, "mse_specialist"),
        (worklist_my_referrals, "medical_referrer"),
    ],
)
def test_each_expertise_worklist_keeps_to_its_query_budget(
    worklist_of: Any, role: str, django_assert_max_num_queries: Any
) -> None:
    actor = make_user("actor", role)
    doctor = actor if role == "medical_referrer" else make_user("doctor", "medical_referrer")
    for n in range(5):
        person = make_person(surname=f"Referred{n}")
        give_status(person)
        _refer(doctor, person)
    worklist_of(actor=actor)
    with django_assert_max_num_queries(WORKLIST_BUDGET):
        worklist_of(actor=actor)


def test_the_citizen_worklists_keep_to_their_query_budget(
    django_assert_max_num_queries: Any,
) -> None:
    trio = make_trio()
    for code in ("disability_benefit", "free_legal_aid"):
        make_offer(trio.person, code)
    account = User.objects.get(pk=trio.person.user_id)
    for worklist_of in (worklist_to_answer, worklist_unread_messages):
        worklist_of(actor=account)
        with django_assert_max_num_queries(WORKLIST_BUDGET):
            worklist_of(actor=account)


# --- the start page -----------------------------------------------------------------------------


def test_the_officer_lands_on_the_worklists(client: Client) -> None:
    trio = _officer_world()
    sign_in(client, trio.own_officer)
    page = client.get("/en/").content.decode()
    for title in (
        "Offers left unanswered",
        "Refused offers",
        "Payments held: no bank account",
        "Referrals near their deadline",
        "Statuses about to expire",
    ):
        assert title in page
    assert trio.person.full_name in page
    assert "There is nothing here for your account yet" not in page


def test_a_worklist_page_link_keeps_the_other_lists_pages(client: Client) -> None:
    trio = make_trio()
    for n in range(WORKLIST_PAGE + 1):
        _old_offer(make_person(surname=f"Person{n}"))
    sign_in(client, trio.own_officer)
    response = client.get("/ru/", {"refusals": "1"})
    assert 'href="?refusals=1&amp;unanswered_offers=2#unanswered_offers"' in (
        response.content.decode()
    )
    second = client.get("/ru/", {"unanswered_offers": "2"}).content.decode()
    assert "Person10" in second or "Person0" in second


@pytest.mark.parametrize(
    ("role", "region", "title"),
    [
        ("mse_specialist", "71", "Referral queue"),
        ("medical_referrer", "71", "My referrals"),
        ("ministry_admin", None, "Screening runs"),
        ("auditor", None, "Verification of the chains"),
        ("emergency_officer", "71", "Alerts not yet delivered to everyone"),
        ("statistician", None, "Datasets not published for this month"),
        ("crpd_officer", None, "Recommendations not yet implemented"),
    ],
)
def test_each_staff_role_lands_on_its_worklist(
    client: Client, role: str, region: str | None, title: str
) -> None:
    sign_in(client, make_user(role, role, region))
    page = client.get("/en/").content.decode()
    assert f">{title}" in page
    assert "There is nothing here for your account yet" not in page


def test_the_person_lands_on_what_to_answer(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    client.force_login(trio.person.user)
    page = client.get("/kk/").content.decode()
    assert f"/kk/benefits/offers/{offer.pk}/" in page


def test_the_officer_start_page_keeps_to_its_query_budget(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    _officer_world()
    officer = User.objects.get(username="officer_astana")
    sign_in(client, officer)
    client.get("/en/")
    with django_assert_max_num_queries(HOME_BUDGET):
        assert client.get("/en/").status_code == 200
