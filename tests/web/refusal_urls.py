"""The project's pages, plus one page per kind of refusal, each raising its DomainError."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import AccessDenied, Conflict, DomainError, NotFound, ValidationFailed
from inclusio.core.identifiers import parse_iin
from inclusio.urls import urlpatterns as project_urlpatterns


class Unclassified(DomainError):
    """A refusal of no status the pages know: answered as a 400."""

    status = 418


def refuse(kind: type[DomainError]) -> object:
    def view(request: HttpRequest) -> HttpResponse:
        # A message from a real catalogue, so the test can see it translated.
        raise kind("TEST_REFUSAL", _("Page not found"))

    return view


def bad_iin(request: HttpRequest) -> HttpResponse:
    parse_iin("123")
    return HttpResponse("never")


def fault(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault, not a refusal")


urlpatterns = [
    *i18n_patterns(
        path("refuse/403/", refuse(AccessDenied)),
        path("refuse/404/", refuse(NotFound)),
        path("refuse/409/", refuse(Conflict)),
        path("refuse/422/", refuse(ValidationFailed)),
        path("refuse/other/", refuse(Unclassified)),
        path("refuse/iin/", bad_iin),
        path("fault/", fault),
    ),
    *project_urlpatterns,
]
