"""The password pages: change when signed in, a person's reset with a code read from the
demonstration's outbox, and answers that tell nobody who has an account."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from inclusio.core.models import LoginFailure, OutboxMessage, PasswordResetCode, User
from tests.factories import make_trio, same_page, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

OLD = "correct horse battery"  # make_trio's password
NEW = "a new and longer passphrase"


def _signed_in_with_password(user: User, password: str = OLD) -> Client:
    client = Client()
    response = client.post("/en/login/", {"username": user.get_username(), "password": password})
    assert response.status_code == 302, response.content[:300]
    return client


def test_a_person_changes_their_password_and_their_other_sessions_end() -> None:
    account = make_trio().person.user
    here, elsewhere = _signed_in_with_password(account), _signed_in_with_password(account)
    response = here.post(
        "/en/account/password/",
        {"current_password": OLD, "new_password": NEW, "new_password_again": NEW},
    )
    assert response.status_code == 302 and response["Location"] == "/en/"
    account.refresh_from_db()
    assert account.check_password(NEW)
    # This session goes on; the other one is signed out.
    assert here.get("/en/account/password/").status_code == 200
    assert elsewhere.get("/en/account/password/").status_code == 302
    assert "Your password was changed." in here.get("/en/").content.decode()


def test_staff_reach_the_change_page_after_their_second_factor() -> None:
    officer = make_trio().own_officer
    client = Client()
    sign_in(client, officer)
    page = client.get("/ru/account/password/").content.decode()
    assert "Смена пароля" in page and 'autocomplete="current-password"' in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"current_password": "not it", "new_password": NEW, "new_password_again": NEW},
            "current_password",
            "Текущий пароль неверен. (",
        ),
        (
            {"current_password": OLD, "new_password": NEW, "new_password_again": NEW + "x"},
            "new_password_again",
            "Два новых пароля различаются",
        ),
        (
            {"current_password": OLD, "new_password": "short", "new_password_again": "short"},
            "new_password",
            "Новый пароль не принят",
        ),
    ],
)
def test_a_refused_change_says_why_in_the_readers_language_and_writes_nothing(
    data: dict[str, str], field: str, message: str
) -> None:
    account = make_trio().person.user
    client = Client()
    sign_in(client, account)
    password, before = account.password, row_counts()
    response = client.post("/ru/account/password/", data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors and message.rstrip(" (") in errors[field][0]
    account.refresh_from_db()
    assert account.password == password
    failures = 1 if field == "current_password" else 0  # a wrong password counts as a guess
    assert row_counts() == {**before, "core.LoginFailure": before["core.LoginFailure"] + failures}


def test_guessing_the_current_password_is_paused_like_signing_in() -> None:
    account = make_trio().person.user
    client = Client()
    sign_in(client, account)
    wrong = {"current_password": "guess", "new_password": NEW, "new_password_again": NEW}
    for _ in range(5):
        assert client.post("/en/account/password/", wrong).status_code == 422
    right = {**wrong, "current_password": OLD}
    assert client.post("/en/account/password/", right).status_code == 429
    account.refresh_from_db()
    assert account.check_password(OLD)


def _code_in_the_outbox(client: Client, username: str) -> str:
    page = client.get("/en/demo/outbox/").content.decode()
    assert "Anyone can read this page" in page
    row = re.search(rf"<td>{re.escape(username)}</td>\s*<td>[^<]*?(\d{{6}})", page)
    assert row is not None, page
    return row.group(1)


def test_a_person_resets_their_password_with_the_code_from_the_outbox() -> None:
    person = make_trio().person
    client = Client()
    response = client.post("/en/password-reset/", {"identifier": person.iin})
    assert response.status_code == 302 and response["Location"] == "/en/password-reset/code/"
    code = _code_in_the_outbox(Client(), person.user.get_username())
    response = client.post(
        "/en/password-reset/code/",
        {"code": code, "new_password": NEW, "new_password_again": NEW},
    )
    assert response.status_code == 302 and response["Location"] == "/en/login/"
    assert "Your password is changed. Sign in with it." in client.get("/en/login/").content.decode()
    _signed_in_with_password(person.user, NEW)
    # The code works once.
    client.post("/en/password-reset/", {"identifier": person.iin})
    response = client.post(
        "/en/password-reset/code/",
        {
            "code": code,
            "new_password": "another passphrase",
            "new_password_again": "another passphrase",
        },
    )
    assert response.status_code == 422
    assert "RESET_CODE" in str(response.context["form"].errors.as_data()["code"][0].code)


def test_the_answer_is_the_same_for_a_person_a_staff_member_and_nobody() -> None:
    trio = make_trio()
    pages = []
    for identifier in (trio.person.iin, trio.own_officer.get_username(), "no_such_account"):
        client = Client()
        first = client.post("/kk/password-reset/", {"identifier": identifier})
        assert (first.status_code, first["Location"]) == (302, "/kk/password-reset/code/")
        pages.append(client.get("/kk/password-reset/code/").content)
        wrong = client.post(
            "/kk/password-reset/code/",
            {"code": "123456", "new_password": NEW, "new_password_again": NEW},
        )
        assert wrong.status_code == 422
        pages.append(wrong.content)
    assert same_page(pages[0], pages[2]) and same_page(pages[2], pages[4])
    assert same_page(pages[1], pages[3]) and same_page(pages[3], pages[5])
    # Only the person was sent a code.
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [trio.person.user_id]


def test_a_wrong_code_is_refused_in_russian_and_changes_nothing_but_its_count() -> None:
    person = make_trio().person
    client = Client()
    client.post("/ru/password-reset/", {"identifier": person.user.get_username()})
    code = OutboxMessage.objects.get().code
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    before, password = row_counts(), person.user.password
    response = client.post(
        "/ru/password-reset/code/",
        {"code": wrong, "new_password": NEW, "new_password_again": NEW},
    )
    assert response.status_code == 422
    (error,) = response.context["form"].errors.as_data()["code"]
    assert error.code == "RESET_CODE_WRONG" and "Этот код неверен" in error.message
    assert row_counts() == {**before, "core.LoginFailure": before["core.LoginFailure"] + 1}
    assert PasswordResetCode.objects.get().tries_left == 4
    person.user.refresh_from_db()
    assert person.user.password == password


def test_asking_for_codes_is_paused_like_signing_in() -> None:
    client = Client()
    for n in range(20):
        assert client.post("/en/password-reset/", {"identifier": f"someone{n}"}).status_code == 302
    response = client.post("/en/password-reset/", {"identifier": "one_more"})
    assert response.status_code == 429
    assert LoginFailure.objects.count() == 20


def test_the_code_step_without_the_first_sends_back_to_it() -> None:
    response = Client().get("/en/password-reset/code/")
    assert response.status_code == 302 and response["Location"] == "/en/password-reset/"


def test_a_signed_in_holder_is_sent_to_the_change_page() -> None:
    client = Client()
    sign_in(client, make_trio().person.user)
    for address in ("/en/password-reset/", "/en/password-reset/code/"):
        assert client.get(address)["Location"] == "/en/account/password/"


@override_settings(ACCOUNT_NOTICE_BACKEND="inclusio.core.notices.LocalBackend")
def test_without_the_demonstration_outbox_there_is_no_outbox_page() -> None:
    person = make_trio().person
    client = Client()
    client.post("/en/password-reset/", {"identifier": person.iin})
    assert Client().get("/en/demo/outbox/").status_code == 404
    page = client.get("/en/password-reset/code/").content.decode()
    assert "demo/outbox" not in page
    assert "demo/outbox" not in Client().get("/en/password-reset/").content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("kk", "Құпиясөзді қалпына келтіру"), ("ru", "Сброс пароля"), ("en", "Reset your password")],
)
def test_the_reset_page_speaks_each_language(language: str, heading: str) -> None:
    page = Client().get(f"/{language}/password-reset/").content.decode()
    assert f"<h1>{heading}</h1>" in page


def test_no_field_of_the_code_step_answers_a_hostile_value_with_a_server_error() -> None:
    from tests.web.test_hostile_requests import HOSTILE, send_undone

    person = make_trio().person
    client = Client(raise_request_exception=False)
    client.post("/en/password-reset/", {"identifier": person.iin})
    valid = {"code": OutboxMessage.objects.get().code, "new_password": NEW}
    valid["new_password_again"] = NEW
    assert send_undone(client, "post", "/en/password-reset/code/", data=valid).status_code == 302
    failures = []
    for field in valid:
        for value in HOSTILE:
            response = send_undone(
                client, "post", "/en/password-reset/code/", data={**valid, field: value}
            )
            if response.status_code >= 500:
                failures.append(f"{field}={value[:40]!r} → {response.status_code}")
    assert not failures, "\n".join(failures)
