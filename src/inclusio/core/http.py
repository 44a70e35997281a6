"""Turning domain refusals into HTTP answers for the server-rendered pages.

A view lets a :class:`DomainError` it cannot show on a form escape; :class:`RefusalMiddleware`
answers it with the page of its status (403, 404, 409, 422, or 400 for any other refusal), which
shows the translated message and the stable code. No view needs a decorator for this, so none
can forget it. The API maps the same errors to JSON in ``inclusio/api.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inclusio.core.errors import DomainError, RateLimited

# The statuses with a page of their own; any other refusal is answered as a 400.
REFUSAL_PAGES = {
    403: "403.html",
    404: "404.html",
    409: "409.html",
    422: "422.html",
    429: "429.html",
}


def refusal_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The page of a refusal: its status, its message in the user's language, its code; a
    refusal for too many requests says when to try again (``Retry-After``)."""
    status = error.status if error.status in REFUSAL_PAGES else 400
    response = render(
        request,
        REFUSAL_PAGES.get(status, "400.html"),
        {"refusal": {"message": error.message, "code": error.code}},
        status=status,
    )
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def _is_page(request: HttpRequest) -> bool:
    """Not the API, which answers in JSON (``inclusio/api.py``)."""
    return not request.path_info.startswith("/api/")


class RefusalMiddleware:
    """Every domain refusal a view raises becomes its HTTP status, never a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and _is_page(request):
            # ``require_POST`` answers an address typed into the browser with an empty 405,
            # which the browser shows as its own error; the page says what happened, in the
            # user's language, and keeps the Allow header.
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return refusal_response(request, exception)
        return None


def add_domain_error(form: forms.BaseForm, error: DomainError, field: str | None = None) -> None:
    """Show a refusal on the form, with its stable code, next to ``field`` or at the top."""
    form.add_error(field, forms.ValidationError(error.message, code=error.code))
