"""Pages read at 400 % zoom (a window 320 CSS pixels wide, WCAG 2.2 1.4.10 Reflow): the page
itself never scrolls sideways; a table stacks its cells under their headers instead."""

from __future__ import annotations

from typing import Any

import pytest

from inclusio.appeals.services import appeal_file
from inclusio.benefits.services import proposal_refuse
from inclusio.interop.attestations import attestation_issue
from tests.browser.benefits_data import make_offer
from tests.browser.conftest import login, url_of
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
