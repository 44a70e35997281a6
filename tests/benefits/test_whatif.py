"""The what-if page: a ministry administrator compares a draft with the law in force."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from inclusio.benefits.models import Award, Proposal, ScreeningRun
from inclusio.core.models import AuditEvent
from inclusio.countries import COUNTRIES_DIR
from tests.browser.benefits_data import make_run, programmes
from tests.factories import make_user, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

CARER = "child_disability_carer_benefit"
IN_FORCE = """      value: 1.61
      reference:
        kk: Қазақстан Республикасының 2023 жылғы 20 сәуірдегі № 224-VII Әлеуметтік кодексі
        ru: Социальный кодекс Республики Казахстан от 20 апреля 2023 года № 224-VII
        en: Social Code of the Republic of Kazakhstan of 20 April 2023 No. 224-VII"""


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 1)


@pytest.fixture
def run(snapshot: Path) -> ScreeningRun:
    programmes()
    return make_run(snapshot_dir=snapshot)


def carer_text() -> str:
    return (COUNTRIES_DIR / "kz" / "programmes" / f"{CARER}.yaml").read_text(encoding="utf-8")


def admin_client(client: Client) -> Client:
    sign_in(client, make_user("minister", "ministry_admin", None))
    return client


def test_the_page_loads_the_programme_text_in_force(client: Client, run: ScreeningRun) -> None:
    response = admin_client(client).get(f"/en/benefits/what-if/?programme={CARER}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "carer_coefficient" in html and "1.61" in html
    assert run.snapshot_id[:12] in html


def test_a_raised_coefficient_shows_the_cost_and_touches_no_award(
    client: Client, run: ScreeningRun
) -> None:
    raised = "\n    - effective: 2024-01-01\n      value: 1.75\n      reference: draft"
    draft = carer_text().replace(IN_FORCE, IN_FORCE + raised)
    response = admin_client(client).post(
        "/en/benefits/what-if/", {"programme": CARER, "date": "2024-01-01", "draft": draft}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Result on 2024-01-01" in html
    assert "as drafted (0 gained, 0 lost)" in html
    assert "Almaty" in html  # regions by name
    assert re.search(r"Change in cost: \+[\d,]+ tenge a month, \+[\d,]+ tenge a year", html)
    assert not Proposal.objects.exists() and not Award.objects.exists()
    event = AuditEvent.objects.get(action="reform_simulated")
    assert event.entity_id == CARER and event.data["monthly_change_kzt"] > 0


def test_a_broken_draft_names_its_line_and_runs_nothing(client: Client, run: ScreeningRun) -> None:
    draft = carer_text().replace("cared_count >= 1", "cared_count >= 'one'")
    response = admin_client(client).post(
        "/en/benefits/what-if/", {"programme": CARER, "date": "2024-01-01", "draft": draft}
    )
    html = response.content.decode()
    assert "Error:" in html and "draft.yaml:" in html
    assert "Result on" not in html
    assert not AuditEvent.objects.filter(action="reform_simulated").exists()


def test_a_draft_that_renames_the_programme_is_refused(client: Client, run: ScreeningRun) -> None:
    draft = carer_text().replace(f"id: {CARER}", "id: something_else")
    response = admin_client(client).post(
        "/en/benefits/what-if/", {"programme": CARER, "date": "2024-01-01", "draft": draft}
    )
    assert "it must stay" in response.content.decode()


@pytest.mark.parametrize("role", ["district_officer", "person"])
def test_others_may_not_simulate(client: Client, run: ScreeningRun, role: str) -> None:
    sign_in(client, make_user(f"someone-{role}", role, "75" if role != "person" else None))
    assert client.get("/en/benefits/what-if/").status_code == 403
    response = client.post(
        "/en/benefits/what-if/", {"programme": CARER, "date": "2024-01-01", "draft": carer_text()}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="reform_simulated").exists()


def test_a_regional_account_may_not_simulate_and_nothing_is_recorded(
    client: Client, run: ScreeningRun
) -> None:
    sign_in(client, make_user("regional_admin", "ministry_admin", "71"))
    response = client.post(
        "/en/benefits/what-if/", {"programme": CARER, "date": "2024-01-01", "draft": carer_text()}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="reform_simulated").exists()


@pytest.mark.parametrize("asked", ["no_such_programme", "\x00"])
def test_a_programme_that_does_not_exist_is_refused_with_its_code(
    client: Client, asked: str
) -> None:
    # A NUL reached the database before, which PostgreSQL refuses: a 500.
    programmes()
    client = admin_client(client)
    before = row_counts()
    response = client.get("/ru/benefits/what-if/", {"programme": asked})
    assert response.status_code == 404
    page = response.content.decode()
    assert "<code>PROGRAMME_NOT_FOUND</code>" in page and "Такой программы нет." in page
    assert row_counts() == before
