"""The project's pages and four planted with a server error, for the proof that the hostile
page sweep finds a 500 behind a query value, a form value, a path value, a query value read
only for a role the sweep does not send every value as first, and one role's gate
(``test_the_sweep_finds_a_planted_server_error`` in test_hostile_requests.py).

Each planted page lets in the district officer, who is not the first role the sweep tries,
and breaks on a value that is not the first the sweep sends."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import path

from inclusio.urls import urlpatterns as project_urlpatterns

# Values of the sweep's HOSTILE, none of them its first (the test checks it).
QUERY_VALUE, FORM_VALUE, PATH_VALUE, BRANCH_VALUE = "٣٤", "\x00", "2024-02-30", "0000-01"
LET_IN = "sweep_district_officer"
ALSO_LET_IN_TO_THE_BRANCH = "dana"  # the person, whom the sweep tries before the officer
BROKEN_GATE = "sweep_auditor"  # the last role the sweep tries


def _gate(request: HttpRequest, *also: str) -> HttpResponse | None:
    if request.user.get_username() == BROKEN_GATE:
        raise RuntimeError("planted: the auditor's gate breaks")
    if request.user.get_username() not in (LET_IN, *also):
        return HttpResponseForbidden()
    return None


def by_query(request: HttpRequest) -> HttpResponse:
    if refused := _gate(request):
        return refused
    if request.GET.get("q") == QUERY_VALUE:
        raise RuntimeError("planted: a query value breaks the page")
    return HttpResponse("ok")


def by_form(request: HttpRequest) -> HttpResponse:
    if refused := _gate(request):
        return refused
    if request.POST.get("iin") == FORM_VALUE:
        raise RuntimeError("planted: a form value breaks the page")
    return HttpResponse("ok")


def by_path(request: HttpRequest, value: str) -> HttpResponse:
    if refused := _gate(request):
        return refused
    if value == PATH_VALUE:
        raise RuntimeError("planted: a path value breaks the page")
    return HttpResponse("ok")


def by_branch(request: HttpRequest) -> HttpResponse:
    """The person is let in first and the page reads nothing for them; only the officer's
    branch reads the query."""
    if refused := _gate(request, ALSO_LET_IN_TO_THE_BRANCH):
        return refused
    if request.user.get_username() == LET_IN and request.GET.get("month") == BRANCH_VALUE:
        raise RuntimeError("planted: a query value breaks the officer's branch")
    return HttpResponse("ok")


planted_urlpatterns = [
    path("planted/branch/", by_branch, name="planted_branch"),
    path("planted/query/", by_query, name="planted_query"),
    path("planted/form/", by_form, name="planted_form"),
    path("planted/path/<str:value>/", by_path, name="planted_path"),
]
urlpatterns = [*planted_urlpatterns, *project_urlpatterns]
