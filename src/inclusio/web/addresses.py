"""The addresses of pages without arguments, reversed once per process.

Every page's layout links to the home page, the language switch, the password change and the
sign-out, and its menu to a page per entry. Those addresses are fixed while the process runs for
a given language, script prefix and URL configuration, and reversing them on every page was a
tenth of a page's CPU (the menu's, session 8), then about 4 % (the layout's, session 13).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_ADDRESSES: dict[tuple[str, str, str, str], str] = {}


def address(url_name: str) -> str:
    """``reverse(url_name)``, kept by (URL name, language, script prefix, URL configuration).

    Raises NoReverseMatch, as ``reverse`` does, for a name that is not a page (not kept)."""
    urlconf = str(get_urlconf() or settings.ROOT_URLCONF)
    key = (url_name, get_language() or "", get_script_prefix(), urlconf)
    found = _ADDRESSES.get(key)
    if found is None:
        found = _ADDRESSES[key] = reverse(url_name)
    return found
