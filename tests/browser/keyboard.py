"""Driving a page by keyboard alone, as a person who uses no mouse does: Tab and Shift+Tab to
move, typing into the control that has the focus, Space and arrow keys for choices, Enter to
follow a link or send a form. No ``click()``, and no ``fill()`` of a control that has not been
reached. Every stop is checked: the focused control is visible and shows that it has the focus.
"""

from __future__ import annotations

from typing import Any

import pytest

# What the keyboard user sees of the focused control. USWDS hides a radio button or a check
# box and draws it (and its focus ring) on its label, so for those the label is what is seen.
_FOCUS_SHOWN = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  const drawnOnLabel = element.matches('input[type=radio], input[type=checkbox]')
    && element.labels && element.labels.length > 0;
  const seen = drawnOnLabel ? element.labels[0] : element;
  const rect = seen.getBoundingClientRect();
  const style = getComputedStyle(seen);
  const visible = rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden'
    && seen.checkVisibility();
  const ringOf = (s) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
    || (s.boxShadow && s.boxShadow !== 'none');
  const indicated = ringOf(getComputedStyle(element))
    || (drawnOnLabel && (ringOf(style) || ringOf(getComputedStyle(seen, '::before'))));
  return {visible, indicated, html: element.outerHTML.slice(0, 200)};
}"""


def focus_is_shown(page: Any) -> dict[str, Any]:
    """Assert that something has the focus, is visible and shows a focus style; its state."""
    state = page.evaluate(_FOCUS_SHOWN)
    assert state is not None, f"nothing has the focus on {page.url}"
    assert state["visible"], f"the focused control is not visible: {state['html']}"
    assert state["indicated"], f"the focused control shows no focus style: {state['html']}"
    return state


def has_focus(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
        )
    )


def tab_to(page: Any, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the control ``selector`` has the focus; fail if the
    keyboard never reaches it. The focus must be shown at every stop on the way."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("() => document.activeElement === document.body"):
            continue  # past the end of the page, before the focus wraps to the browser's UI
        focus_is_shown(page)
        if has_focus(page, selector):
            return
    pytest.fail(f"{key} never reached {selector} on {page.url}")


def type_into(page: Any, selector: str, text: str, *, replace: bool = True) -> None:
    """Tab to a text control and type ``text``, replacing what it held (as Ctrl+A then typing
    does)."""
    tab_to(page, selector)
    if replace:
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.press("Delete")
    page.keyboard.type(text)


def press_and_wait(page: Any, key: str = "Enter") -> None:
    """Press ``key`` on the focused control and wait for the page the server answers with."""
    with page.expect_navigation():
        page.keyboard.press(key)


def follow(page: Any, selector: str) -> None:
    """Tab to a link or button and press Enter: the next page."""
    tab_to(page, selector)
    press_and_wait(page)


def send(page: Any, values: dict[str, str], button: str | None = None) -> None:
    """Type each value into its control, in order, then send the form: with Enter in the last
    field, or by tabbing on to ``button`` and pressing Enter there."""
    for selector, value in values.items():
        type_into(page, selector, value)
    if button is not None:
        tab_to(page, button)
    press_and_wait(page)


def choose_radio(page: Any, name: str, value: str) -> None:
    """Tab into a group of radio buttons and move with the arrow keys to ``value``: Tab
    reaches the group once, the arrows choose within it."""
    tab_to(page, f"input[type=radio][name={name!r}]")
    for _ in range(page.locator(f"input[type=radio][name={name!r}]").count() + 1):
        if has_focus(page, f"input[value={value!r}]"):
            break
        page.keyboard.press("ArrowDown")
        focus_is_shown(page)
    assert has_focus(page, f"input[value={value!r}]"), f"no radio button {name}={value}"
    page.keyboard.press("Space")  # the first of a group is focused without being chosen
    assert page.locator(f"input[name={name!r}][value={value!r}]").is_checked()


def choose_option(page: Any, selector: str, value: str) -> None:
    """Tab to a closed <select> and move with the arrow keys until ``value`` is chosen."""
    tab_to(page, selector)
    options = page.locator(f"{selector} option").count()
    page.keyboard.press("Home")
    for _ in range(options):
        if page.input_value(selector) == value:
            return
        page.keyboard.press("ArrowDown")
    assert page.input_value(selector) == value, f"{selector} has no option {value!r}"


def tick(page: Any, selector: str) -> None:
    """Tab to a check box and tick it with Space."""
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.locator(selector).is_checked()
