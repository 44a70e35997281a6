"""The payroll of programmes paid by the day (``proration: daily``) and of one-off grants
(``period: once``): the month the rules engine computes, and one payment, never two."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import translation

from inclusio.benefits import topups
from inclusio.benefits.errors import ErrorCode
from inclusio.benefits.models import Award, Decision, Payment, Payroll, Programme, Proposal, TopUp
from inclusio.benefits.page_data import benefits_page
from inclusio.benefits.services import (
    award_correct_on_appeal,
    payroll_approve,
    payroll_create,
    programmes_load,
    proposal_accept,
    screening_run,
)
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import Conflict
from inclusio.core.models import AuditEvent
from inclusio.registry.models import Person
from tests.benefits.builders import IBAN, Snapshot, person_with_account
from tests.browser.benefits_data import make_run
from tests.factories import make_user, sign_in
from tests.rules.texts import explain

D = dt.date
SCREENED = D(2024, 2, 20)
FEBRUARY, MARCH, APRIL = D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1)

HEAD = """\
titles: {{kk: {id} kk, ru: {id} ru, en: {id} en}}
reference: {{kk: Example law, ru: Example law, en: Example law}}
entity: person
id: {id}
"""
CONDITIONS = """\
conditions:
  has_group: category in ["I", "II", "III"]
  valid_on_date: since <= screening_date and (is_null(until) or until >= screening_date)
"""
DAILY = (
    HEAD.format(id="daily_benefit")
    + """\
parameters:
  monthly_amount:
    - {effective: 2018-01-01, value: 29000, reference: a test}
    - {effective: 2024-03-16, value: 31000, reference: a test}
"""
    + CONDITIONS
    + """\
amount: monthly_amount
proration: daily
"""
    + explain("has_group", "valid_on_date", "monthly_amount")
)
ONE_OFF = (
    HEAD.format(id="one_off_grant")
    + """\
parameters:
  grant:
    - {effective: 2018-01-01, value: 100000, reference: a test}
"""
    + CONDITIONS
    + """\
amount: grant
period: once
"""
    + explain("has_group", "valid_on_date", "grant")
)


def load(directory: Path) -> dict[str, Programme]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "daily_benefit.yaml").write_text(DAILY, encoding="utf-8")
    (directory / "one_off_grant.yaml").write_text(ONE_OFF, encoding="utf-8")
    report = programmes_load(actor=SYSTEM, directory=directory)
    assert not report.errors, report.errors
    return {p.code: p for p in Programme.objects.all()}


def awarded(tmp_path: Path, rights: dict[str, tuple[D, D | None]]) -> dict[str, Person]:
    """Persons whose disability runs over ``rights`` (since, until), screened on SCREENED, who
    consented to every offer."""
    load(tmp_path / "programmes")
    persons = {name: person_with_account(name) for name in rights}
    snapshot = Snapshot()
    for name, (since, until) in rights.items():
        snapshot.person(persons[name].iin, category="II")
        snapshot.disability[-1].update(since=since, until=until)
    run_dir = snapshot.write(tmp_path / "snapshot", "periods")
    screening_run(actor=SYSTEM, snapshot_dir=run_dir, on=SCREENED)
    for person in persons.values():
        for offer in Proposal.objects.filter(person=person):
            proposal_accept(actor=person.user, proposal_id=offer.pk, payment_account=IBAN)
    return persons


def payments_of(person: Person, code: str) -> list[Payment]:
    return list(Payment.objects.filter(award__person=person, award__programme__code=code))


@pytest.fixture
def dana(db: None, tmp_path: Path, runs_dir: Path) -> Person:
    """Her right starts on 16 February 2024 (a leap year: 14 of 29 days)."""
    return awarded(tmp_path, {"dana": (D(2024, 2, 16), None)})["dana"]


def test_programmes_carry_their_period_and_proration(dana: Person) -> None:
    programmes = {p.code: p for p in Programme.objects.all()}
    assert programmes["daily_benefit"].proration == Programme.Proration.DAILY
    assert programmes["daily_benefit"].period == Programme.Period.MONTH
    assert programmes["one_off_grant"].period == Programme.Period.ONCE
    assert programmes["one_off_grant"].proration == ""


def test_a_right_starting_mid_month_is_paid_by_the_day(dana: Person) -> None:
    payroll_create(actor=SYSTEM, month=FEBRUARY)
    (february,) = payments_of(dana, "daily_benefit")
    # 14 days of 29 at 29,000: exactly 14,000 — the rules engine's arithmetic.
    assert (february.amount_kzt, february.days, february.one_off) == (14000, 14, False)
    award = Award.objects.get(person=dana, programme__code="daily_benefit")
    assert award.amount_kzt == 29000  # the monthly amount the screening offered


def test_a_parameter_changing_mid_month_pays_old_then_new(dana: Person) -> None:
    payroll_create(actor=SYSTEM, month=MARCH)
    (march,) = payments_of(dana, "daily_benefit")
    # 15 days at 29,000 and 16 at 31,000, of 31: 931,000 / 31 = 30,032.26 → 30,032
    assert (march.amount_kzt, march.days) == (30032, 31)


def test_a_one_off_grant_is_paid_once_and_never_again(dana: Person) -> None:
    february = payroll_create(actor=SYSTEM, month=FEBRUARY)
    (grant,) = payments_of(dana, "one_off_grant")
    assert (grant.amount_kzt, grant.one_off, grant.days, grant.payroll_id) == (
        100000,
        True,
        None,
        february.pk,
    )
    # Recomputed, and the next months: the grant is not paid again; the monthly one is.
    payroll_create(actor=SYSTEM, month=FEBRUARY)
    payroll_create(actor=SYSTEM, month=MARCH)
    payroll_create(actor=SYSTEM, month=APRIL)
    assert payments_of(dana, "one_off_grant") == [grant]
    assert len(payments_of(dana, "daily_benefit")) == 3
    event = AuditEvent.objects.filter(action="payroll_create").order_by("id").first()
    assert event is not None
    assert event.data["one_off"] == 1 and event.data["by_the_day"] == 1


def test_a_one_off_grant_first_computed_in_a_later_month_is_not_paid_in_an_earlier_one(
    dana: Person,
) -> None:
    march = payroll_create(actor=SYSTEM, month=MARCH)
    payroll_create(actor=SYSTEM, month=FEBRUARY)
    (grant,) = payments_of(dana, "one_off_grant")
    assert grant.payroll_id == march.pk


def test_a_later_screening_neither_ends_nor_renews_a_one_off_grant(
    dana: Person, tmp_path: Path
) -> None:
    lapsed = Snapshot()
    lapsed.person(dana.iin)  # her disability no longer in force
    screening_run(actor=SYSTEM, snapshot_dir=lapsed.write(tmp_path / "lapsed", "l"), on=MARCH)
    grant = Award.objects.get(person=dana, programme__code="one_off_grant")
    assert grant.ends is None
    assert not Proposal.objects.filter(person=dana, programme__code="one_off_grant", kind="ended")
    # The monthly benefit, by contrast, ends.
    assert Award.objects.get(person=dana, programme__code="daily_benefit").ends is not None
    again = Snapshot()
    again.person(dana.iin, category="I")
    screening_run(actor=SYSTEM, snapshot_dir=again.write(tmp_path / "again", "a"), on=APRIL)
    assert Award.objects.filter(person=dana, programme__code="one_off_grant").count() == 1
    assert not Proposal.objects.filter(
        person=dana, programme__code="one_off_grant", status="pending"
    ).exists()
    assert Proposal.objects.filter(
        person=dana, programme__code="daily_benefit", kind="new", status="pending"
    ).exists()


def test_the_database_refuses_a_second_payment_of_a_one_off_grant(dana: Person) -> None:
    payroll_create(actor=SYSTEM, month=FEBRUARY)
    (grant,) = payments_of(dana, "one_off_grant")
    payroll = Payroll.objects.create(month=MARCH)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            payroll=payroll,
            award=grant.award,
            month=MARCH,
            amount_kzt=grant.amount_kzt,
            one_off=True,
            iban=IBAN,
            status=Payment.Status.SCHEDULED,
        )
    assert payments_of(dana, "one_off_grant") == [grant]


def test_a_month_with_no_eligible_day_pays_no_line(
    db: None, tmp_path: Path, runs_dir: Path
) -> None:
    persons = awarded(
        tmp_path, {"erlan": (D(2020, 1, 1), D(2024, 2, 29)), "dana": (D(2024, 2, 16), None)}
    )
    erlan, dana = persons["erlan"], persons["dana"]
    payroll_create(actor=SYSTEM, month=FEBRUARY)
    assert [p.days for p in payments_of(erlan, "daily_benefit")] == [29]
    payroll_create(actor=SYSTEM, month=MARCH)
    # Erlan's right ended with February: no line in March, not a line of zero.
    assert [p.month for p in payments_of(erlan, "daily_benefit")] == [FEBRUARY]
    assert sorted(p.month for p in payments_of(dana, "daily_benefit")) == [FEBRUARY, MARCH]
    assert not Payment.objects.filter(amount_kzt__lte=0).exists()


def test_a_month_whose_only_award_has_no_eligible_day_is_refused(
    db: None, tmp_path: Path, runs_dir: Path
) -> None:
    awarded(tmp_path, {"erlan": (D(2020, 1, 1), D(2024, 2, 29))})
    Programme.objects.filter(code="one_off_grant").update(cash=False)
    with pytest.raises(Conflict) as refused:
        payroll_create(actor=SYSTEM, month=MARCH)
    assert refused.value.code == ErrorCode.PAYROLL_NOTHING_TO_PAY
    assert not Payroll.objects.exists() and not Payment.objects.exists()


def test_by_the_day_without_a_snapshot_is_refused_in_words(dana: Person) -> None:
    from inclusio.benefits.models import ScreeningRun

    ScreeningRun.objects.update(status=ScreeningRun.Status.FAILED)
    with translation.override("ru"), pytest.raises(Conflict) as refused:
        payroll_create(actor=SYSTEM, month=FEBRUARY)
    assert refused.value.code == ErrorCode.PAYROLL_BY_THE_DAY_UNAVAILABLE
    with translation.override("ru"):
        assert "по дням" in str(refused.value.message)
    assert not Payroll.objects.exists() and not Payment.objects.exists()


def test_the_persons_page_says_one_off_and_by_the_day(dana: Person) -> None:
    with translation.override("en"):
        before = {a.title: a for a in benefits_page(actor=dana.user, person=dana).awards}
    assert before["one_off_grant en"].amount == "One-off payment of 100,000 tenge, not paid yet"
    assert before["daily_benefit en"].amount == "29,000 tenge a month"
    payroll = payroll_create(actor=SYSTEM, month=FEBRUARY)
    payroll_approve(actor=make_user("approver", "ministry_admin", None), payroll_id=payroll.pk)
    with translation.override("en"):
        after = {a.title: a for a in benefits_page(actor=dana.user, person=dana).awards}
    assert after["one_off_grant en"].amount == (
        "One-off payment of 100,000 tenge, paid in February 2024"
    )
    assert after["daily_benefit en"].paid == "14,000 tenge for 14 days of February 2024"
    with translation.override("kk"):
        kk = {a.title: a for a in benefits_page(actor=dana.user, person=dana).awards}
    assert "100\u00a0000" in kk["one_off_grant kk"].amount
    assert "One-off" not in kk["one_off_grant kk"].amount


def test_the_decision_and_its_why_say_one_off(client: Client, dana: Person) -> None:
    award = Award.objects.get(person=dana, programme__code="one_off_grant")
    sign_in(client, dana.user)
    for url in (
        f"/en/benefits/decisions/{award.decision_id}/",
        f"/en/benefits/decisions/{award.decision_id}/why/",
    ):
        html = client.get(url).content.decode()
        assert "One-off payment of 100,000 tenge" in html, url
        assert "100,000 tenge a month" not in html, url
    decision = client.get(f"/en/benefits/decisions/{award.decision_id}/").content.decode()
    assert "The money is paid once" in decision and "paid every month" not in decision


def test_two_payrolls_at_once_pay_a_one_off_grant_once(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    settings.VAR_DIR = tmp_path / "var"
    dana = awarded(tmp_path, {"dana": (D(2024, 2, 16), None)})["dana"]
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def compute(month: D) -> None:
        try:
            barrier.wait()
            payroll_create(actor=SYSTEM, month=month)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    months = [FEBRUARY, MARCH, FEBRUARY, APRIL]
    threads = [threading.Thread(target=compute, args=(month,)) for month in months]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(payments_of(dana, "one_off_grant")) == 1
    assert sorted(p.month for p in payments_of(dana, "daily_benefit")) == [
        FEBRUARY,
        MARCH,
        APRIL,
    ]


def test_a_payroll_that_loses_the_race_for_a_one_off_grant_computes_again(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    """February's payroll pays the grant and has not committed yet when March's, which saw no
    payment of it, writes its own: the database holds March's back until February commits,
    then refuses it; March computes again, without the grant."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    settings.VAR_DIR = tmp_path / "var"
    dana = awarded(tmp_path, {"dana": (D(2024, 2, 16), None)})["dana"]
    february_written, commit_february = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def february() -> None:
        try:
            with transaction.atomic():
                payroll_create(actor=SYSTEM, month=FEBRUARY)
                february_written.set()
                commit_february.wait(timeout=30)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            february_written.set()
            connection.close()

    def march() -> None:
        try:
            payroll_create(actor=SYSTEM, month=MARCH)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=february)
    first.start()
    assert february_written.wait(timeout=60)
    second = threading.Thread(target=march)
    second.start()
    second.join(timeout=2)
    assert second.is_alive()  # held back by February's uncommitted payment of the grant
    commit_february.set()
    first.join()
    second.join()
    assert not errors, errors
    (grant,) = payments_of(dana, "one_off_grant")
    assert grant.month == FEBRUARY
    assert sorted(p.month for p in payments_of(dana, "daily_benefit")) == [FEBRUARY, MARCH]


def test_a_benefit_paid_by_the_day_resumed_on_appeal_is_owed_the_months_closed_without_it(
    db: None, tmp_path: Path, runs_dir: Path
) -> None:
    persons = awarded(tmp_path, {"dana": (D(2024, 2, 16), None), "erlan": (D(2020, 1, 1), None)})
    dana, erlan = persons["dana"], persons["erlan"]
    payroll_create(actor=SYSTEM, month=FEBRUARY)
    # Dana's benefit is ended with February; March and April are computed without her.
    award = Award.objects.get(person=dana, programme__code="daily_benefit")
    proposal = award.decision.proposal
    assert proposal is not None
    proposal.pk, proposal.kind, proposal.status = (
        None,
        Proposal.Kind.ENDED,
        Proposal.Status.ASSIGNED,
    )
    proposal.award, proposal.amount_kzt, proposal.run = award, None, make_run()
    proposal.save()
    ending = Decision.objects.create(
        proposal=proposal, person=dana, programme=award.programme, outcome=Decision.Outcome.ENDED
    )
    Award.objects.filter(pk=award.pk).update(ends=D(2024, 2, 29), ended_by=ending)
    for month in (MARCH, APRIL):
        payroll_create(actor=SYSTEM, month=month)
    assert [p.month for p in payments_of(dana, "daily_benefit")] == [FEBRUARY]
    erlan_paid = {p.month: p.amount_kzt for p in payments_of(erlan, "daily_benefit")}
    assert erlan_paid[MARCH] == 30032 and erlan_paid[APRIL] == 31000
    # The ending overturned on appeal, the benefit resumed from 1 March: each closed month is
    # owed what its payroll would have paid her (eligible every day, as Erlan): the engine's
    # month, not the award's 29,000 a month.
    resumed = award_correct_on_appeal(
        actor=SYSTEM, decision_id=ending.pk, cause="appeal:1", from_day=MARCH
    )
    owed = dict(TopUp.objects.filter(award=resumed).values_list("month", "amount_kzt"))
    assert owed == {MARCH: 30032, APRIL: 31000}
    trail = AuditEvent.objects.get(action="award_correct_on_appeal")
    assert trail.data["top_ups"] == {"2024-03": 30032, "2024-04": 31000}
    # Computed again, April pays her nothing more: the top-up is the month's only pay.
    payroll_create(actor=SYSTEM, month=APRIL)
    assert [p.month for p in payments_of(dana, "daily_benefit")] == [FEBRUARY]


def test_a_month_paid_by_the_day_resumed_mid_month_is_owed_the_eligible_days_covered() -> None:
    # April: eligible all 30 days at 31,000; resumed from 16 April, 15 days are owed.
    april = topups.Eligible(APRIL, days=30, amount_kzt=31000)
    assert topups.eligible_owed(D(2024, 4, 16), april) == 15500
    # Eligible 10 days (from where the benefit began): all 10 when the appeal covers 15.
    assert topups.eligible_owed(D(2024, 4, 16), topups.Eligible(APRIL, 10, 10000)) == 10000
    owed = topups.months_owed(
        from_day=APRIL,
        new_amount_kzt=29000,
        paid=[],
        unpaid_closed=[],
        topped_up={APRIL: 1000},
        unpaid_by_the_day=[april, topups.Eligible(MARCH, 31, 30032)],
    )
    assert owed == {APRIL: 30000}  # March, before the appeal's day, is owed nothing
