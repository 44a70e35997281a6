"""Turning domain refusals into HTTP answers for the server-rendered pages.

A view lets a :class:`DomainError` it cannot show on a form escape; :class:`RefusalMiddleware`
answers it with the page of its status (403, 404, 409, 422, or 400 for any other refusal), which
shows the translated message and the stable code. No view needs a decorator for this, so none
can forget it. The API maps the same errors to JSON in ``inclusio/api.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.exception import convert_exception_to_response
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string

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


# A connection that served an API request this recently is taken as alive: the next request's
# health check (CONN_HEALTH_CHECKS' SELECT 1 before its first query) is skipped. A connection
# left idle longer, or whose last request failed, is checked as before; one that died within
# the second fails its request, and Django closes it at the request's end.
HEALTHY_WITHIN_SECONDS = 1.0


class ApiShortcutMiddleware:
    """The machine-to-machine API's requests answered past the web's middleware.

    A path under one of ``settings.API_SHORTCUT_PREFIXES`` whose view lives in one of
    ``settings.API_SHORTCUT_NAMESPACES`` (the DCI server: agencies authenticated by a bearer
    token and a signature on every message; the dispatch systems' lookups, by a dispatcher's
    bearer token; never by a session or a cookie) needs none of what the pages need — the
    session, CSRF (its views are exempt), the signed-in account and its second factor, the
    flash messages, the staff idle sign-out, the refusal pages — and at hundreds of requests a
    second that work cost a good part of the server's CPU; so did the database connection's
    health check, skipped for a connection that served such a request within
    HEALTHY_WITHIN_SECONDS.

    Such a request goes through ``settings.API_MIDDLEWARE`` (the language of the answers'
    messages, Content-Length, the frame and content policies) to its view, and back through
    the middleware before this one (HSTS, nosniff): its security headers are a page's. An
    answer that says nothing about caching is not to be kept (``Cache-Control: no-store``),
    as no other API answer is. Any other path goes on through the whole list.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.namespaces = frozenset(settings.API_SHORTCUT_NAMESPACES)
        self.prefixes = tuple(settings.API_SHORTCUT_PREFIXES)
        handler: Callable[[HttpRequest], Any] = convert_exception_to_response(self._view)
        for path in reversed(settings.API_MIDDLEWARE):
            middleware = import_string(path)(handler)
            hooks = ("process_view", "process_exception", "process_template_response")
            if any(hasattr(middleware, hook) for hook in hooks):
                # Those hooks are the handler's to call: this chain would skip them.
                raise ImproperlyConfigured(f"{path} cannot be in API_MIDDLEWARE: it has {hooks}")
            handler = convert_exception_to_response(middleware)
        self.api = handler

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(self.prefixes):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.namespace not in self.namespaces:
            return self.get_response(request)
        request.resolver_match = match
        database = connections[DEFAULT_DB_ALIAS]
        answered_at = getattr(database, "inclusio_answered_at", None)
        if (
            database.connection is not None
            and answered_at is not None
            and time.monotonic() - answered_at < HEALTHY_WITHIN_SECONDS
        ):
            database.health_check_done = True  # type: ignore[attr-defined]
        response: HttpResponse = self.api(request)
        if response.status_code < 500 and not database.errors_occurred:
            database.inclusio_answered_at = time.monotonic()  # type: ignore[attr-defined]
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response

    @staticmethod
    def _view(request: HttpRequest) -> HttpResponse:
        match = request.resolver_match
        assert match is not None
        response = match.func(request, *match.args, **match.kwargs)
        if response is None:
            raise ValueError(f"The view {match.view_name} returned None.")
        return response
