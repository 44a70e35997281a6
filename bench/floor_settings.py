"""The platform's settings with ``floor_app``'s two Django views in the namespace ``floor``,
which ``core.http.ApiShortcutMiddleware`` serves as it serves the DCI's (bench_http_floor.py)."""

from inclusio.settings import *  # noqa: F403
from inclusio.settings import API_SHORTCUT_NAMESPACES, API_SHORTCUT_PREFIXES

ROOT_URLCONF = "floor_app"
API_SHORTCUT_NAMESPACES = (*API_SHORTCUT_NAMESPACES, "floor")
API_SHORTCUT_PREFIXES = (*API_SHORTCUT_PREFIXES, "/floor/")
