"""Every page in pages.PAGES: in each of its languages axe finds no WCAG 2.2 AA violation;
in its first language the keyboard reaches everything, with the focus visible, and the page read
in a window 320 CSS pixels wide (400 % zoom, WCAG 2.2 1.4.10 Reflow) never scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils.translation import override

from tests.browser.conftest import (
    assert_accessible,
    assert_keyboard_reachable,
    assert_reflows,
    login,
    sign_in_by_cookie,
)
from tests.browser.pages import PAGES, PageToCheck

pytestmark = pytest.mark.browser

# A page seen the same way in several languages is one test: it signs in once and reads the page
# in each language in turn (each test costs a fresh database and a sign-in). A page whose check
# acts on it (sends a form, takes a step) is one test per language, each starting afresh.
CASES = [
    pytest.param(entry, languages, id=f"{entry.name} [{' '.join(languages)}]")
    for entry in PAGES
    for languages in (
        [(language,) for language in entry.languages] if entry.interact else [entry.languages]
    )
]


# The page's language, title and count of top headings in main, asked at once.
_OUTLINE = """() => [
  document.documentElement.lang, document.title, document.querySelectorAll('main h1').length,
]"""


def address(entry: PageToCheck, language: str, user: Any, kwargs: dict[str, Any] | None) -> str:
    if entry.path is not None:
        return entry.path.format(language=language)
    assert entry.url_name, f"{entry.name}: give url_name or path"
    with override(language):
        return reverse(entry.url_name, kwargs=kwargs)


@pytest.mark.parametrize(("entry", "languages"), CASES)
def test_page_is_accessible(
    entry: PageToCheck,
    languages: tuple[str, ...],
    page: Any,
    live_server: Any,
    request: pytest.FixtureRequest,
) -> None:
    user = request.getfixturevalue(entry.user) if entry.user else None
    if user is not None and entry.second_factor:
        sign_in_by_cookie(page, live_server, user)
    elif user is not None:  # the second factor's own pages: reached through the real form
        login(page, live_server, user, second_factor=False)
    kwargs = entry.kwargs(user) if entry.kwargs else None
    for language in languages:
        response = page.goto(live_server.url + address(entry, language, user, kwargs))
        assert response is not None and response.status == entry.status, page.url
        if entry.interact:
            entry.interact(page)

        lang, title, headings = page.evaluate(_OUTLINE)
        assert lang == language
        assert title.endswith(" — Inclusio")
        assert headings == 1, "a page has exactly one h1, inside main"
        assert_accessible(page)
        if language != languages[0]:
            continue
        # In the first language the test reads, the keyboard's walk, and the same load read
        # again in a narrow window (a page acted on is left to its own walk, as the narrow walk
        # of every page once did in test_reflow.py): no second load, test or database for it.
        # A page's controls, their order and their focus styles come from one template in every
        # language, which only changes their words: axe reads those in each one.
        assert_keyboard_reachable(page)
        if not entry.interact:
            assert_reflows(page)
