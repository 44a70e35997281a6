"""The HTTP API: one NinjaAPI, a router per domain. The schema is at /api/openapi.json and
its human-readable reference at /<language>/api-reference/ (web/api_reference.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from inclusio.core.errors import DomainError
from inclusio.registry.api import router as registry_router

# docs_url=None: Ninja's Swagger UI fails WCAG 2.2 AA; our own reference page replaces it.
api = NinjaAPI(title="Inclusio", version="1", urls_namespace="api", docs_url=None)
api.add_router("/v1/registry", registry_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, {"code": exc.code, "message": exc.message}, status=exc.status
    )
