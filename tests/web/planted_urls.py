"""The project's pages and four planted with a server error, for the proof that the hostile
page sweep finds a 500 behind a query value, a form value, a path value and one role's gate
(``test_the_sweep_finds_a_planted_server_error`` in test_hostile_requests.py).

Each planted page lets in only the district officer, who is not the first role the sweep
tries, and breaks on a value that is not the first the sweep sends."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import path

from inclusio.urls import urlpatterns as project_urlpatterns

# Values of the sweep's HOSTILE, none of them its first (the test checks it).
QUERY_VALUE, FORM_VALUE, PATH_VALUE = "٣٤", "\x00", "2024-02-30"
LET_IN = "sweep_district_officer"
BROKEN_GATE = "sweep_auditor"  # the last role the sweep tries


def _gate(request: HttpRequest) -> HttpResponse | None:
    if request.user.get_username() == BROKEN_GATE:
        raise RuntimeError("planted: the auditor's gate breaks")
    if request.user.get_username() != LET_IN:
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


planted_urlpatterns = [
    path("planted/query/", by_query, name="planted_query"),
    path("planted/form/", by_form, name="planted_form"),
    path("planted/path/<str:value>/", by_path, name="planted_path"),
]
urlpatterns = [*planted_urlpatterns, *project_urlpatterns]
