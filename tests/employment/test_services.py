"""The employment services: employers and their quota, vacancies, placements, special
workplaces and their subsidy paid through the payments module; bad input refused, nothing
written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, Conflict, ValidationFailed
from inclusio.core.models import AuditEvent
from inclusio.employment.models import Employer, Placement, SubsidyMonth, Vacancy
from inclusio.employment.quota import QuotaRates, compliance_arrays, compliance_of, quota_places
from inclusio.employment.services import (
    employer_create,
    employer_update,
    employment_payments_send,
    equipment_reimburse,
    placement_record,
    subsidy_amount,
    subsidy_month_pay,
    vacancy_publish,
)
from inclusio.payments.models import PaymentFile, Transfer
from inclusio.registry.models import Person
from tests.employment.builders import make_employer, make_workplace, new_bin
from tests.factories import Trio, give_status, make_person, make_trio

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio() -> Trio:
    return make_trio("employment_officer")


def _nothing_written(before: int) -> None:
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("bin_", "headcount", "hazardous", "code"),
    [
        ("123456789012", 100, 0, "BIN_CHECKSUM"),
        ("12345", 100, 0, "BIN_LENGTH"),
        ("12345678901a", 100, 0, "BIN_NOT_DIGITS"),
        (None, 100, 101, "EMPLOYER_HAZARDOUS_ABOVE_HEADCOUNT"),
        (None, -1, 0, "HEADCOUNT_INVALID"),
    ],
)
def test_a_bad_employer_is_refused_with_its_code_and_nothing_written(
    trio: Trio, bin_: str | None, headcount: int, hazardous: int, code: str
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        employer_create(
            actor=trio.own_officer,
            bin=bin_ or new_bin(),
            name="X",
            region_code="71",
            headcount=headcount,
            hazardous_jobs=hazardous,
        )
    assert refused.value.code == code and refused.value.message
    assert not Employer.objects.exists()
    _nothing_written(before)


def test_the_same_bin_twice_is_a_conflict(trio: Trio) -> None:
    first = make_employer(trio.own_officer)
    with pytest.raises(Conflict) as refused:
        employer_create(
            actor=trio.own_officer,
            bin=first.bin,
            name="Again",
            region_code="71",
            headcount=10,
            hazardous_jobs=0,
        )
    assert refused.value.code == "EMPLOYER_BIN_TAKEN"
    assert Employer.objects.count() == 1


def test_an_officer_of_another_region_cannot_register_here(trio: Trio) -> None:
    with pytest.raises(AccessDenied):
        employer_create(
            actor=trio.other_officer,
            bin=new_bin(),
            name="X",
            region_code="71",
            headcount=10,
            hazardous_jobs=0,
        )


@pytest.mark.parametrize(
    ("headcount", "hazardous", "hundredths", "quota"),
    [
        (49, 0, 0, 0),  # below the smallest band: no quota
        (100, 0, 200, 2),
        (100, 51, 200, 0),  # 49 jobs without the hazardous ones × 2 % = 0.98 → 0
        (250, 0, 300, 7),  # 7.5 rounded down
        (1000, 100, 400, 36),
    ],
)
def test_the_quota_excludes_hazardous_jobs_and_rounds_down(
    trio: Trio, headcount: int, hazardous: int, hundredths: int, quota: int
) -> None:
    employer = make_employer(trio.own_officer, headcount=headcount, hazardous=hazardous)
    rates = QuotaRates.from_database()
    assert rates.hundredths("71", headcount, dt.date(2024, 1, 31)) == hundredths
    (row,) = compliance_of([employer], dt.date(2024, 1, 1), rates)
    assert row.quota == quota == quota_places(headcount - hazardous, hundredths)
    assert row.filled == 0 and row.complies == (quota == 0)


def test_a_region_may_set_its_own_rate() -> None:
    rates = QuotaRates.from_database()
    # Almaty city sets 3 % for 50–100 employees from July 2023; the national rate is 2 %.
    assert rates.hundredths("75", 80, dt.date(2023, 6, 30)) == 200
    assert rates.hundredths("75", 80, dt.date(2023, 7, 31)) == 300
    assert rates.hundredths("71", 80, dt.date(2023, 7, 31)) == 200


def test_a_placement_fills_the_quota_from_its_month(trio: Trio) -> None:
    employer = make_employer(trio.own_officer, headcount=100)
    vacancy = vacancy_publish(
        actor=trio.own_officer, employer=employer, title="Operator", wage_kzt=180_000
    )
    placement_record(
        actor=trio.own_officer,
        person=trio.person,
        employer=employer,
        started=dt.date(2024, 3, 10),
        vacancy=vacancy,
    )
    vacancy.refresh_from_db()
    assert vacancy.state == Vacancy.State.FILLED
    rates = QuotaRates.from_database()
    february, march = (compliance_of([employer], dt.date(2024, m, 1), rates)[0] for m in (2, 3))
    assert (february.filled, february.complies) == (0, False)
    assert (march.filled, march.quota, march.complies) == (1, 2, False)
    with pytest.raises(Conflict) as refused:
        placement_record(
            actor=trio.own_officer,
            person=make_adult_with_status(),
            employer=employer,
            started=dt.date(2024, 3, 10),
            vacancy=vacancy,
        )
    assert refused.value.code == "PLACEMENT_VACANCY_CLOSED"
    assert Placement.objects.count() == 1


def make_adult_with_status() -> Person:
    person = make_person(region="71", given_name="Aigerim")
    give_status(person)
    return person


def test_a_person_without_a_status_on_the_day_is_not_placed(trio: Trio) -> None:
    employer = make_employer(trio.own_officer)
    with pytest.raises(ValidationFailed) as refused:
        placement_record(
            actor=trio.own_officer,
            person=trio.person,
            employer=employer,
            started=dt.date(2022, 1, 1),  # the status starts in 2023
        )
    assert refused.value.code == "PLACEMENT_NOT_ELIGIBLE"
    assert not Placement.objects.exists()


def test_the_other_regions_officer_cannot_place_the_person(trio: Trio) -> None:
    employer = make_employer(trio.own_officer)
    with pytest.raises(AccessDenied):
        placement_record(
            actor=trio.other_officer,
            person=trio.person,
            employer=employer,
            started=dt.date(2024, 1, 1),
        )
    assert not Placement.objects.exists()


def test_the_subsidy_month_by_month_and_paid_once(trio: Trio) -> None:
    workplace = make_workplace(trio.own_officer, trio.person, wage=150_001)
    first = subsidy_month_pay(
        actor=trio.own_officer, workplace=workplace, month=dt.date(2024, 1, 1), wage_kzt=150_001
    )
    # 70 % of 150,001 is 105,000.7: rounded down to whole tenge.
    assert (first.year_of_subsidy, first.rate_pct, first.amount_kzt) == (1, Decimal(70), 105_000)
    second_year = subsidy_month_pay(
        actor=trio.own_officer, workplace=workplace, month=dt.date(2025, 1, 1), wage_kzt=200_000
    )
    # The wage above the agreed one is subsidised only up to it.
    assert (second_year.year_of_subsidy, second_year.wage_kzt) == (2, 150_001)
    assert second_year.amount_kzt == subsidy_amount(150_001, Decimal(65)) == 97_500
    last = subsidy_month_pay(
        actor=trio.own_officer, workplace=workplace, month=dt.date(2026, 12, 1), wage_kzt=100_000
    )
    assert (last.year_of_subsidy, last.amount_kzt) == (3, 60_000)
    transfers = Transfer.objects.filter(purpose_kind=Transfer.Purpose.WAGE_SUBSIDY)
    assert sorted(t.amount_kzt for t in transfers) == [60_000, 97_500, 105_000]
    employer = workplace.placement.employer
    assert {(t.iban, t.payee_reference) for t in transfers} == {(employer.iban, employer.bin)}

    before = (AuditEvent.objects.count(), Transfer.objects.count())
    with pytest.raises(Conflict) as again:
        subsidy_month_pay(
            actor=trio.own_officer, workplace=workplace, month=dt.date(2024, 1, 1), wage_kzt=1
        )
    assert again.value.code == "SUBSIDY_MONTH_PAID"
    for outside in (dt.date(2023, 12, 1), dt.date(2027, 1, 1)):
        with pytest.raises(ValidationFailed) as refused:
            subsidy_month_pay(
                actor=trio.own_officer, workplace=workplace, month=outside, wage_kzt=100_000
            )
        assert refused.value.code == "SUBSIDY_MONTH_OUTSIDE" and "three years" in str(
            refused.value.message
        )
    assert (AuditEvent.objects.count(), Transfer.objects.count()) == before
    assert SubsidyMonth.objects.count() == 3


def test_the_equipment_is_reimbursed_once(trio: Trio) -> None:
    workplace = make_workplace(trio.own_officer, trio.person, equipment=420_000)
    transfer = equipment_reimburse(actor=trio.own_officer, workplace=workplace)
    assert (transfer.purpose_kind, transfer.amount_kzt) == ("equipment", 420_000)
    with pytest.raises(Conflict) as again:
        equipment_reimburse(actor=trio.own_officer, workplace=workplace)
    assert again.value.code == "EQUIPMENT_PAID"
    with pytest.raises(AccessDenied):
        equipment_reimburse(actor=trio.other_officer, workplace=workplace)
    assert Transfer.objects.count() == 1


def test_no_iban_no_subsidy(trio: Trio) -> None:
    workplace = make_workplace(trio.own_officer, trio.person)
    Employer.objects.filter(pk=workplace.placement.employer_id).update(iban="")
    workplace.placement.employer.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        subsidy_month_pay(
            actor=trio.own_officer, workplace=workplace, month=dt.date(2024, 1, 1), wage_kzt=1000
        )
    assert refused.value.code == "EMPLOYER_IBAN_MISSING"
    assert not SubsidyMonth.objects.exists()


def test_the_monthly_report_refuses_hazardous_above_headcount(trio: Trio) -> None:
    employer = make_employer(trio.own_officer, headcount=100, hazardous=10)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        employer_update(
            actor=trio.own_officer, employer=employer, headcount=50, hazardous_jobs=60, iban=""
        )
    assert refused.value.code == "EMPLOYER_HAZARDOUS_ABOVE_HEADCOUNT"
    employer.refresh_from_db()
    assert (employer.headcount, employer.hazardous_jobs) == (100, 10)
    _nothing_written(before)
    employer_update(
        actor=trio.own_officer, employer=employer, headcount=300, hazardous_jobs=20, iban=""
    )
    event = AuditEvent.objects.latest("id")
    assert event.data["changed"] == ["hazardous_jobs", "headcount", "iban"]
    assert event.data["digests"] == {"iban": None}


def test_the_national_columns_agree_with_the_database(trio: Trio) -> None:
    employers = [
        make_employer(trio.own_officer, headcount=h, hazardous=z)
        for h, z in ((49, 0), (80, 5), (250, 10), (251, 0), (5000, 700))
    ]
    placement_record(
        actor=trio.own_officer,
        person=trio.person,
        employer=employers[1],
        started=dt.date(2024, 1, 1),
    )
    month = dt.date(2024, 6, 1)
    rows = compliance_of(employers, month)
    columns = compliance_arrays(
        region=np.array(["71", "75", "71", "71", "71"]),  # one in Almaty with its own rate
        headcount=np.array([e.headcount for e in employers]),
        hazardous=np.array([e.hazardous_jobs for e in employers]),
        filled=np.array([r.filled for r in rows]),
        month=month,
        rates=QuotaRates.from_country("kz"),
    )
    assert [r.quota for r in rows] == [0, 1, 7, 10, 172]
    assert columns["quota"].tolist() == [0, 2, 7, 10, 172]  # 75 × 3 % in Almaty
    assert columns["complies"].tolist() == [True, False, False, False, False]
    assert [r.complies for r in rows] == [True, True, False, False, False]


def test_the_queued_payments_go_to_the_treasury_in_one_file(trio: Trio, tmp_path: Any) -> None:
    workplace = make_workplace(trio.own_officer, trio.person, equipment=300_000)
    subsidy_month_pay(
        actor=trio.own_officer, workplace=workplace, month=dt.date(2024, 1, 1), wage_kzt=100_000
    )
    equipment_reimburse(actor=trio.own_officer, workplace=workplace)
    with pytest.raises(AccessDenied):
        employment_payments_send(actor=trio.own_officer, execution=dt.date(2024, 2, 5))
    out = tmp_path / "employment.xml"
    call_command("employment_payments", "--out", str(out), "--execution", "2024-02-05")
    content = out.read_text()
    employer = workplace.placement.employer
    assert (
        employer.bin in content
        and "<CtrlSum>370000" in content
        and "Wage subsidy 2024-01" in content
    )
    assert set(Transfer.objects.values_list("state", flat=True)) == {"sent"}
    assert employment_payments_send(actor=SYSTEM, execution=dt.date(2024, 2, 5)) is None


def test_a_payment_file_that_cannot_be_written_leaves_the_payments_queued(
    trio: Trio, tmp_path: Any
) -> None:
    workplace = make_workplace(trio.own_officer, trio.person, equipment=300_000)
    equipment_reimburse(actor=trio.own_officer, workplace=workplace)
    # A directory stands where the file should go: writing it fails after the file is made.
    with pytest.raises(IsADirectoryError):
        call_command("employment_payments", "--out", str(tmp_path), "--execution", "2024-02-05")
    assert set(Transfer.objects.values_list("state", flat=True)) == {"queued"}
    assert not PaymentFile.objects.exists()
