"""The accessibility checks themselves: each must fail on a page with the problem it names."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, assert_keyboard_reachable, assert_reflows

pytestmark = pytest.mark.browser

GOOD = """<!DOCTYPE html><html lang="en"><head><title>Good</title>
<style>a:focus, input:focus, button:focus { outline: 3px solid blue; }</style></head><body>
<a href="#main-content">Skip to main content</a>
<main id="main-content" tabindex="-1"><h1>Good</h1>
<label for="name">Name</label> <input id="name"> <button>Send</button>
{extra}
</main></body></html>"""


def good_page(extra: str = "") -> str:
    return GOOD.replace("{extra}", extra)


def test_a_good_page_passes(page: Any) -> None:
    page.set_content(good_page())
    assert_accessible(page)
    assert_keyboard_reachable(page)
    assert_reflows(page)


def test_a_page_too_wide_for_a_narrow_window_is_found(page: Any) -> None:
    # 600 px fit the test's window; read at 320 px after the load, the page scrolls sideways.
    page.set_content(good_page('<p style="width: 600px">A fixed width</p>'))
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 1280
    with pytest.raises(AssertionError, match="scrolls sideways at 320 px"):
        assert_reflows(page)
    assert page.viewport_size == {"width": 1280, "height": 720}  # put back


def test_axe_finds_an_unlabelled_input(page: Any) -> None:
    page.set_content(good_page('<input id="nameless">'))
    with pytest.raises(pytest.fail.Exception, match=r"(?s)- label .*at #nameless"):
        assert_accessible(page)


def test_a_missing_focus_indicator_is_found(page: Any) -> None:
    page.set_content(good_page('<a href="/x" style="outline: none">Hidden focus</a>'))
    with pytest.raises(AssertionError, match="no visible focus indicator"):
        assert_keyboard_reachable(page)


def test_a_control_out_of_the_tab_order_is_found(page: Any) -> None:
    page.set_content(good_page('<div inert><a href="/elsewhere">Shown but inert</a></div>'))
    with pytest.raises(AssertionError, match="not reachable with Tab"):
        assert_keyboard_reachable(page)


def test_a_page_without_a_skip_link_fails(page: Any) -> None:
    page.set_content(
        good_page()
        .replace("Skip to main content", "Home")
        .replace('href="#main-content"', 'href="/"')
    )
    with pytest.raises(AssertionError, match="not the skip link"):
        assert_keyboard_reachable(page)
