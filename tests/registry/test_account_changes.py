"""An administrator's change to a registered person's account reaches the person's access log;
a staff account's change stays in the audit trail; nobody resets a person's password."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from inclusio.core import accounts
from inclusio.core.accounts import Reason
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError, ErrorCode
from inclusio.core.models import AccessEvent, AccountNotice, AuditEvent, User
from inclusio.registry.selectors import AccessLogFilter, access_log_page
from inclusio.registry.services import care_link_create
from tests.factories import make_person, make_trio, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator() -> User:
    user = make_user("minadmin", "ministry_admin", None)
    user.first_name, user.last_name = "Асель", "Нурова"
    user.is_staff = True
    user.save()
    return user


def _entries(person, language: str):  # type: ignore[no-untyped-def]
    with translation.override(language):
        return access_log_page(actor=person.user, person=person, filters=AccessLogFilter()).entries


def test_a_role_given_to_a_persons_account_is_in_their_access_log_in_their_language(
    administrator: User, client: Client
) -> None:
    trio = make_trio()
    account = trio.person.user
    accounts.account_role_grant(
        actor=administrator, account=account, role="statistician", reason=Reason.HOLDER_REQUEST
    )
    event = AccessEvent.objects.get(person_iin=trio.person.iin)
    assert (event.what, event.purpose, event.reader, event.office, event.outcome) == (
        "account",
        "accounts",
        "staff",
        "ministry_admin",
        "granted",
    )
    assert AuditEvent.objects.filter(action="account_role_grant", entity_id=account.pk).exists()
    (entry,) = _entries(trio.person, "en")
    assert (entry.who, entry.office, entry.shown) == (
        "Асель Нурова",
        "Ministry administrator, national",
        True,
    )
    assert entry.what == "your account: its roles, its password, its second factor or its access"
    assert entry.why == "administering accounts, at the holder's request or for security"
    russian, kazakh = _entries(trio.person, "ru")[0], _entries(trio.person, "kk")[0]
    for translated in (russian, kazakh):
        assert translated.who == "Асель Нурова"
        assert translated.what != entry.what and translated.why != entry.why
        assert translated.office != entry.office
    assert "аккаунт" in russian.what.lower() or "учётн" in russian.what.lower()
    # The role is taken back (a staff role would ask the person for a second factor), and the
    # person reads both changes on their access-log page.
    accounts.account_role_revoke(
        actor=administrator, account=account, role="statistician", reason=Reason.HOLDER_REQUEST
    )
    assert AccessEvent.objects.filter(person_iin=trio.person.iin, what="account").count() == 2
    client.force_login(account)
    response = client.get("/ru/registry/me/access-log/")
    assert response.status_code == 200, response
    page = response.content.decode()
    assert page.count(russian.what) == 2 and "Асель Нурова" in page and "minadmin" not in page


def test_a_deactivated_representatives_account_is_in_their_own_log(administrator: User) -> None:
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=dt.date(2016, 2, 2)
    )
    accounts.account_deactivate(
        actor=administrator, account=parent_account, reason=Reason.SUSPECTED_MISUSE
    )
    logged = AccessEvent.objects.filter(what="account")
    assert list(logged.values_list("person_iin", "actor_name")) == [(parent.iin, "minadmin")]
    assert AuditEvent.objects.filter(action="account_deactivate").count() == 1


def test_the_servers_command_is_logged_as_the_platform_for_accounts() -> None:
    trio = make_trio()
    accounts.account_deactivate(
        actor=SYSTEM, account=trio.person.user, reason=Reason.SUSPECTED_MISUSE
    )
    event = AccessEvent.objects.get(person_iin=trio.person.iin)
    assert (event.reader, event.purpose, event.what) == ("system", "accounts", "account")


def test_a_staff_accounts_change_is_in_the_audit_trail_only(administrator: User) -> None:
    officer = make_user("officer", "district_officer")
    accounts.account_password_reset(actor=administrator, account=officer, reason=Reason.DEVICE_LOST)
    accounts.account_second_factor_reset(
        actor=administrator, account=officer, reason=Reason.DEVICE_LOST
    )
    assert not AccessEvent.objects.exists()
    assert list(
        AuditEvent.objects.filter(entity_id=officer.pk).values_list("action", flat=True)
    ) == ["account_password_reset", "account_second_factor_reset"]


def _nothing_written(call) -> DomainError:  # type: ignore[no-untyped-def]
    before = (
        AccessEvent.objects.count(),
        AuditEvent.objects.count(),
        AccountNotice.objects.count(),
        list(User.objects.order_by("pk").values()),
    )
    with pytest.raises(DomainError) as caught:
        call()
    after = (
        AccessEvent.objects.count(),
        AuditEvent.objects.count(),
        AccountNotice.objects.count(),
        list(User.objects.order_by("pk").values()),
    )
    assert after == before
    english = caught.value.message
    with translation.override("ru"):
        assert caught.value.message != english
    with translation.override("kk"):
        assert caught.value.message != english
    return caught.value


def test_a_refused_change_writes_nothing_anywhere(administrator: User) -> None:
    trio = make_trio()
    # A superuser who is also a registered person: a ministry administrator may not touch it.
    trio.person.user.is_superuser = True
    trio.person.user.save(update_fields=["is_superuser"])
    refused = _nothing_written(
        lambda: accounts.account_deactivate(
            actor=administrator, account=trio.person.user, reason=Reason.SUSPECTED_MISUSE
        )
    )
    assert refused.code == ErrorCode.SUPERUSER_REQUIRED


def test_nobody_sets_or_learns_a_persons_password(administrator: User) -> None:
    trio = make_trio()
    superuser = User.objects.create_superuser("root", password="correct horse battery staple")
    password_before = trio.person.user.password
    for actor in (administrator, superuser, SYSTEM):
        refused = _nothing_written(
            lambda actor=actor: accounts.account_password_reset(
                actor=actor, account=trio.person.user, reason=Reason.HOLDER_REQUEST
            )
        )
        assert refused.code == ErrorCode.PERSON_SIGNS_IN_ELSEWHERE
        assert "one-time code" in refused.message
    trio.person.user.refresh_from_db()
    assert trio.person.user.password == password_before
    assert trio.person.user.check_password("correct horse battery")


def test_an_account_with_the_persons_role_before_its_record_is_linked_is_a_persons(
    administrator: User,
) -> None:
    account = make_user("newcomer", "person", None)
    refused = _nothing_written(
        lambda: accounts.account_password_reset(
            actor=administrator, account=account, reason=Reason.HOLDER_REQUEST
        )
    )
    assert refused.code == ErrorCode.PERSON_SIGNS_IN_ELSEWHERE
