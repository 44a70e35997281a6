"""The bank account of a consent is asked for as what it is: required when the person has none
on file (its label does not say "optional", found on the keyboard walk), optional when one given
before would be used; a missing one is refused with its code and nothing is written."""

from __future__ import annotations

import pytest
from django.test import Client

from inclusio.benefits.errors import ErrorCode
from inclusio.benefits.services import proposal_accept
from tests.browser.benefits_data import IBAN, make_offer
from tests.factories import make_trio
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db


def test_the_account_is_required_when_none_is_on_file(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    client.force_login(trio.person.user)
    page = client.get(f"/en/benefits/offers/{offer.pk}/").content.decode()
    assert "Your bank account (IBAN)" in page
    assert "Your bank account (IBAN) (optional)" not in page
    before = row_counts()

    response = client.post(f"/en/benefits/offers/{offer.pk}/", {"answer": "accept", "iban": ""})

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["iban"]
    assert [error.code for error in errors] == [ErrorCode.PAYMENT_ACCOUNT_REQUIRED]
    assert "Enter the bank account (IBAN) the money should be paid into." in (
        response.content.decode()
    )
    assert row_counts() == before


def test_another_account_is_optional_when_one_is_on_file(client: Client) -> None:
    trio = make_trio()
    proposal_accept(
        actor=trio.person.user,
        proposal_id=make_offer(trio.person, "free_legal_aid").pk,
    )
    first = make_offer(trio.person)
    proposal_accept(actor=trio.person.user, proposal_id=first.pk, payment_account=IBAN)
    second = make_offer(trio.person)
    client.force_login(trio.person.user)
    page = client.get(f"/en/benefits/offers/{second.pk}/").content.decode()
    assert "Another bank account (IBAN) (optional)" in page
