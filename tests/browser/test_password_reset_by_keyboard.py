"""A person who forgot their password resets it by keyboard alone: the sign-in page's link, their
IIN, the code read from the demonstration's outbox, a new password; then signs in with it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import url_of
from tests.browser.keyboard import follow, send
from tests.web.accounts import make_person_account

pytestmark = pytest.mark.browser

NEW = "a new and longer passphrase"


def test_a_person_resets_their_password_by_keyboard(page: Any, live_server: Any) -> None:
    account = make_person_account("amina")
    iin = account.person.iin
    page.goto(url_of(live_server, "web:login", "en"))
    follow(page, "a[href$='/password-reset/']")
    send(page, {"#id_identifier": iin})
    assert page.url.endswith("/en/password-reset/code/")

    outbox = page.context.new_page()
    outbox.goto(url_of(live_server, "web:outbox", "en"))
    code = re.search(r"is (\d{6})\.", outbox.locator("main table").inner_text())
    assert code is not None
    outbox.close()

    send(page, {"#id_code": code.group(1), "#id_new_password": NEW, "#id_new_password_again": NEW})
    assert page.url.endswith("/en/login/")
    assert page.locator(".usa-alert--success").is_visible()
    send(page, {"#id_username": account.get_username(), "#id_password": NEW})
    assert page.url.endswith("/en/")
    assert page.locator("text=Change password").is_visible()
