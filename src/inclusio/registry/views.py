from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inclusio.core.errors import ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import ACCESS_LOG_READ
from inclusio.registry import selectors
from inclusio.registry.forms import AccessLogFilterForm, PersonSearchForm


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
