"""An appeal by keyboard alone, every page checked with axe (issue 16's "done when"): a person
appeals a refusal of a benefit from the refusal's own page, the district officer of their
region takes it up and grants it from the start page's worklist, and the award follows — on the
person's benefits page, with the top-up owed for the month computed while the refusal stood."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from inclusio.appeals.models import Appeal
from inclusio.benefits.models import Award, Payroll
from inclusio.benefits.services import proposal_refuse
from tests.browser.benefits_data import make_offer
from tests.browser.keyboard import choose_radio, follow, type_into
from tests.browser.test_walk_by_keyboard import Walk
from tests.web.accounts import make_person_account, make_staff_account

pytestmark = pytest.mark.browser


def test_a_refusal_appealed_and_granted_by_keyboard(page: Any, live_server: Any) -> None:
    officer = make_staff_account("officer")
    dana = make_person_account("dana")
    refusal = proposal_refuse(actor=dana, proposal_id=make_offer(dana.person).pk)
    # February's payroll was approved while the refusal stood: it paid Dana nothing.
    Payroll.objects.create(month=dt.date(2024, 2, 1), approved_at=timezone.now())
    walk = Walk(page, live_server)

    # The person, on the refusal's page, appeals.
    walk.sign_in(dana, second_factor=False)
    page.goto(f"{live_server.url}/en/benefits/decisions/{refusal.pk}/")
    walk.seen("refusal")
    follow(page, f"main a[href$='/appeals/new/benefit_decision/{refusal.pk}/']")
    walk.seen("appeal-form")
    type_into(page, "#id_grounds", "Nobody explained the offer to me in Kazakh.")
    follow(page, "main form button[type=submit]")
    appeal = Appeal.objects.get(person=dana.person)
    assert page.url.endswith(f"/appeals/{appeal.pk}/"), page.url
    walk.seen("appeal-filed")

    # The officer finds it on the start page, takes it up and grants it.
    walk.sign_in(officer, second_factor=True)
    follow(page, f"#appeals a[href$='/appeals/{appeal.pk}/']")
    walk.seen("appeal-to-review")
    follow(page, "main form[action$='/take-up/'] button[type=submit]")
    walk.seen("appeal-under-review")
    choose_radio(page, "outcome", "granted")
    type_into(page, "#id_reasons", "The offer was not explained in the person's language.")
    follow(page, "main form[action$='/decide/'] button[type=submit]")
    walk.seen("appeal-granted")
    appeal.refresh_from_db()
    assert appeal.state == "granted"
    award = Award.objects.get(person=dana.person, ends__isnull=True)
    assert appeal.carried_out["award"] == award.pk

    # The person reads the outcome on the appeal's page.
    walk.sign_in(dana, second_factor=False)
    follow(page, f"#my_appeals a[href$='/appeals/{appeal.pk}/']")
    walk.seen("appeal-outcome")
    assert page.locator("main .usa-alert--success").count() >= 1

    # The benefit is received now, and February is owed on top, naming the appeal.
    page.goto(f"{live_server.url}/en/benefits/")
    walk.seen("benefits-after-appeal")
    assert "No benefit is being received now." not in page.inner_text("main")
    row = page.locator("main table tbody tr")
    assert row.count() == 1
    assert "February 2024" in row.inner_text()
    follow(page, f"main table a[href$='/appeals/{appeal.pk}/']")
    assert page.url.endswith(f"/appeals/{appeal.pk}/"), page.url
