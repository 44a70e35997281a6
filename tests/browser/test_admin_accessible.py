"""The back office is Django's admin, not our layout, so the layout checks of
test_accessibility do not apply; axe's WCAG 2.2 AA rules do."""

from typing import Any

import pytest

from inclusio.core.audit import record_write
from tests.browser.conftest import assert_accessible, login

BACK_OFFICE_PAGES = [
    "/kk/admin/",
    "/kk/admin/core/auditevent/",
    "/kk/admin/core/accessevent/",
    "/kk/admin/core/region/",
    "/en/admin/core/user/",
    "/ru/admin/core/datedparameter/",
    "/kk/admin/core/datedparameter/add/",
]


@pytest.mark.browser
@pytest.mark.parametrize("path", BACK_OFFICE_PAGES)
def test_back_office_page_is_accessible(
    page: Any, live_server: Any, admin_user: Any, path: str
) -> None:
    record_write(actor=admin_user, action="test", entity="thing", entity_id=1, data={})
    login(page, live_server, admin_user)
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, page.url
    assert_accessible(page)
