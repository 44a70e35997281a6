"""Pages of special social services: the person (or representative) choosing a provider and
seeing their placement, the officer recording a need, the provider's monthly attendance, and
the inspector's path — plan, inspection, prescription, follow-up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inclusio.core import access
from inclusio.core.appealing import appeal_windows
from inclusio.core.errors import DomainError
from inclusio.core.http import add_domain_error
from inclusio.core.models import Seen, User
from inclusio.core.roles import SOCIAL_INSPECT, SOCIAL_NEEDS_MANAGE
from inclusio.core.worklists import require_permission
from inclusio.registry import selectors as registry
from inclusio.registry.models import Person
from inclusio.socialservices import selectors, services
from inclusio.socialservices.forms import (
    AttendanceForm,
    ChooseForm,
    ComplaintForm,
    FollowUpForm,
    IncidentForm,
    InspectionForm,
    MonthForm,
    NeedForm,
    PlacementEndForm,
    SocialOrderProjectForm,
    YearForm,
)
from inclusio.socialservices.models import (
    Inspection,
    Placement,
    Prescription,
    Provider,
    Signal,
)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    own = registry.own_person(request.user)
    represented = registry.represented_persons(request.user)
    if own is not None and not represented:
        return redirect("socialservices:person", iin=own.iin)
    return render(request, "socialservices/mine.html", {"own": own, "represented": represented})


def _person_page(
    request: HttpRequest,
    iin: str,
    *,
    need_form: NeedForm | None = None,
    choose_errors: dict[int, DomainError] | None = None,
    end_form: tuple[int, PlacementEndForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    person, needs = selectors.services_of(actor=request.user, iin=iin)
    own = access.may_act_for(request.user, person)
    choices = {
        view.need.pk: selectors.providers_for(view.need)
        for view in needs
        if own and view.placement is None
    }
    officer = access.may(request.user, SOCIAL_NEEDS_MANAGE, person.region_id)
    today = timezone.localdate()
    end_forms = {
        view.placement.pk: PlacementEndForm(
            initial={"last_day": today}, prefix=f"end{view.placement.pk}"
        )
        for view in needs
        if (own or officer) and view.placement is not None and view.placement.ends > today
    }
    if end_form is not None:
        end_forms[end_form[0]] = end_form[1]
    # An early ending is a decision the person may appeal.
    windows = appeal_windows(
        "social_placement",
        {
            view.placement.pk: view.placement.ended_at
            for view in needs
            if own and view.placement is not None and view.placement.ended_at is not None
        },
    )
    context: dict[str, Any] = {
        "person": person,
        "needs": [
            (
                view,
                choices.get(view.need.pk),
                (choose_errors or {}).get(view.need.pk),
                end_forms.get(view.placement.pk) if view.placement else None,
                windows.get(view.placement.pk) if view.placement else None,
            )
            for view in needs
        ],
        "own": own,
        "officer": officer,
        "need_form": need_form or (NeedForm() if officer else None),
    }
    return render(request, "socialservices/person.html", context, status=status)


@login_required
def person(request: HttpRequest, iin: str) -> HttpResponse:
    return _person_page(request, iin)


@login_required
@require_POST
def need(request: HttpRequest, iin: str) -> HttpResponse:
    found: Person
    found, _needs = selectors.services_of(actor=request.user, iin=iin)
    # Only the officer's page has this form: anyone else is refused before it is read, so a
    # forged post never answers with the officer's form.
    access.require(
        request.user,
        SOCIAL_NEEDS_MANAGE,
        region_code=found.region_id,
        person_iin=found.iin,
        what=Seen.SOCIAL_SERVICES,
    )
    form = NeedForm(request.POST)
    if form.is_valid():
        try:
            services.need_record(actor=request.user, person=found, **form.cleaned_data)
        except DomainError as exc:
            if exc.status != 422:
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The need is recorded. The person can now choose."))
            return redirect("socialservices:person", iin=found.iin)
    return _person_page(request, iin, need_form=form, status=422)


@login_required
@require_POST
def choose(request: HttpRequest, iin: str, need_id: int) -> HttpResponse:
    found, _needs = selectors.services_of(actor=request.user, iin=iin)
    chosen = selectors.need_of(actor=request.user, person=found, need_id=need_id)
    form = ChooseForm(request.POST)
    provider = None
    if form.is_valid():
        provider = Provider.objects.filter(pk=form.cleaned_data["provider"]).first()
    if provider is None:
        return _person_page(request, iin, status=422)
    try:
        choice = services.provider_choose(actor=request.user, need=chosen, provider=provider)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return _person_page(request, iin, choose_errors={chosen.pk: exc}, status=exc.status)
    if choice.placement is not None:
        messages.success(request, _("You are placed with %(name)s.") % {"name": provider.name})
    else:
        messages.info(
            request,
            _("%(name)s has no free place: you are number %(position)s on its waiting list.")
            % {"name": provider.name, "position": choice.position},
        )
    return redirect("socialservices:person", iin=found.iin)


@login_required
@require_POST
def placement_end(request: HttpRequest, iin: str, social_placement_id: int) -> HttpResponse:
    found, needs = selectors.services_of(actor=request.user, iin=iin)
    placement = next(
        (
            view.placement
            for view in needs
            if view.placement and view.placement.pk == social_placement_id
        ),
        None,
    )
    if placement is None:
        raise access.not_yours()
    form = PlacementEndForm(request.POST, prefix=f"end{social_placement_id}")
    if form.is_valid():
        try:
            ended = services.placement_end(
                actor=request.user,
                placement=placement,
                last_day=form.cleaned_data["last_day"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            if exc.status not in (409, 422):
                raise
            add_domain_error(form, exc, exc.params.get("field"))
        else:
            messages.success(
                request,
                _("The placement ends on %(day)s.") % {"day": f"{ended.placement.ends:%Y-%m-%d}"},
            )
            return redirect("socialservices:person", iin=found.iin)
    return _person_page(request, iin, end_form=(social_placement_id, form), status=422)


def _month_of(request: HttpRequest) -> dt.date:
    form = MonthForm(request.GET)
    if form.is_valid():
        month: dt.date = form.cleaned_data["month"]
        return month.replace(day=1)
    return timezone.localdate().replace(day=1)


def _sheet(
    request: HttpRequest,
    provider: Provider,
    month: dt.date,
    *,
    error: AttendanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = selectors.attendance_sheet(actor=request.user, provider=provider, month=month)
    context = {
        "provider": provider,
        "month": month,
        "month_form": MonthForm(initial={"month": month}),
        "rows": rows,
        "error": error,
        "error_placement": error.cleaned_data.get("placement") if error is not None else None,
    }
    return render(request, "socialservices/attendance.html", context, status=status)


@login_required
def attendance(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get(provider_id=provider_id)
    month = _month_of(request)
    if request.method != "POST":
        return _sheet(request, provider, month)
    services.require_provider_staff(request.user, provider)
    form = AttendanceForm(request.POST)
    placement = None
    if form.is_valid():
        placement = Placement.objects.filter(
            pk=form.cleaned_data["placement"], provider=provider
        ).first()
    if placement is None:
        form.add_error(None, _("Give the days served, from 0 to 31, for a person on the list."))
        return _sheet(request, provider, month, error=form, status=422)
    try:
        services.attendance_confirm(
            actor=request.user, placement=placement, month=month, days=form.cleaned_data["days"]
        )
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        add_domain_error(form, exc, "days")
        return _sheet(request, provider, month, error=form, status=exc.status)
    messages.success(request, _("Confirmed."))
    return redirect(f"{request.path}?month={month:%Y-%m}")


def _inspector_of(request: HttpRequest, provider: Provider) -> bool:
    return access.may(request.user, SOCIAL_INSPECT, provider.region_id)


def _provider_page(
    request: HttpRequest,
    provider: Provider,
    *,
    form: InspectionForm | None = None,
    follow_up: FollowUpForm | None = None,
    complaint: ComplaintForm | None = None,
    incident: IncidentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    inspector = _inspector_of(request, provider)
    served = _served_persons(request, provider)
    staff = request.user.is_authenticated and provider.staff.filter(id=request.user.id).exists()
    inspections = list(
        Inspection.objects.filter(provider=provider)
        .prefetch_related("findings__prescription")
        .order_by("-held_on", "-id")
    )
    open_prescriptions = list(
        Prescription.objects.filter(provider=provider, remedied_on__isnull=True)
        .select_related("finding")
        .order_by("deadline", "id")
    )
    context = {
        "provider": provider,
        "licences": list(provider.licences.all()),
        "inspections": inspections,
        "open_prescriptions": open_prescriptions,
        "today": timezone.localdate(),
        "inspector": inspector,
        "form": form
        or (InspectionForm(requirements=selectors.requirement_choices()) if inspector else None),
        "follow_up": follow_up,
        "complaint": complaint
        or (ComplaintForm(persons=_choices(served), prefix="complaint") if served else None),
        "incident": incident or (IncidentForm(prefix="incident") if staff else None),
        # What people and staff reported in the past six months, for the region's inspectors.
        "signals": list(
            Signal.objects.filter(
                provider=provider, received__gte=timezone.localdate() - dt.timedelta(days=183)
            ).order_by("-received", "-id")
        )
        if inspector
        else [],
    }
    return render(request, "socialservices/provider.html", context, status=status)


def _served_persons(request: HttpRequest, provider: Provider) -> list[Person]:
    """The viewer, and those they represent, whom the provider serves, served or has waiting:
    who may complain about it."""
    own = registry.own_person(request.user)
    candidates = [*([own] if own else []), *registry.represented_persons(request.user)]
    return [person for person in candidates if services.served_by(provider, person)]


def _choices(persons: list[Person]) -> list[tuple[str, str]]:
    return [(person.iin, person.full_name) for person in persons]


@login_required
@require_POST
def complaint(request: HttpRequest, provider_id: int) -> HttpResponse:
    found = selectors.provider_get(provider_id=provider_id)
    served = _served_persons(request, found)
    if not served:
        raise access.not_yours()
    form = ComplaintForm(request.POST, persons=_choices(served), prefix="complaint")
    if form.is_valid():
        person = next(p for p in served if p.iin == form.cleaned_data["person"])
        try:
            services.complaint_file(
                actor=request.user, provider=found, person=person, text=form.cleaned_data["text"]
            )
        except DomainError as exc:
            if exc.status not in (422, 429):
                raise
            add_domain_error(form, exc, exc.params.get("field"))
            return _provider_page(request, found, complaint=form, status=exc.status)
        messages.success(
            request, _("Your complaint is sent to the inspectors of the provider's region.")
        )
        return redirect("socialservices:provider", provider_id=found.pk)
    return _provider_page(request, found, complaint=form, status=422)


@login_required
@require_POST
def incident(request: HttpRequest, provider_id: int) -> HttpResponse:
    found = selectors.provider_get(provider_id=provider_id)
    services.require_provider_staff(request.user, found)
    form = IncidentForm(request.POST, prefix="incident")
    if form.is_valid():
        try:
            services.incident_report(
                actor=request.user,
                provider=found,
                day=form.cleaned_data["day"],
                text=form.cleaned_data["text"],
            )
        except DomainError as exc:
            if exc.status != 422:
                raise
            add_domain_error(form, exc, exc.params.get("field"))
        else:
            messages.success(request, _("The incident is reported to the inspectors."))
            return redirect("socialservices:provider", provider_id=found.pk)
    return _provider_page(request, found, incident=form, status=422)


@login_required
def provider(request: HttpRequest, provider_id: int) -> HttpResponse:
    """The provider's record (anyone signed in: it is what a person sees when choosing); for an
    inspector of its region, the inspection form (POST records the inspection)."""
    found = selectors.provider_get(provider_id=provider_id)
    if request.method != "POST":
        return _provider_page(request, found)
    services.require_inspector(request.user, found.region_id)
    form = InspectionForm(request.POST, requirements=selectors.requirement_choices())
    if form.is_valid():
        data = form.cleaned_data
        findings = []
        if data["requirement"] or data["note"]:
            findings.append(
                services.FindingInput(data["requirement"], data["note"], data["deadline"])
            )
        try:
            services.inspection_record(
                actor=request.user,
                provider=found,
                held_on=data["held_on"],
                summary=data["summary"],
                findings=findings,
            )
        except DomainError as exc:
            if exc.status != 422:
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The inspection is recorded."))
            return redirect("socialservices:provider", provider_id=found.pk)
    return _provider_page(request, found, form=form, status=422)


@login_required
@require_POST
def follow_up(request: HttpRequest, provider_id: int) -> HttpResponse:
    found = selectors.provider_get(provider_id=provider_id)
    services.require_inspector(request.user, found.region_id)
    form = FollowUpForm(request.POST)
    prescription = None
    if form.is_valid():
        prescription = (
            Prescription.objects.filter(pk=form.cleaned_data["prescription"], provider=found)
            .select_related("finding__inspection", "provider")
            .first()
        )
    if prescription is None:
        form.add_error(None, _("Give the day it was remedied and what the follow-up found."))
        return _provider_page(request, found, follow_up=form, status=422)
    try:
        services.prescription_follow_up(
            actor=request.user,
            prescription=prescription,
            remedied_on=form.cleaned_data["remedied_on"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        add_domain_error(form, exc)
        return _provider_page(request, found, follow_up=form, status=exc.status)
    messages.success(request, _("The prescription is followed up and closed."))
    return redirect("socialservices:provider", provider_id=found.pk)


@login_required
def inspections(request: HttpRequest) -> HttpResponse:
    """The inspector's page: their region's plan of the half-year (POST makes it) and the
    overdue prescriptions."""
    inspector: User = require_permission(request.user, SOCIAL_INSPECT)
    region = inspector.region_id
    if request.method == "POST" and region is not None:
        try:
            services.control_plan_make(
                actor=request.user, region_code=region, day=timezone.localdate()
            )
        except DomainError as exc:
            if exc.status != 409:
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The plan of this half-year is made."))
        return redirect("socialservices:inspections")
    half_year = services.half_year_of(timezone.localdate())
    plan = selectors.region_plan(region_code=region, half_year=half_year)
    context = {
        "plan": plan,
        "entries": list(plan.entries.select_related("provider")) if plan else [],
        "half_year": half_year,
        "overdue": list(selectors.overdue_prescriptions(region_code=region)[:50]),
        "can_make": region is not None,
        "providers": list(
            Provider.objects.filter(region_id=region).order_by("name", "id")
            if region is not None
            else Provider.objects.none()
        ),
    }
    return render(request, "socialservices/inspections.html", context)


@login_required
def social_order(request: HttpRequest) -> HttpResponse:
    """The state social order of the officer's region (the country's for national staff), a
    year at a time; an officer of a region records its projects (POST)."""
    officer: User = require_permission(request.user, SOCIAL_NEEDS_MANAGE)
    region = officer.region_id
    chosen = YearForm(request.GET or None)
    year = chosen.cleaned_data["year"] if chosen.is_valid() else selectors.latest_order_year(region)
    form = SocialOrderProjectForm(initial={"year": year}) if region is not None else None
    status = 200
    if request.method == "POST":
        if region is None:
            raise access.not_yours()
        form = SocialOrderProjectForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                project = services.social_order_project_record(
                    actor=request.user, region_code=region, **form.cleaned_data
                )
            except DomainError as exc:
                if exc.status != 422:
                    raise
                add_domain_error(form, exc, exc.params.get("field"))
            else:
                messages.success(request, _("The project is recorded."))
                return redirect(f"{request.path}?year={project.year}")
    context = {
        "order": selectors.social_order(region_code=region, year=year),
        "year": year,
        "year_form": YearForm(initial={"year": year}),
        "form": form,
        "national": region is None,
    }
    return render(request, "socialservices/social_order.html", context, status=status)
