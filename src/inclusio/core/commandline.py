"""What the platform's commands share: the language they speak and reading their arguments."""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping

from django.conf import settings
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


# The language of a command's output when the environment names none the platform speaks.
COMMAND_LINE_DEFAULT_LANGUAGE = "en"


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language a command speaks: the user's, as the environment names it for every
    program, in gettext's order (``LANGUAGE``, a list such as ``ru:en``, then ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``, e.g. ``kk_KZ.UTF-8``); the first the platform speaks. English
    when none is set or none is spoken here, and for the C locale, where ``LANGUAGE`` is ignored
    as gettext ignores it."""
    environ = os.environ if environ is None else environ
    spoken = {code for code, _name in settings.LANGUAGES}
    locale = next(
        (environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), ""
    )
    wanted = [] if locale in ("", "C", "POSIX") else environ.get("LANGUAGE", "").split(":")
    for name in (*wanted, locale):
        # kk_KZ.UTF-8, ru_RU@euro, en-GB, pt: the language is what comes before the region.
        code = name.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
        if code in spoken:
            return code
    return COMMAND_LINE_DEFAULT_LANGUAGE
