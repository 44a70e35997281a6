from __future__ import annotations

from django import template
from django.conf import settings
from django.template import Context
from django.urls import get_script_prefix

from inclusio.web import addresses

register = template.Library()

# Each language named in itself, so a reader finds their own language whatever the page shows.
OWN_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


@register.simple_tag
def address(url_name: str) -> str:
    """``{% url %}`` for a page without arguments, reversed once per process and language
    (web.addresses): the layout's links, on every page."""
    return addresses.address(url_name)


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """(code, name in that language) for every configured language."""
    return [(code, OWN_NAMES.get(code, str(name))) for code, name in settings.LANGUAGES]


@register.simple_tag(takes_context=True)
def address_in_any_language(context: Context) -> str:
    """The current address without its language prefix: the language switch's ``next``.

    Django's set_language translates ``next`` only when it is in the language active for the
    switch request itself (taken from the cookie or the browser), so /kk/… sent from a browser
    set to English would come back as /kk/…. Without the prefix, LocaleMiddleware sends the
    reader on to the same page in the language just chosen.
    """
    address = context["request"].get_full_path()
    script_prefix = get_script_prefix()
    for code, _name in settings.LANGUAGES:
        language_prefix = f"{script_prefix}{code}/"
        if address.startswith(language_prefix):
            return script_prefix + address.removeprefix(language_prefix)
    return address
