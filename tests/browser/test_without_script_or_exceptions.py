"""The pages work with JavaScript off, and nothing on them breaks the content security policy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from inclusio.core.models import User
from tests.browser.conftest import login, submit, url_of
from tests.web.accounts import current_code, enrolment_code_of

pytestmark = pytest.mark.browser


@pytest.fixture
def page_without_javascript(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def page_under_the_policy(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page with the content security policy enforced, and the list of its violations."""
    context = browser.new_context()  # no bypass_csp here
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page, violations
    context.close()


def test_signing_in_switching_language_and_out_without_javascript(
    page_without_javascript: Any, live_server: Any, staff_user: User
) -> None:
    page = page_without_javascript
    page.goto(url_of(live_server, "web:login"))
    page.fill("#id_username", "officer")
    page.fill("#id_password", "wrong")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()

    login(page, live_server, staff_user)
    assert page.url == url_of(live_server, "web:home")

    page.select_option("#language-select", "ru")
    submit(page, ".inclusio-header__language button")
    assert page.url == url_of(live_server, "web:home", "ru")
    assert page.get_attribute("html", "lang") == "ru"

    submit(page, "form[action$='/logout/'] button")
    assert page.locator("a[href$='/login/']").count() > 0  # signed out


def test_no_page_breaks_the_content_security_policy(
    page_under_the_policy: tuple[Any, list[str]],
    live_server: Any,
    staff_without_device: User,
) -> None:
    page, violations = page_under_the_policy
    response = page.goto(url_of(live_server, "web:home"))
    assert (
        response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    )
    page.goto(url_of(live_server, "web:login"))
    page.fill("#id_username", "somebody")
    submit(page)  # the error summary
    login(page, live_server, staff_without_device, second_factor=False)
    assert "/enrol/" in page.url
    page.fill("#id_enrolment_code", enrolment_code_of(staff_without_device))
    submit(page)  # then the QR code, a data: image
    assert page.locator("img.inclusio-qr-code").evaluate("img => img.naturalWidth") > 0
    page.fill("#id_code", current_code(staff_without_device))
    submit(page)
    assert page.url == url_of(live_server, "web:home")  # with a message
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link, with USWDS's script running
    assert violations == []
