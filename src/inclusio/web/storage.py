"""The static files' storage in production: whitenoise's compressed manifest, its addresses
kept once computed.

Every page's layout names six static files or more. The manifest that maps each to its hashed
name is read when the process starts and stays as it is until the next deployment, yet Django
works each address out again on every page (split, unquote, look up, join, quote): about 4 % of
the CPU of the dispatchers' lookup page (session 13). An address computed once is kept for the
life of the process.
"""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._addresses: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        # Not kept: a forced address (hashed even when debugging) and no name (Django's error).
        if force or name is None:
            return super().url(name, force)
        found = self._addresses.get(name)
        if found is None:  # a file missing from the manifest raises here, and is not kept
            found = self._addresses[name] = super().url(name)
        return found
