from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inclusio.core.errors import DomainError
from inclusio.core.http import add_domain_error
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import PROGRAMME_REVISE
from inclusio.registry import selectors as registry_selectors
from inclusio.registry.models import Person
from inclusio.rehabilitation import selectors, services
from inclusio.rehabilitation.errors import ErrorCode
from inclusio.rehabilitation.forms import (
    ADD_ROW,
    RevisionForm,
    prescription_formset,
    with_a_row_more,
)
from inclusio.rehabilitation.selectors import ProgrammeView


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My rehabilitation programme, and links to the programmes of those I represent."""
    own = registry_selectors.own_person(request.user)
    view = (
        selectors.programme_view(actor=request.user, person=own, purpose=Purpose.REHABILITATION)
        if own
        else None
    )
    return _page(request, view, registry_selectors.represented_persons(request.user), own=True)


@login_required
@require_GET
def for_person(request: HttpRequest, iin: str) -> HttpResponse:
    """The programme of someone the user represents, or (staff) of a person of their region;
    unknown and out of scope answer alike."""
    person = registry_selectors.person_get(
        actor=request.user,
        iin=iin,
        purpose=Purpose.REHABILITATION,
        what=Seen.REHABILITATION_PROGRAMME,
    )
    if person.user_id == request.user.pk:
        return redirect("rehabilitation:mine")
    view = selectors.programme_view(
        actor=request.user, person=person, purpose=Purpose.REHABILITATION
    )
    return _page(request, view, [], own=False)


def _page(
    request: HttpRequest, view: ProgrammeView | None, represented: list[Person], *, own: bool
) -> HttpResponse:
    return render(
        request,
        "rehabilitation/programme.html",
        {
            "view": view,
            "represented": represented,
            "own": own,
            "may_revise": request.user.has_perm(PROGRAMME_REVISE),
        },
    )


@login_required
@require_GET
def rates(request: HttpRequest) -> HttpResponse:
    """The implementation rate by year: the officer's region, or every region and the country."""
    return render(
        request,
        "rehabilitation/rates.html",
        {"report": selectors.implementation_rates(actor=request.user)},
    )


@login_required
@permission_required(PROGRAMME_REVISE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def revise(request: HttpRequest, iin: str) -> HttpResponse:
    """The expertise revises the programme in force from today, with a reason the person reads;
    the rows start as the programme's items."""
    person = registry_selectors.person_get(
        actor=request.user,
        iin=iin,
        purpose=Purpose.EXPERTISE,
        what=Seen.REHABILITATION_PROGRAMME,
    )
    if request.method == "POST" and ADD_ROW in request.POST:
        form = RevisionForm(initial={"reason": request.POST.get("reason", "")})
        rows = with_a_row_more(request.POST)
    elif request.method == "POST":
        form, rows = RevisionForm(request.POST), prescription_formset(request.POST)
        if form.is_valid() and rows.sent_valid():
            try:
                services.programme_revise(
                    actor=request.user,
                    person=person,
                    prescription=rows.prescription(),
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                field = "reason" if exc.code == ErrorCode.REVISION_REASON_REQUIRED else None
                add_domain_error(form, exc, field)
            else:
                messages.success(request, _("The programme is revised; the person can read why."))
                return redirect("rehabilitation:for_person", person.iin)
    # Read (and logged) only for a page shown: a revision that succeeded redirects.
    view = selectors.programme_view(actor=request.user, person=person, purpose=Purpose.EXPERTISE)
    if request.method == "GET":
        form = RevisionForm()
        current = [{"category": i.category.code, "amount": i.amount} for i in view.items]
        rows = prescription_formset(initial=current, extra=1)
    return render(
        request,
        "rehabilitation/revise.html",
        {"view": view, "form": form, "prescription": rows},
    )
