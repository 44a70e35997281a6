"""The one exception the rule language raises: a refusal with its place and cause, read in the
language of whoever reads it.

The library imports no Django, so it cannot ask for the active language: a refusal keeps its
English message id and its parameters, and the caller renders it in its reader's language
(``error.text(language)``) from the library's own catalogue, read with the standard library's
``gettext``. ``str(error)`` stays English, for logs. See docs/rules.md, "Messages".
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

# The library's catalogue: ``locale/{kk,ru,en}/LC_MESSAGES/django.po``. It bears the name
# Django's ``makemessages`` gives a catalogue, so ``make messages`` keeps it current and
# ``compilemessages`` compiles it like every app's; only this module reads it.
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "django"
ENGLISH = "en"


def _(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated when a refusal is rendered."""
    return message


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def language_code(language: str | None) -> str:
    """``kk``, ``ru``, ``en`` from a code as Django (``ru``, ``en-us``) or the environment
    (``kk_KZ.UTF-8``) names it."""
    if not language:
        return ENGLISH
    return language.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()


class Count(int):
    """A number a message shows grouped by thousands, as its language writes them: 20,000 in
    English, 20 000 in Kazakh and Russian (line numbers and years stay plain ints)."""

    def shown(self, language: str) -> str:
        grouped = f"{int(self):,}"
        return grouped if language == ENGLISH else grouped.replace(",", "\N{NO-BREAK SPACE}")


def _shown(value: object, language: str) -> object:
    return value.shown(language) if isinstance(value, Count) else value


def translate(
    message: str, language: str | None, params: Mapping[str, object] | None = None
) -> str:
    """``message`` (an English message id of the library) in ``language``, its ``%(name)s``
    placeholders filled from ``params``; English for a language without a catalogue."""
    code = language_code(language)
    text = message if code == ENGLISH else _catalogue(code).gettext(message)
    if not params:
        return text
    values = {name: _shown(value, code) for name, value in params.items()}
    try:
        return text % values
    except (KeyError, ValueError, TypeError):  # a translation whose placeholders went wrong
        return message % {name: _shown(value, ENGLISH) for name, value in params.items()}


class RuleError(Exception):
    """A rule file (or a rule test) that cannot be loaded, checked or evaluated.

    ``message_id`` is the English message as marked with ``_`` (the catalogue's key), ``params``
    fill its named placeholders; ``file`` and ``line`` (1-based) name the place. ``message`` and
    ``str()`` (``file:line: message``) are English, for logs and tests; ``text(language)`` reads
    ``file:line: message`` in the reader's language.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "<rule>",
        line: int | None = None,
        **params: object,
    ) -> None:
        self.message_id = message
        self.params = params
        self.message = translate(message, ENGLISH, params)  # the English text, for logs
        self.file = file
        self.line = line
        super().__init__(f"{self.place}: {self.message}")

    @property
    def place(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def cause(self, language: str | None) -> str:
        """The message alone, in ``language``."""
        return translate(self.message_id, language, self.params)

    def text(self, language: str | None) -> str:
        """``file:line: message``, the message in ``language``."""
        return f"{self.place}: {self.cause(language)}"

    def as_data(self) -> dict[str, object]:
        """The refusal as JSON data, to be read later in its reader's language (``from_data``):
        a parameter that is not a JSON scalar is kept as the text the message shows."""
        params = {
            name: value if isinstance(value, bool | int | float | str | None) else str(value)
            for name, value in self.params.items()
        }
        return {"message": self.message_id, "params": params, "file": self.file, "line": self.line}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RuleError:
        params = data.get("params") or {}
        return cls(str(data["message"]), file=str(data["file"]), line=data.get("line"), **params)


class Message(str):
    """A message of the library that is not a refusal (a rule test's failed expectation). As a
    text it is ``file:line: message`` in English, like ``str(RuleError)``; ``text(language)``
    reads it in another language from its English id and parameters."""

    message_id: str
    params: Mapping[str, object]
    file: str
    line: int | None

    def __new__(
        cls,
        message: str,
        params: Mapping[str, object] | None = None,
        file: str = "<rule>",
        line: int | None = None,
    ) -> Message:
        place = f"{file}:{line}" if line is not None else file
        self = super().__new__(cls, f"{place}: {translate(message, ENGLISH, params)}")
        self.message_id, self.params, self.file, self.line = message, dict(params or {}), file, line
        return self

    def text(self, language: str | None) -> str:
        place = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{place}: {translate(self.message_id, language, self.params)}"
