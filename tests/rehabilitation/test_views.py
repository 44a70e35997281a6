"""The pages: the programme in the decision form, the person's (and representative's)
programme page, the officer's view of a person and of the region's rate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from inclusio.assessment.models import Referral
from inclusio.core.audit import SYSTEM
from inclusio.core.models import AccessEvent
from inclusio.registry.models import Person
from inclusio.registry.services import care_link_create
from inclusio.rehabilitation import selectors
from inclusio.rehabilitation.catalogue import catalogue
from inclusio.rehabilitation.models import Programme
from inclusio.rehabilitation.services import Prescribed, fulfilment_record, programme_issue
from tests.factories import give_status, make_person, make_trio, make_user, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db
PAGE_BUDGET = 16

DECISION = {
    "outcome": "establish",
    "category": "I",
    "cause": "general_disease",
    "limitations": ["mobility"],
    "valid_from": "2025-03-10",
    "reexamination_date": "2027-03-10",
    "rationale": "Confirmed by the documents.",
    "rx-TOTAL_FORMS": "3",
    "rx-INITIAL_FORMS": "0",
}


def _written() -> dict[str, int]:
    """The rows a decision writes: the reads of the page are logged, as every read is."""
    return {
        label: count
        for label, count in row_counts().items()
        if label not in ("core.AccessEvent", "core.ChainHead")
    }


def _with_programme(person: Person, category: str = "II") -> Programme:
    status = give_status(person, category)
    programme = programme_issue(
        actor=SYSTEM,
        person=person,
        status=status,
        prescription=[Prescribed("wheelchair_manual", 1), Prescribed("diapers", 4)],
    )
    fulfilment_record(
        actor=SYSTEM,
        item=programme.items.get(category="diapers"),
        quantity=100,
        date=dt.date(2023, 1, 20),
        source="marketplace",
    )
    return programme


def test_the_specialist_prescribes_in_the_decision_form(
    client: Client, mse: Any, refer: Any
) -> None:
    person = make_person()
    referral: Referral = refer(person)
    sign_in(client, mse)
    page = client.get(f"/en/assessment/referrals/{referral.pk}/").content.decode()
    assert 'name="rx-0-category"' in page and "Diapers — items a day, at most 4" in page
    response = client.post(
        f"/en/assessment/referrals/{referral.pk}/",
        {**DECISION, "rx-0-category": "diapers", "rx-0-amount": "4", "rx-1-category": ""},
    )
    assert response.status_code == 302
    programme = Programme.objects.get(person=person)
    assert programme.items.get().amount == 4


def test_add_a_row_decides_nothing_and_shows_one_row_more(
    client: Client, mse: Any, refer: Any
) -> None:
    referral: Referral = refer(make_person())
    sign_in(client, mse)
    before = _written()
    response = client.post(
        f"/en/assessment/referrals/{referral.pk}/",
        {
            **DECISION,
            "rx-0-category": "diapers",
            "rx-0-amount": "4",
            "rx-1-category": "walking_aid",
            "rx-1-amount": "1",
            "rx-2-category": "hearing_aid",
            "rx-2-amount": "1",
            "add_row": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and _written() == before
    assert 'name="rx-3-category"' in page and 'name="rx-4-category"' not in page
    assert 'value="4"' in page and "There is a problem" not in page


def test_an_error_in_a_row_links_to_its_field_and_nothing_is_written(
    client: Client, mse: Any, refer: Any
) -> None:
    referral: Referral = refer(make_person())
    sign_in(client, mse)
    before = _written()
    response = client.post(
        f"/en/assessment/referrals/{referral.pk}/",
        {
            **DECISION,
            "rx-0-category": "walking_aid",
            "rx-1-category": "diapers",
            "rx-1-amount": "6",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and _written() == before
    assert 'href="#id_rx-1-amount"' in page and "at most 4 a day; 6 given" in page
    assert 'href="#id_rx-0-amount"' in page and "Give the amount of this item." in page


def test_a_refusal_with_a_prescription_is_refused_on_the_form(
    client: Client, mse: Any, refer: Any
) -> None:
    referral: Referral = refer(make_person())
    sign_in(client, mse)
    before = _written()
    response = client.post(
        f"/ru/assessment/referrals/{referral.pk}/",
        {
            **DECISION,
            "outcome": "refuse",
            "category": "",
            "rx-0-category": "walking_aid",
            "rx-0-amount": "1",
        },
    )
    assert response.status_code == 200 and _written() == before
    errors = response.context["form"].errors.as_data()["__all__"]
    assert errors[0].code == "NO_DISABILITY"
    assert "Программа реабилитации назначается" in str(errors[0].message)


def test_the_specialist_sees_the_current_programme_beside_the_referral(
    client: Client, mse: Any, refer: Any
) -> None:
    person = make_person()
    _with_programme(person)
    referral: Referral = refer(person)
    sign_in(client, mse)
    page = client.get(f"/en/assessment/referrals/{referral.pk}/").content.decode()
    assert "Current rehabilitation programme" in page and "Manual wheelchair" in page
    assert AccessEvent.objects.filter(
        person_iin=person.iin, what="rehabilitation_programme", purpose="expertise"
    ).exists()


def test_the_person_reads_their_programme_unlogged(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    trio = make_trio()
    _with_programme(trio.person)
    client.force_login(trio.person.user)
    assert client.get("/en/rehabilitation/").status_code == 200
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = client.get("/en/rehabilitation/")
    page = response.content.decode()
    assert "My rehabilitation programme" in page and "Manual wheelchair" in page
    assert "4 a day" in page and "100" in page
    assert not AccessEvent.objects.filter(person_iin=trio.person.iin).exists()


def test_an_officer_of_the_region_reads_it_logged_another_is_refused(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    trio = make_trio()
    _with_programme(trio.person)
    address = f"/kk/rehabilitation/persons/{trio.person.iin}/"
    sign_in(client, trio.own_officer)
    assert client.get(address).status_code == 200
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = client.get(address)
    assert response.status_code == 200
    logged = AccessEvent.objects.filter(
        person_iin=trio.person.iin, what="rehabilitation_programme", outcome="granted"
    )
    assert logged.count() == 2 and logged.first().purpose == "rehabilitation"  # type: ignore[union-attr]
    other = Client()
    sign_in(other, trio.other_officer)
    assert other.get(address).status_code == 404
    assert AccessEvent.objects.filter(person_iin=trio.person.iin, outcome="denied").exists()


def test_the_representative_reads_the_childs_programme(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=dt.date(2016, 2, 2)
    )
    _with_programme(child, "child")
    client.force_login(parent_account)
    own = client.get("/en/rehabilitation/").content.decode()
    assert f"/en/rehabilitation/persons/{child.iin}/" in own
    address = f"/en/rehabilitation/persons/{child.iin}/"
    assert client.get(address).status_code == 200
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = client.get(address)
    assert "Manual wheelchair" in response.content.decode()
    assert AccessEvent.objects.filter(person_iin=child.iin, purpose="representation").exists()


def test_the_officer_sees_the_regions_rate(client: Client) -> None:
    trio = make_trio()
    _with_programme(trio.person)
    sign_in(client, trio.own_officer)
    page = client.get("/en/rehabilitation/rates/").content.decode()
    assert "Implementation rate" in page and "2023" in page
    person = Client()
    person.force_login(trio.person.user)
    assert person.get("/en/rehabilitation/rates/").status_code == 403


def test_the_specialist_revises_with_a_reason_the_person_reads(client: Client, mse: Any) -> None:
    trio = make_trio()
    _with_programme(trio.person)
    address = f"/en/rehabilitation/persons/{trio.person.iin}/revise/"
    sign_in(client, mse)
    page = client.get(address).content.decode()
    assert 'name="rx-0-category"' in page and 'value="4"' in page  # the rows start as the items
    before = _written()
    refused = client.post(
        address,
        {
            "reason": "",
            "rx-TOTAL_FORMS": "1",
            "rx-INITIAL_FORMS": "0",
            "rx-0-category": "walking_aid",
            "rx-0-amount": "1",
        },
    )
    assert refused.status_code == 200 and _written() == before
    assert refused.context["form"].errors.as_data()["reason"][0].code == "REVISION_REASON_REQUIRED"
    response = client.post(
        address,
        {
            "reason": "A walking aid instead of the wheelchair.",
            "rx-TOTAL_FORMS": "1",
            "rx-INITIAL_FORMS": "0",
            "rx-0-category": "walking_aid",
            "rx-0-amount": "1",
        },
    )
    assert response.status_code == 302
    person = Client()
    person.force_login(trio.person.user)
    mine = person.get("/en/rehabilitation/").content.decode()
    assert "A walking aid instead of the wheelchair." in mine and "mse_astana" in mine
    officer = Client()
    sign_in(officer, trio.own_officer)
    assert officer.get(address).status_code == 403


def test_add_a_row_with_a_count_that_is_a_digit_but_no_number_shows_the_form(
    client: Client, mse: Any, refer: Any
) -> None:
    # "²" is a digit to str.isdigit, yet int() refuses it.
    referral: Referral = refer(make_person())
    sign_in(client, mse)
    before = _written()
    response = client.post(
        f"/en/assessment/referrals/{referral.pk}/",
        {**DECISION, "rx-TOTAL_FORMS": "²", "add_row": "1"},
    )
    assert response.status_code == 200 and _written() == before
    assert 'name="rx-0-category"' in response.content.decode()


def test_an_item_whose_category_left_the_catalogue_is_shown_by_its_code(
    client: Client, mse: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    trio = make_trio()
    _with_programme(trio.person)
    known = catalogue()
    monkeypatch.setattr(
        selectors,
        "catalogue",
        lambda: {code: category for code, category in known.items() if code != "diapers"},
    )
    client.force_login(trio.person.user)
    mine = client.get("/en/rehabilitation/")
    assert mine.status_code == 200
    page = mine.content.decode()
    assert "Manual wheelchair" in page and "diapers" in page
    sign_in(client, mse)
    revise = client.get(f"/en/rehabilitation/persons/{trio.person.iin}/revise/")
    assert revise.status_code == 200


def test_a_revision_reads_the_programme_only_for_a_page_shown(client: Client, mse: Any) -> None:
    trio = make_trio()
    _with_programme(trio.person)
    address = f"/en/rehabilitation/persons/{trio.person.iin}/revise/"
    sign_in(client, mse)
    before = AccessEvent.objects.count()
    response = client.post(
        address,
        {
            "reason": "A walking aid instead of the wheelchair.",
            "rx-TOTAL_FORMS": "1",
            "rx-INITIAL_FORMS": "0",
            "rx-0-category": "walking_aid",
            "rx-0-amount": "1",
        },
    )
    assert response.status_code == 302
    assert AccessEvent.objects.count() == before + 1  # finding the person; no page was read
