"""The API reference as an ordinary page of the platform.

Swagger UI, which Django Ninja would serve, fails WCAG 2.2 AA (contrast, nested controls, small
targets) and cannot be translated; this page renders the same OpenAPI schema as headings and
tables in the accessible layout, and links the machine-readable schema for tools.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    parameters: list[dict[str, Any]]
    responses: list[tuple[str, str]]
    anchor: str


def operations(schema: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in sorted(schema.get("paths", {}).items()):
        for method in HTTP_METHODS:
            if method not in item:
                continue
            spec = item[method]
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=spec.get("summary", ""),
                    parameters=[
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": p.get("schema", {}).get("type", ""),
                        }
                        for p in spec.get("parameters", [])
                    ],
                    responses=[
                        (status, answer.get("description", ""))
                        for status, answer in sorted(spec.get("responses", {}).items())
                    ],
                    anchor=spec.get("operationId", f"{method}-{path}"),
                )
            )
    return found


@functools.cache
def _schema(language: str | None) -> Any:
    """The API's OpenAPI schema, built once a process and language: Ninja builds it afresh on
    each call (about a second of CPU), and it changes only with the code. Read, never changed."""
    from inclusio.api import api

    return api.get_openapi_schema(path_prefix="/api/")


def api_reference(request: HttpRequest) -> HttpResponse:
    schema = _schema(get_language())
    return render(
        request,
        "web/api_reference.html",
        {"info": schema["info"], "operations": operations(schema)},
    )
