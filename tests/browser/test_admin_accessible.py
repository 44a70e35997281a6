"""The back office is Django's admin, not our layout, so the layout checks of
test_accessibility do not apply; axe's WCAG 2.2 AA rules do."""

from typing import Any

import pytest

from inclusio.core.audit import record_write
from tests.browser.conftest import assert_accessible, login
from tests.web.accounts import make_person_account, make_staff_account

BACK_OFFICE_PAGES = [
    "/kk/admin/",
    "/kk/admin/core/auditevent/",
    "/kk/admin/core/accessevent/",
    "/kk/admin/core/region/",
    "/en/admin/core/user/",
    # An account and the forms that change it ({account}: a district officer's account).
    "/kk/admin/core/user/{account}/change/",
    "/kk/admin/core/user/{account}/roles/",
    "/ru/admin/core/user/{account}/password/",
    "/kk/admin/core/user/{account}/second-factor/",
    "/en/admin/core/user/{account}/deactivate/",
    "/kk/admin/core/user/add/",
    "/ru/admin/core/datedparameter/",
    "/kk/admin/core/datedparameter/add/",
]


@pytest.mark.browser
@pytest.mark.parametrize("path", BACK_OFFICE_PAGES)
def test_back_office_page_is_accessible(
    page: Any, live_server: Any, admin_user: Any, path: str
) -> None:
    record_write(actor=admin_user, action="test", entity="thing", entity_id=1, data={})
    account = make_staff_account("officer")
    login(page, live_server, admin_user)
    response = page.goto(live_server.url + path.format(account=account.pk))
    assert response is not None and response.status == 200, page.url
    assert_accessible(page)


@pytest.mark.browser
def test_the_account_forms_are_accessible_with_errors_and_after(
    page: Any, live_server: Any, admin_user: Any
) -> None:
    account = make_staff_account("officer")
    login(page, live_server, admin_user)
    # Sent without a reason: the form again, with its errors.
    page.goto(f"{live_server.url}/kk/admin/core/user/{account.pk}/password/")
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    assert page.locator(".errornote").is_visible()
    assert_accessible(page)
    # With a reason: the page that hands the new password over.
    page.select_option("#id_reason", "holder_request")
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    assert page.locator("dd code").count() == 1
    assert_accessible(page)


@pytest.mark.browser
def test_a_persons_account_page_says_why_there_is_no_password_form(
    page: Any, live_server: Any, admin_user: Any
) -> None:
    account = make_person_account("dana")
    login(page, live_server, admin_user)
    response = page.goto(f"{live_server.url}/ru/admin/core/user/{account.pk}/change/")
    assert response is not None and response.status == 200
    assert page.locator(f"a[href$='/user/{account.pk}/password/']").count() == 0
    assert page.get_by_text("с помощью отправленного ему одноразового кода").is_visible()
    assert_accessible(page)
