"""The DCI standard's own OpenAPI file, read where the shared standards live (beside the
repository), never copied; requests and responses are checked against its schemas."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

SPEC_FILE = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "standards"
    / "dci-disability-registry-api-v1.0.0.yaml"
)

needs_spec = pytest.mark.skipif(
    not SPEC_FILE.exists(), reason=f"the DCI standard's OpenAPI file is not at {SPEC_FILE}"
)


@cache
def spec() -> dict[str, Any]:
    return dict(yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8")))


def _validator(schema: dict[str, Any]) -> OAS30Validator:
    # The path's schema with the file's components beside it, so that its "#/components/…"
    # references resolve as they do in the file.
    return OAS30Validator(
        {**schema, "components": spec()["components"]},
        format_checker=OAS30Validator.FORMAT_CHECKER,
    )


def request_errors(path: str, body: Any) -> list[str]:
    schema = spec()["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return [error.message for error in _validator(schema["schema"]).iter_errors(body)]


def response_errors(path: str, body: Any) -> list[str]:
    answer = spec()["paths"][path]["post"]["responses"]["default"]
    if "$ref" in answer:  # the asynchronous paths answer with the shared acknowledgement
        answer = spec()["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    schema = answer["content"]["application/json"]
    return [error.message for error in _validator(schema["schema"]).iter_errors(body)]


def error_errors(body: Any) -> list[str]:
    """Against ``HttpErrorResponse``, the standard's transport-error body."""
    schema = spec()["components"]["responses"]["HttpErrorResponse"]["content"]
    return [
        error.message
        for error in _validator(schema["application/json"]["schema"]).iter_errors(body)
    ]


def component_errors(name: str, body: Any) -> list[str]:
    """Against one of the standard's ``components/schemas`` (a schema no path uses, such as
    ``NotifyEventRequest``)."""
    validator = _validator({"$ref": f"#/components/schemas/{name}"})
    return [error.message for error in validator.iter_errors(body)]
