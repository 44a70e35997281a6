from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from inclusio.core.models import Purpose, Seen
from inclusio.registry import selectors as registry_selectors
from inclusio.registry.models import Person
from inclusio.rehabilitation import selectors
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
        {"view": view, "represented": represented, "own": own},
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
