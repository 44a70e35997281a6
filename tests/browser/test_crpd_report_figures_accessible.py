"""The periodic report's page and its HTML document with every computed figure of the synthetic
snapshot — the portal's volumes (§60, §118) and the dispatchers' homes (§66) among them — pass
axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inclusio.core.models import User
from tests.browser.conftest import assert_accessible, login, url_of

pytestmark = pytest.mark.browser


def test_the_report_with_the_new_figures_passes_axe(
    page: Any,
    live_server: Any,
    crpd_officer_user: User,
    synthetic_snapshot: Callable[[str, int], Path],
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.CRPD_SNAPSHOT = str(synthetic_snapshot("demo", 7))
    login(page, live_server, crpd_officer_user)
    page.goto(url_of(live_server, "crpd:report", "en") + "?first_year=2018&last_year=2023")
    main = page.locator("main").inner_text()
    for label in (
        "Technical aids received through the portal in the year",
        "Sanatorium organisations that gave stays through the portal in the year",
        "Homes of persons with limited mobility in the emergency dispatchers' registry",
    ):
        assert label in main
    assert_accessible(page)

    with page.expect_download() as downloading:
        page.locator("main a[href*='/en/crpd/report/html/']").click()
    document = tmp_path / "report.html"
    document.write_bytes(Path(downloading.value.path()).read_bytes())
    page.goto(document.as_uri())
    assert "portal_technical_aids_received" in page.content()
    assert_accessible(page)
