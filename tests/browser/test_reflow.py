"""Pages read at 400 % zoom (a window 320 CSS pixels wide, WCAG 2.2 1.4.10 Reflow): the page
itself never scrolls sideways; a table stacks its cells under their headers instead."""

from __future__ import annotations

from typing import Any

import pytest

from inclusio.appeals.services import appeal_file
from inclusio.benefits.services import proposal_refuse
from inclusio.interop.attestations import attestation_issue
from tests.browser.benefits_data import make_offer
from tests.browser.conftest import NARROW, SCROLL, login, url_of
from tests.factories import give_status
from tests.web.accounts import make_person_account

pytestmark = pytest.mark.browser

# What sticks out past the window's right edge: the page's width against the window's.
_WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  window: document.documentElement.clientWidth,
  past: [...document.querySelectorAll('main *')]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 5).map((e) => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 40)),
})"""


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_persons_appeals_and_attestations_fit_a_narrow_window(
    browser: Any, live_server: Any, language: str
) -> None:
    dana = make_person_account("dana")
    give_status(dana.person)
    refusal = proposal_refuse(actor=dana, proposal_id=make_offer(dana.person).pk)
    appeal_file(
        actor=dana, kind="benefit_decision", decision_id=refusal.pk, grounds="Not explained."
    )
    attestation_issue(actor=dana, iin=dana.person.iin, with_iin=False)
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        login(page, live_server, dana)
        for name, kwargs in [
            ("appeals:mine", {}),
            ("attestations:person", {"iin": dana.person.iin}),
        ]:
            page.goto(url_of(live_server, name, language, **kwargs))
            assert page.locator("main table").count() == 1
            widths = page.evaluate(_WIDTHS)
            assert widths["page"] <= widths["window"], (page.url, widths)
    finally:
        context.close()


# Every page of the accessibility walk (tests/browser/pages.py) is read at 320 px by its own
# axe test (test_accessibility.py), in its first language, after axe, in the same load; pages an
# entry reaches by acting on them (``interact``) are left to that walk. The four pages a review
# found too wide are read here in all three languages, each in its own test with a fresh
# database.
_REPORTED = (
    "home, district officer's worklists",
    "marketplace: the officer's register of suppliers",
    "social services: the state social order of the region",
    "marketplace: the supplier's dashboard with an order",
)


def _walk(
    browser: Any,
    live_server: Any,
    request: pytest.FixtureRequest,
    entries: list[Any],
    languages: tuple[str, ...] | None = None,
) -> tuple[int, list[str], list[str]]:
    """Read each entry at 320 px (in ``languages``, or its first one) in one browser context,
    each viewer signing in once; the count read, the pages that scroll sideways or answer
    another status, and the entries whose data clashed with an earlier entry's."""
    from django.db import transaction

    from tests.browser.test_accessibility import address

    context = browser.new_context(viewport=NARROW)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sessions: dict[tuple[str, bool], list[Any]] = {}
    problems: list[str] = []
    not_made: list[str] = []
    read = 0
    try:
        for entry in entries:
            user = request.getfixturevalue(entry.user) if entry.user else None
            context.clear_cookies()
            if user is not None:
                key = (entry.user or "", entry.second_factor)
                if key not in sessions:
                    login(page, live_server, user, second_factor=entry.second_factor)
                    sessions[key] = context.cookies()
                context.add_cookies(sessions[key])
            try:
                with transaction.atomic():
                    kwargs = entry.kwargs(user) if entry.kwargs else None
            except Exception as error:
                # Its data clashes with an earlier page's in this one database (the same
                # username, offer or supplier made twice).
                not_made.append(f"{entry.name}: {error!r}")
                continue
            for language in languages or entry.languages[:1]:
                response = page.goto(live_server.url + address(entry, language, user, kwargs))
                read += 1
                if response is None or response.status != entry.status:
                    status = response.status if response else None
                    problems.append(f"{entry.name} [{language}]: answered {status}, {page.url}")
                    continue
                widths = page.evaluate(SCROLL)
                if widths["page"] > widths["window"]:
                    problems.append(f"{entry.name} [{language}]: {widths}")
    finally:
        context.close()
    return read, problems, not_made


@pytest.mark.parametrize("name", _REPORTED)
def test_the_pages_found_too_wide_fit_in_every_language(
    browser: Any, live_server: Any, request: pytest.FixtureRequest, name: str
) -> None:
    from tests.browser.pages import ALL_LANGUAGES, PAGES

    (entry,) = [entry for entry in PAGES if entry.name == name]
    read, problems, not_made = _walk(browser, live_server, request, [entry], ALL_LANGUAGES)
    assert (read, not_made) == (3, [])
    assert not problems, "\n".join(problems)
