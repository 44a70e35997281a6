"""The pages the accessibility test walks. Add yours at the end of PAGES.

Each entry names a page, how to reach it, and who looks at it:

    PageToCheck(
        "registry: person detail",              # test id; unique
        url_name="registry:person",             # or path="/kk/..." for a literal address
        kwargs=lambda user: {"pk": make_person().pk},  # builds URL arguments; gets the viewer
        user="staff_user",                      # a user fixture from tests/browser/conftest.py,
                                                # signed in through the real login form
    )

Optional: ``languages`` (default kk only; add "ru", "en" to check those too), ``status``
(the expected HTTP status), ``second_factor=False`` (staff stop at the code step) and
``interact`` (a function given the Playwright page after loading, e.g. to send a form empty so
that its errors are checked too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.browser.conftest import submit

ALL_LANGUAGES = ("kk", "ru", "en")


@dataclass(frozen=True)
class PageToCheck:
    name: str
    url_name: str | None = None
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    path: str | None = None
    user: str | None = None
    second_factor: bool = True
    languages: tuple[str, ...] = ("kk",)
    status: int = 200
    interact: Callable[[Any], None] | None = None


def send_the_login_form_half_filled(page: Any) -> None:
    page.fill("#id_username", "somebody")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def send_a_wrong_password(page: Any) -> None:
    page.fill("#id_username", "somebody")
    page.fill("#id_password", "not the password")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def send_a_wrong_code(page: Any) -> None:
    page.fill("#id_code", "12")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES: list[PageToCheck] = [
    # web: the layout, signing in, errors
    PageToCheck("home, anonymous", url_name="web:home", languages=ALL_LANGUAGES),
    PageToCheck("home, person", url_name="web:home", user="person_user", languages=ALL_LANGUAGES),
    PageToCheck("home, staff", url_name="web:home", user="staff_user", languages=ALL_LANGUAGES),
    PageToCheck("login", url_name="web:login", languages=ALL_LANGUAGES),
    PageToCheck(
        "login, form errors", url_name="web:login", interact=send_the_login_form_half_filled
    ),
    PageToCheck("login, wrong password", url_name="web:login", interact=send_a_wrong_password),
    PageToCheck(
        "second factor", url_name="web:second_factor", user="staff_user", second_factor=False
    ),
    PageToCheck(
        "second factor, wrong code",
        url_name="web:second_factor",
        user="staff_user",
        second_factor=False,
        interact=send_a_wrong_code,
    ),
    PageToCheck(
        "second factor enrolment",
        url_name="web:second_factor_enrol",
        user="staff_without_device",
        second_factor=False,
    ),
    PageToCheck("page not found", path="/{language}/no-such-page/", status=404),
]
