"""Domain errors with stable codes.

Every refusal the platform gives carries a code that never changes (clients and tests match on
it) and a message in the user's language. The API and the pages map these to HTTP answers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class ErrorCode(StrEnum):
    """Codes shared by every app: identifiers, scope, dated parameters. Each app keeps its own
    codes in ``<app>/errors.py`` as an ``ErrorCode`` enum like this one."""

    AGENCY_REQUIRED = "AGENCY_REQUIRED"
    BIN_CHECKSUM = "BIN_CHECKSUM"
    BIN_LENGTH = "BIN_LENGTH"
    BIN_NOT_DIGITS = "BIN_NOT_DIGITS"
    IIN_CHECKSUM = "IIN_CHECKSUM"
    IIN_DATE = "IIN_DATE"
    IIN_LENGTH = "IIN_LENGTH"
    IIN_NOT_DIGITS = "IIN_NOT_DIGITS"
    # Unknown and out of scope answer alike, so that nobody learns whether a record exists.
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    NOT_FOUND_OR_NOT_YOURS = "NOT_FOUND_OR_NOT_YOURS"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    PARAMETER_NOT_IN_FORCE = "PARAMETER_NOT_IN_FORCE"
    PURPOSE_NOT_REGISTERED = "PURPOSE_NOT_REGISTERED"
    PURPOSE_UNKNOWN = "PURPOSE_UNKNOWN"
    REQUEST_INVALID = "REQUEST_INVALID"
    TOO_MANY_LOOKUPS = "TOO_MANY_LOOKUPS"


class DomainError(Exception):
    """A refusal of a request; nothing was written."""

    status = 400

    def __init__(self, code: str, message: str | Promise, **params: Any) -> None:
        self.code = str(code)
        self._message = message
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(self._message) % self.params if self.params else str(self._message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ValidationFailed(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class AccessDenied(DomainError):
    status = 403


class RateLimited(DomainError):
    """Too many requests in the window; ``retry_after`` seconds until the next is let through."""

    status = 429

    def __init__(
        self, code: str, message: str | Promise, *, retry_after: int, **params: Any
    ) -> None:
        super().__init__(code, message, **params)
        self.retry_after = retry_after
