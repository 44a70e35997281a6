"""Every write of the employment app. Each function is keyword-only, runs in one transaction,
checks the actor's role and region, and leaves an audit record that names no person (ids and
counts; the employer's BIN is an organisation's, not personal data).

Vacancies are entered by the employment officer of the employer's region, not by the employer's
own account: the law has employers report quota vacancies to the employment centre, which
already checks them against the quota, and the platform has no employer sign-in (an employer
account would need the organisation's electronic signature, which it does not hold).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core import access
from inclusio.core.audit import SYSTEM, Actor, account_of, changes, record_write
from inclusio.core.errors import AccessDenied, Conflict, ValidationFailed
from inclusio.core.errors import ErrorCode as CoreCode
from inclusio.core.identifiers import validate_bin
from inclusio.core.models import Region
from inclusio.core.parameters import value_on
from inclusio.core.roles import EMPLOYMENT_MANAGE
from inclusio.employment.errors import ErrorCode
from inclusio.employment.models import (
    Employer,
    Placement,
    SpecialWorkplace,
    SubsidyMonth,
    Vacancy,
)
from inclusio.payments import pain001
from inclusio.payments import services as payments
from inclusio.payments.iban import parse_kz_iban
from inclusio.payments.models import PaymentFile, Transfer
from inclusio.registry.models import FUNCTIONAL_LIMITATIONS, Person

SUBSIDY_YEARS = 3
SUBSIDY_KEY = "special_workplace_subsidy_pct_year{year}"
PAYER = "employment"


def _require_officer(actor: Actor, region_code: str) -> None:
    if not access.may(actor, EMPLOYMENT_MANAGE, region_code):
        raise AccessDenied(
            CoreCode.OUT_OF_SCOPE,
            _("Only an employment centre officer of the employer's region may do this."),
        )


def _check_counts(headcount: object, hazardous: object) -> tuple[int, int]:
    if (
        not isinstance(headcount, int)
        or not isinstance(hazardous, int)
        or isinstance(headcount, bool)
        or isinstance(hazardous, bool)
        or headcount < 0
        or hazardous < 0
        or headcount > 10_000_000
    ):
        raise ValidationFailed(
            ErrorCode.HEADCOUNT_INVALID,
            _("Give the number of jobs and of hazardous jobs as whole numbers, zero or more."),
            field="headcount",
        )
    if hazardous > headcount:
        raise ValidationFailed(
            ErrorCode.EMPLOYER_HAZARDOUS_ABOVE_HEADCOUNT,
            _(
                "The hazardous jobs (%(hazardous)s) cannot be more than all the jobs "
                "(%(headcount)s)."
            ),
            hazardous=hazardous,
            headcount=headcount,
            field="hazardous_jobs",
        )
    return headcount, hazardous


def _clean_iban(iban: str) -> str:
    if not iban.strip():
        return ""
    try:
        return parse_kz_iban(iban)
    except ValidationFailed as exc:
        raise ValidationFailed(ErrorCode.EMPLOYER_IBAN_INVALID, exc.message, field="iban") from None


def employer_create(
    *,
    actor: Actor,
    bin: str,
    name: str,
    region_code: str,
    headcount: int,
    hazardous_jobs: int,
    iban: str = "",
) -> Employer:
    _require_officer(actor, region_code)
    try:
        value = validate_bin(bin)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.code, exc.message, field="bin") from None
    if not name.strip():
        raise ValidationFailed(
            ErrorCode.EMPLOYER_NAME_REQUIRED, _("Give the employer's name."), field="name"
        )
    headcount, hazardous_jobs = _check_counts(headcount, hazardous_jobs)
    clean_iban = _clean_iban(iban)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(CoreCode.REGION_UNKNOWN, _("Choose the employer's region."))
    try:
        with transaction.atomic():
            employer = Employer.objects.create(
                bin=value,
                name=name.strip(),
                region=region,
                headcount=headcount,
                hazardous_jobs=hazardous_jobs,
                iban=clean_iban,
            )
            record_write(
                actor=actor,
                action="employer_create",
                entity="employer",
                entity_id=employer.pk,
                data=changes(
                    {},
                    {
                        "bin": value,
                        "region": region_code,
                        "headcount": headcount,
                        "hazardous_jobs": hazardous_jobs,
                        "iban": clean_iban,
                    },
                    personal=["iban"],
                ),
            )
    except IntegrityError:
        raise Conflict(
            ErrorCode.EMPLOYER_BIN_TAKEN,
            _("An employer with this BIN is already registered."),
            field="bin",
        ) from None
    return employer


def employer_update(
    *, actor: Actor, employer: Employer, headcount: int, hazardous_jobs: int, iban: str
) -> Employer:
    """The employer's monthly report: its jobs, hazardous jobs and account."""
    _require_officer(actor, employer.region_id)
    headcount, hazardous_jobs = _check_counts(headcount, hazardous_jobs)
    clean_iban = _clean_iban(iban)
    before = {
        "headcount": employer.headcount,
        "hazardous_jobs": employer.hazardous_jobs,
        "iban": employer.iban,
    }
    after = {"headcount": headcount, "hazardous_jobs": hazardous_jobs, "iban": clean_iban}
    with transaction.atomic():
        Employer.objects.filter(pk=employer.pk).update(**after, updated_at=timezone.now())
        record_write(
            actor=actor,
            action="employer_update",
            entity="employer",
            entity_id=employer.pk,
            data=changes(before, after, personal=["iban"]),
        )
    employer.refresh_from_db()
    return employer


def vacancy_publish(
    *,
    actor: Actor,
    employer: Employer,
    title: str,
    wage_kzt: int,
    description: str = "",
    needs: tuple[str, ...] | list[str] = (),
) -> Vacancy:
    _require_officer(actor, employer.region_id)
    if not title.strip():
        raise ValidationFailed(ErrorCode.VACANCY_TITLE_REQUIRED, _("Name the job."), field="title")
    if isinstance(wage_kzt, bool) or not isinstance(wage_kzt, int) or not 0 < wage_kzt < 10**9:
        raise ValidationFailed(
            ErrorCode.AMOUNT_INVALID,
            _("Give the amount in whole tenge, more than zero."),
            field="wage_kzt",
        )
    unknown = set(needs) - set(FUNCTIONAL_LIMITATIONS)
    if unknown:
        raise ValidationFailed(
            ErrorCode.VACANCY_NEEDS_UNKNOWN,
            _("Choose what the work needs from the list."),
            field="needs",
        )
    with transaction.atomic():
        vacancy = Vacancy.objects.create(
            employer=employer,
            title=title.strip(),
            description=description.strip(),
            wage_kzt=wage_kzt,
            published_at=timezone.now(),
            published_by=account_of(actor),
            **{f"needs_{name}": name in needs for name in FUNCTIONAL_LIMITATIONS},
        )
        record_write(
            actor=actor,
            action="vacancy_publish",
            entity="vacancy",
            entity_id=vacancy.pk,
            data={"employer": employer.pk, "wage_kzt": wage_kzt, "needs": sorted(needs)},
        )
    return vacancy


def placement_record(
    *,
    actor: Actor,
    person: Person,
    employer: Employer,
    started: dt.date,
    vacancy: Vacancy | None = None,
) -> Placement:
    """A person placed in a job of an employer of the officer's region (against a quota vacancy
    when given: it is then filled). The person must hold a current disability status and live
    in the employer's region."""
    _require_officer(actor, employer.region_id)
    access.require(
        actor,
        EMPLOYMENT_MANAGE,
        region_code=person.region_id,
        person_iin=person.iin,
        what="employment",
    )
    status = person.statuses.filter(superseded_at__isnull=True).first()
    if status is None or not status.valid_on(started) or status.category == "child":
        raise ValidationFailed(
            ErrorCode.PLACEMENT_NOT_ELIGIBLE,
            _(
                "A quota place is for an adult whose disability is established on the day "
                "the work starts; this person's status does not cover that day."
            ),
            field="started",
        )
    if person.region_id != employer.region_id:
        raise ValidationFailed(
            ErrorCode.PLACEMENT_OTHER_REGION,
            _("The employer's quota is for persons of its own region."),
        )
    with transaction.atomic():
        if vacancy is not None:
            locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
            if locked.employer_id != employer.pk or locked.state != Vacancy.State.OPEN:
                raise Conflict(
                    ErrorCode.PLACEMENT_VACANCY_CLOSED,
                    _("This vacancy is no longer open."),
                    field="vacancy",
                )
            locked.state = Vacancy.State.FILLED
            locked.save(update_fields=["state"])
        placement = Placement.objects.create(
            person=person,
            employer=employer,
            vacancy=vacancy,
            started=started,
            recorded_by=account_of(actor),
            recorded_at=timezone.now(),
        )
        record_write(
            actor=actor,
            action="placement_record",
            entity="placement",
            entity_id=placement.pk,
            data={
                "employer": employer.pk,
                "vacancy": vacancy.pk if vacancy else None,
                "started": started.isoformat(),
            },
        )
    return placement


def _amount(value: object, field: str, *, zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if zero else 1):
        raise ValidationFailed(
            ErrorCode.AMOUNT_INVALID,
            _("Give the amount in whole tenge, more than zero."),
            field=field,
        )
    if value >= 10**9:
        raise ValidationFailed(ErrorCode.AMOUNT_INVALID, _("The amount is too large."), field=field)
    return value


def workplace_create(
    *,
    actor: Actor,
    placement: Placement,
    first_month: dt.date,
    monthly_wage_kzt: int,
    equipment_kzt: int,
) -> SpecialWorkplace:
    _require_officer(actor, placement.employer.region_id)
    monthly_wage_kzt = _amount(monthly_wage_kzt, "monthly_wage_kzt")
    equipment_kzt = _amount(equipment_kzt, "equipment_kzt", zero=True)
    if first_month < placement.started.replace(day=1):
        raise ValidationFailed(
            ErrorCode.SUBSIDY_MONTH_OUTSIDE,
            _("The subsidy cannot start before the person started work."),
            field="first_month",
        )
    try:
        with transaction.atomic():
            workplace = SpecialWorkplace.objects.create(
                placement=placement,
                first_month=first_month.replace(day=1),
                monthly_wage_kzt=monthly_wage_kzt,
                equipment_kzt=equipment_kzt,
                created_at=timezone.now(),
            )
            record_write(
                actor=actor,
                action="workplace_create",
                entity="special_workplace",
                entity_id=workplace.pk,
                data={
                    "placement": placement.pk,
                    "first_month": workplace.first_month.isoformat(),
                    "monthly_wage_kzt": monthly_wage_kzt,
                    "equipment_kzt": equipment_kzt,
                },
            )
    except IntegrityError:
        raise Conflict(
            ErrorCode.WORKPLACE_EXISTS, _("This placement already has a special workplace.")
        ) from None
    return workplace


def subsidy_year(workplace: SpecialWorkplace, month: dt.date) -> int | None:
    """The year of the subsidy ``month`` falls in (1 to 3), or None outside the three years."""
    elapsed = (
        (month.year - workplace.first_month.year) * 12 + month.month - workplace.first_month.month
    )
    if elapsed < 0 or elapsed >= SUBSIDY_YEARS * 12:
        return None
    return elapsed // 12 + 1


def subsidy_amount(wage_kzt: int, rate_pct: Decimal) -> int:
    """The subsidy in whole tenge: the wage times the rate, rounded down (the state pays at most
    the percentage the law sets, never a fraction of a tenge above it)."""
    return wage_kzt * int(rate_pct * 100) // 10_000


def _payee_iban(employer: Employer) -> str:
    if not employer.iban:
        raise ValidationFailed(
            ErrorCode.EMPLOYER_IBAN_MISSING,
            _("Record the employer's IBAN first: the subsidy is paid to it."),
        )
    return employer.iban


def subsidy_month_pay(
    *, actor: Actor, workplace: SpecialWorkplace, month: dt.date, wage_kzt: int
) -> SubsidyMonth:
    """Compute one month of the wage subsidy on the wage paid that month (at most the
    workplace's agreed wage) and queue its payment to the employer; each month once."""
    employer = workplace.placement.employer
    _require_officer(actor, employer.region_id)
    wage_kzt = min(_amount(wage_kzt, "wage_kzt"), workplace.monthly_wage_kzt)
    if not isinstance(month, dt.date) or month.day != 1:
        raise ValidationFailed(ErrorCode.MONTH_INVALID, _("Give a month."), field="month")
    year = subsidy_year(workplace, month)
    if year is None:
        last = workplace.first_month.replace(year=workplace.first_month.year + SUBSIDY_YEARS)
        raise ValidationFailed(
            ErrorCode.SUBSIDY_MONTH_OUTSIDE,
            _("%(month)s is outside the subsidy's three years: from %(first)s to before %(last)s."),
            month=f"{month:%Y-%m}",
            first=f"{workplace.first_month:%Y-%m}",
            last=f"{last:%Y-%m}",
            field="month",
        )
    iban = _payee_iban(employer)
    rate = value_on(SUBSIDY_KEY.format(year=year), month)
    amount = subsidy_amount(wage_kzt, rate)
    try:
        with transaction.atomic():
            paid = SubsidyMonth.objects.create(
                workplace=workplace,
                month=month,
                year_of_subsidy=year,
                wage_kzt=wage_kzt,
                rate_pct=rate,
                amount_kzt=amount,
                recorded_by=account_of(actor),
                recorded_at=timezone.now(),
            )
            payments.transfers_queue(
                actor=SYSTEM,
                payments=[
                    payments.Queued(
                        purpose_kind=Transfer.Purpose.WAGE_SUBSIDY,
                        purpose_id=paid.pk,
                        payer=PAYER,
                        payee_reference=employer.bin,
                        amount_kzt=amount,
                        iban=iban,
                        end_to_end_id=f"INC-WS-{paid.pk}-{month:%Y%m}",
                    )
                ],
            )
            record_write(
                actor=actor,
                action="subsidy_month_pay",
                entity="subsidy_month",
                entity_id=paid.pk,
                data={
                    "workplace": workplace.pk,
                    "month": f"{month:%Y-%m}",
                    "year": year,
                    "rate_pct": str(rate),
                    "amount_kzt": amount,
                },
            )
    except (IntegrityError, Conflict):
        raise Conflict(
            ErrorCode.SUBSIDY_MONTH_PAID,
            _("The subsidy of %(month)s is already paid: each month is paid once."),
            month=f"{month:%Y-%m}",
            field="month",
        ) from None
    return paid


def equipment_reimburse(*, actor: Actor, workplace: SpecialWorkplace) -> Transfer:
    """Queue the reimbursement of the workplace's equipment to the employer, once."""
    employer = workplace.placement.employer
    _require_officer(actor, employer.region_id)
    _amount(workplace.equipment_kzt, "equipment_kzt")
    iban = _payee_iban(employer)
    try:
        with transaction.atomic():
            (transfer,) = payments.transfers_queue(
                actor=SYSTEM,
                payments=[
                    payments.Queued(
                        purpose_kind=Transfer.Purpose.WORKPLACE_EQUIPMENT,
                        purpose_id=workplace.pk,
                        payer=PAYER,
                        payee_reference=employer.bin,
                        amount_kzt=workplace.equipment_kzt,
                        iban=iban,
                        end_to_end_id=f"INC-EQ-{workplace.pk}",
                    )
                ],
            )
            record_write(
                actor=actor,
                action="equipment_reimburse",
                entity="special_workplace",
                entity_id=workplace.pk,
                data={"amount_kzt": workplace.equipment_kzt},
            )
    except Conflict:
        raise Conflict(
            ErrorCode.EQUIPMENT_PAID, _("The equipment of this workplace is already paid.")
        ) from None
    return transfer


EMPLOYMENT_BATCH = "employment"
EMPLOYMENT_PURPOSES = (Transfer.Purpose.WAGE_SUBSIDY, Transfer.Purpose.WORKPLACE_EQUIPMENT)


def _line(transfer: Transfer, employers: dict[str, Employer]) -> pain001.Line:
    employer = employers[transfer.payee_reference]
    if transfer.purpose_kind == Transfer.Purpose.WAGE_SUBSIDY:
        month = SubsidyMonth.objects.get(pk=transfer.purpose_id)
        remittance = f"Wage subsidy {month.month:%Y-%m}, special workplace {month.workplace_id}"
    else:
        remittance = f"Equipment of special workplace {transfer.purpose_id}"
    return pain001.Line(
        end_to_end_id=transfer.end_to_end_id,
        amount_kzt=transfer.amount_kzt,
        payee_name=employer.name,
        payee_id=employer.bin,
        payee_scheme="BIN",
        iban=transfer.iban,
        remittance=remittance,
    )


def employment_payments_send(
    *, actor: Actor, execution: dt.date
) -> tuple[PaymentFile, bytes] | None:
    """Put every queued subsidy month and equipment reimbursement in one pain.001 file for the
    treasury (the ministry's payment officer, or the platform's schedule); None when nothing
    is queued."""
    payments.require_payment_officer(actor)
    with transaction.atomic():
        queued = list(
            Transfer.objects.select_for_update()
            .filter(purpose_kind__in=EMPLOYMENT_PURPOSES, state=Transfer.State.QUEUED)
            .order_by("id")
        )
        if not queued:
            return None
        employers = Employer.objects.in_bulk({t.payee_reference for t in queued}, field_name="bin")
        number = PaymentFile.objects.filter(batch_kind=EMPLOYMENT_BATCH).count() + 1
        return payments.file_send(
            actor=actor,
            transfers=queued,
            message_id=f"INC-EMP-{execution:%Y%m%d}-{number}",
            batch_kind=EMPLOYMENT_BATCH,
            batch_id=int(f"{execution:%Y%m%d}"),
            execution=execution,
            line_of=lambda t: _line(t, employers),
        )
