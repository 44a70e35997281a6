"""The stable codes of the refusals of the published statistics.

Clients and tests match on these codes; a code never changes meaning once released.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    DATASET_UNKNOWN = "DATASET_UNKNOWN"
    DATE_AFTER_SNAPSHOT = "DATE_AFTER_SNAPSHOT"
    DATE_BEFORE_HISTORY = "DATE_BEFORE_HISTORY"
    DOMAIN_FILE_INVALID = "DOMAIN_FILE_INVALID"
    FILE_UNKNOWN = "FILE_UNKNOWN"
    FILE_MISSING = "FILE_MISSING"
    HISTORY_INVALID = "HISTORY_INVALID"
    SNAPSHOT_INCOMPLETE = "SNAPSHOT_INCOMPLETE"
    THRESHOLD_TOO_SMALL = "THRESHOLD_TOO_SMALL"
