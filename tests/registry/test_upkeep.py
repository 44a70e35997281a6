"""Officers keep a person's record: corrections of details, family and representation, each
with a reason, kept as the history the person reads; the audit trail keeps no personal value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inclusio.core.access import may_act_for
from inclusio.core.models import AuditEvent, User
from inclusio.registry.models import CareLink, FamilyMembership, Person, PersonRecordChange
from tests.factories import make_person, make_trio, make_user, new_iin, same_page, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

# A read is logged in the person's access log even when the write is refused.
READS = ("core.AccessEvent", "core.ChainHead")


def writes(before: dict[str, int]) -> dict[str, int]:
    after = row_counts()
    return {k: after[k] - before[k] for k in after if after[k] != before[k] and k not in READS}


def officer(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def details(person: Person, **changes: str) -> dict[str, str]:
    return {
        "surname": person.surname,
        "given_name": person.given_name,
        "patronymic": person.patronymic,
        "address": person.address,
        "phone": person.phone,
        "residence": "urban" if person.urban else "rural",
        "preferred_language": person.preferred_language,
        "reason": "Married: the surname changed (marriage certificate No. 123).",
        **changes,
    }


def test_an_officer_corrects_the_surname_and_the_person_reads_why() -> None:
    trio = make_trio()
    url = f"/en/registry/persons/{trio.person.iin}/correct/"
    client = officer(trio.own_officer)
    assert client.get(url).context["form"].initial["surname"] == "Абенова"
    response = client.post(url, details(trio.person, surname="Ахметова", address="Астана, 1"))
    assert response.status_code == 302
    trio.person.refresh_from_db()
    assert (trio.person.surname, trio.person.address) == ("Ахметова", "Астана, 1")
    own = Client()
    own.force_login(trio.person.user)
    page = own.get("/en/registry/me/").content.decode()
    assert "Changes to the record" in page
    assert "surname: Абенова → Ахметова" in page and "address: Астана, 1 added" in page
    assert "marriage certificate No. 123" in page
    russian = own.get("/ru/registry/me/").content.decode()
    assert "Изменения в записи" in russian and "фамилия: Абенова → Ахметова" in russian
    event = AuditEvent.objects.get(action="person_correct")
    assert event.data["changed"] == ["address", "surname"]
    for personal in ("Абенова", "Ахметова", "Астана", "marriage"):
        assert personal not in str(event.data)


@pytest.mark.parametrize(
    ("changes", "field", "code", "message"),
    [
        (
            {"reason": "  "},
            "reason",
            "REASON_REQUIRED",
            "Give the reason for the change: the person reads it.",
        ),
        (
            {},
            None,
            "NOTHING_CHANGED",
            "Nothing differs from the record: there is nothing to change.",
        ),
    ],
)
def test_a_correction_without_a_reason_or_a_change_is_refused_and_writes_nothing(
    changes: dict[str, str], field: str | None, code: str, message: str
) -> None:
    trio = make_trio()
    client = officer(trio.own_officer)
    if code != "NOTHING_CHANGED":
        changes = {"surname": "Ахметова", **changes}
    before = row_counts()
    response = client.post(
        f"/en/registry/persons/{trio.person.iin}/correct/", details(trio.person, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    error = errors["reason" if field else "__all__"][0]
    assert (error.code, error.message) == (code, message)
    assert writes(before) == {}
    assert Person.objects.get(pk=trio.person.pk).surname == "Абенова"


def test_the_reason_is_refused_in_the_readers_language() -> None:
    trio = make_trio()
    response = officer(trio.own_officer).post(
        f"/kk/registry/persons/{trio.person.iin}/correct/",
        details(trio.person, surname="Ахметова", reason=""),
    )
    error = response.context["form"].errors.as_data()["reason"][0]
    assert error.code == "REASON_REQUIRED" and "себеб" in str(error.message).lower()


@pytest.mark.parametrize("page", ["correct", "family", "representation"])
def test_the_trio_only_the_officer_of_the_region_keeps_the_record(page: str) -> None:
    trio = make_trio()
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    CareLink.objects.create(
        carer=parent, cared=trio.person, relation="guardian", since=dt.date(2020, 1, 1)
    )
    url = f"/en/registry/persons/{{iin}}/{page}/"
    assert officer(trio.own_officer).get(url.format(iin=trio.person.iin)).status_code == 200
    other = officer(trio.other_officer)
    out_of_scope = other.get(url.format(iin=trio.person.iin))
    unknown = other.get(url.format(iin=new_iin()))
    assert out_of_scope.status_code == unknown.status_code == 404
    assert same_page(out_of_scope.content, unknown.content)
    before = row_counts()
    assert other.post(url.format(iin=trio.person.iin), {"action": "add"}).status_code == 404
    for account in (trio.person.user, parent_account):
        client = Client()
        client.force_login(account)
        assert client.get(url.format(iin=trio.person.iin)).status_code == 403
        posted = client.post(url.format(iin=trio.person.iin), details(trio.person, surname="X"))
        assert posted.status_code == 403
    assert writes(before) == {}


def test_a_member_joins_a_new_family_and_leaves_it_each_with_a_reason() -> None:
    trio = make_trio()
    child = make_person(birth_date=dt.date(2015, 1, 1), surname="Абенов", given_name="Ержан")
    client = officer(trio.own_officer)
    url = f"/en/registry/persons/{trio.person.iin}/family/"
    add = {"action": "add", "add-member_iin": child.iin, "add-role": "child", "add-reason": "Born"}
    before = row_counts()
    refused = client.post(url, add)
    error = refused.context["add"].errors.as_data()["housing"][0]
    assert error.code == "HOUSING_UNKNOWN" and writes(before) == {}
    assert client.post(url, {**add, "add-housing": "rent"}).status_code == 302
    family = FamilyMembership.objects.get(person=child).family
    assert sorted(family.memberships.values_list("role", flat=True)) == ["child", "head"]
    head = FamilyMembership.objects.get(person=trio.person)
    leave_first = client.post(
        url, {"action": "remove", "remove-member": head.pk, "remove-reason": "Moved out"}
    )
    assert leave_first.context["remove"].errors.as_data()["member"][0].code == "FAMILY_HEAD_LEAVES"
    child_leaves = {
        "action": "remove",
        "remove-member": FamilyMembership.objects.get(person=child).pk,
    }
    without_reason = client.post(url, {**child_leaves, "remove-reason": ""})
    assert without_reason.context["remove"].errors.as_data()["reason"][0].code == (
        "REASON_REQUIRED"
    )
    assert client.post(url, {**child_leaves, "remove-reason": "Adopted"}).status_code == 302
    assert not FamilyMembership.objects.filter(person=child).exists()
    history = [(c.kind, c.reason) for c in PersonRecordChange.objects.filter(person=child)]
    assert history == [("family", "Adopted"), ("family", "Born")]
    assert "family member: Абенов Ержан (child) removed" in (
        officer(trio.own_officer).get(f"/en/registry/persons/{child.iin}/").content.decode()
    )


def test_a_member_of_another_region_cannot_be_added_and_is_not_revealed() -> None:
    trio = make_trio()
    elsewhere = make_person(region="75")
    client = officer(trio.own_officer)
    before = row_counts()
    response = client.post(
        f"/en/registry/persons/{trio.person.iin}/family/",
        {
            "action": "add",
            "add-member_iin": elsewhere.iin,
            "add-role": "spouse",
            "add-housing": "own",
            "add-reason": "Married",
        },
    )
    error = response.context["add"].errors.as_data()["member_iin"][0]
    assert error.code == "NOT_FOUND_OR_NOT_YOURS"
    assert writes(before) == {}


def test_a_representative_by_power_of_attorney_is_appointed_and_the_link_ended() -> None:
    trio = make_trio()
    account = make_user("attorney", "representative", None)
    attorney = make_person(surname="Серікова", given_name="Гүлнар", user=account)
    client = officer(trio.own_officer)
    url = f"/en/registry/persons/{trio.person.iin}/representation/"
    appoint = {
        "action": "appoint",
        "appoint-carer_iin": attorney.iin,
        "appoint-relation": "attorney",
        "appoint-since": "2024-01-01",
        "appoint-reason": "Power of attorney No. 7 certified by a notary.",
    }
    assert client.post(url, appoint).status_code == 302
    assert may_act_for(account, trio.person)  # an adult, represented by power of attorney
    link = CareLink.objects.get(carer=attorney)
    end = {"action": "end", "end-link": link.pk, "end-reason": "Revoked"}
    early = client.post(url, {**end, "end-until": "2023-12-31"})
    assert early.context["end"].errors.as_data()["until"][0].code == "CARE_LINK_UNTIL_BEFORE_SINCE"
    assert client.post(url, {**end, "end-until": "2024-06-30"}).status_code == 302
    account.__dict__.pop("_represents", None)
    assert not may_act_for(account, trio.person)
    own = Client()
    own.force_login(trio.person.user)
    page = own.get("/en/registry/me/").content.decode()
    assert "carer or representative: Серікова Гүлнар (representative by power of attorney)" in page
    assert "until 2024-06-30" in page and "Revoked" in page and "notary" in page
    for event in AuditEvent.objects.filter(action__in=["care_link_create", "care_link_end"]):
        assert "notary" not in str(event.data) and "Revoked" not in str(event.data)


def test_the_persons_page_reads_the_history_in_one_query(
    django_assert_max_num_queries: Any,
) -> None:
    trio = make_trio()
    client = officer(trio.own_officer)
    url = f"/en/registry/persons/{trio.person.iin}/correct/"
    client.post(url, details(trio.person, address="Астана, 1"))
    own = Client()
    own.force_login(trio.person.user)
    own.get("/en/registry/me/")
    with CaptureQueriesContext(connection) as one_change:
        own.get("/en/registry/me/")
    for n in range(2, 7):
        client.post(url, details(trio.person, address=f"Астана, {n}"))
    with CaptureQueriesContext(connection) as six_changes:
        assert "Астана, 6" in own.get("/en/registry/me/").content.decode()
    assert len(six_changes) == len(one_change)
    with django_assert_max_num_queries(16):
        own.get("/en/registry/me/")
