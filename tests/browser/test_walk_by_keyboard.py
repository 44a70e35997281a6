"""The whole way from a doctor's referral to the treasury's payment file, in the browser, by
keyboard alone, with axe-core on every page it passes:

a referring doctor refers someone not yet in the registry (registered with the referral, from
the population register's record) → the MSE specialist finds the referral on their worklist and
decides group II → the platform screens (the nightly export and screening, run here as the
scheduler would) → fifteen days on, the district officer of Astana finds the offer among the
offers left unanswered → the person refuses it (and confirms), withdraws the refusal, consents
and gives a bank account → officer A of the ministry computes the month's payroll, officer B
approves it (four eyes) → the payment file is produced and downloaded.

Only Tab, Shift+Tab, Enter, Space, arrow keys and typing into the focused control move the
walk; the only addresses opened directly are the first page and the sign-in page. Each step
asserts that the focused control is visible and shows its focus, and leaves a screenshot in
``var/walk/`` (not committed).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from inclusio.benefits.models import Award, Payment, Payroll, Programme, Proposal
from inclusio.benefits.services import programmes_load
from inclusio.core.audit import SYSTEM
from inclusio.core.models import AuditEvent, User
from inclusio.registry.models import Person
from tests.benefits.builders import IBAN, Snapshot, copy_programmes
from tests.browser.conftest import assert_accessible, url_of
from tests.browser.keyboard import (
    choose_option,
    choose_radio,
    focus_is_shown,
    follow,
    has_focus,
    send,
    tab_to,
    tick,
    type_into,
)
from tests.factories import new_iin
from tests.web.accounts import PASSWORD, current_code, make_account, make_staff_account

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "walk"
BIRTH = dt.date(1990, 6, 1)
SURNAME, GIVEN_NAME = "Жақсыбекова", "Әлия"


class Walk:
    """The browser page, with a step counter for the screenshots and axe on every page."""

    def __init__(self, page: Any, live_server: Any) -> None:
        self.page, self.live_server, self.step = page, live_server, 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def seen(self, name: str, *, loaded: bool = True) -> None:
        """The page as it is now: the right language, one h1, no axe violation; a
        screenshot. On a page just loaded, the first Tab stop is the skip link, shown."""
        page = self.page
        assert page.get_attribute("html", "lang") == "en"
        if loaded:
            page.keyboard.press("Tab")
            assert has_focus(page, "a.usa-skipnav[href='#main-content']"), page.url
            focus_is_shown(page)
        assert page.locator("main h1").count() == 1, page.url
        assert_accessible(page)
        self.step += 1
        page.screenshot(path=str(SCREENSHOTS / f"{self.step:02d}-{name}.png"), full_page=True)

    def sign_in(self, user: User, *, second_factor: bool) -> None:
        """The sign-in page, opened directly (as one does), then the keyboard only."""
        page = self.page
        page.context.clear_cookies()
        page.goto(url_of(self.live_server, "web:login", "en"))
        self.seen(f"sign-in-{user.get_username()}")
        send(page, {"#id_username": user.get_username(), "#id_password": PASSWORD})
        if second_factor:
            assert "/second-factor/" in page.url
            self.seen(f"second-factor-{user.get_username()}")
            send(page, {"#id_code": current_code(user)})
        assert page.url.endswith("/en/"), f"{user} did not land on the start page: {page.url}"
        self.seen(f"start-{user.get_username()}")


@pytest.fixture
def population(tmp_path: Path, settings: Any) -> tuple[str, Path]:
    """The population register (the demo's is the synthetic snapshot): it holds the person the
    doctor refers, whom the registry does not know yet."""
    iin = new_iin(BIRTH, "F")
    snapshot = Snapshot()
    snapshot.person(iin, birth_date=BIRTH, family_id=1)
    folder = snapshot.write(tmp_path / "population", "population")
    settings.POPULATION_SNAPSHOT = str(folder)
    settings.VAR_DIR = tmp_path / "var"
    return iin, folder


def _screen(population: Path, out: Path, on: dt.date) -> None:
    """What the platform's scheduler runs each night after decisions: the registry's export
    and the screening of it. A decision alone makes no offer; this is that manual step."""
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command(
        "snapshot_export",
        "--date",
        on.isoformat(),
        "--out",
        str(out),
        "--population",
        str(population),
        **quiet,
    )
    call_command("benefits_screen", "--snapshot", str(out), "--date", on.isoformat(), **quiet)


def test_from_a_referral_to_the_payment_file_by_keyboard(
    page: Any, live_server: Any, tmp_path: Path, population: tuple[str, Path]
) -> None:
    iin, population_dir = population
    programmes_load(
        actor=SYSTEM, directory=copy_programmes(tmp_path / "programmes", "disability_benefit")
    )
    assert Programme.objects.filter(code="disability_benefit").exists()
    doctor = make_staff_account("doctor", role="medical_referrer")
    mse = make_staff_account("mse", role="mse_specialist")
    officer = make_staff_account("officer")
    maker = make_account("payroll_maker", role="ministry_admin", region=None)
    checker = make_account("payroll_checker", role="ministry_admin", region=None)
    for account in (maker, checker):
        make_device(account)
    today = timezone.localdate()
    walk = Walk(page, live_server)

    # The first page, opened directly; then the sign-in link, by keyboard.
    page.goto(url_of(live_server, "web:home", "en"))
    walk.seen("home")
    follow(page, "main a[href$='/login/']")
    assert page.url.endswith("/en/login/")

    # 1. The doctor refers someone the registry does not know.
    walk.sign_in(doctor, second_factor=True)
    follow(page, "main a[href$='/assessment/referrals/new/']")
    walk.seen("referral-new")
    send(page, {"#id_lookup-iin": iin})
    assert page.locator("main .usa-alert--info").is_visible()  # found in the register
    assert page.input_value("#id_iin") == iin
    assert page.input_value("#id_birth_date") == BIRTH.isoformat()
    walk.seen("referral-looked-up")
    for selector, value in {
        "#id_organisation_name": "City polyclinic No. 4",
        "#id_organisation_bin": "000000000000",
        "#id_diagnosis_code": "G80.1",
        "#id_clinical_summary": "Spastic diplegia since childhood; walks with crutches.",
        "#id_surname": SURNAME,
        "#id_given_name": GIVEN_NAME,
    }.items():
        type_into(page, selector, value)
    assert page.locator("#id_sex_1").is_checked() and page.locator("#id_residence_0").is_checked()
    follow(page, "main form[method=post] button[type=submit]")
    assert "/assessment/referrals/" in page.url, page.url
    assert page.locator("main .usa-alert--success").is_visible()
    walk.seen("referral-filed")
    person = Person.objects.get(iin=iin)
    assert (person.surname, person.region_id, person.sex) == (SURNAME, "71", "F")
    referral = person.referrals.get()

    # 2. The MSE specialist finds it on the worklist and decides group II.
    walk.sign_in(mse, second_factor=True)
    follow(page, f"main a[href$='/assessment/referrals/{referral.pk}/']")
    walk.seen("referral-to-decide")
    choose_radio(page, "outcome", "establish")
    choose_option(page, "#id_category", "II")
    choose_option(page, "#id_cause", "general_disease")
    type_into(page, "#id_work_capacity_loss_pct", "60")
    tick(page, "input[name=limitations][value=mobility]")
    reexamination = dt.date(today.year + 2, 3, 1)
    tab_to(page, "#id_reexamination_date")
    # A date field: its parts take digits in the order the browser's locale shows them.
    page.keyboard.type(reexamination.strftime("%m%d%Y"))
    assert page.input_value("#id_reexamination_date") == reexamination.isoformat()
    type_into(page, "#id_rationale", "The documents confirm a persistent moderate impairment.")
    follow(page, "main form button[type=submit]")
    assert page.locator("main .usa-alert--success").is_visible()
    walk.seen("referral-decided")
    status = person.statuses.get(superseded_at__isnull=True)
    assert (status.category, status.reexamination_date) == ("II", reexamination)

    # 3. The platform screens that night (run here as its scheduler would).
    _screen(population_dir, tmp_path / "export", today)
    offer = Proposal.objects.get(person=person, programme__code="disability_benefit")
    assert offer.status == Proposal.Status.PENDING and offer.amount_kzt
    # Fifteen days pass without an answer: the offer joins the officer's list of offers left
    # unanswered (WORKLIST_UNANSWERED_DAYS, 14).
    Proposal.objects.filter(pk=offer.pk).update(created_at=timezone.now() - dt.timedelta(days=15))

    # 4. The district officer of Astana sees it unanswered.
    walk.sign_in(officer, second_factor=True)
    unanswered = page.locator("#unanswered_offers")
    assert unanswered.locator(f"a[href$='/benefits/offers/{offer.pk}/']").count() == 1
    assert person.full_name in unanswered.inner_text()
    follow(page, f"#unanswered_offers a[href$='/benefits/offers/{offer.pk}/']")
    walk.seen("officer-sees-the-offer")
    assert page.locator("#consent-form").count() == 0  # the officer cannot answer for them

    # 5. The person refuses (and confirms), withdraws the refusal, consents with an account.
    account = make_account("aliya", role="person", region=None)
    Person.objects.filter(pk=person.pk).update(user=account)
    walk.sign_in(account, second_factor=False)
    follow(page, f"main a[href$='/benefits/offers/{offer.pk}/']")
    walk.seen("offer")
    follow(page, "#refusal-link")
    assert page.url.endswith(f"/benefits/offers/{offer.pk}/refuse/")
    walk.seen("do-you-refuse")
    follow(page, "main form button[type=submit]")
    assert "/benefits/decisions/" in page.url
    walk.seen("refused")
    follow(page, "main form[action$='/withdraw/'] button")
    assert page.url.endswith(f"/benefits/offers/{offer.pk}/")
    walk.seen("refusal-withdrawn")
    send(page, {"#id_iban": "KZ18 722S 0000 1234 5678"})
    assert "/benefits/decisions/" in page.url
    assert page.locator("main .usa-alert--success").is_visible()
    walk.seen("consented")
    award = Award.objects.get(person=person, programme__code="disability_benefit")
    assert award.ends is None and person.payment_accounts.get().iban == IBAN

    # 6. Officer A of the ministry computes the month's payroll ...
    month = today.replace(day=1)
    walk.sign_in(maker, second_factor=True)
    follow(page, "main a[href$='/benefits/payroll/']")
    walk.seen("payroll")
    send(page, {"#id_month": f"{month:%Y-%m}"})
    assert page.locator("main .usa-alert--success").is_visible()
    walk.seen("payroll-made")
    payroll = Payroll.objects.get(month=month)
    assert payroll.created_by == maker
    # ... whose page offers no approval to the one who made it ...
    assert page.locator("form[action$='/approve/']").count() == 0
    # ... and officer B approves it (four eyes).
    walk.sign_in(checker, second_factor=True)
    follow(page, "main a[href$='/benefits/payroll/']")
    walk.seen("payroll-to-approve")
    follow(page, f"form[action$='/payroll/{payroll.pk}/approve/'] button")
    assert page.locator("main .usa-alert--success").is_visible()
    walk.seen("payroll-approved")
    payroll.refresh_from_db()
    assert payroll.approved_by == checker

    # 7. The payment file, produced and downloaded.
    tab_to(page, f"form[action$='/payroll/{payroll.pk}/payment-file/'] button")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == f"inclusio-payroll-{month:%Y-%m}.xml"
    content = Path(download.path()).read_text(encoding="utf-8")
    assert IBAN in content and iin in content
    assert Payment.objects.get(payroll=payroll).status == Payment.Status.SCHEDULED
    assert AuditEvent.objects.filter(action="payment_file_produce").count() == 1
    focus_is_shown(page)  # the page stays, with the focus on its button
    assert has_focus(page, f"form[action$='/payroll/{payroll.pk}/payment-file/'] button")
    walk.seen("payment-file-downloaded", loaded=False)
    assert re.search(r"<MsgId>", content)


def make_device(user: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
