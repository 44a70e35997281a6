"""The stable codes of the refusals of the payments module.

Clients and tests match on these codes; a code never changes meaning once released. The IBAN and
treasury codes kept the values they had when they belonged to ``benefits``.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    IBAN_BANK_UNKNOWN = "IBAN_BANK_UNKNOWN"
    IBAN_CHECKSUM = "IBAN_CHECKSUM"
    IBAN_EXAMPLE = "IBAN_EXAMPLE"
    IBAN_FORMAT = "IBAN_FORMAT"
    NOT_PAYMENT_OFFICER = "NOT_PAYMENT_OFFICER"
    PAYMENT_ALREADY_MADE = "PAYMENT_ALREADY_MADE"
    STATUS_ALREADY_FINAL = "STATUS_ALREADY_FINAL"
    STATUS_REPORT_DUPLICATE = "STATUS_REPORT_DUPLICATE"
    STATUS_REPORT_EMPTY = "STATUS_REPORT_EMPTY"
    STATUS_REPORT_MALFORMED = "STATUS_REPORT_MALFORMED"
    STATUS_REPORT_TOO_LARGE = "STATUS_REPORT_TOO_LARGE"
    STATUS_REPORT_UNKNOWN_FILE = "STATUS_REPORT_UNKNOWN_FILE"
    STATUS_UNKNOWN_PAYMENT = "STATUS_UNKNOWN_PAYMENT"
    TREASURY_UNSET = "TREASURY_UNSET"
