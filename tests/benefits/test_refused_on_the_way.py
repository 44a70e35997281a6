"""What an attacker tries along the walk of tests/browser/test_walk_by_keyboard.py, through the
pages: withdrawing a refusal after the period, approving one's own payroll, downloading the
payment file from a region. Each is refused with its code and a message in the reader's
language, and writes nothing."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from inclusio.benefits.models import Decision, Payroll
from inclusio.benefits.services import (
    payroll_approve,
    payroll_create,
    proposal_accept,
    proposal_refuse,
)
from inclusio.core.models import User
from tests.browser.benefits_data import IBAN, make_offer
from tests.factories import make_trio, make_user, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

MONTH = dt.date(2024, 2, 1)


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _payroll_made_by(maker: User) -> Payroll:
    trio = make_trio()
    offer = make_offer(trio.person)
    proposal_accept(actor=trio.person.user, proposal_id=offer.pk, payment_account=IBAN)
    return payroll_create(actor=maker, month=MONTH)


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "A refusal can be withdrawn within 30 days"),
        ("kk", "Бас тартуды 30 күн ішінде кері қайтаруға болады"),
        ("ru", "Отказ можно отозвать в течение 30 дней"),
    ],
    ids=["en", "kk", "ru"],
)
def test_a_refusal_withdrawn_after_the_period_is_refused_on_the_page(
    client: Client, settings: Any, language: str, says: str
) -> None:
    settings.REFUSAL_WITHDRAWAL_DAYS = 30
    trio = make_trio()
    refusal = proposal_refuse(actor=trio.person.user, proposal_id=make_offer(trio.person).pk)
    Decision.objects.filter(pk=refusal.pk).update(decided_at=timezone.now() - dt.timedelta(days=31))
    client.force_login(trio.person.user)
    before = row_counts()

    response = client.post(f"/{language}/benefits/decisions/{refusal.pk}/withdraw/")

    assert response.status_code == 422
    assert says in _text(response)
    assert "<code>REFUSAL_WITHDRAWAL_TOO_LATE</code>" in _text(response)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "You created the payroll of 2024-02, so another person"),
        ("kk", "2024-02 айының төлем ведомосын сіз жасадыңыз"),
        ("ru", "Ведомость за 2024-02 составили вы"),
    ],
    ids=["en", "kk", "ru"],
)
def test_the_maker_approving_their_own_payroll_is_refused_on_the_page(
    client: Client, language: str, says: str
) -> None:
    maker = make_user("maker", "ministry_admin", None)
    payroll = _payroll_made_by(maker)
    sign_in(client, maker)
    before = row_counts()

    response = client.post(f"/{language}/benefits/payroll/{payroll.pk}/approve/")

    assert response.status_code == 409
    text = _text(response)
    assert says in text and "<code>PAYROLL_APPROVER_IS_CREATOR</code>" in text
    assert response.context["refusal"]["code"] == "PAYROLL_APPROVER_IS_CREATOR"
    # The page is still the payroll page, its title saying that something went wrong.
    assert "<h1>" in text and text.count("<h1>") == 1
    assert row_counts() == before
    payroll.refresh_from_db()
    assert payroll.approved_at is None


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "Only the ministry may do this"),
        ("kk", "Мұны тек министрлік жасай алады"),
        ("ru", "Это может делать только министерство"),
    ],
    ids=["en", "kk", "ru"],
)
@pytest.mark.parametrize("who", ["officer of another region", "payroll account of a region"])
def test_the_payment_file_is_refused_to_a_person_of_a_region(
    client: Client, language: str, says: str, who: str
) -> None:
    maker = make_user("maker", "ministry_admin", None)
    payroll = payroll_approve(
        actor=make_user("checker", "ministry_admin", None),
        payroll_id=_payroll_made_by(maker).pk,
    )
    regional = (
        make_user("elsewhere", "district_officer", "75")
        if who.startswith("officer")
        else make_user("regional_payroll", "ministry_admin", "75")
    )
    sign_in(client, regional)
    before = row_counts()

    for address in (
        f"/{language}/benefits/payroll/{payroll.pk}/payment-file/",
        f"/{language}/benefits/payroll/{payroll.pk}/approve/",
    ):
        response = client.post(address)
        assert response.status_code == 403, address
        text = _text(response)
        assert says in text and "<code>NOT_MINISTRY</code>" in text, address
        assert "Content-Disposition" not in response and IBAN not in text
    assert row_counts() == before
