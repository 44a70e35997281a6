"""Pages of the housing waiting lists: the person's place with its reason, history and what the
state mortgages would cost; the officer's registration and decisions."""

from __future__ import annotations

from collections.abc import Callable
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
from inclusio.core.appealing import appeal_window
from inclusio.core.errors import DomainError
from inclusio.core.http import add_domain_error
from inclusio.core.roles import HOUSING_MANAGE
from inclusio.core.worklists import require_permission
from inclusio.housing import mortgage, selectors, services
from inclusio.housing.forms import (
    AllocationForm,
    DeclineForm,
    MortgageForm,
    RegistrationForm,
    RemovalForm,
)
from inclusio.housing.models import Registration
from inclusio.registry import selectors as registry


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    own = registry.own_person(request.user)
    represented = registry.represented_persons(request.user)
    if own is not None and not represented:
        return redirect("housing:person", iin=own.iin)
    return render(request, "housing/mine.html", {"own": own, "represented": represented})


def _page(
    request: HttpRequest,
    found: selectors.HousingFile,
    *,
    status: int = 200,
    **forms_given: forms.Form,
) -> HttpResponse:
    officer = access.may(request.user, HOUSING_MANAGE, found.person.region_id)
    price_form = MortgageForm(request.GET if "price" in request.GET else None)
    costs = None
    if price_form.is_bound and price_form.is_valid():
        costs = mortgage.costs(price_form.cleaned_data["price"], timezone.localdate())
    context: dict[str, Any] = {
        "file": found,
        "person": found.person,
        "registration": found.registration,
        "officer": officer,
        "price_form": price_form,
        "costs": costs,
        "allocation_form": forms_given.get("allocation_form") or AllocationForm(),
        "decline_form": forms_given.get("decline_form") or DeclineForm(),
        "removal_form": forms_given.get("removal_form") or RemovalForm(),
        "appealable": None,
    }
    decision = found.latest_decision
    if decision is not None and access.may_act_for(request.user, found.person):
        context["appealable"] = decision
        context["appeal_window"] = appeal_window("housing_position", decision.pk, decision.at)
    if price_form.is_bound and not price_form.is_valid() and status == 200:
        status = 422
    return render(request, "housing/person.html", context, status=status)


@login_required
def person(request: HttpRequest, iin: str) -> HttpResponse:
    return _page(request, selectors.housing_file(actor=request.user, iin=iin))


@login_required
def register(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, HOUSING_MANAGE)
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                found = selectors.person_for(actor=request.user, iin=data["iin"])
                registration = services.registration_create(
                    actor=request.user,
                    person=found,
                    registered_on=data["registered_on"],
                    category=data["category"],
                    category_document=data["category_document"],
                )
            except DomainError as exc:
                add_domain_error(form, exc, _field(form, exc))
                status = exc.status if exc.status != 404 else 422
            else:
                messages.success(
                    request,
                    _("Registered: number %(position)s in the list.")
                    % {"position": registration.position},
                )
                return redirect("housing:person", iin=found.iin)
    return render(request, "housing/register.html", {"form": form}, status=status)


def _field(form: forms.Form, error: DomainError) -> str | None:
    field = error.params.get("field")
    return field if field in form.fields else None


DECISIONS: dict[str, Callable[..., Registration]] = {
    "allocation_form": services.registration_allocate,
    "decline_form": services.registration_decline,
    "removal_form": services.registration_remove,
}


def _decide(request: HttpRequest, iin: str, form_class: type[forms.Form], key: str) -> HttpResponse:
    found = selectors.person_for(actor=request.user, iin=iin)
    registration = (
        Registration.objects.filter(person=found, status=Registration.Status.WAITING)
        .select_related("waiting_list", "person")
        .first()
    )
    form = form_class(request.POST)
    if form.is_valid():
        service = DECISIONS[key]
        try:
            if registration is None:
                raise services.closed()
            service(actor=request.user, registration=registration, **form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                raise
            add_domain_error(form, exc, _field(form, exc))
        else:
            messages.success(request, _("Recorded. The person sees it on their housing page."))
            return redirect("housing:person", iin=found.iin)
    # The person was read (and logged) above: the page shows that read, not a second one.
    return _page(request, selectors.housing_file_of(found), status=422, **{key: form})


@login_required
@require_POST
def allocate(request: HttpRequest, iin: str) -> HttpResponse:
    return _decide(request, iin, AllocationForm, "allocation_form")


@login_required
@require_POST
def decline(request: HttpRequest, iin: str) -> HttpResponse:
    return _decide(request, iin, DeclineForm, "decline_form")


@login_required
@require_POST
def remove(request: HttpRequest, iin: str) -> HttpResponse:
    return _decide(request, iin, RemovalForm, "removal_form")
