from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inclusio.core.errors import ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.registry import selectors
from inclusio.registry.forms import PersonSearchForm


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        try:
            results = selectors.person_search(
                actor=request.user, query=form.cleaned_data["q"], purpose="registry search"
            )
        except ValidationFailed as exc:
            add_domain_error(form, exc, "q")
    return render(request, "registry/search.html", {"form": form, "results": results})


@login_required
def person_card(request: HttpRequest, iin: str) -> HttpResponse:
    card = selectors.person_card(actor=request.user, iin=iin, purpose="person card")
    return render(request, "registry/person_card.html", {"card": card})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    own = selectors.own_person(request.user)
    card = (
        selectors.person_card(actor=request.user, iin=own.iin, purpose="own record")
        if own
        else None
    )
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
    """Who looked at my data — or, for a representative, at the data of whom they represent."""
    iin = request.GET.get("iin")
    if iin:
        person = selectors.person_get(
            actor=request.user, iin=iin, purpose="access log", what="access_log"
        )
    else:
        own = selectors.own_person(request.user)
        if own is None:
            return render(request, "registry/access_log.html", {"person": None, "events": []})
        person = own
    events = selectors.access_log_about(actor=request.user, person=person)[:200]
    return render(request, "registry/access_log.html", {"person": person, "events": events})
