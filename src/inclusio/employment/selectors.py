"""Reads of the employment app: a person's employment page (the quota vacancies that suit them,
their placements and support measures), the officer's employers with their compliance, the
worklist and the support-measures report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core import access
from inclusio.core.audit import Actor
from inclusio.core.errors import AccessDenied
from inclusio.core.errors import ErrorCode as CoreCode
from inclusio.core.models import Purpose, Seen, User
from inclusio.core.roles import EMPLOYMENT_MANAGE
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.employment.models import (
    Employer,
    Placement,
    SpecialWorkplace,
    SupportMeasure,
    Vacancy,
)
from inclusio.employment.quota import Compliance, QuotaRates, compliance_of
from inclusio.payments.models import Transfer
from inclusio.registry import selectors as registry
from inclusio.registry.models import FUNCTIONAL_LIMITATIONS, DisabilityStatus, Person


@dataclass(frozen=True)
class PersonEmployment:
    person: Person
    status: DisabilityStatus | None
    vacancies: list[Vacancy]
    placements: list[Placement]
    measures: list[SupportMeasure]


def suitable_vacancies(person: Person, status: DisabilityStatus | None) -> QuerySet[Vacancy]:
    """The open quota vacancies of the person's region whose work does not need a function
    their disability status records as limited (from the MSE decision, when there is one)."""
    found = Vacancy.objects.filter(
        state=Vacancy.State.OPEN, employer__region_id=person.region_id
    ).select_related("employer")
    if status is not None:
        for name in FUNCTIONAL_LIMITATIONS:
            if getattr(status, name):
                found = found.filter(**{f"needs_{name}": False})
    return found


def person_employment(*, actor: Actor, iin: str) -> PersonEmployment:
    """For the person, their representative or an employment officer of their region (logged
    for the person); anyone else is answered as for an unknown IIN."""
    person = registry.person_get(
        actor=actor,
        iin=iin,
        what=Seen.EMPLOYMENT,
        purpose=Purpose.EMPLOYMENT,
        permission=EMPLOYMENT_MANAGE,
    )
    status = person.statuses.filter(superseded_at__isnull=True, ended=False).first()
    return PersonEmployment(
        person=person,
        status=status,
        vacancies=list(suitable_vacancies(person, status)[:50]),
        placements=list(
            person.placements.select_related("employer", "special_workplace", "vacancy")
        ),
        measures=list(person.support_measures.all()),
    )


def _officer(actor: Actor) -> User:
    if (
        not isinstance(actor, User)
        or not actor.is_authenticated
        or not actor.has_perm(EMPLOYMENT_MANAGE)
    ):
        raise AccessDenied(
            CoreCode.OUT_OF_SCOPE, _("Only an employment centre officer may see this.")
        )
    return actor


def employers_of(*, actor: Actor) -> QuerySet[Employer]:
    officer = _officer(actor)
    found = Employer.objects.select_related("region")
    return found if officer.region_id is None else found.filter(region_id=officer.region_id)


def employer_get(*, actor: Actor, bin: str) -> Employer:
    """An employer of the officer's region; a malformed BIN is answered as an unknown one."""
    rows = employers_of(actor=actor)
    found = rows.filter(bin=bin).first() if len(bin) == 12 and bin.isascii() else None
    if found is None:
        raise access.not_yours()
    return found


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def worklist_below_quota(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the employment officer: the employers of their region that fill fewer quota places
    than they owe this month, the most places missing first."""
    officer = require_permission(actor, EMPLOYMENT_MANAGE)
    employers = list(employers_of(actor=officer))
    below = sorted(
        (
            row
            for row in compliance_of(employers, this_month(), QuotaRates.from_database())
            if not row.complies
        ),
        key=lambda row: (-row.missing, row.employer.name),
    )
    found = page_of(below, page)
    return Worklist(
        key="below_quota",
        title=_("Employers below their job quota this month"),
        description=_(
            "Offer them job-seekers with disabilities of the region, or record the quota "
            "vacancies they report."
        ),
        template="employment/worklist_below_quota.html",
        page=found,
        rows=list(found.object_list),
        empty=_("Every employer of your region fills its quota this month."),
    )


def employer_compliance(employer: Employer, months: list[dt.date]) -> list[Compliance]:
    rates = QuotaRates.from_database()
    return [compliance_of([employer], month, rates)[0] for month in months]


@dataclass(frozen=True)
class ReportRow:
    kind: str
    label: str
    persons: int


def support_report(*, actor: Actor, on: dt.date) -> list[ReportRow]:
    """Persons covered by each support measure started before ``on`` (the seed's categories),
    in the officer's region or, for national staff, the country; counts only."""
    officer = _officer(actor)
    rows = SupportMeasure.objects.filter(started__lt=on)
    if officer.region_id is not None:
        rows = rows.filter(person__region_id=officer.region_id)
    counts = dict(
        rows.values("kind")
        .annotate(persons=Count("person", distinct=True))
        .values_list("kind", "persons")
    )
    return [
        ReportRow(kind=kind.value, label=str(kind.label), persons=counts.get(kind.value, 0))
        for kind in SupportMeasure.Kind
    ]


def placements_of(*, actor: Actor, employer: Employer) -> list[Placement]:
    """The employer's current placements, with the persons' names (each logged for the
    person: the officer's scope was checked when the employer was found)."""
    found = list(
        employer.placements.select_related("person", "vacancy", "special_workplace").filter(
            Q(ended__isnull=True) | Q(ended__gte=timezone.localdate())
        )
    )
    access.log_bulk_read(
        actor, [p.person.iin for p in found], what=Seen.EMPLOYMENT, purpose=Purpose.EMPLOYMENT
    )
    return found


def _logged(actor: Actor, person: Person) -> None:
    # The officer's scope was checked through the employer's region, which need not be the
    # person's: the read is logged as already authorised.
    access.log_bulk_read(actor, [person.iin], what=Seen.EMPLOYMENT, purpose=Purpose.EMPLOYMENT)


def placement_get(*, actor: Actor, placement_id: int) -> Placement:
    """A placement at an employer of the officer's region, its person's read logged."""
    found = (
        Placement.objects.select_related("employer", "person")
        .filter(pk=placement_id, employer__in=employers_of(actor=actor))
        .first()
    )
    if found is None:
        raise access.not_yours()
    _logged(actor, found.person)
    return found


def workplace_get(*, actor: Actor, workplace_id: int) -> SpecialWorkplace:
    """A special workplace at an employer of the officer's region, its person's read logged."""
    found = (
        SpecialWorkplace.objects.select_related("placement__employer", "placement__person")
        .filter(pk=workplace_id, placement__employer__in=employers_of(actor=actor))
        .first()
    )
    if found is None:
        raise access.not_yours()
    _logged(actor, found.placement.person)
    return found


def compliance_of_list(employers: list[Employer]) -> list[Compliance]:
    return compliance_of(employers, this_month())


def equipment_paid(workplace: SpecialWorkplace) -> bool:
    return (
        Transfer.objects.filter(
            purpose_kind=Transfer.Purpose.WORKPLACE_EQUIPMENT, purpose_id=workplace.pk
        )
        .exclude(state=Transfer.State.REJECTED)
        .exists()
    )
