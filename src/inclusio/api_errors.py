"""The API's error answers: one schema for every refusal, and their OpenAPI declarations.

Every router declares these answers on each operation, so that clients generated from the
schema know each refusal's shape: ``{"code": ..., "message": ...}``, the message in the
language of ``Accept-Language``.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema

IIN_PATTERN = "^[0-9]{12}$"


class ErrorOut(Schema):
    code: str
    message: str


ERROR_RESPONSES: dict[int, str] = {
    401: "No token, or a token that is unknown or revoked.",
    403: "The token's account may not do this.",
    404: "No such person or record, or not yours to see (the two answer alike).",
    409: "The request conflicts with the record's current state.",
    422: "The request is not valid: a malformed IIN, a purpose outside the closed list or "
    "not registered for the token, a missing parameter; for a dispatcher's lookup, no incident, "
    "a radius over the limit or a place outside the country.",
    429: "Too many look-ups for this token (by IIN, or a dispatcher's lookups); wait the seconds "
    "in Retry-After.",
}


def describe_errors(schema: dict[str, Any]) -> None:
    """Say in each operation's error answers when they happen, and give a 429 its Retry-After
    header (Ninja names only the status)."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            for status, description in ERROR_RESPONSES.items():
                answer = responses.get(status, responses.get(str(status)))
                if answer is None:
                    continue
                answer["description"] = description
                if status == 429:
                    answer["headers"] = {
                        "Retry-After": {
                            "description": "Seconds until the next look-up is let through.",
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    }
