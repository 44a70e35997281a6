"""Person pages stay within a query budget, whoever reads them: the person, their
representative, an officer of their region. Each offer, decision and message adds no query."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from inclusio.benefits.services import proposal_accept
from inclusio.core.audit import SYSTEM
from inclusio.registry.services import care_link_create
from tests.browser.benefits_data import make_offer
from tests.factories import make_person, make_trio, make_user, sign_in

pytestmark = pytest.mark.django_db

# 16: one more for the payments the bank returned (one query, whatever their number); 17: one
# more for the top-ups owed on appeal (one query, whatever their number).
BENEFITS_PAGE_BUDGET = 17


def _steady(client: Client, url: str) -> None:
    """Open the page once first: a running platform has its trail's head row and the account's
    permissions in its cache; the budget is for every opening after that."""
    assert client.get(url).status_code == 200


def _with_history(person: Any, actor: Any) -> None:
    """Two offers, one accepted (a decision and an award), messages about each."""
    make_offer(person, "free_legal_aid")
    accepted = make_offer(person)
    proposal_accept(actor=actor, proposal_id=accepted.pk, payment_account="KZ18722S000012345678")


def test_the_benefits_page_of_a_represented_child(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=dt.date(2016, 2, 2)
    )
    _with_history(child, parent_account)
    client.force_login(parent_account)
    _steady(client, f"/en/benefits/persons/{child.iin}/")
    with django_assert_max_num_queries(BENEFITS_PAGE_BUDGET):
        response = client.get(f"/en/benefits/persons/{child.iin}/")
    assert response.status_code == 200
    assert "Free legal aid" in response.content.decode()


def test_the_benefits_page_read_by_an_officer(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    trio = make_trio()
    _with_history(trio.person, trio.person.user)
    sign_in(client, trio.own_officer)
    _steady(client, f"/en/benefits/persons/{trio.person.iin}/")
    with django_assert_max_num_queries(BENEFITS_PAGE_BUDGET):
        response = client.get(f"/en/benefits/persons/{trio.person.iin}/")
    assert response.status_code == 200
    assert "Free legal aid" in response.content.decode()


def test_the_persons_own_benefits_page(client: Client, django_assert_max_num_queries: Any) -> None:
    trio = make_trio()
    _with_history(trio.person, trio.person.user)
    client.force_login(trio.person.user)
    _steady(client, "/en/benefits/")
    with django_assert_max_num_queries(BENEFITS_PAGE_BUDGET):
        response = client.get("/en/benefits/")
    assert response.status_code == 200
