"""A URL configuration in which the pages the navigation links to already exist."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def stand_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("stand-in")


registry = (
    [
        path("search/", stand_in, name="search"),
        path("persons/new/", stand_in, name="person_new"),
        path("me/", stand_in, name="me"),
        path("me/access-log/", stand_in, name="my_access_log"),
    ],
    "registry",
)
assessment = (
    [path("queue/", stand_in, name="queue"), path("new/", stand_in, name="referral_new")],
    "assessment",
)

urlpatterns = [path("i18n/", include("django.conf.urls.i18n"))]
urlpatterns += i18n_patterns(
    path("", include("inclusio.web.urls")),
    path("registry/", include(registry)),
    path("assessment/", include(assessment)),
)
