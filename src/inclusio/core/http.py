"""Turning domain refusals into HTTP answers for the server-rendered pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from inclusio.core.errors import AccessDenied, DomainError, NotFound, RateLimited

View = Callable[..., HttpResponse]


def refusals_as_http(view: View) -> View:
    """AccessDenied → the 403 page, NotFound → the 404 page, RateLimited → the 429 page with
    Retry-After, with the translated message."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except RateLimited as exc:
            response = render(args[0], "429.html", {"message": exc.message}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapped


def add_domain_error(form: forms.Form, error: DomainError, field: str | None = None) -> None:
    """Show a refusal on the form, with its stable code, next to ``field`` or at the top."""
    form.add_error(field, forms.ValidationError(error.message, code=error.code))
