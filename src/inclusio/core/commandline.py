"""What the platform's commands share in reading their arguments."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def iso_date(text: str) -> datetime.date:
    """A ``--date YYYY-MM-DD`` argument; anything else stops the command with a clear message."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("Invalid date %(date)r: expected YYYY-MM-DD.") % {"date": text}
        ) from None
