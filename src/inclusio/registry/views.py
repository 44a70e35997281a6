from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inclusio.core.access import may
from inclusio.core.errors import Conflict, ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import ACCESS_LOG_READ, PERSON_MANAGE
from inclusio.registry import selectors, services
from inclusio.registry.forms import AccessLogFilterForm, LifeEventForm, PersonSearchForm
from inclusio.registry.models import LifeEvent, Person


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
    context = {"card": card, **_life_events(request, card.person, LifeEventForm())}
    return render(request, "registry/person_card.html", context)


def _life_events(request: HttpRequest, person: Person, form: LifeEventForm) -> dict[str, Any]:
    """The life events of the person and the form to record one, for an officer who may
    record them (the person and a representative see neither)."""
    if not may(request.user, PERSON_MANAGE, person.region_id):
        return {}
    events = list(person.life_events.select_related("recorded_by").order_by("-date", "-id"))
    return {"life_form": form, "life_events": events}


@login_required
@require_POST
def life_event_record(request: HttpRequest, iin: str) -> HttpResponse:
    """An officer of the person's region records a death, emigration, imprisonment or release;
    a death, emigration or imprisonment stops the person's benefits from its date at once."""
    person = selectors.person_get(actor=request.user, iin=iin, what=Seen.RECORD_CHANGE)
    form = LifeEventForm(request.POST)
    if form.is_valid():
        try:
            event = services.person_life_event_record(
                actor=request.user, person=person, **form.cleaned_data
            )
        except (ValidationFailed, Conflict) as exc:
            add_domain_error(form, exc, "date" if exc.code.startswith("LIFE_EVENT_DATE") else None)
        else:
            messages.success(
                request,
                _("Recorded: %(event)s on %(date)s.")
                % {"event": LifeEvent.Kind(event.kind).label, "date": event.date.isoformat()},
            )
            return redirect("registry:person", iin=person.iin)
    card = selectors.person_card(actor=request.user, iin=person.iin)
    context = {"card": card, **_life_events(request, person, form)}
    return render(request, "registry/person_card.html", context, status=422)


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
