"""Reads of special social services: a person's needs, placements and waiting places (for the
person, their representative and officers of their region, logged), the providers a person
chooses from with each one's record, a provider's attendance sheet, and the inspectors'
worklists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio.core import access
from inclusio.core.audit import Actor
from inclusio.core.errors import NotFound
from inclusio.core.models import Purpose, Seen, User
from inclusio.core.roles import SOCIAL_ATTENDANCE_CONFIRM, SOCIAL_INSPECT
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.registry import selectors as registry
from inclusio.registry.models import Person
from inclusio.socialservices import services
from inclusio.socialservices.errors import ErrorCode
from inclusio.socialservices.models import (
    Attendance,
    ControlPlan,
    Inspection,
    Licence,
    Need,
    Placement,
    PlanEntry,
    Prescription,
    Provider,
    SocialOrderProject,
    WaitingEntry,
)

RECENT_INSPECTIONS = 3


@dataclass(frozen=True)
class NeedView:
    need: Need
    placement: Placement | None
    waiting: list[tuple[WaitingEntry, int]]  # each entry and its position


def services_of(*, actor: Actor, iin: str) -> tuple[Person, list[NeedView]]:
    """A person's needs with their placement or waiting places; logged for anyone but the
    person; anyone without a right to see answers as for an unknown IIN."""
    person = registry.person_get(
        actor=actor, iin=iin, what=Seen.SOCIAL_SERVICES, purpose=Purpose.SOCIAL_SERVICES
    )
    needs = (
        Need.objects.filter(person=person)
        .select_related("placement__provider")
        .prefetch_related(
            Prefetch(
                "waiting",
                queryset=WaitingEntry.objects.filter(left_at__isnull=True).select_related(
                    "provider"
                ),
            )
        )
    )
    views = []
    for need in needs:
        placement = getattr(need, "placement", None)
        waiting = [(entry, services.waiting_position(entry)) for entry in need.waiting.all()]
        views.append(NeedView(need=need, placement=placement, waiting=waiting))
    return person, views


def need_of(*, actor: Actor, person: Person, need_id: int) -> Need:
    """One of the person's needs (already seen through ``services_of``)."""
    need = Need.objects.filter(pk=need_id, person=person).select_related("person").first()
    if need is None:
        raise access.not_yours()
    return need


@dataclass(frozen=True)
class ProviderRecord:
    """A provider as a person sees it when choosing: free places, licence, the latest
    inspections and the prescriptions still open."""

    provider: Provider
    free: int
    licensed: bool
    inspections: list[Inspection]
    open_prescriptions: list[Prescription]


def providers_for(need: Need) -> list[ProviderRecord]:
    """The providers of the need's kind in the person's region, those with free places first,
    then by name."""
    providers = (
        Provider.objects.filter(region_id=need.person.region_id, kind=need.kind)
        .annotate(
            taken=Count(
                "placements",
                filter=Q(placements__starts__lte=need.ends, placements__ends__gte=need.starts),
            )
        )
        .prefetch_related(
            Prefetch("licences", queryset=Licence.objects.all()),
            Prefetch(
                "prescriptions",
                queryset=Prescription.objects.filter(remedied_on__isnull=True).select_related(
                    "finding"
                ),
                to_attr="open_prescriptions",
            ),
            Prefetch("inspections", queryset=Inspection.objects.order_by("-held_on", "-id")),
        )
    )
    records = [
        ProviderRecord(
            provider=provider,
            free=max(0, provider.places - provider.taken),
            licensed=any(licence.valid_on(need.starts) for licence in provider.licences.all()),
            inspections=list(provider.inspections.all())[:RECENT_INSPECTIONS],
            open_prescriptions=provider.open_prescriptions,
        )
        for provider in providers
    ]
    return sorted(records, key=lambda r: (r.free == 0, r.provider.name, r.provider.pk))


def requirement_name(code: str) -> str:
    """The standard's requirement in the reader's language (the code if it is unknown)."""
    names = services.requirements().get(code)
    if names is None:
        return code
    language = (get_language() or "kk")[:2]
    return names.get(language) or names["en"]


def requirement_choices() -> list[tuple[str, str]]:
    return [(code, requirement_name(code)) for code in services.requirements()]


def provider_get(*, provider_id: int) -> Provider:
    provider = Provider.objects.select_related("region").filter(pk=provider_id).first()
    if provider is None:
        raise NotFound(ErrorCode.PROVIDER_FIELD, _("No such provider."))
    return provider


@dataclass(frozen=True)
class SheetRow:
    placement: Placement
    attendance: Attendance | None


def attendance_sheet(*, actor: Actor, provider: Provider, month: dt.date) -> list[SheetRow]:
    """The provider's placements that meet ``month`` with their confirmed record; each person
    shown is logged as read by the provider for the service it gives them."""
    services.require_provider_staff(actor, provider)
    month = month.replace(day=1)
    end = services.month_end(month)
    placements = list(
        Placement.objects.filter(provider=provider, starts__lte=end, ends__gte=month)
        .select_related("need__person")
        .prefetch_related(Prefetch("attendance", queryset=Attendance.objects.filter(month=month)))
        .order_by("need__person__surname", "need__person__given_name", "id")
    )
    access.log_bulk_read(
        actor,
        [p.need.person.iin for p in placements],
        what=Seen.SOCIAL_SERVICES,
        purpose=Purpose.SOCIAL_SERVICES,
    )
    return [
        SheetRow(placement=p, attendance=next(iter(p.attendance.all()), None)) for p in placements
    ]


def my_providers(actor: Actor) -> list[Provider]:
    """The providers whose staff the account is."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        return []
    return list(Provider.objects.filter(staff=actor).order_by("name", "id"))


# --- worklists ----------------------------------------------------------------------------------


def worklist_inspection_plan(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the inspector: the current half-year's plan of their region, the highest risk first,
    the providers not yet inspected this half-year."""
    inspector = require_permission(actor, SOCIAL_INSPECT)
    half_year = services.half_year_of(timezone.localdate())
    rows = (
        PlanEntry.objects.filter(plan__half_year=half_year, inspections__isnull=True)
        .select_related("provider")
        .order_by("-score", "provider__bin")
    )
    if inspector.region_id is not None:
        rows = rows.filter(plan__region_id=inspector.region_id)
    found = page_of(rows, page)
    return Worklist(
        key="inspection_plan",
        title=_("Preventive-control plan: providers to inspect this half-year"),
        description=_(
            "Risk score: 3 for each complaint and 5 for each incident of the past six months, "
            "10 for each prescription past its deadline, 4 if not inspected in two years."
        ),
        template="socialservices/worklist_plan.html",
        page=found,
        rows=list(found.object_list),
        empty=_("No plan for this half-year yet, or every provider in it is inspected."),
    )


def worklist_overdue_prescriptions(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the inspector: prescriptions past their deadline and not followed up, the oldest
    deadline first."""
    inspector = require_permission(actor, SOCIAL_INSPECT)
    rows = overdue_prescriptions(region_code=inspector.region_id)
    found = page_of(rows, page)
    return Worklist(
        key="overdue_prescriptions",
        title=_("Overdue prescriptions"),
        description=_("Past their deadline and not yet followed up."),
        template="socialservices/worklist_prescriptions.html",
        page=found,
        rows=list(found.object_list),
        empty=_("No prescription is overdue."),
    )


def overdue_prescriptions(*, region_code: str | None) -> QuerySet[Prescription]:
    rows = (
        Prescription.objects.filter(remedied_on__isnull=True, deadline__lt=timezone.localdate())
        .select_related("provider", "finding")
        .order_by("deadline", "id")
    )
    return rows.filter(provider__region_id=region_code) if region_code is not None else rows


def worklist_attendance_to_confirm(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the provider's staff: their providers, each a link to the month's attendance."""
    require_permission(actor, SOCIAL_ATTENDANCE_CONFIRM)
    found = page_of(my_providers(actor), page)
    return Worklist(
        key="attendance_to_confirm",
        title=_("Monthly attendance to confirm"),
        template="socialservices/worklist_providers.html",
        page=found,
        rows=list(found.object_list),
        empty=_("Your account is not linked to a provider."),
    )


def region_plan(*, region_code: str | None, half_year: dt.date) -> ControlPlan | None:
    """The region's plan of the half-year, if made (none for a national account)."""
    if region_code is None:
        return None
    return ControlPlan.objects.filter(region_id=region_code, half_year=half_year).first()


@dataclass(frozen=True)
class SocialOrder:
    """A year of the state social order in a region (or the country): its projects and totals."""

    projects: list[SocialOrderProject]
    organisations: int
    budget_kzt: int
    persons_covered: int


def latest_order_year(region_code: str | None) -> int:
    """The latest year with a project of the region (or the country), else this year."""
    projects = SocialOrderProject.objects.all()
    if region_code is not None:
        projects = projects.filter(region_id=region_code)
    latest = projects.order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


def social_order(*, region_code: str | None, year: int) -> SocialOrder:
    projects = SocialOrderProject.objects.filter(year=year)
    if region_code is not None:
        projects = projects.filter(region_id=region_code)
    totals = projects.aggregate(
        organisations=Count("ngo_bin", distinct=True),
        budget=Sum("budget_kzt"),
        persons=Sum("persons_covered"),
    )
    return SocialOrder(
        projects=list(projects.select_related("region").order_by("region_id", "ngo_name", "id")),
        organisations=totals["organisations"] or 0,
        budget_kzt=totals["budget"] or 0,
        persons_covered=totals["persons"] or 0,
    )
