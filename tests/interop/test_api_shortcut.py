"""The DCI server's requests take the API's short way through the middleware
(core/http.ApiShortcutMiddleware): the same security headers as a page, no session, no cookie,
answers not to be kept, the agency's language, and the pages still go the whole way."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.urls import reverse

from inclusio.core.http import HEALTHY_WITHIN_SECONDS
from tests.factories import give_status, make_person
from tests.interop.conftest import BASE, DciAgency

pytestmark = pytest.mark.django_db

PATH = "/registry/sync/disabled"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


def _ask(agency: DciAgency, iin: str, **headers: str) -> Any:
    message = {
        "transaction_id": "t-1",
        "disabled_criteria": {"query_type": "idtype-value", "query": {"type": "UIN", "value": iin}},
    }
    return agency.client.post(
        f"{BASE}{PATH}",
        agency.envelope(message),
        content_type="application/json",
        headers={"Authorization": f"Bearer {agency.token()}", **headers},
    )


def test_an_answer_carries_the_security_headers_and_no_cookie(full_agency: DciAgency) -> None:
    person = make_person()
    give_status(person)
    answer = _ask(full_agency, person.iin)
    assert answer.status_code == 200
    assert answer.json()["message"]["disabled_response"][0]["disabled_status"] == "yes"
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in answer["Content-Security-Policy"]
    assert "no-store" in answer["Cache-Control"]
    assert int(answer["Content-Length"]) == len(answer.content)
    assert not answer.cookies
    # Past the web's middleware: no session, no account was attached to the request.
    assert not hasattr(answer.wsgi_request, "session")
    assert not hasattr(answer.wsgi_request, "user")


def test_the_refusals_speak_the_agency_language(full_agency: DciAgency) -> None:
    english = full_agency.client.post(
        f"{BASE}{PATH}", "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    russian = full_agency.client.post(
        f"{BASE}{PATH}", "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert english.status_code == russian.status_code == 401
    assert english["Content-Language"] == "en"
    assert russian["Content-Language"] == "ru"
    assert english.json()["errors"][0]["code"] == russian.json()["errors"][0]["code"]
    assert english.json()["errors"][0]["message"] != russian.json()["errors"][0]["message"]


def test_a_view_own_cache_policy_stays(full_agency: DciAgency) -> None:
    published = Client().get(f"{BASE}/.well-known/jwks.json")
    assert published["Cache-Control"] == "public, max-age=300"
    assert published["X-Frame-Options"] == "DENY"


def test_a_get_is_refused_with_its_allowed_method(full_agency: DciAgency) -> None:
    answer = Client().get(f"{BASE}{PATH}")
    assert answer.status_code == 405
    assert answer["Allow"] == "POST"


def test_an_unknown_path_under_the_api_goes_the_whole_way() -> None:
    answer = Client().get(f"{BASE}/registry/no-such-endpoint")
    assert answer.status_code == 404
    assert answer["X-Frame-Options"] == "DENY"


def test_a_page_still_has_its_session_and_account() -> None:
    answer = Client().get(reverse("web:login"))
    assert answer.status_code == 200
    assert hasattr(answer.wsgi_request, "session")
    assert hasattr(answer.wsgi_request, "user")
    assert "csrftoken" in answer.cookies


def test_the_health_check_is_skipped_only_after_a_recent_answer(
    full_agency: DciAgency, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = make_person()
    give_status(person)
    connection = connections[DEFAULT_DB_ALIAS]
    assert _ask(full_agency, person.iin).status_code == 200
    answered = connection.inclusio_answered_at  # type: ignore[attr-defined]
    clock = {"now": answered}
    monkeypatch.setattr("inclusio.core.http.time.monotonic", lambda: clock["now"])
    checked: list[bool] = []
    original = type(connection).close_if_health_check_failed

    def spying(self: Any) -> None:
        checked.append(not self.health_check_done)
        original(self)

    monkeypatch.setattr(type(connection), "close_if_health_check_failed", spying)

    def ask_after(seconds: float) -> list[bool]:
        clock["now"] += seconds
        checked.clear()
        connection.health_check_done = False  # what request_started does outside the tests
        assert _ask(full_agency, person.iin).status_code == 200
        return checked

    assert not any(ask_after(HEALTHY_WITHIN_SECONDS / 2))  # recently answered: not checked
    assert connection.inclusio_answered_at == clock["now"]  # type: ignore[attr-defined]
    assert ask_after(HEALTHY_WITHIN_SECONDS * 2)[0]  # idle longer: checked first
