"""The one exception the rule language raises: a refusal with its place and cause."""

from __future__ import annotations


class RuleError(Exception):
    """A rule file (or a rule test) that cannot be loaded, checked or evaluated.

    ``file`` and ``line`` (1-based) name the place; ``str()`` reads ``file:line: message``.
    """

    def __init__(self, message: str, *, file: str = "<rule>", line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        place = f"{file}:{line}" if line is not None else file
        super().__init__(f"{place}: {message}")
