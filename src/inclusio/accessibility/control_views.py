"""The inspector's pages of state control — worklist, plan, inspection form, inspection with its
prescriptions and fines, prescriptions and their extension, fines and their payment — and the
barrier report pages: the person's report and their reports, the inspector's moderation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inclusio.accessibility import barriers, control
from inclusio.accessibility.control_forms import (
    STATE_CHOICES,
    ExtendForm,
    FineForm,
    HalfYearForm,
    InspectionForm,
    ModerateForm,
    PaidForm,
    PlanForm,
    PlanSearchForm,
    ReportForm,
)
from inclusio.accessibility.criteria import criteria, standard
from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.models import Facility, PlannedInspection, Prescription
from inclusio.core.errors import DomainError, NotFound
from inclusio.core.http import add_domain_error
from inclusio.core.roles import ACCESSIBILITY_RECORD
from inclusio.core.worklists import require_permission


def _shown(worklist: Any) -> dict[str, Any]:
    return {"worklist": worklist}


def _refused_on(form: Any, exc: DomainError) -> int:
    """A refusal a form can show (bad input, a conflict) goes on the form; others propagate."""
    if exc.status not in (409, 422):
        raise exc
    add_domain_error(form, exc)
    return exc.status


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The inspector's worklist: inspections due, overdue prescriptions, reports to moderate."""
    require_permission(request.user, ACCESSIBILITY_RECORD)
    lists = [
        control.worklist_inspections_due(actor=request.user, page=request.GET.get("due")),
        control.worklist_accessibility_prescriptions_overdue(
            actor=request.user, page=request.GET.get("overdue")
        ),
        barriers.worklist_barrier_reports(actor=request.user, page=request.GET.get("reports")),
    ]
    return render(request, "accessibility/control/home.html", {"shown": [_shown(w) for w in lists]})


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """The region's plan of a half-year; POST puts a facility into it."""
    require_permission(request.user, ACCESSIBILITY_RECORD)
    year, half = control.half_year_of(timezone.localdate())
    chosen = HalfYearForm(request.GET or {"year": year, "half": half})
    if chosen.is_valid():
        year, half = chosen.cleaned_data["year"], chosen.cleaned_data["half"]
    form = PlanForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            control.plan_add(
                actor=request.user,
                facility_id=form.cleaned_data["facility"],
                year=year,
                half=half,
            )
        except DomainError as exc:
            if exc.status == 404:
                add_domain_error(form, exc, "facility")
                status = 422
            else:
                status = _refused_on(form, exc)
        else:
            messages.success(request, _("The facility is in the plan."))
            return redirect(f"{request.path}?year={year}&half={half}")
    elif request.method == "POST":
        status = 422
    rows = list(control.plan_of(request.user, year, half))
    search = PlanSearchForm(request.GET or None)
    searched = search.is_valid() and bool(search.cleaned_data["find"])
    candidates = (
        control.plan_candidates(request.user, search.cleaned_data["find"], year, half)
        if searched
        else []
    )
    return render(
        request,
        "accessibility/control/plan.html",
        {
            "chosen": chosen,
            "form": form,
            "rows": rows,
            "year": year,
            "half": half,
            "search": search,
            "searched": searched,
            "candidates": candidates,
        },
        status=status,
    )


def _inspectable(request: HttpRequest, facility_id: int) -> Facility:
    require_permission(request.user, ACCESSIBILITY_RECORD)
    return control.facility_for_inspection(request.user, facility_id)


@login_required
def inspect(request: HttpRequest, facility_id: int) -> HttpResponse:
    """The inspection form: findings zone by zone with measurements (``?planned=`` records the
    plan's inspection; without it, an unplanned one)."""
    facility = _inspectable(request, facility_id)
    planned: PlannedInspection | None = None
    planned_id = request.GET.get("planned", "")
    if planned_id:
        planned = control.planned_for(request.user, facility, planned_id)
    form = InspectionForm(
        request.POST or None,
        standard=standard(),
        initial={"inspected_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                recorded = control.inspection_record(
                    actor=request.user,
                    facility_id=facility.pk,
                    inspected_on=form.cleaned_data["inspected_on"],
                    results=form.results(),
                    planned_id=planned.pk if planned else None,
                    deadline=form.cleaned_data["deadline"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                status = _refused_on(form, exc)
            else:
                messages.success(request, _("The inspection is recorded."))
                return redirect("accessibility:inspection", inspection_id=recorded.inspection.pk)
    return render(
        request,
        "accessibility/control/inspect.html",
        {"facility": facility, "planned": planned, "form": form},
        status=status,
    )


def _prescription_rows(rows: Any) -> list[tuple[Prescription, str]]:
    known = criteria()
    return [(p, known[p.criterion].name() if p.criterion in known else p.criterion) for p in rows]


@login_required
def inspection(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """An inspection: its findings, the prescriptions it gave and followed up, its fines; POST
    imposes a fine."""
    found = control.inspection_get(request.user, inspection_id)
    issued = _prescription_rows(found.prescriptions.order_by("id"))
    followed = _prescription_rows(found.followed_up.order_by("id"))
    form = FineForm(
        request.POST or None,
        prescriptions=[(p.pk, name) for p, name in issued + followed],
        initial={"imposed_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        require_permission(request.user, ACCESSIBILITY_RECORD)
        status = 422
        if form.is_valid():
            try:
                control.fine_impose(
                    actor=request.user,
                    inspection_id=found.pk,
                    amount_mci=form.cleaned_data["amount_mci"],
                    imposed_on=form.cleaned_data["imposed_on"],
                    prescription_id=form.cleaned_data["prescription"],
                )
            except DomainError as exc:
                status = _refused_on(form, exc)
            else:
                messages.success(request, _("The fine is recorded."))
                return redirect("accessibility:inspection", inspection_id=found.pk)
    known = criteria()
    results = found.assessment.results if found.assessment else {}
    failing = set(control.failed(results)) if results else set()
    states = dict(STATE_CHOICES)
    findings = [
        (known[code].name(), states.get(row.get("state"), ""), row.get("value"), code in failing)
        for code, row in results.items()
        if code in known
    ]
    return render(
        request,
        "accessibility/control/inspection.html",
        {
            "inspection": found,
            "issued": issued,
            "followed": followed,
            "findings": findings,
            "fines": list(found.fines.all()),
            "form": form,
            "may_record": request.user.has_perm(ACCESSIBILITY_RECORD),
        },
        status=status,
    )


@login_required
@require_GET
def prescriptions(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    rows = _prescription_rows(control.prescriptions(request.user, status)[:200])
    return render(
        request,
        "accessibility/control/prescriptions.html",
        {"rows": rows, "status": status, "today": timezone.localdate()},
    )


@login_required
def prescription(request: HttpRequest, prescription_id: int) -> HttpResponse:
    """A prescription and its follow-up; POST extends its deadline with a reason."""
    found = control.prescription_get(request.user, prescription_id)
    form = ExtendForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require_permission(request.user, ACCESSIBILITY_RECORD)
        status = 422
        if form.is_valid():
            try:
                control.prescription_extend(
                    actor=request.user,
                    prescription_id=found.pk,
                    deadline=form.cleaned_data["deadline"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                status = _refused_on(form, exc)
            else:
                messages.success(request, _("The deadline is extended."))
                return redirect("accessibility:prescription", prescription_id=found.pk)
    name = _prescription_rows([found])[0][1]
    return render(
        request,
        "accessibility/control/prescription.html",
        {
            "prescription": found,
            "name": name,
            "form": form,
            "open": found.status == "open",
            "may_record": request.user.has_perm(ACCESSIBILITY_RECORD),
        },
        status=status,
    )


@login_required
def fines(request: HttpRequest) -> HttpResponse:
    """The region's fines; POST marks one paid."""
    rows = list(control.fines(request.user)[:200])
    form = PaidForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        require_permission(request.user, ACCESSIBILITY_RECORD)
        status = 422
        if form.is_valid():
            try:
                control.fine_paid(
                    actor=request.user,
                    fine_id=form.cleaned_data["fine"],
                    paid_on=form.cleaned_data["paid_on"],
                )
            except DomainError as exc:
                if exc.status == 404:
                    raise
                status = _refused_on(form, exc)
            else:
                messages.success(request, _("The fine is marked paid."))
                return redirect("accessibility:fines")
    return render(
        request,
        "accessibility/control/fines.html",
        {"rows": rows, "form": form, "may_record": request.user.has_perm(ACCESSIBILITY_RECORD)},
        status=status,
    )


# --- barrier reports ----------------------------------------------------------------------------


@login_required
def report(request: HttpRequest, facility_id: int) -> HttpResponse:
    """A signed-in person reports a barrier at a facility."""
    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None:
        raise NotFound(ErrorCode.FACILITY_NOT_FOUND, _("No such facility."))
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                barriers.report_submit(
                    actor=request.user,
                    facility_id=facility.pk,
                    text=form.cleaned_data["text"],
                    photo=form.cleaned_data["photo"],
                    photo_alt_text=form.cleaned_data["photo_alt_text"],
                )
            except DomainError as exc:
                if exc.status == 429:
                    raise
                status = _refused_on(form, exc)
            else:
                messages.success(request, _("Thank you: the report is sent to the inspector."))
                return redirect("accessibility:my_reports")
    return render(
        request,
        "accessibility/control/report.html",
        {"facility": facility, "form": form},
        status=status,
    )


@login_required
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accessibility/control/my_reports.html",
        {"reports": list(barriers.reports_of(request.user)[:100])},
    )


@login_required
def moderate(request: HttpRequest, report_id: int) -> HttpResponse:
    """The inspector reads a waiting report and accepts or rejects it."""
    found = barriers.report_waiting(request.user, report_id)
    form = ModerateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "accept":
                    barriers.report_accept(
                        actor=request.user, report_id=found.pk, note=form.cleaned_data["answer"]
                    )
                else:
                    barriers.report_reject(
                        actor=request.user, report_id=found.pk, reason=form.cleaned_data["answer"]
                    )
            except DomainError as exc:
                status = _refused_on(form, exc)
            else:
                messages.success(request, _("The report is moderated; the reporter sees it."))
                return redirect("accessibility:control")
    return render(
        request,
        "accessibility/control/moderate.html",
        {"report": found, "form": form},
        status=status,
    )


@login_required
@require_GET
def report_photo(request: HttpRequest, report_id: int) -> FileResponse:
    found = barriers.report_photo(request.user, report_id)
    try:
        stream = found.photo.open("rb")
    except FileNotFoundError:
        raise NotFound(
            ErrorCode.REPORT_NOT_FOUND, _("No such report, or not in your region.")
        ) from None
    response = FileResponse(stream, content_type=found.photo_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
