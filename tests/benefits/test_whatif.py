"""The what-if page: a ministry administrator compares a draft with the law in force."""

from __future__ import annotations

import io
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.test import Client

from inclusio.benefits import whatif
from inclusio.benefits.models import Award, Proposal, ScreeningRun, WhatIfRequest
from inclusio.benefits.whatif import run_waiting
from inclusio.core.models import AuditEvent
from inclusio.countries import COUNTRIES_DIR
from inclusio.snapshot.contract import parquet_path
from tests.browser.benefits_data import make_run, programmes
from tests.factories import make_user, sign_in
from tests.rules.texts import explain
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


# A draft of the carer programme (its id kept) whose top-up computes with incomes.
TOP_UP = f"""\
id: {CARER}
titles: {{kk: Толықтыру, ru: Доплата, en: Top-up}}
reference: {{kk: "draft", ru: "draft", en: "draft"}}
entity: person
shared: [subsistence_minimum]
conditions:
  adult: age(birth_date) >= 18
amount: max(0, subsistence_minimum - monthly_income_kzt)
""" + explain("adult")


@pytest.fixture(scope="module")
def broken_snapshot(snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo snapshot with three incomes over the 10**12 tenge the contract reads."""
    copy = tmp_path_factory.mktemp("broken") / "snapshot"
    shutil.copytree(snapshot, copy)
    path = parquet_path(copy, "persons")
    persons = pq.read_table(path)
    index = persons.schema.get_field_index("monthly_income_kzt")
    incomes = persons["monthly_income_kzt"].to_pylist()
    adults = [i for i, born in enumerate(persons["birth_date"].to_pylist()) if born.year < 1990]
    for i in adults[:3]:
        incomes[i] = 10**15
    field = persons.schema.field(index)
    pq.write_table(persons.set_column(index, field, pa.array(incomes, type=field.type)), path)
    return copy


@pytest.fixture
def broken_run(broken_snapshot: Path) -> ScreeningRun:
    programmes()
    return make_run(snapshot_dir=broken_snapshot)


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


def raised_draft() -> str:
    raised = "\n    - effective: 2024-01-01\n      value: 1.75\n      reference: draft"
    return carer_text().replace(IN_FORCE, IN_FORCE + raised)


def ask(client: Client, draft: str, on: str = "2024-01-01") -> str:
    """Post a draft; the address of the request's page it redirects to."""
    response = client.post(
        "/en/benefits/what-if/", {"programme": CARER, "date": on, "draft": draft}
    )
    assert response.status_code == 302
    asked = WhatIfRequest.objects.latest("pk")
    assert response["Location"] == f"/en/benefits/what-if/{asked.pk}/"
    return response["Location"]


def test_a_draft_is_queued_and_nothing_runs_in_the_request(
    client: Client, run: ScreeningRun
) -> None:
    page = ask(admin_client(client), raised_draft())
    asked = WhatIfRequest.objects.get()
    assert (asked.status, asked.step, asked.programme_code) == ("queued", "waiting", CARER)
    assert AuditEvent.objects.filter(action="what_if_requested").count() == 1
    assert not AuditEvent.objects.filter(action="reform_simulated").exists()
    html = client.get(page).content.decode()
    assert 'role="status"' in html and "waiting for the worker (0 %)" in html
    assert f'href="{page}"' in html  # the refresh link: no script, no meta refresh
    assert "<script" not in html.split("<main")[1].split("</main>")[0]


def test_the_worker_runs_it_and_the_page_shows_the_cost(client: Client, run: ScreeningRun) -> None:
    page = ask(admin_client(client), raised_draft())
    assert run_waiting() == 1
    asked = WhatIfRequest.objects.get()
    assert (asked.status, asked.step, asked.percent) == ("done", "finished", 100)
    html = client.get(page).content.decode()
    assert "Result on 2024-01-01" in html
    assert "as drafted (0 gained, 0 lost)" in html
    assert "Almaty" in html  # regions by name
    assert re.search(r"Change in cost: \+[\d,]+ tenge a month, \+[\d,]+ tenge a year", html)
    assert not Proposal.objects.exists() and not Award.objects.exists()
    event = AuditEvent.objects.get(action="reform_simulated")
    assert event.entity_id == CARER and event.data["monthly_change_kzt"] > 0
    assert run_waiting() == 0  # run once


def test_the_page_says_which_programmes_are_one_off(client: Client, run: ScreeningRun) -> None:
    page = ask(admin_client(client), carer_text() + "period: once\n")
    assert run_waiting() == 1
    html = client.get(page).content.decode()
    title = "State benefit to a parent or guardian raising a child with a disability"
    assert f"One-off grants, paid once and never again: {title}." in html
    assert "counts once in the change a year" in html
    assert "Paid by the day" not in html
    asked = WhatIfRequest.objects.get()
    assert asked.result["one_off"] == [CARER]
    rows = asked.result["rows"]
    assert sum(r["once_after_kzt"] for r in rows) == sum(r["monthly_before_kzt"] for r in rows)
    assert all(r["monthly_after_kzt"] == 0 for r in rows)


def test_the_worker_command_runs_what_waits(client: Client, run: ScreeningRun) -> None:
    ask(admin_client(client), raised_draft())
    out = io.StringIO()
    call_command("whatif_worker", "--once", stdout=out)
    assert "1 what-if comparisons run" in out.getvalue()
    assert WhatIfRequest.objects.get().status == "done"


def test_a_date_without_parameter_values_is_refused_in_plain_words(
    client: Client, run: ScreeningRun
) -> None:
    page = ask(admin_client(client), raised_draft(), on="2010-01-01")
    run_waiting()
    asked = WhatIfRequest.objects.get()
    assert asked.status == "refused"
    html = client.get(page).content.decode()
    assert "has no value on 2010-01-01" in html
    # Kept as the refusal's message and parameters: each reader reads it in their language.
    assert asked.result["refused"]["rule"]["params"]["date"] == "2010-01-01"
    html = client.get(page.replace("/en/", "/ru/")).content.decode()
    assert "Сравнение не удалось выполнить" in html
    assert "нет значения на 2010-01-01" in html and "has no value" not in html
    html = client.get(page.replace("/en/", "/kk/")).content.decode()
    assert "2010-01-01 күнгі мәні жоқ" in html and "has no value" not in html
    assert not AuditEvent.objects.filter(action="reform_simulated").exists()
    assert AuditEvent.objects.filter(action="what_if_refused").count() == 1


def test_an_arithmetic_stop_is_refused_in_plain_words(
    client: Client, broken_run: ScreeningRun
) -> None:
    page = ask(admin_client(client), TOP_UP)
    run_waiting()
    asked = WhatIfRequest.objects.get()
    assert asked.status == "refused" and asked.result["refused"]["subjects"] == 3
    html = client.get(page).content.decode()
    assert f"The draft of {CARER} cannot be computed: 3 people" in html
    assert "monthly_income_kzt" in html and "Nothing was changed." in html
    html = client.get(page.replace("/en/", "/kk/")).content.decode()
    assert CARER in html and "monthly_income_kzt" in html


def test_another_administrators_request_is_not_shown(client: Client, run: ScreeningRun) -> None:
    page = ask(admin_client(client), raised_draft())
    other = Client()
    sign_in(other, make_user("another_minister", "ministry_admin", None))
    before = row_counts()
    assert other.get(page).status_code == 404
    assert other.get("/en/benefits/what-if/999999/").status_code == 404
    assert row_counts() == before


def test_a_broken_draft_names_its_line_and_runs_nothing(client: Client, run: ScreeningRun) -> None:
    draft = carer_text().replace("cared_count >= 1", "cared_count >= 'one'")
    response = admin_client(client).post(
        "/en/benefits/what-if/", {"programme": CARER, "date": "2024-01-01", "draft": draft}
    )
    html = response.content.decode()
    assert "Error:" in html and "draft.yaml:" in html
    assert "Result on" not in html
    assert not AuditEvent.objects.filter(action="reform_simulated").exists()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ru", "нельзя сравнить int с string с помощью &gt;="),
        ("kk", "int мен string түрлерін &gt;= арқылы салыстыру мүмкін емес"),
        ("en", "cannot compare int with string using &gt;="),
    ],
)
def test_a_broken_draft_is_refused_in_the_readers_language(
    client: Client, run: ScreeningRun, language: str, said: str
) -> None:
    draft = carer_text().replace("cared_count >= 1", "cared_count >= 'one'")
    line = draft.splitlines().index(
        next(row for row in draft.splitlines() if "cared_count >= 'one'" in row)
    )
    response = admin_client(client).post(
        f"/{language}/benefits/what-if/",
        {"programme": CARER, "date": "2024-01-01", "draft": draft},
    )
    html = response.content.decode()
    assert f"draft.yaml:{line + 1}: {said}" in html
    assert not WhatIfRequest.objects.exists()


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


def test_a_request_starts_a_worker_of_its_own_unless_a_service_runs(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr(whatif.subprocess, "Popen", lambda command, **_: started.append(command))
    whatif.start_worker()  # the tests' setting: a service runs them
    assert started == []
    settings.WHATIF_WORKER = "spawn"
    whatif.start_worker()
    assert started == [[sys.executable, "-m", "inclusio.manage", "whatif_worker", "--once"]]
