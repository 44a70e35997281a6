"""Log filters."""

from __future__ import annotations

import logging

FORBIDDEN = 403


class RefusalsInOneLine(logging.Filter):
    """A refusal (403: no permission, a failed CSRF check) is an answer the platform meant to
    give, not a fault: its record keeps its one-line message and loses the traceback that
    Django attaches to it, which would only bury real errors in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == FORBIDDEN:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
