"""The CRPD officer, by keyboard alone: from the start page to the monitoring of the Convention,
the periodic report for 2018–2023 shown, and its accessible HTML document downloaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inclusio.core.models import User
from tests.browser.conftest import login, url_of
from tests.browser.keyboard import follow, send, tab_to
from tests.crpd.builders import crpd_world

pytestmark = pytest.mark.browser


def test_the_officer_reaches_and_downloads_the_report_by_keyboard(
    page: Any, live_server: Any, crpd_officer_user: User
) -> None:
    crpd_world()  # a measure of article 24, carried into the report
    login(page, live_server, crpd_officer_user)
    page.goto(url_of(live_server, "web:home", "en"))
    follow(page, "main a[href$='/en/crpd/']")
    follow(page, "main a[href$='/en/crpd/report/']")
    send(page, {"#id_first_year": "2018", "#id_last_year": "2023"})
    assert "first_year=2018&last_year=2023" in page.url
    heading = page.locator("main h1").inner_text()
    assert "2018" in heading and "2023" in heading
    assert "Support rooms in schools" in page.locator("main").inner_text()

    tab_to(page, "main a[href*='/en/crpd/report/html/']")
    with page.expect_download() as downloading:
        page.keyboard.press("Enter")
    download = downloading.value
    assert download.suggested_filename.endswith(".html")
    document = Path(download.path()).read_text(encoding="utf-8")
    assert heading in document
    assert "Support rooms in schools" in document
