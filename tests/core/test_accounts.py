"""The account services: who may change which account, what the trail keeps, who is told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.core import accounts
from inclusio.core.accounts import Reason
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.core.models import AccountNotice, ApiToken, AuditEvent, EnrolmentCode, User
from inclusio.core.tokens import api_token_issue
from tests.web.accounts import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_of_ministry() -> User:
    user = make_account("minadmin", role="ministry_admin", region=None)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def officer() -> User:
    return make_account("officer", role="district_officer", first_name="Ерлан", last_name="Сейітов")


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root", password="correct horse battery staple")


def _trail() -> list[tuple[str, str, dict[str, Any]]]:
    return list(AuditEvent.objects.values_list("action", "entity_id", "data"))


def refused(code: str, call: Callable[[], object]) -> DomainError:
    """``call`` is refused with ``code`` and writes nothing: no account change, no trail row,
    no notice. The message is translated (Russian differs from English)."""
    trail, notices = _trail(), AccountNotice.objects.count()
    accounts_before = list(User.objects.order_by("pk").values())
    groups_before = list(User.groups.through.objects.order_by("pk").values())
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code
    english = caught.value.message
    with translation.override("ru"):
        assert caught.value.message != english, f"{code} has no Russian message"
    assert _trail() == trail
    assert AccountNotice.objects.count() == notices
    assert list(User.objects.order_by("pk").values()) == accounts_before
    assert list(User.groups.through.objects.order_by("pk").values()) == groups_before
    return caught.value


def test_a_staff_account_is_created_with_its_roles_and_handed_over(
    admin_of_ministry: User,
) -> None:
    account, handover = accounts.account_create(
        actor=admin_of_ministry,
        username="aigerim.k",
        first_name="Айгерим",
        last_name="Касымова",
        region_code="71",
        roles=["district_officer", "mse_specialist"],
        language="ru",
        reason=Reason.NEW_STAFF,
    )
    assert set(account.groups.values_list("name", flat=True)) == {
        "district_officer",
        "mse_specialist",
    }
    assert account.region_id == "71" and account.preferred_language == "ru"
    assert not account.is_staff and not account.is_superuser
    assert handover.password and account.check_password(handover.password)
    assert handover.enrolment_code and len(handover.enrolment_code) == 12
    held = EnrolmentCode.objects.get(user=account)
    assert handover.enrolment_code not in held.digest
    [event] = AuditEvent.objects.filter(action="account_create")
    assert event.actor == admin_of_ministry and event.entity_id == str(account.pk)
    assert event.data == {
        "roles": ["district_officer", "mse_specialist"],
        "region": "71",
        "language": "ru",
        "back_office": False,
        "reason": "new_staff",
    }
    assert list(account.account_notices.values_list("kind", flat=True)) == ["created"]


def test_every_account_change_is_in_the_trail_without_personal_values(
    superuser: User, officer: User
) -> None:
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    secrets_seen = [device.key, officer.username, "Ерлан", "Сейітов"]
    accounts.account_role_grant(
        actor=superuser, account=officer, role="mse_specialist", reason=Reason.DUTIES_CHANGED
    )
    accounts.account_role_revoke(
        actor=superuser, account=officer, role="mse_specialist", reason=Reason.DUTIES_CHANGED
    )
    password = accounts.account_password_reset(
        actor=superuser, account=officer, reason=Reason.HOLDER_REQUEST
    ).password
    code = accounts.account_second_factor_reset(
        actor=superuser, account=officer, reason=Reason.DEVICE_LOST
    ).enrolment_code
    accounts.account_deactivate(actor=superuser, account=officer, reason=Reason.LEFT_SERVICE)
    secrets_seen += [str(password), str(code)]

    events = AuditEvent.objects.filter(entity="account", entity_id=str(officer.pk))
    assert list(events.values_list("action", flat=True)) == [
        "account_role_grant",
        "account_role_revoke",
        "account_password_reset",
        "account_second_factor_reset",
        "account_deactivate",
    ]
    for event in events:
        assert event.actor == superuser
        stored = str(event.data)
        for value in secrets_seen:
            assert value not in stored, (event.action, value)
    # The holder was told of each change.
    assert list(officer.account_notices.order_by("id").values_list("kind", flat=True)) == [
        "role_granted",
        "role_revoked",
        "password_reset",
        "second_factor_reset",
        "deactivated",
    ]


def test_a_password_reset_ends_the_old_password(admin_of_ministry: User, officer: User) -> None:
    handover = accounts.account_password_reset(
        actor=admin_of_ministry, account=officer, reason=Reason.HOLDER_REQUEST
    )
    officer.refresh_from_db()
    assert not officer.check_password("correct horse battery staple")
    assert handover.password and officer.check_password(handover.password)


def test_a_second_factor_reset_removes_every_device(admin_of_ministry: User, officer: User) -> None:
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    StaticDevice.objects.create(user=officer, name="backup")
    accounts.account_second_factor_reset(
        actor=admin_of_ministry, account=officer, reason=Reason.DEVICE_LOST
    )
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert EnrolmentCode.objects.filter(user=officer).exists()


def test_deactivating_revokes_the_api_tokens(admin_of_ministry: User, officer: User) -> None:
    api_token_issue(
        actor=SYSTEM,
        user=officer,
        name="agency system",
        agency="Pension fund",
        purposes=["status_verification"],
    )
    accounts.account_deactivate(
        actor=admin_of_ministry, account=officer, reason=Reason.LEFT_SERVICE
    )
    officer.refresh_from_db()
    assert not officer.is_active
    assert not ApiToken.objects.filter(user=officer, revoked__isnull=True).exists()
    assert AuditEvent.objects.get(action="account_deactivate").data == {
        "reason": "left_service",
        "api_tokens_revoked": 1,
    }


def test_only_a_superuser_gives_back_office_rights(
    admin_of_ministry: User, superuser: User, officer: User
) -> None:
    refused(
        "SUPERUSER_REQUIRED",
        lambda: accounts.account_role_grant(
            actor=admin_of_ministry,
            account=officer,
            role="ministry_admin",
            reason=Reason.DUTIES_CHANGED,
        ),
    )
    accounts.account_role_grant(
        actor=superuser, account=officer, role="ministry_admin", reason=Reason.DUTIES_CHANGED
    )
    officer.refresh_from_db()
    assert officer.is_staff and not officer.is_superuser
    accounts.account_role_revoke(
        actor=superuser, account=officer, role="ministry_admin", reason=Reason.DUTIES_CHANGED
    )
    officer.refresh_from_db()
    assert not officer.is_staff


def test_an_administrator_cannot_touch_a_superuser_or_another_back_office_account(
    admin_of_ministry: User, superuser: User
) -> None:
    colleague = make_account("colleague", role="ministry_admin", region=None)
    colleague.is_staff = True
    colleague.save(update_fields=["is_staff"])
    for target in (superuser, colleague):
        for service in (
            accounts.account_password_reset,
            accounts.account_second_factor_reset,
            accounts.account_deactivate,
        ):
            refused(
                "SUPERUSER_REQUIRED",
                lambda service=service, target=target: service(
                    actor=admin_of_ministry, account=target, reason=Reason.HOLDER_REQUEST
                ),
            )


def test_nobody_administers_their_own_account(admin_of_ministry: User, superuser: User) -> None:
    refused(
        "ACCOUNT_OWN",
        lambda: accounts.account_role_grant(
            actor=admin_of_ministry, account=admin_of_ministry, role="auditor", reason="new_staff"
        ),
    )
    refused(
        "ACCOUNT_OWN",
        lambda: accounts.account_password_reset(
            actor=superuser, account=superuser, reason=Reason.HOLDER_REQUEST
        ),
    )


def test_an_account_without_the_permission_administers_nothing(officer: User) -> None:
    other = make_account("other", role="district_officer")
    refused(
        "ACCOUNTS_NOT_PERMITTED",
        lambda: accounts.account_password_reset(
            actor=officer, account=other, reason=Reason.HOLDER_REQUEST
        ),
    )
    refused(
        "ACCOUNTS_NOT_PERMITTED",
        lambda: accounts.account_create(
            actor=officer,
            username="new",
            first_name="A",
            last_name="B",
            region_code="71",
            roles=["district_officer"],
            language="kk",
            reason=Reason.NEW_STAFF,
        ),
    )


def _create(actor: User, **changes: Any) -> Callable[[], object]:
    arguments: dict[str, Any] = {
        "username": "new.officer",
        "first_name": "Айгерим",
        "last_name": "Касымова",
        "region_code": "71",
        "roles": ["district_officer"],
        "language": "kk",
        "reason": Reason.NEW_STAFF,
        **changes,
    }
    return lambda: accounts.account_create(actor=actor, **arguments)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"reason": "because I said so"}, "REASON_UNKNOWN"),
        ({"roles": ["pope"]}, "ROLE_UNKNOWN"),
        ({"roles": ["person"]}, "ROLE_NOT_STAFF"),
        ({"roles": []}, "ROLES_MISSING"),
        ({"region_code": None}, "ROLE_NEEDS_REGION"),
        ({"region_code": "99"}, "REGION_UNKNOWN"),
        ({"username": "has spaces"}, "USERNAME_INVALID"),
        ({"username": "officer"}, "USERNAME_TAKEN"),
        ({"language": "fr"}, "ACCOUNT_LANGUAGE_UNKNOWN"),
        ({"roles": ["ministry_admin"], "region_code": None}, "SUPERUSER_REQUIRED"),
    ],
)
def test_bad_input_to_create_is_refused_with_a_code_and_writes_nothing(
    admin_of_ministry: User, officer: User, changes: dict[str, Any], code: str
) -> None:
    refused(code, _create(admin_of_ministry, **changes))


def test_roles_given_twice_or_not_held_are_refused(admin_of_ministry: User, officer: User) -> None:
    refused(
        "ROLE_ALREADY_HELD",
        lambda: accounts.account_role_grant(
            actor=admin_of_ministry, account=officer, role="district_officer", reason="new_staff"
        ),
    )
    refused(
        "ROLE_NOT_HELD",
        lambda: accounts.account_role_revoke(
            actor=admin_of_ministry, account=officer, role="auditor", reason="duties_changed"
        ),
    )


def test_a_regional_role_needs_a_region(admin_of_ministry: User) -> None:
    national = make_account("national", role="auditor", region=None)
    refused(
        "ROLE_NEEDS_REGION",
        lambda: accounts.account_role_grant(
            actor=admin_of_ministry, account=national, role="district_officer", reason="new_staff"
        ),
    )
    accounts.account_role_grant(
        actor=admin_of_ministry, account=national, role="statistician", reason="new_staff"
    )
    assert national.groups.filter(name="statistician").exists()


def test_a_deactivated_account_is_not_changed_again(admin_of_ministry: User, officer: User) -> None:
    accounts.account_deactivate(
        actor=admin_of_ministry, account=officer, reason=Reason.LEFT_SERVICE
    )
    refused(
        "ACCOUNT_INACTIVE",
        lambda: accounts.account_password_reset(
            actor=admin_of_ministry, account=officer, reason=Reason.HOLDER_REQUEST
        ),
    )


def test_the_servers_command_resets_the_first_superusers_second_factor(
    superuser: User, capsys: Any
) -> None:
    from django.core.management import call_command

    TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    call_command("second_factor_reset", "root", "--reason", "device_lost")
    printed = capsys.readouterr().out
    assert "Enrolment code" in printed
    assert not TOTPDevice.objects.filter(user=superuser).exists()
    event = AuditEvent.objects.get(action="account_second_factor_reset")
    assert event.actor is None and event.actor_name == "system"
    assert Group.objects.filter(user=superuser).count() == 0
