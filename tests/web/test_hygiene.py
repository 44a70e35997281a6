"""Staff idle sign-out, no caching of signed-in pages, the admin's refusal, one-line 403 logs."""

from __future__ import annotations

import logging
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from inclusio.core.models import User
from inclusio.web.middleware import LAST_SEEN
from tests.web.accounts import PASSWORD, current_code

pytestmark = pytest.mark.django_db


def url(name: str, language: str = "en") -> str:
    with override(language):
        return reverse(name)


def signed_in_staff(client: Client, user: User) -> None:
    client.post(url("web:login"), {"username": user.username, "password": PASSWORD})
    client.post(url("web:second_factor"), {"code": current_code(user)})


def _age_the_session(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_staff_are_signed_out_after_the_idle_limit(client: Client, staff: User, settings) -> None:
    settings.STAFF_IDLE_SECONDS = 30 * 60
    signed_in_staff(client, staff)
    assert client.get(url("web:home")).status_code == 200
    _age_the_session(client, 29 * 60)
    assert client.get(url("web:home")).status_code == 200
    _age_the_session(client, 31 * 60)
    response = client.get(url("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("web:login"))
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after a time without activity." in page
    assert not client.get(url("web:home")).wsgi_request.user.is_authenticated


def test_staff_sessions_are_stored_for_the_idle_limit_only(
    client: Client, staff: User, settings
) -> None:
    settings.STAFF_IDLE_SECONDS = 30 * 60
    signed_in_staff(client, staff)
    client.get(url("web:home"))
    assert client.session.get_expiry_age() == 30 * 60


def test_persons_keep_djangos_session_length(client: Client, person: User, settings) -> None:
    client.post(url("web:login"), {"username": "dana", "password": PASSWORD})
    assert client.get(url("web:home")).wsgi_request.user.is_authenticated
    assert LAST_SEEN not in client.session  # not a staff session: no idle limit
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 14 * 24 * 3600


def test_pages_of_a_signed_in_user_and_the_api_are_not_stored(client: Client, person: User) -> None:
    anonymous = client.get(url("web:home"))
    assert "no-store" not in anonymous.get("Cache-Control", "")
    assert "no-store" in client.get("/api/openapi.json")["Cache-Control"]
    client.force_login(person)
    response = client.get(url("web:home"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_signed_in_person_opening_the_admin_is_refused_not_sent_round(
    client: Client, person: User
) -> None:
    client.force_login(person)
    response = client.get("/ru/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1  # to the admin's sign-in door, refused there
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert "<h1>" in page and "You may not open this page" not in page  # in Russian


def test_staff_without_back_office_rights_are_refused_too(client: Client, staff: User) -> None:
    signed_in_staff(client, staff)
    assert client.get("/en/admin/", follow=True).status_code == 403


def test_the_signed_out_are_sent_to_our_sign_in(client: Client) -> None:
    response = client.get("/en/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(url("web:login") + "?next=")
    assert response.status_code == 200


def test_a_refusal_is_logged_in_one_line_without_a_traceback(
    client: Client, person: User, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(person)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/en/admin/login/")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    # Django logs PermissionDenied with its exception; the console handler's filter, which
    # sees the record first, has dropped it.
    assert record.status_code == 403
    assert record.exc_info is None and record.exc_text is None
    assert logging.Formatter().format(record) == "Forbidden (Permission denied): /en/admin/login/"


def test_the_filter_is_on_the_console_handler(settings) -> None:
    console = settings.LOGGING["handlers"]["console"]
    assert console["filters"] == ["refusals_in_one_line"]
    assert settings.LOGGING["filters"]["refusals_in_one_line"]["()"] == (
        "inclusio.web.logs.RefusalsInOneLine"
    )


def test_other_errors_keep_their_traceback() -> None:
    from inclusio.web.logs import RefusalsInOneLine

    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, "", 0, "x", None, sys.exc_info()
        )
    record.status_code = 500
    RefusalsInOneLine().filter(record)
    assert record.exc_info is not None
