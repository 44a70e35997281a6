"""Pages of the emergency registry: the person's own entry (and their representative's and
officer's view of it), and the dispatcher's lookup, one screen readable at a glance."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from inclusio.core import access, submissions
from inclusio.core.errors import Conflict, DomainError, ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.emergency import areas, selectors, services, tokens
from inclusio.emergency.forms import AlertForm, ConsentForm, LookupForm, ResidenceForm, TokenForm
from inclusio.emergency.models import Alert, Residence
from inclusio.registry import selectors as registry
from inclusio.registry.models import Person


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    own = registry.own_person(request.user)
    represented = registry.represented_persons(request.user)
    if own is not None and not represented:
        return redirect("emergency:person", iin=own.iin)
    return render(request, "emergency/mine.html", {"own": own, "represented": represented})


def _page(
    request: HttpRequest,
    person: Person,
    residence: Residence | None,
    *,
    form: ResidenceForm | None = None,
    consent_form: ConsentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    consent = residence is not None and residence.basis == Residence.Basis.CONSENT
    context: dict[str, Any] = {
        "person": person,
        "residence": residence,
        "own": access.may_act_for(request.user, person),
        "consent": consent,
        "form": form or (ResidenceForm(instance=residence, consent=consent) if residence else None),
        "consent_form": consent_form or ConsentForm(),
        "alerts": selectors.alerts_of(person),
    }
    return render(request, "emergency/person.html", context, status=status)


@login_required
def person(request: HttpRequest, iin: str) -> HttpResponse:
    found, residence = selectors.residence_of(actor=request.user, iin=iin)
    return _page(request, found, residence)


@login_required
@require_POST
def update(request: HttpRequest, iin: str) -> HttpResponse:
    found, residence = selectors.residence_of(actor=request.user, iin=iin)
    consent = residence is not None and residence.basis == Residence.Basis.CONSENT
    form = ResidenceForm(request.POST, instance=residence, consent=consent)
    if residence is None:
        # No home kept, so the page shows no form to carry an error: the refusal goes above it.
        try:
            services.require_residence(found)
        except Conflict as exc:
            messages.error(request, exc.message)
            return _page(request, found, None, status=422)
        residence = Residence.objects.filter(person=found).first()  # came in meanwhile
        form = ResidenceForm(request.POST, instance=residence, consent=False)
    if form.is_valid():
        try:
            services.residence_update(actor=request.user, person=found, **form.cleaned_data)
        except (ValidationFailed, Conflict) as exc:
            add_domain_error(form, exc, exc.params.get("field"))
        else:
            messages.success(
                request, _("Saved. Rescuers will see it at an incident at this address.")
            )
            return redirect("emergency:person", iin=found.iin)
    residence = Residence.objects.filter(person=found).first()
    return _page(request, found, residence, form=form, status=422)


@login_required
@require_POST
def consent(request: HttpRequest, iin: str) -> HttpResponse:
    found, residence = selectors.residence_of(actor=request.user, iin=iin)
    form = ConsentForm(request.POST)
    if form.is_valid():
        give = form.cleaned_data["answer"] == ConsentForm.GIVE
        service = services.residence_consent_give if give else services.residence_consent_withdraw
        try:
            service(actor=request.user, person=found, reason=form.cleaned_data["reason"])
        except (ValidationFailed, Conflict) as exc:
            add_domain_error(form, exc, exc.params.get("field"))
        else:
            messages.success(
                request,
                _("Consent given: you can now add what rescuers should know.")
                if give
                else _("Consent withdrawn: everything it added has been deleted."),
            )
            return redirect("emergency:person", iin=found.iin)
    return _page(request, found, residence, consent_form=form, status=422)


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: the lookup (it is recorded, and logged for every person shown, so it
    is never a GET) and its answer on the same screen, printable."""
    if request.method != "POST":
        services.require_lookup(request.user)
        return render(request, "emergency/lookup.html", {"form": LookupForm()})
    form = LookupForm(request.POST)
    answer = None
    if form.is_valid():
        try:
            answer = services.residences_lookup(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:  # too many lookups: the 429 page, with Retry-After
            add_domain_error(form, exc, _field_of(exc))
    status = 200 if answer is not None or not form.errors else 422
    context = {
        "form": form,
        "answer": answer,
        # The homes found on a map beside the list, which stays the primary answer.
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "emergency/lookup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The dispatcher's API tokens, for the dispatch centre's system: create one (its clear
    value shown once, on this answer only) or revoke one."""
    services.require_lookup(request.user)
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                _token, created = tokens.dispatcher_token_create(
                    actor=request.user, name=form.cleaned_data["name"]
                )
            except ValidationFailed as exc:
                add_domain_error(form, exc, "name")
            else:
                form, status = TokenForm(), 200
    context = {
        "form": form,
        "created": created,
        "tokens": tokens.dispatcher_tokens(actor=request.user),
    }
    return render(request, "emergency/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    tokens.dispatcher_token_revoke(actor=request.user, token_id=token_id)
    messages.success(
        request, _("The token is revoked: the system using it is refused from now on.")
    )
    return redirect("emergency:tokens")


def _field_of(error: DomainError) -> str | None:
    field = error.params.get("field")
    return field if field in LookupForm.base_fields else None


def _alert_send(request: HttpRequest, form: AlertForm, area: areas.Area) -> str:
    alert = services.alert_send(actor=request.user, area=area, texts=form.texts())
    messages.success(
        request,
        ngettext(
            "The alert is on its way to %(count)s person.",
            "The alert is on its way to %(count)s persons.",
            alert.recipients,
        )
        % {"count": alert.recipients},
    )
    return reverse("emergency:alert", args=[alert.pk])


def _alert_form(request: HttpRequest) -> AlertForm:
    localities = services.alert_localities(request.user)
    if request.method == "POST":
        return AlertForm(request.POST, localities=localities)
    return AlertForm(localities=localities)


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """GET: the area and message form, and the latest alerts. POST: a preview (the count per
    language; it writes nothing) or the sending, which leads to the alert's page."""
    form = _alert_form(request)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            area = form.drawn()
            if form.cleaned_data["action"] == AlertForm.SEND:
                return submissions.once(request, run=lambda: _alert_send(request, form, area))
            preview = services.alert_preview(actor=request.user, area=area, texts=form.texts())
        except ValidationFailed as exc:
            field = exc.params.get("field")
            add_domain_error(form, exc, field if field in form.fields else None)
    context = {
        "form": form,
        "preview": preview,
        "languages": dict(settings.LANGUAGES),
        "recent": selectors.alerts_recent(actor=request.user),
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "emergency/alerts.html", context, status=status)


@login_required
def alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    report = selectors.alert_report(actor=request.user, pk=alert_id)
    alert = report.alert
    names = dict(services.alert_localities(request.user))
    localities = [names.get(code, code) for code in alert.geometry.get("regions", [])]
    return render(
        request,
        "emergency/alert.html",
        {
            "report": report,
            "alert": alert,
            "languages": settings.LANGUAGES,
            "localities": localities,
            # The map shows a circle or a polygon; localities are named above it.
            "drawable": alert.area != Alert.Area.LOCALITIES,
            "geometry": json.dumps(alert.geometry),
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
