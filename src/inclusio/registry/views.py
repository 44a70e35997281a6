from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inclusio.core.errors import DomainError, ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import ACCESS_LOG_READ, PERSON_MANAGE
from inclusio.registry import population, selectors, services
from inclusio.registry.errors import ErrorCode
from inclusio.registry.forms import (
    AccessLogFilterForm,
    PersonRegisterForm,
    PersonSearchForm,
    PopulationLookupForm,
    initial_from_population,
)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        try:
            results = selectors.person_search(actor=request.user, query=form.cleaned_data["q"])
        except ValidationFailed as exc:
            add_domain_error(form, exc, "q")
    return render(request, "registry/search.html", {"form": form, "results": results})


@login_required
def person_card(request: HttpRequest, iin: str) -> HttpResponse:
    card = selectors.person_card(actor=request.user, iin=iin)
    return render(request, "registry/person_card.html", {"card": card})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    own = selectors.own_person(request.user)
    card = selectors.person_card(actor=request.user, iin=own.iin) if own else None
    return render(
        request,
        "registry/me.html",
        {
            "card": card,
            "represented": selectors.represented_persons(request.user),
        },
    )


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Who looked at my data — or, for a representative, at the data of whom they represent:
    a page at a time, filtered by period, kind of reader and outcome."""
    form = AccessLogFilterForm(request.GET)
    form.is_valid()  # the fields that do not validate filter nothing and say why
    iin = form.cleaned_data.get("iin") or ""
    if iin:
        # A malformed IIN is refused with its code on the 422 page (core/http.py).
        person = selectors.person_get(
            actor=request.user,
            iin=iin,
            what=Seen.ACCESS_LOG,
            purpose=Purpose.AUDIT,
            permission=ACCESS_LOG_READ,
        )
    else:
        own = selectors.own_person(request.user)
        if own is None:
            return render(request, "registry/access_log.html", {"person": None, "form": form})
        person = own
    filters = selectors.AccessLogFilter(
        since=form.cleaned_data.get("since"),
        until=form.cleaned_data.get("until"),
        reader=form.cleaned_data.get("reader") or "",
        outcome=form.cleaned_data.get("outcome") or "",
    )
    log = selectors.access_log_page(
        actor=request.user, person=person, filters=filters, page=request.GET.get("page")
    )
    page = log.page
    return render(
        request,
        "registry/access_log.html",
        {
            "person": person,
            "own": not iin,
            "form": form,
            "page": page,
            "entries": log.entries,
            "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filtered": any(filters.__dict__.values()),
        },
    )


# --- intake: registering a person -------------------------------------------------------------

# Which field of the registration form a refusal belongs to, by its code or its first word.
REGISTER_ERROR_FIELDS = {
    "IIN": "iin",
    "PERSON": "iin",
    "NAME": "surname",
    "REGION": "region",
    "OUT": "region",
}


def _field_for(code: str, fields: dict[str, str]) -> str | None:
    if code in (ErrorCode.IIN_BIRTH_DATE_MISMATCH,):
        return "birth_date"
    if code == ErrorCode.IIN_SEX_MISMATCH:
        return "sex"
    return fields.get(code) or fields.get(code.split("_")[0])


@login_required
@permission_required(PERSON_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    """Register a person: look the IIN up in the population register (GET), check and complete
    the details, register (POST)."""
    asked = request.GET if request.method == "GET" and request.GET else None
    lookup = PopulationLookupForm(asked, prefix="lookup")
    record = None
    looked_up = False
    initial: dict[str, Any] = {"region": getattr(request.user, "region_id", None)}
    if request.method == "GET" and lookup.is_valid():
        try:
            record = population.population_record(
                actor=request.user, iin=lookup.cleaned_data["iin"]
            )
        except ValidationFailed as exc:
            add_domain_error(lookup, exc, "iin")
        else:
            looked_up = True
            initial["iin"] = lookup.cleaned_data["iin"].strip()
            if record is not None:
                initial.update(initial_from_population(record))
    form = PersonRegisterForm(request.POST or None, initial=initial)
    if request.method == "POST":
        looked_up = True
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = services.person_create(
                    actor=request.user,
                    iin=data["iin"],
                    surname=data["surname"],
                    given_name=data["given_name"],
                    patronymic=data["patronymic"],
                    birth_date=data["birth_date"],
                    sex=data["sex"],
                    region_code=data["region"],
                    urban=data["residence"] == "urban",
                    address=data["address"],
                    phone=data["phone"],
                    preferred_language=data["preferred_language"],
                )
            except DomainError as exc:
                add_domain_error(form, exc, _field_for(exc.code, REGISTER_ERROR_FIELDS))
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": person})
                return redirect("registry:person", person.iin)
    return render(
        request,
        "registry/person_new.html",
        {"lookup": lookup, "form": form, "looked_up": looked_up, "record": record},
    )
