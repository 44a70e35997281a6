"""Pages of the employment app: the person's vacancies and placements, and the employment
officer's employers, quota compliance, vacancies, placements, special workplaces and report.
Thin: parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inclusio.core import access
from inclusio.core.errors import DomainError
from inclusio.core.http import add_domain_error
from inclusio.core.models import Purpose, Seen
from inclusio.employment import selectors, services
from inclusio.employment.forms import (
    EmployerForm,
    EmployerReportForm,
    PlacementForm,
    SubsidyForm,
    VacancyForm,
    WorkplaceForm,
)
from inclusio.employment.models import Employer, SpecialWorkplace, Vacancy
from inclusio.employment.quota import months_between
from inclusio.registry import selectors as registry

COMPLIANCE_MONTHS = 12


def _refused(form: forms.BaseForm, error: DomainError) -> None:
    field = error.params.get("field")
    add_domain_error(form, error, field if field in form.fields else None)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    own = registry.own_person(request.user)
    represented = registry.represented_persons(request.user)
    if own is not None and not represented:
        return redirect("employment:person", iin=own.iin)
    if own is None and not represented and request.user.has_perm(services.EMPLOYMENT_MANAGE):
        return redirect("employment:employers")
    return render(request, "employment/mine.html", {"own": own, "represented": represented})


@login_required
def person(request: HttpRequest, iin: str) -> HttpResponse:
    found = selectors.person_employment(actor=request.user, iin=iin)
    return render(
        request,
        "employment/person.html",
        {"found": found, "own": access.may_act_for(request.user, found.person)},
    )


@login_required
def employers(request: HttpRequest) -> HttpResponse:
    rows = selectors.employers_of(actor=request.user)
    # A regional officer registers the employers of their region; national staff only read.
    region = getattr(request.user, "region_id", None)
    form = EmployerForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                created = services.employer_create(
                    actor=request.user, region_code=region or "", **form.cleaned_data
                )
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("Employer registered."))
                return redirect("employment:employer", bin=created.bin)
    compliance = selectors.compliance_of_list(list(rows[:200]))
    return render(
        request,
        "employment/employers.html",
        {"compliance": compliance, "form": form, "regional": region is not None},
        status=status,
    )


def _employer_page(
    request: HttpRequest, employer: Employer, status: int = 200, **forms_given: Any
) -> HttpResponse:
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (COMPLIANCE_MONTHS - 1))).replace(day=1)
    months = months_between(first, today)
    vacancies = list(employer.vacancies.filter(state=Vacancy.State.OPEN))
    placement_form = forms_given.get("placement_form") or PlacementForm()
    placement_form.fields["vacancy"].widget.choices = [("", _("Not against a vacancy"))] + [
        (v.pk, v.title) for v in vacancies
    ]
    context = {
        "employer": employer,
        "compliance": list(reversed(selectors.employer_compliance(employer, months))),
        "vacancies": vacancies,
        "placements": selectors.placements_of(actor=request.user, employer=employer),
        "report_form": forms_given.get("report_form")
        or EmployerReportForm(
            initial={
                "headcount": employer.headcount,
                "hazardous_jobs": employer.hazardous_jobs,
                "iban": employer.iban,
            }
        ),
        "vacancy_form": forms_given.get("vacancy_form") or VacancyForm(),
        "placement_form": placement_form,
    }
    return render(request, "employment/employer.html", context, status=status)


@login_required
def employer(request: HttpRequest, bin: str) -> HttpResponse:
    return _employer_page(request, selectors.employer_get(actor=request.user, bin=bin))


@login_required
@require_POST
def employer_report(request: HttpRequest, bin: str) -> HttpResponse:
    found = selectors.employer_get(actor=request.user, bin=bin)
    form = EmployerReportForm(request.POST)
    if form.is_valid():
        try:
            services.employer_update(actor=request.user, employer=found, **form.cleaned_data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("employment:employer", bin=found.bin)
    return _employer_page(request, found, 422, report_form=form)


@login_required
@require_POST
def vacancy(request: HttpRequest, bin: str) -> HttpResponse:
    found = selectors.employer_get(actor=request.user, bin=bin)
    form = VacancyForm(request.POST)
    if form.is_valid():
        try:
            services.vacancy_publish(actor=request.user, employer=found, **form.cleaned_data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request, _("Vacancy published: job-seekers of the region whom it suits see it.")
            )
            return redirect("employment:employer", bin=found.bin)
    return _employer_page(request, found, 422, vacancy_form=form)


@login_required
@require_POST
def place(request: HttpRequest, bin: str) -> HttpResponse:
    found = selectors.employer_get(actor=request.user, bin=bin)
    form = PlacementForm(request.POST)
    if form.is_valid():
        try:
            person = registry.person_get(
                actor=request.user,
                iin=form.cleaned_data["iin"],
                what=Seen.EMPLOYMENT,
                purpose=Purpose.EMPLOYMENT,
                permission=services.EMPLOYMENT_MANAGE,
            )
            chosen = form.cleaned_data["vacancy"]
            services.placement_record(
                actor=request.user,
                person=person,
                employer=found,
                started=form.cleaned_data["started"],
                vacancy=found.vacancies.filter(pk=chosen).first() if chosen else None,
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            _refused(form, exc)
        else:
            messages.success(request, _("Placement recorded."))
            return redirect("employment:employer", bin=found.bin)
    return _employer_page(request, found, 422, placement_form=form)


@login_required
def workplace_new(request: HttpRequest, placement_id: int) -> HttpResponse:
    found = selectors.placement_get(actor=request.user, placement_id=placement_id)
    form = WorkplaceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.workplace_create(
                actor=request.user, placement=found, **form.cleaned_data
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Special workplace recorded."))
            return redirect("employment:workplace", workplace_id=made.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "employment/workplace_new.html", {"placement": found, "form": form}, status=status
    )


def _workplace_page(
    request: HttpRequest,
    found: SpecialWorkplace,
    form: SubsidyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "workplace": found,
        "months": list(found.subsidy_months.all()),
        "form": form or SubsidyForm(),
        "equipment_paid": selectors.equipment_paid(found),
    }
    return render(request, "employment/workplace.html", context, status=status)


@login_required
def workplace(request: HttpRequest, workplace_id: int) -> HttpResponse:
    return _workplace_page(
        request, selectors.workplace_get(actor=request.user, workplace_id=workplace_id)
    )


@login_required
@require_POST
def subsidy(request: HttpRequest, workplace_id: int) -> HttpResponse:
    found = selectors.workplace_get(actor=request.user, workplace_id=workplace_id)
    form = SubsidyForm(request.POST)
    if form.is_valid():
        try:
            paid = services.subsidy_month_pay(
                actor=request.user, workplace=found, **form.cleaned_data
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                _("Subsidy of %(month)s sent to be paid: %(amount)s KZT.")
                % {"month": f"{paid.month:%Y-%m}", "amount": paid.amount_kzt},
            )
            return redirect("employment:workplace", workplace_id=found.pk)
    return _workplace_page(request, found, form, 422)


@login_required
@require_POST
def equipment(request: HttpRequest, workplace_id: int) -> HttpResponse:
    found = selectors.workplace_get(actor=request.user, workplace_id=workplace_id)
    services.equipment_reimburse(actor=request.user, workplace=found)
    messages.success(request, _("Equipment reimbursement sent to be paid."))
    return redirect("employment:workplace", workplace_id=found.pk)


@login_required
def report(request: HttpRequest) -> HttpResponse:
    # The figures as of a 1 January (the seed reports them so), this year's unless asked.
    year = request.GET.get("year", "")
    asked = int(year) if len(year) == 4 and year.isascii() and year.isdigit() else 0
    on = dt.date(asked if 2000 <= asked <= 2100 else timezone.localdate().year, 1, 1)
    rows = selectors.support_report(actor=request.user, on=on)
    return render(
        request,
        "employment/report.html",
        {"rows": rows, "on": on, "total": sum(r.persons for r in rows)},
    )
