"""The benefits page lists the top-ups owed after an appeal: the month, the amount, where it is
(owed, in a payroll, paid, held or returned, stopped) and the appeal it is owed for, linked for
those who may open the appeal — the person, the representative, the officer of the person's
region; an officer of another region sees nothing of it. One query, whatever their number."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from inclusio.appeals.models import Appeal
from inclusio.appeals.services import Remedy
from inclusio.benefits import page_data
from inclusio.benefits.models import Award, Payment, Payroll, TopUp
from inclusio.benefits.services import (
    payment_file_produce,
    payroll_approve,
    payroll_create,
    proposal_accept,
)
from inclusio.core.audit import SYSTEM
from inclusio.core.models import User
from inclusio.payments.models import Transfer
from inclusio.payments.services import status_report_import
from inclusio.registry.models import Person
from tests.appeals.test_carrying_out import _appeal, _award, _grant
from tests.benefits.test_query_budget import BENEFITS_PAGE_BUDGET
from tests.browser.benefits_data import make_offer
from tests.factories import Trio, make_user, sign_in
from tests.payments.conftest import status_report
from tests.socialservices.builders import IBAN

pytestmark = pytest.mark.django_db

FEB, MAR, APR, MAY = (dt.date(2024, m, 1) for m in (2, 3, 4, 5))


def _paid(award: Award, months: list[dt.date]) -> None:
    for month in months:
        payroll = Payroll.objects.create(month=month, approved_at=timezone.now())
        Payment.objects.create(
            payroll=payroll,
            award=award,
            month=month,
            amount_kzt=award.amount_kzt,
            iban=IBAN,
            status=Payment.Status.SCHEDULED,
        )


def _topped_up(filer: User, officer: User, award: Award) -> Appeal:
    """Three months paid at the old amount, then an appeal granted 1,500 tenge a month more
    from February: a top-up for each of February, March and April, owed."""
    assert award.amount_kzt is not None
    _paid(award, [FEB, MAR, APR])
    appeal = _appeal(filer, "benefit_decision", award.decision_id)
    _grant(officer, appeal, Remedy(from_day=FEB, amount_kzt=award.amount_kzt + 1_500))
    assert sorted(TopUp.objects.values_list("month", "amount_kzt")) == [
        (FEB, 1_500),
        (MAR, 1_500),
        (APR, 1_500),
    ]
    return appeal


def _table(html: str) -> str:
    start = html.index('id="top-ups-heading"')
    return html[start : html.index("</table>", start)]


def test_the_person_sees_each_top_up_its_state_and_the_appeal(client: Client, trio: Trio) -> None:
    appeal = _topped_up(trio.person.user, trio.own_officer, _award(trio))
    # April's is stopped (the right ended before it); May's payroll takes up the other two,
    # its file pays February's, and the bank returns March's.
    TopUp.objects.filter(month=APR).update(status=Payment.Status.STOPPED)
    may = payroll_approve(
        actor=make_user("approver", "ministry_admin", None),
        payroll_id=payroll_create(actor=SYSTEM, month=MAY).pk,
    )
    payment_file_produce(actor=SYSTEM, payroll_id=may.pk)
    feb, mar = (
        Transfer.objects.get(purpose_kind=Transfer.Purpose.BENEFIT_TOP_UP, purpose_id=t.pk)
        for t in TopUp.objects.filter(month__in=[FEB, MAR]).order_by("month")
    )
    status_report_import(
        actor=SYSTEM,
        content=status_report(
            feb.file, [(feb.end_to_end_id, "ACSC", ""), (mar.end_to_end_id, "RJCT", "AC04")]
        ),
    )
    client.force_login(trio.person.user)
    table = _table(client.get("/en/benefits/").content.decode())
    assert "<caption" in table and '<th scope="col">Month</th>' in table
    assert table.count('<th scope="row">') == 3
    assert table.index("April 2024") < table.index("March 2024") < table.index("February 2024")
    assert table.count("1,500 tenge") == 3
    assert "Paid with the payroll of May 2024" in table
    assert "Returned by the bank: paid once a corrected account is given" in table
    assert "Stopped: the right to the benefit ended before this month" in table
    assert table.count(f'href="/en/appeals/{appeal.pk}/"') == 3
    assert f"Appeal No. {appeal.pk}, granted" in table
    assert dict(TopUp.objects.values_list("month", "status")) == {
        FEB: "scheduled",
        MAR: "held",
        APR: "stopped",
    }


def test_owed_and_in_a_payroll_in_the_persons_language(client: Client, trio: Trio) -> None:
    _topped_up(trio.person.user, trio.own_officer, _award(trio))
    client.force_login(trio.person.user)
    owed = _table(client.get("/en/benefits/").content.decode())
    assert owed.count("Owed: it will be paid with the next payroll") == 3
    payroll_create(actor=SYSTEM, month=MAY)
    ru = _table(client.get("/ru/benefits/").content.decode())
    assert "Доплаты после жалобы" in ru
    assert ru.count("Включена в ведомость (Май 2024), ещё не выплачена") == 3
    kk = _table(client.get("/kk/benefits/").content.decode())
    assert "Шағымнан кейінгі қосымша төлемдер" in kk


def test_the_representative_sees_the_childs_top_ups(
    client: Client, parent: tuple[User, Person]
) -> None:
    account, child = parent
    decision = proposal_accept(
        actor=account, proposal_id=make_offer(child).pk, payment_account=IBAN
    )
    officer = make_user("officer_child", "district_officer", child.region_id)
    appeal = _topped_up(account, officer, Award.objects.get(decision=decision))
    client.force_login(account)
    table = _table(client.get(f"/en/benefits/persons/{child.iin}/").content.decode())
    assert table.count(f'href="/en/appeals/{appeal.pk}/"') == 3


def test_the_officer_of_the_region_sees_them_and_another_regions_nothing(
    client: Client, trio: Trio
) -> None:
    appeal = _topped_up(trio.person.user, trio.own_officer, _award(trio))
    url = f"/en/benefits/persons/{trio.person.iin}/"
    sign_in(client, trio.own_officer)
    table = _table(client.get(url).content.decode())
    assert table.count(f'href="/en/appeals/{appeal.pk}/"') == 3
    sign_in(client, trio.other_officer)
    refused = client.get(url)
    assert refused.status_code == 404
    assert "1,500 tenge" not in refused.content.decode()


def test_an_appeal_the_reader_may_not_open_is_named_not_linked(trio: Trio) -> None:
    _topped_up(trio.person.user, trio.own_officer, _award(trio))
    top_up = TopUp.objects.order_by("month").first()
    assert top_up is not None
    text, url = page_data.top_up_cause(top_up, sees_appeals=False)
    assert text == f"Appeal No. {top_up.cause.removeprefix('appeal:')}, granted" and url == ""


def test_the_page_with_top_ups_keeps_its_query_budget(
    client: Client, trio: Trio, django_assert_max_num_queries: Any
) -> None:
    _topped_up(trio.person.user, trio.own_officer, _award(trio))
    payroll_create(actor=SYSTEM, month=MAY)
    for reader, url in (
        (trio.person.user, "/en/benefits/"),
        (trio.own_officer, f"/en/benefits/persons/{trio.person.iin}/"),
    ):
        sign_in(client, reader)
        assert client.get(url).status_code == 200  # the trail's head and permissions cached
        with django_assert_max_num_queries(BENEFITS_PAGE_BUDGET):
            response = client.get(url)
        assert response.content.decode().count("In the payroll of May 2024, not paid yet") == 3
