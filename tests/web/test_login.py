"""Signing in: password, throttling, the staff second factor, sign-out, languages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.core.models import AuditEvent, EnrolmentCode, LoginFailure, User
from tests.web.accounts import PASSWORD, current_code, enrolment_code_of

pytestmark = pytest.mark.django_db


def url(name: str, language: str = "en") -> str:
    # English pages by default, so the messages checked below do not depend on a catalogue.
    with override(language):
        return reverse(name)


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(url("web:login"), {"username": username, "password": password}, **extra)


def signed_in_user(client: Client) -> User | None:
    response = client.get(url("web:home"))
    user = response.wsgi_request.user
    return user if user.is_authenticated else None


def test_a_person_signs_in_and_reaches_the_dashboard(client: Client, person: User) -> None:
    response = sign_in(client, "dana")
    assert response.status_code == 302
    assert response["Location"] == url("web:home")
    home = client.get(url("web:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == person
    assert "Person with a disability" in home.content.decode()  # the role name


def test_signing_in_returns_to_the_page_asked_for(client: Client, person: User) -> None:
    target = url("web:home") + "?from=link"
    response = client.post(
        f"{url('web:login')}?next={target}", {"username": "dana", "password": PASSWORD}
    )
    assert response["Location"] == target


def test_a_next_address_outside_the_site_is_ignored(client: Client, person: User) -> None:
    response = client.post(
        f"{url('web:login')}?next=https://evil.example/", {"username": "dana", "password": PASSWORD}
    )
    assert response["Location"] == url("web:home")


def test_a_wrong_password_is_refused_with_a_message_and_nothing_else(
    client: Client, person: User
) -> None:
    response = sign_in(client, "dana", "wrong password")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "The username or the password is not right." in page
    assert signed_in_user(client) is None
    assert LoginFailure.objects.filter(username="dana").count() == 1


def test_an_unknown_username_gets_the_same_message(client: Client, person: User) -> None:
    wrong_user = sign_in(client, "nobody", PASSWORD).content.decode()
    assert "The username or the password is not right." in wrong_user


def test_empty_fields_are_listed_in_the_error_summary_with_links(client: Client) -> None:
    response = client.post(url("web:login"), {"username": "", "password": ""})
    page = response.content.decode()
    assert 'href="#id_username"' in page and 'href="#id_password"' in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_username_error"' in page
    assert re.search(r"<title>[^<]*Error:", page)


def test_after_the_limit_even_the_right_password_is_refused(
    client: Client, person: User, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _attempt in range(3):
        sign_in(client, "dana", "wrong password")
    response = sign_in(client, "dana", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert signed_in_user(client) is None
    # The refusal is not a guess: it adds no failure of its own.
    assert LoginFailure.objects.filter(username="dana").count() == 3


def test_failures_from_one_address_pause_every_account_from_it(
    client: Client, person: User, settings
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for name in ("anna", "boris", "chingiz"):
        sign_in(client, name, "guess")
    assert sign_in(client, "dana", PASSWORD).status_code == 429
    other_address = Client()
    assert sign_in(other_address, "dana", PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 302


def test_failures_spread_over_many_addresses_never_lock_the_holder_out(
    client: Client, person: User, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for host in range(1, 31):
        sign_in(Client(), "dana", "wrong password", REMOTE_ADDR=f"203.0.113.{host}")
    assert LoginFailure.objects.filter(username="dana").count() == 30
    # The holder, from their own address, signs in as if nothing happened.
    assert sign_in(client, "dana", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_the_pause_holds_for_one_account_from_one_address_only(
    client: Client, person: User, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _attempt in range(3):
        sign_in(client, "dana", "wrong password", REMOTE_ADDR="203.0.113.5")
    assert sign_in(client, "dana", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 429
    # Another account from that address is not paused by this account's count.
    assert not LoginFailure.objects.filter(username="anna").exists()
    sign_in(Client(), "anna", "wrong password", REMOTE_ADDR="203.0.113.5")
    assert LoginFailure.objects.filter(username="anna").count() == 1
    assert sign_in(Client(), "dana", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_failures_older_than_the_window_no_longer_count(
    client: Client, person: User, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _attempt in range(3):
        sign_in(client, "dana", "wrong password")
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    LoginFailure.objects.update(at=timezone.now() - window - dt.timedelta(seconds=1))
    assert sign_in(client, "dana", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="dana").exists()


def test_staff_without_a_device_are_sent_to_enrolment(
    client: Client, staff_without_device: User
) -> None:
    response = sign_in(client, "new_officer", follow=True)
    assert response.redirect_chain[-1][0] == url("web:second_factor_enrol")
    page = response.content.decode()
    # First the enrolment code: with the password alone no key is shown and no device made.
    assert 'name="enrolment_code"' in page
    assert "data:image/png" not in page
    assert not TOTPDevice.objects.filter(user=staff_without_device).exists()
    # Until set up, every other page leads back here.
    assert client.get(url("web:home"))["Location"].startswith(url("web:second_factor"))

    # Typed as read aloud: lower case, with spaces.
    code = enrolment_code_of(staff_without_device)
    typed = f"{code[:4].lower()} {code[4:8]} {code[8:]}"
    response = client.post(url("web:second_factor_enrol"), {"enrolment_code": typed}, follow=True)
    page = response.content.decode()
    assert 'src="data:image/png;base64,' in page
    device = TOTPDevice.objects.get(user=staff_without_device)
    assert not device.confirmed
    # The key is also written out, in groups of four, for people who cannot scan.
    assert re.search(r"<code[^>]*>([A-Z2-7]{4} )+[A-Z2-7]{1,4}</code>", page)
    # The code is used up.
    assert not EnrolmentCode.objects.filter(user=staff_without_device).exists()

    response = client.post(
        url("web:second_factor_enrol"), {"code": current_code(staff_without_device)}
    )
    assert response["Location"] == url("web:home")
    device.refresh_from_db()
    assert device.confirmed
    home = client.get(url("web:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user.is_verified()
    # The holder reads that a new app was set up; the trail has the code check and the device.
    assert "A new authenticator app was set up for your account." in home.content.decode()
    actions = AuditEvent.objects.filter(entity="account", entity_id=str(staff_without_device.pk))
    assert list(actions.values_list("action", "data")) == [
        ("account_second_factor_reset", {"reason": "new_staff", "expires_in_hours": 72}),
        ("enrolment_code_check", {"outcome": "accepted"}),
        ("second_factor_enrol", {"device": device.pk}),
    ]


def test_enrolment_refuses_a_wrong_enrolment_code_and_shows_no_key(
    client: Client, staff_without_device: User
) -> None:
    EnrolmentCode.objects.update(tries_left=2)
    sign_in(client, "new_officer")
    response = client.post(url("web:second_factor_enrol"), {"enrolment_code": "ABCD EFGH JKLM"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "That enrolment code is not right" in page
    assert "data:image/png" not in page
    assert not TOTPDevice.objects.filter(user=staff_without_device).exists()
    assert LoginFailure.objects.filter(username="new_officer").count() == 1
    held = EnrolmentCode.objects.get(user=staff_without_device)
    assert held.tries_left == 1
    # Only a digest is stored.
    assert enrolment_code_of(staff_without_device) not in held.digest

    # The last try used up, even the right code no longer works.
    client.post(url("web:second_factor_enrol"), {"enrolment_code": "ABCD EFGH JKLM"})
    assert not EnrolmentCode.objects.filter(user=staff_without_device).exists()
    right = enrolment_code_of(staff_without_device)
    response = client.post(url("web:second_factor_enrol"), {"enrolment_code": right})
    assert response.status_code == 422
    assert "data:image/png" not in response.content.decode()
    outcomes = AuditEvent.objects.filter(action="enrolment_code_check").values_list(
        "data__outcome", flat=True
    )
    assert list(outcomes) == ["refused", "refused_last_try"]


def test_an_expired_enrolment_code_is_refused(client: Client, staff_without_device: User) -> None:
    EnrolmentCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    sign_in(client, "new_officer")
    code = enrolment_code_of(staff_without_device)
    response = client.post(url("web:second_factor_enrol"), {"enrolment_code": code})
    assert response.status_code == 422
    assert not TOTPDevice.objects.filter(user=staff_without_device).exists()


def test_enrolment_refuses_a_wrong_code(client: Client, staff_without_device: User) -> None:
    sign_in(client, "new_officer")
    client.post(
        url("web:second_factor_enrol"),
        {"enrolment_code": enrolment_code_of(staff_without_device)},
    )
    response = client.post(url("web:second_factor_enrol"), {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    assert not TOTPDevice.objects.get(user=staff_without_device).confirmed


def test_staff_with_a_device_must_give_the_code_before_home(
    client: Client, staff: User, settings
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the device's own back-off would delay the retry
    response = sign_in(client, "officer")
    assert response["Location"] == url("web:second_factor")
    assert client.get(url("web:home"))["Location"].startswith(url("web:second_factor"))

    wrong = client.post(url("web:second_factor"), {"code": "12345"})
    assert "Enter the 6 digits" in wrong.content.decode()
    wrong = client.post(url("web:second_factor"), {"code": "000000"})
    assert "That code is not right." in wrong.content.decode()
    assert LoginFailure.objects.filter(username="officer").count() == 1

    response = client.post(url("web:second_factor"), {"code": current_code(staff)})
    assert response["Location"] == url("web:home")
    home = client.get(url("web:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user.is_verified()
    assert not LoginFailure.objects.filter(username="officer").exists()


def test_wrong_codes_count_toward_the_throttle(client: Client, staff: User, settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    sign_in(client, "officer")
    for _attempt in range(2):
        client.post(url("web:second_factor"), {"code": "000000"})
    response = client.post(url("web:second_factor"), {"code": current_code(staff)})
    assert response.status_code == 429
    assert client.get(url("web:home")).status_code == 302


def test_the_middleware_holds_unverified_staff_at_the_second_factor(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    response = client.get(url("web:home", "ru"))
    assert response.status_code == 302
    assert response["Location"] == url("web:second_factor", "ru") + "?next=%2Fru%2F"
    # Signing out, switching language, static files and the API stay open.
    assert client.get(url("web:second_factor")).status_code == 200
    assert client.post(url("set_language"), {"language": "en"}).status_code == 302
    assert client.get("/api/openapi.json").status_code == 200
    assert client.post(url("web:logout")).status_code == 302
    assert signed_in_user(client) is None


def test_the_middleware_leaves_persons_alone(client: Client, person: User) -> None:
    client.force_login(person)
    assert client.get(url("web:home")).status_code == 200


def test_the_second_factor_can_be_switched_off(client: Client, staff: User, settings) -> None:
    settings.STAFF_SECOND_FACTOR_REQUIRED = False
    assert sign_in(client, "officer")["Location"] == url("web:home")
    assert client.get(url("web:home")).status_code == 200


def test_sign_out_is_a_post(client: Client, person: User) -> None:
    client.force_login(person)
    assert client.get(url("web:logout")).status_code == 405
    response = client.post(url("web:logout"), follow=True)
    assert signed_in_user(client) is None
    assert 'role="status"' in response.content.decode()


def test_pages_are_in_kazakh_by_default(client: Client) -> None:
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/kk/"
    assert '<html lang="kk">' in response.content.decode()


@pytest.mark.parametrize("browser_language", ["kk", "en", "ru"])
def test_the_language_switch_sets_the_language(client: Client, browser_language: str) -> None:
    page = client.get("/kk/?q=1", HTTP_ACCEPT_LANGUAGE=browser_language).content.decode()
    next_field = re.search(r'<input name="next" type="hidden" value="([^"]*)">', page)
    assert next_field is not None
    assert next_field.group(1) == "/?q=1"  # in no language: the switch decides
    response = client.post(
        url("set_language"),
        {"language": "ru", "next": next_field.group(1)},
        HTTP_ACCEPT_LANGUAGE=browser_language,
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/ru/?q=1"
    assert '<html lang="ru">' in response.content.decode()
    assert client.cookies["django_language"].value == "ru"


def test_the_language_switch_names_each_language_in_itself(client: Client) -> None:
    page = client.get(url("web:home")).content.decode()
    for code, name in (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")):
        assert re.search(rf'<option value="{code}" lang="{code}"[^>]*>{name}</option>', page)
    assert f'action="{url("set_language")}"' in page
