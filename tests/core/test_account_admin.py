"""The accounts in the back office, through the real admin views, signed in as staff are
(password and second factor): a ministry administrator changes accounts only through the
services, cannot make anyone a superuser and never sees a second-factor key."""

from __future__ import annotations

from base64 import b32encode

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.core.models import AccountNotice, AuditEvent, EnrolmentCode, User
from tests.web.accounts import (
    PASSWORD,
    current_code,
    make_account,
    make_person_account,
    make_staff_account,
)

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    with override("en"):
        return reverse(name, args=args or None)


def signed_in(user: User) -> Client:
    client = Client()
    login = client.post(url("web:login"), {"username": user.username, "password": PASSWORD})
    assert login.status_code == 302
    code = client.post(url("web:second_factor"), {"code": current_code(user)})
    assert code["Location"] == url("web:home"), "the second factor was refused"
    return client


@pytest.fixture
def ministry_admin() -> User:
    user = make_staff_account("minadmin", role="ministry_admin")
    user.region = None
    user.is_staff = True
    user.save(update_fields=["region", "is_staff"])
    return user


@pytest.fixture
def officer() -> User:
    return make_staff_account("officer")


@pytest.fixture
def root() -> User:
    user = User.objects.create_superuser("root", password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def test_the_user_form_cannot_make_anyone_a_superuser(ministry_admin: User, officer: User) -> None:
    client = signed_in(ministry_admin)
    change = url("admin:core_user_change", officer.pk)
    page = client.get(change)
    assert page.status_code == 200
    # A read-only page: no input for any field of the account.
    html = page.content.decode()
    assert 'name="is_superuser"' not in html and 'name="is_staff"' not in html
    assert 'name="user_permissions"' not in html and 'name="groups"' not in html
    response = client.post(
        change,
        {"username": "officer", "is_superuser": "on", "is_staff": "on", "is_active": "on"},
    )
    assert response.status_code == 403
    for target in (officer, ministry_admin):
        target.refresh_from_db()
        assert not target.is_superuser
    officer.refresh_from_db()
    assert not officer.is_staff


def test_no_role_that_opens_the_back_office_is_given_by_an_administrator(
    ministry_admin: User, officer: User
) -> None:
    client = signed_in(ministry_admin)
    trail = AuditEvent.objects.count()
    for account, role in ((officer, "ministry_admin"), (ministry_admin, "auditor")):
        response = client.post(
            url("admin:core_user_roles", account.pk),
            {"change": "grant", "role": role, "reason": "duties_changed"},
        )
        assert response.status_code == 403
    assert (
        "SUPERUSER_REQUIRED"
        in client.post(
            url("admin:core_user_roles", officer.pk),
            {"change": "grant", "role": "ministry_admin", "reason": "duties_changed"},
        ).content.decode()
    )
    assert not officer.groups.filter(name="ministry_admin").exists()
    assert not ministry_admin.groups.filter(name="auditor").exists()
    assert AuditEvent.objects.count() == trail


def test_a_superuser_gives_the_back_office_through_the_same_form(root: User, officer: User) -> None:
    client = signed_in(root)
    response = client.post(
        url("admin:core_user_roles", officer.pk),
        {"change": "grant", "role": "ministry_admin", "reason": "duties_changed"},
    )
    assert response["Location"] == url("admin:core_user_change", officer.pk)
    officer.refresh_from_db()
    assert officer.is_staff and not officer.is_superuser
    assert AuditEvent.objects.get(action="account_role_grant").data == {
        "role": "ministry_admin",
        "back_office": True,
        "reason": "duties_changed",
    }


def test_an_administrator_gives_a_staff_role_with_a_reason(
    ministry_admin: User, officer: User
) -> None:
    client = signed_in(ministry_admin)
    roles = url("admin:core_user_roles", officer.pk)
    # Without a reason, nothing happens.
    missing = client.post(roles, {"change": "grant", "role": "mse_specialist"})
    assert missing.status_code == 422
    assert not officer.groups.filter(name="mse_specialist").exists()
    response = client.post(
        roles, {"change": "grant", "role": "mse_specialist", "reason": "duties_changed"}
    )
    assert response.status_code == 302
    assert officer.groups.filter(name="mse_specialist").exists()
    assert list(officer.account_notices.values_list("kind", flat=True)) == ["role_granted"]
    home = signed_in(officer).get(url("web:home")).content.decode()
    assert (
        "An administrator gave your account a role. (Medical-social expertise specialist)" in home
    )


def test_no_second_factor_key_can_be_read(ministry_admin: User, root: User, officer: User) -> None:
    device = TOTPDevice.objects.get(user=officer)
    static = StaticDevice.objects.create(user=officer, name="backup")
    key_in_base32 = b32encode(device.bin_key).decode().rstrip("=")
    for user in (ministry_admin, root):
        client = signed_in(user)
        for path in (
            "/en/admin/otp_totp/totpdevice/",
            f"/en/admin/otp_totp/totpdevice/{device.pk}/change/",
            f"/en/admin/otp_totp/totpdevice/{device.pk}/config/",
            f"/en/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
            "/en/admin/otp_static/staticdevice/",
            f"/en/admin/otp_static/staticdevice/{static.pk}/change/",
        ):
            assert client.get(path).status_code == 404, path
        for path in (
            url("admin:core_user_change", officer.pk),
            url("admin:core_user_changelist"),
            url("admin:index"),
        ):
            html = client.get(path).content.decode()
            assert device.key not in html and key_in_base32 not in html
        account = client.get(url("admin:core_user_change", officer.pk)).content.decode()
        assert "an authenticator app is set up" in account


def test_the_password_view_goes_through_the_reset_service(
    ministry_admin: User, officer: User
) -> None:
    client = signed_in(ministry_admin)
    password_url = f"/en/admin/core/user/{officer.pk}/password/"
    # Django's own form (a password of the administrator's choosing) no longer exists.
    refused = client.post(
        password_url, {"password1": "chosen by the admin 1", "password2": "chosen by the admin 1"}
    )
    assert refused.status_code == 422
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="account_password_reset").exists()

    response = client.post(password_url, {"reason": "holder_request"})
    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store") == 1
    officer.refresh_from_db()
    html = response.content.decode()
    shown = html.split("<code>")[1].split("</code>")[0]
    assert officer.check_password(shown)
    [event] = AuditEvent.objects.filter(action="account_password_reset")
    assert event.data == {"reason": "holder_request"}
    assert event.actor == ministry_admin
    assert list(officer.account_notices.values_list("kind", flat=True)) == ["password_reset"]
    # The holder reads it on their start page, in their own session.
    holder = Client()
    holder.post(url("web:login"), {"username": "officer", "password": shown})
    holder.post(url("web:second_factor"), {"code": current_code(officer)})
    home = holder.get(url("web:home")).content.decode()
    assert "An administrator reset your password." in home


def test_a_second_factor_reset_hands_over_a_one_time_code(
    ministry_admin: User, officer: User
) -> None:
    client = signed_in(ministry_admin)
    response = client.post(
        url("admin:core_user_second_factor", officer.pk), {"reason": "device_lost"}
    )
    assert response.status_code == 200
    code = response.content.decode().split("<code>")[1].split("</code>")[0]
    assert len(code) == 12
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert EnrolmentCode.objects.get(user=officer).digest != code
    account = client.get(url("admin:core_user_change", officer.pk)).content.decode()
    assert code not in account
    assert "an enrolment code was handed over" in account
    # Once the code has expired, the page says so plainly.
    EnrolmentCode.objects.update(expires_at=timezone.now())
    account = client.get(url("admin:core_user_change", officer.pk)).content.decode()
    assert "an enrolment code was handed over" not in account and "not set up" in account


def test_an_administrator_cannot_reset_a_superusers_access(
    ministry_admin: User, root: User
) -> None:
    client = signed_in(ministry_admin)
    for name in ("admin:core_user_password", "admin:core_user_second_factor"):
        response = client.post(url(name, root.pk), {"reason": "holder_request"})
        assert response.status_code == 403
        assert "SUPERUSER_REQUIRED" in response.content.decode()
    root.refresh_from_db()
    assert root.check_password(PASSWORD)
    assert TOTPDevice.objects.filter(user=root).exists()
    assert not AccountNotice.objects.filter(recipient=root).exists()


def test_a_staff_account_is_added_through_the_service(ministry_admin: User) -> None:
    client = signed_in(ministry_admin)
    add = url("admin:core_user_add")
    form = {
        "username": "aigerim.k",
        "first_name": "Айгерим",
        "last_name": "Касымова",
        "region": "",
        "roles": ["district_officer"],
        "language": "ru",
        "reason": "new_staff",
    }
    # A regional role without a region: refused with the code and the message, in Russian too.
    trail = AuditEvent.objects.count()
    with override("ru"):
        refused = client.post(reverse("admin:core_user_add"), form)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "ROLE_NEEDS_REGION" in html and "действует в одном регионе" in html
    assert not User.objects.filter(username="aigerim.k").exists()
    assert AuditEvent.objects.count() == trail

    response = client.post(add, {**form, "region": "71"})
    assert response.status_code == 200
    account = User.objects.get(username="aigerim.k")
    assert set(account.groups.values_list("name", flat=True)) == {"district_officer"}
    assert not account.is_staff and not account.is_superuser
    assert "Enrolment code" in response.content.decode()
    event = AuditEvent.objects.get(action="account_create")
    assert "aigerim" not in str(event.data) and "Касымова" not in str(event.data)


def test_deactivating_ends_the_holders_session(ministry_admin: User, officer: User) -> None:
    holder = signed_in(officer)
    client = signed_in(ministry_admin)
    response = client.post(
        url("admin:core_user_deactivate", officer.pk), {"reason": "left_service"}
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert not holder.get(url("web:home")).wsgi_request.user.is_authenticated


def test_staff_without_the_permission_cannot_open_the_account_forms(
    officer: User, ministry_admin: User
) -> None:
    officer.is_staff = True  # even let into the admin, a district officer changes no account
    officer.save(update_fields=["is_staff"])
    client = signed_in(officer)
    for name in ("admin:core_user_roles", "admin:core_user_password"):
        assert client.get(url(name, ministry_admin.pk)).status_code == 403
    assert client.get(url("admin:core_user_add")).status_code == 403


def test_roles_are_not_edited_as_groups(root: User) -> None:
    client = signed_in(root)
    group = Group.objects.get(name="ministry_admin")
    assert client.get(f"/en/admin/auth/group/{group.pk}/change/").status_code == 404


def test_the_list_of_accounts_shows_roles(ministry_admin: User, officer: User) -> None:
    make_account("statistician1", role="statistician", region=None)
    client = signed_in(ministry_admin)
    html = client.get(url("admin:core_user_changelist")).content.decode()
    assert "District social-protection officer" in html and "Statistician" in html
    # Filtered by role under the role's name, not the group's code.
    assert "?role=statistician" in html and "?groups__id__exact" not in html
    statisticians = client.get(url("admin:core_user_changelist") + "?role=statistician")
    assert [a.username for a in statisticians.context["cl"].result_list] == ["statistician1"]


def test_an_accounts_history_is_its_changes_in_the_audit_trail(
    ministry_admin: User, officer: User
) -> None:
    client = signed_in(ministry_admin)
    client.post(
        url("admin:core_user_roles", officer.pk),
        {"change": "grant", "role": "mse_specialist", "reason": "duties_changed"},
    )
    page = client.get(url("admin:core_user_change", officer.pk)).content.decode()
    assert "Changes in the audit trail" in page
    assert url("admin:core_user_history", officer.pk) not in page
    # The admin's own history would say "no change history": it leads to the trail instead.
    history = client.get(url("admin:core_user_history", officer.pk), follow=True)
    assert history.status_code == 200
    events = list(history.context["cl"].result_list)
    assert events and {(e.entity, e.entity_id) for e in events} == {("account", str(officer.pk))}
    assert "account_role_grant" in {e.action for e in events}


def test_the_back_office_speaks_kazakh_where_djangos_catalogue_does_not(
    ministry_admin: User,
) -> None:
    client = signed_in(ministry_admin)
    index = client.get("/kk/admin/").content.decode()
    assert "Inclusio әкімшілігі" in index and "Даңғо" not in index
    assert "Соңғы әрекеттер" in index and "Recent actions" not in index
    accounts = client.get("/kk/admin/core/user/").content.decode()
    assert "Қарау үшін таңдаңыз" in accounts and "to view" not in accounts
    assert "Администрирование Inclusio" in client.get("/ru/admin/").content.decode()
    account = client.get(f"/kk/admin/core/user/{ministry_admin.pk}/change/").content.decode()
    assert "150 таңбадан аспайды" in account and "characters or fewer" not in account


def test_a_persons_password_is_neither_offered_nor_reset(ministry_admin: User) -> None:
    person = make_person_account("dana")
    client = signed_in(ministry_admin)
    page = client.get(f"/en/admin/core/user/{person.pk}/change/").content.decode()
    assert f"/admin/core/user/{person.pk}/password/" not in page
    assert "resets it themselves with a one-time code" in page
    refused = client.post(
        f"/en/admin/core/user/{person.pk}/password/", {"reason": "holder_request"}
    )
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "PERSON_SIGNS_IN_ELSEWHERE" in html and "<code>" not in html
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="account_password_reset").exists()
    assert not person.account_notices.exists()
