"""The HTTP API (OpenAPI at /api/docs): one NinjaAPI, a router per domain."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from inclusio.core.errors import DomainError
from inclusio.registry.api import router as registry_router

api = NinjaAPI(title="Inclusio", version="1", urls_namespace="api")
api.add_router("/v1/registry", registry_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, {"code": exc.code, "message": exc.message}, status=exc.status
    )
