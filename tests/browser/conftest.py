"""Playwright with Debian's Chromium against pytest-django's live server.

The live server runs in another thread of this process and Playwright's sync API runs an event
loop in this one, so Django's guard against ORM calls inside an event loop is switched off here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from inclusio.core.audit import SYSTEM
from inclusio.core.models import User
from tests.web.accounts import (
    PASSWORD,
    current_code,
    make_account,
    make_person_account,
    make_staff_account,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
AXE_STATIC_PATH = "vendor/axe-core/axe.min.js"  # served with the pages' own static files
AXE = Path(__file__).resolve().parents[2] / "src/inclusio/web/static" / AXE_STATIC_PATH
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# --- browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(live_server: Any) -> Iterator[Any]:
    # Asking for the live server makes it stop only after the browser has closed its
    # keep-alive connections, so no server thread still holds a database connection then.
    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    # While Playwright's event loop runs in this thread, Django (asgiref) treats the thread as
    # asynchronous and keeps a second set of database connections. Close each set before the
    # switch, so none is left open when the test database is dropped.
    connections.close_all()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture(scope="session")
def _worker_context(browser: Any) -> Iterator[Any]:
    # bypass_csp lets a test inject its own scripts; the pages themselves are checked against
    # the policy in test_content_security_policy.py, with the policy on.
    context = browser.new_context(bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def context(_worker_context: Any) -> Iterator[Any]:
    """The worker's one browser context, emptied for each test: no cookie (so nobody is signed
    in), no granted permission, no page left open. It is kept rather than made anew for its HTTP
    cache: a new context fetched the style sheets, the script, the icons and eleven fonts again
    for its first page, 0.3-0.45 s of every test. The platform keeps nothing in the browser's
    storage. A test that needs another kind of browser (JavaScript off, a narrow window) makes
    a context of its own."""
    context = _worker_context
    context.clear_cookies()
    context.clear_permissions()
    context.set_default_timeout(10_000)
    yield context
    for page in context.pages:
        page.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture(autouse=True)
def _database_for_the_live_server(transactional_db: None) -> None:
    pass


# --- users ------------------------------------------------------------------------------------
# Named fixtures, so that tests/browser/pages.py can name the user a page is seen by.


@pytest.fixture
def person_user() -> User:
    return make_person_account("dana")


@pytest.fixture
def staff_user() -> User:
    """A district officer of Astana with a confirmed authenticator device."""
    return make_staff_account("officer")


@pytest.fixture
def staff_without_device() -> User:
    return make_staff_account("new_officer", with_device=False)


# --- helpers ----------------------------------------------------------------------------------


def url_of(live_server: Any, name: str, language: str = "kk", **kwargs: Any) -> str:
    with override(language):
        return live_server.url + reverse(name, kwargs=kwargs or None)


def submit(page: Any, button: str = "main form button[type=submit]") -> None:
    """Press a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.locator(button).click()


def login(page: Any, live_server: Any, user: User, *, second_factor: bool = True) -> None:
    """Sign in through the real form; staff also give the code from their device.

    With second_factor=False a staff member stops at the code step.
    """
    page.goto(url_of(live_server, "web:login"))
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    submit(page)
    if "/second-factor/" not in page.url:
        assert "/login/" not in page.url, f"signing in as {user} failed"
        return
    if not second_factor or "/enrol/" in page.url:
        return
    page.fill("#id_code", current_code(user))
    submit(page)
    assert "/second-factor/" not in page.url, f"the second factor of {user} was refused"


def sign_in_by_cookie(page: Any, live_server: Any, user: User) -> None:
    """The browser signed in as ``login`` leaves it (staff with their device's factor given,
    their idle clock started), by a session made here and handed to it as its cookie: for
    tests of the pages behind the sign-in, not of the sign-in, which its own tests walk. Five
    requests and four fields fewer, a second of every page's test."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from inclusio.core.roles import is_staff_role
    from inclusio.web.middleware import LAST_SEEN

    client = Client()
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    if is_staff_role(user):
        session[LAST_SEEN] = int(time.time())
        session.set_expiry(settings.STAFF_IDLE_SECONDS)
    session.save()
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def assert_accessible(page: Any) -> None:
    """No WCAG 2.2 A/AA violation that axe-core can find on the page as it is now."""
    if not AXE.exists():
        pytest.fail(
            f"{AXE} is missing: build the front-end assets first "
            "(`npm ci && python tools/build_assets.py`, or `make test`)."
        )
    if page.url.startswith("http"):
        # By its address, not its text: the browser then keeps the 650 kB and their compiled
        # code from one check to the next, instead of being handed them through Playwright.
        page.add_script_tag(url=urljoin(page.url, settings.STATIC_URL + AXE_STATIC_PATH))
    else:  # a page the test wrote itself (set_content): no server to fetch it from
        page.add_script_tag(path=AXE)
    # Only the violations come back: axe then keeps one node for each rule that passed or did
    # not apply instead of them all, and the answer crossing to Python is small.
    violations = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
        }).then((results) => results.violations)""",
        WCAG_TAGS,
    )
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.append(f"  {violation['helpUrl']}")
            for node in violation["nodes"][:10]:
                lines.append(f"    at {' '.join(node['target'])}: {node['html'][:200]}")
        pytest.fail("\n".join(lines))


# Focusable controls as the keyboard sees them: visible, enabled, not taken out of the order.
_MARK_CONTROLS = """() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const controls = [];
  for (const element of document.querySelectorAll(selector)) {
    if (element.matches(':disabled, [type=hidden], [tabindex^="-"], main')) continue;
    if (element.getClientRects().length === 0) continue;
    if (getComputedStyle(element).visibility === 'hidden') continue;
    // Tab reaches one radio button per group; arrow keys move within it.
    const key = element.type === 'radio' ? 'radio:' + element.name : 'control:' + controls.length;
    element.dataset.keyboardKey = key;
    controls.push({key, html: element.outerHTML.slice(0, 160)});
  }
  return controls;
}"""

_FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {
    key: element.dataset.keyboardKey || null,
    id: element.id,
    tag: element.tagName.toLowerCase(),
    skipLink: element.matches('a[href="#main-content"]'),
    indicated: outlined || style.boxShadow !== 'none',
    html: element.outerHTML.slice(0, 160),
  };
}"""

# Move the keyboard's starting point to the very top, as on a freshly loaded page.
_FOCUS_TOP = """() => {
  const root = document.documentElement;
  root.tabIndex = -1;
  root.focus();
  root.removeAttribute('tabindex');
  window.scrollTo(0, 0);
}"""


# Note each element that takes the focus, as it takes it: Tab is then pressed many times and the
# notes read once, instead of asking the page after every press.
_NOTE_FOCUS = """() => {
  window.keyboardNotes = [];
  document.addEventListener('focusin', (event) => {
    const element = event.target;
    const style = getComputedStyle(element);
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    window.keyboardNotes.push({
      key: element.dataset.keyboardKey || null,
      indicated: outlined || style.boxShadow !== 'none',
      html: element.outerHTML.slice(0, 160),
    });
  }, true);
}"""


# A window 320 CSS pixels wide: a page at 400 % zoom (WCAG 2.2 1.4.10 Reflow).
NARROW = {"width": 320, "height": 640}

# The page's width against the window's, and the last few elements sticking out past its edge.
SCROLL = """() => ({
  page: document.scrollingElement.scrollWidth,
  window: window.innerWidth,
  past: [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(-3)
    .map((e) => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 30)),
})"""


def assert_reflows(page: Any) -> None:
    """The page, as loaded, read again in a narrow window: it does not scroll sideways. The
    styles reflow on the resize, so the page is not loaded again; the window is put back."""
    wide = page.viewport_size
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.set_viewport_size(NARROW)
    try:
        widths = page.evaluate(SCROLL)
    finally:
        page.set_viewport_size(wide)
    assert widths["page"] <= widths["window"], f"scrolls sideways at 320 px: {widths}"


def assert_keyboard_reachable(page: Any, *, extra_presses: int = 10) -> None:
    """Tab from the top: the skip link comes first and works, and every control is reached
    and shows where the focus is."""
    page.evaluate(_FOCUS_TOP)
    page.keyboard.press("Tab")
    first = page.evaluate(_FOCUSED)
    assert first and first["skipLink"], f"the first Tab stop is not the skip link but {first}"
    assert first["indicated"], "the skip link shows no focus indicator"
    page.keyboard.press("Enter")
    focused_id = page.evaluate("() => document.activeElement && document.activeElement.id")
    assert focused_id == "main-content", f"the skip link moved the focus to {focused_id!r}"

    controls = page.evaluate(_MARK_CONTROLS)
    page.evaluate(_FOCUS_TOP)
    page.evaluate(_NOTE_FOCUS)
    for _press in range(len(controls) + extra_presses):
        page.keyboard.press("Tab")
    notes = page.evaluate("() => window.keyboardNotes")
    reached = {note["key"] for note in notes if note["key"]}
    without_indicator = [note["html"] for note in notes if not note["indicated"]]
    missed = [control["html"] for control in controls if control["key"] not in reached]
    assert not missed, "not reachable with Tab:\n" + "\n".join(missed)
    assert not without_indicator, "no visible focus indicator:\n" + "\n".join(
        dict.fromkeys(without_indicator)
    )


@pytest.fixture
def mse_user() -> User:
    """A medical-social expertise specialist of Astana."""
    return make_staff_account("mse", role="mse_specialist")


@pytest.fixture
def doctor_user() -> User:
    """A referring doctor of an Astana polyclinic."""
    return make_staff_account("doctor", role="medical_referrer")


@pytest.fixture
def other_region_officer() -> User:
    """A district officer of Almaty city, for pages that must be refused."""
    user = make_staff_account("officer_almaty")
    user.region_id = "75"
    user.save(update_fields=["region"])
    return user


@pytest.fixture
def representative_user() -> User:
    """A mother who represents her child with a disability."""
    import datetime as dt

    from inclusio.registry.services import care_link_create
    from tests.factories import give_status, make_person

    account = make_account("mother", role="representative", region=None)
    mother = make_person(surname="Омарова", given_name="Сауле", user=account)
    child = make_person(birth_date=dt.date(2016, 4, 2), surname="Омаров", given_name="Алихан")
    give_status(child, "child", cause="from_childhood", valid_from=dt.date(2017, 1, 1))
    care_link_create(
        actor=SYSTEM, carer=mother, cared=child, relation="parent", since=dt.date(2016, 4, 2)
    )
    return account


@pytest.fixture
def supplier_user() -> User:
    """The representative of a supplier of Astana (the organisation is registered by the page's
    data, or by the page itself)."""
    return make_staff_account("supplier", role="supplier")


@pytest.fixture
def auditor_user() -> User:
    """The national auditor."""
    user = make_staff_account("auditor", role="auditor")
    user.region = None
    user.save(update_fields=["region"])
    return user


@pytest.fixture
def dispatcher_user() -> User:
    """An emergency dispatcher of Astana."""
    return make_staff_account("dispatcher", role="dispatcher")


@pytest.fixture
def emergency_officer_user() -> User:
    """An emergency officer of Astana, who sends alerts."""
    return make_staff_account("emergency_officer", role="emergency_officer")


@pytest.fixture
def employment_user() -> User:
    """An employment centre officer of Astana."""
    return make_staff_account("employment", role="employment_officer")


@pytest.fixture
def admin_user() -> User:
    """A ministry administrator with access to the back office (Django's admin)."""
    user = make_staff_account("minister", role="ministry_admin")
    user.region = None
    user.is_staff = True
    user.save(update_fields=["region", "is_staff"])
    return user


@pytest.fixture
def housing_officer_user() -> User:
    """A housing officer of Astana's local executive body."""
    return make_staff_account("housing", role="housing_officer")


@pytest.fixture
def social_provider_user() -> User:
    """The staff account of a provider of special social services in Astana."""
    return make_staff_account("provider", role="social_provider")


@pytest.fixture
def social_inspector_user() -> User:
    """A state social-protection inspector of Astana."""
    return make_staff_account("inspector", role="social_inspector")


@pytest.fixture
def accessibility_inspector_user() -> User:
    """An accessibility inspector of Astana."""
    return make_staff_account("access_inspector", role="accessibility_inspector")


@pytest.fixture
def crpd_officer_user() -> User:
    """An officer reporting under the Convention (CRPD monitoring), national."""
    user = make_staff_account("crpd", role="crpd_officer")
    user.region = None
    user.save(update_fields=["region"])
    return user
