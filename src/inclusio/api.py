"""The HTTP API: one NinjaAPI, a router per domain. The schema is at /api/openapi.json and
its human-readable reference at /<language>/api-reference/ (web/api_reference.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from inclusio.accessibility.api import router as accessibility_router
from inclusio.api_errors import describe_errors
from inclusio.core.errors import DomainError, ErrorCode, RateLimited
from inclusio.emergency.api import router as emergency_router
from inclusio.marketplace.api import router as marketplace_router
from inclusio.registry.api import router as registry_router


class InclusioAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(*args, **kwargs)
        describe_errors(schema)
        return schema


# docs_url=None: Ninja's Swagger UI fails WCAG 2.2 AA; our own reference page replaces it.
api = InclusioAPI(title="Inclusio", version="1", urls_namespace="api", docs_url=None)
api.add_router("/v1/registry", registry_router)
api.add_router("/v1/accessibility", accessibility_router)
api.add_router("/v1/marketplace", marketplace_router)
api.add_router("/v1/emergency", emergency_router)


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message}, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = _error(request, exc.status, exc.code, exc.message)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        ErrorCode.NOT_AUTHENTICATED,
        _("Give a valid API token: Authorization: Bearer <token>."),
    )


@api.exception_handler(HttpError)
def request_unreadable(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """A body Ninja cannot parse (not JSON, or not an object): its status, in the API's shape."""
    return _error(
        request,
        exc.status_code,
        ErrorCode.REQUEST_INVALID,
        _("The request's body cannot be read: send a JSON object."),
    )


@api.exception_handler(ValidationError)
def request_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Parameters that fail the schema (a purpose outside the closed list, a missing one)."""
    names = sorted({str(error["loc"][-1]) for error in exc.errors if error.get("loc")})
    if "purpose" in names:
        return _error(
            request,
            422,
            ErrorCode.PURPOSE_UNKNOWN,
            _("Name why you read the data: purpose must be one of the closed list's codes."),
        )
    return _error(
        request,
        422,
        ErrorCode.REQUEST_INVALID,
        _("The request is not valid: check %(fields)s.") % {"fields": ", ".join(names)},
    )
