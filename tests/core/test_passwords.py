"""The holder's own password: changed with the current one; a person's reset with a one-time
code sent through the messaging interface; staff and strangers get nothing, and learn nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.utils import timezone, translation

from inclusio.core import accounts, notices
from inclusio.core.errors import DomainError, ErrorCode
from inclusio.core.models import (
    AccessEvent,
    AccountNotice,
    AuditEvent,
    OutboxMessage,
    PasswordResetCode,
    User,
)
from tests.factories import make_trio, make_user
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

OLD = "correct horse battery"  # make_trio's password
NEW = "a new and longer passphrase"
VISITOR = AnonymousUser()


def _state() -> tuple[dict[str, int], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every table's row count, every account's row and every reset code's row."""
    return (
        row_counts(),
        list(User.objects.order_by("pk").values_list()),
        list(PasswordResetCode.objects.order_by("pk").values_list()),
    )


def refused(code: str, call: Callable[[], object]) -> DomainError:
    """``call`` is refused with ``code``, in a message translated into Russian, and writes
    nothing at all."""
    before = _state()
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code
    english = caught.value.message
    with translation.override("ru"):
        assert caught.value.message != english, f"{code} has no Russian message"
    assert _state() == before
    return caught.value


def _sent_code(account: User) -> str:
    return OutboxMessage.objects.filter(recipient=account).latest("created_at").code


def _code_for(account: User, identifier: str | None = None) -> str:
    accounts.password_reset_code_send(
        actor=VISITOR, identifier=identifier or account.get_username()
    )
    return _sent_code(account)


# --- change ----------------------------------------------------------------------------------


def test_the_holder_changes_their_password_and_is_told() -> None:
    account = make_trio().person.user
    changed = accounts.account_password_change(
        account=account, current_password=OLD, new_password=NEW
    )
    changed.refresh_from_db()
    assert changed.check_password(NEW) and not changed.check_password(OLD)
    event = AuditEvent.objects.get(action="account_password_change")
    assert (event.entity_id, event.actor_id) == (str(account.pk), account.pk)
    assert NEW not in str(event.data) and OLD not in str(event.data)
    assert account.account_notices.get().kind == AccountNotice.Kind.PASSWORD_CHANGED
    # The holder's own change is not someone else looking at their data.
    assert not AccessEvent.objects.exists()


def test_staff_change_their_password_the_same_way() -> None:
    officer = make_user("officer", "district_officer")
    officer.set_password(OLD)
    officer.save()
    accounts.account_password_change(account=officer, current_password=OLD, new_password=NEW)
    officer.refresh_from_db()
    assert officer.check_password(NEW)


def test_a_wrong_current_password_is_refused() -> None:
    account = make_trio().person.user
    refused(
        ErrorCode.PASSWORD_CURRENT_WRONG,
        lambda: accounts.account_password_change(
            account=account, current_password="not it", new_password=NEW
        ),
    )


@pytest.mark.parametrize("weak", ["short", "1234567890123", "qwertyuiop"])
def test_a_password_the_validators_refuse_is_refused_in_the_readers_language(weak: str) -> None:
    account = make_trio().person.user

    def change() -> None:
        accounts.account_password_change(account=account, current_password=OLD, new_password=weak)

    refused(ErrorCode.PASSWORD_NOT_ACCEPTED, change)
    said = {}
    for language in ("kk", "ru", "en"):
        with translation.override(language), pytest.raises(DomainError) as caught:
            change()
        said[language] = caught.value.message
    # Django's validators speak each language too (their Kazakh is the platform's own).
    problems = {language: text.split(":", 1)[1] for language, text in said.items()}
    assert len(set(problems.values())) == 3, problems


def test_the_same_password_again_is_refused() -> None:
    account = make_trio().person.user
    refused(
        ErrorCode.PASSWORD_UNCHANGED,
        lambda: accounts.account_password_change(
            account=account, current_password=OLD, new_password=OLD
        ),
    )


# --- a reset code is sent --------------------------------------------------------------------


def test_a_person_asks_by_user_name_or_iin_and_a_hashed_code_is_sent() -> None:
    person = make_trio().person
    for identifier in (person.user.get_username(), person.iin):
        PasswordResetCode.objects.all().delete()
        code = _code_for(person.user, identifier)
        assert len(code) == 6 and code.isdigit()
        held = PasswordResetCode.objects.get(user=person.user)
        assert code not in held.digest and held.used_at is None
        minutes = (held.expires_at - held.sent_at).total_seconds() / 60
        assert minutes == pytest.approx(15)
    assert AuditEvent.objects.filter(action="password_reset_code_send").count() == 2
    assert not any(code in str(e.data) for e in AuditEvent.objects.all())
    kinds = set(person.user.account_notices.values_list("kind", flat=True))
    assert kinds == {AccountNotice.Kind.RESET_CODE_SENT}


def test_nothing_is_sent_for_staff_for_nobody_or_for_a_deactivated_account() -> None:
    trio = make_trio()
    staff_with_a_record = trio.person.user
    officer = trio.own_officer
    before = _state()
    for identifier in (officer.get_username(), "nobody", "000000000000", "", " " * 3):
        accounts.password_reset_code_send(actor=VISITOR, identifier=identifier)
    assert _state() == before
    # A registered person who also holds a staff role is reset by an administrator only.
    staff_with_a_record.groups.add(officer.groups.get())
    accounts.password_reset_code_send(actor=VISITOR, identifier=trio.person.iin)
    staff_with_a_record.groups.remove(officer.groups.get())
    staff_with_a_record.is_active = False
    staff_with_a_record.save(update_fields=["is_active"])
    accounts.password_reset_code_send(actor=VISITOR, identifier=trio.person.iin)
    assert not OutboxMessage.objects.exists()
    assert not PasswordResetCode.objects.exists()


def test_asking_again_at_once_sends_no_second_message() -> None:
    account = make_trio().person.user
    first = _code_for(account)
    accounts.password_reset_code_send(actor=VISITOR, identifier=account.get_username())
    assert OutboxMessage.objects.count() == 1
    # Later, a new code replaces the first one.
    PasswordResetCode.objects.update(sent_at=timezone.now() - dt.timedelta(minutes=2))
    accounts.password_reset_code_send(actor=VISITOR, identifier=account.get_username())
    assert OutboxMessage.objects.count() == 2
    second = _sent_code(account)
    if second != first:  # one chance in a million that they are the same
        with pytest.raises(DomainError) as caught:
            accounts.password_reset_with_code(
                identifier=account.get_username(), code=first, new_password=NEW
            )
        assert caught.value.code == ErrorCode.RESET_CODE_WRONG


@override_settings(ACCOUNT_NOTICE_BACKEND="inclusio.core.notices.LocalBackend")
def test_the_local_backend_keeps_no_code_and_shows_no_outbox() -> None:
    account = make_trio().person.user
    accounts.password_reset_code_send(actor=VISITOR, identifier=account.get_username())
    assert PasswordResetCode.objects.filter(user=account).exists()
    assert not OutboxMessage.objects.exists()
    assert account.account_notices.get().parameters == {}
    assert not notices.outbox_shown() and notices.outbox() == []


# --- the code is used ------------------------------------------------------------------------


def test_the_right_code_sets_the_new_password_once() -> None:
    account = make_trio().person.user
    code = _code_for(account)
    accounts.password_reset_with_code(
        identifier=account.get_username(), code=f"{code[:3]} {code[3:]}", new_password=NEW
    )
    account.refresh_from_db()
    assert account.check_password(NEW)
    assert PasswordResetCode.objects.get(user=account).used_at is not None
    event = AuditEvent.objects.get(action="account_password_reset_by_code")
    assert event.actor_id == account.pk
    assert account.account_notices.filter(kind=AccountNotice.Kind.PASSWORD_RESET_BY_CODE).exists()
    refused(
        ErrorCode.RESET_CODE_USED,
        lambda: accounts.password_reset_with_code(
            identifier=account.get_username(), code=code, new_password="yet another passphrase"
        ),
    )


def test_an_expired_code_is_refused() -> None:
    account = make_trio().person.user
    code = _code_for(account)
    PasswordResetCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused(
        ErrorCode.RESET_CODE_EXPIRED,
        lambda: accounts.password_reset_with_code(
            identifier=account.get_username(), code=code, new_password=NEW
        ),
    )


def test_a_wrong_code_uses_up_a_try_and_the_last_voids_the_code() -> None:
    account = make_trio().person.user
    code = _code_for(account)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for tries_left in range(4, -1, -1):
        with pytest.raises(DomainError) as caught:
            accounts.password_reset_with_code(
                identifier=account.get_username(), code=wrong, new_password=NEW
            )
        assert caught.value.code == ErrorCode.RESET_CODE_WRONG
        assert PasswordResetCode.objects.get().tries_left == tries_left
    refused(
        ErrorCode.RESET_CODE_VOIDED,
        lambda: accounts.password_reset_with_code(
            identifier=account.get_username(), code=code, new_password=NEW
        ),
    )
    account.refresh_from_db()
    assert account.check_password(OLD)
    assert not AuditEvent.objects.filter(action="account_password_reset_by_code").exists()


def test_a_wrong_code_writes_nothing_but_the_try() -> None:
    account = make_trio().person.user
    code = _code_for(account)
    counts = row_counts()
    with pytest.raises(DomainError) as caught:
        accounts.password_reset_with_code(
            identifier=account.get_username(),
            code=f"{(int(code) + 1) % 10**6:06d}",
            new_password=NEW,
        )
    assert caught.value.code == ErrorCode.RESET_CODE_WRONG
    with translation.override("kk"):
        kazakh = caught.value.message
    with translation.override("en"):
        assert kazakh != caught.value.message
    assert row_counts() == counts
    account.refresh_from_db()
    assert account.check_password(OLD)


def test_a_code_for_an_account_that_does_not_exist_is_just_wrong() -> None:
    """The answer for nobody, for staff and for a person who asked no code is the one a
    person's mistyped code gets: it tells nobody who has an account."""
    trio = make_trio()
    for identifier in ("nobody", trio.own_officer.get_username(), trio.person.iin):
        refused(
            ErrorCode.RESET_CODE_WRONG,
            lambda identifier=identifier: accounts.password_reset_with_code(
                identifier=identifier, code="123456", new_password=NEW
            ),
        )


def test_a_weak_new_password_costs_no_try() -> None:
    account = make_trio().person.user
    _code_for(account)
    refused(
        ErrorCode.PASSWORD_NOT_ACCEPTED,
        lambda: accounts.password_reset_with_code(
            identifier=account.get_username(), code="000000", new_password="short"
        ),
    )
    assert PasswordResetCode.objects.get().tries_left == 5


def test_a_password_like_the_holders_name_tells_a_stranger_nothing() -> None:
    """Resembling the account's own names is judged only for the holder of the right code."""
    trio = make_trio()
    account = trio.person.user
    account.first_name = "Zhanargul"
    account.save(update_fields=["first_name"])
    code = _code_for(account)
    like_the_name = "Zhanargul1"
    wrong = "000000" if code != "000000" else "000001"
    with pytest.raises(DomainError) as for_the_person:
        accounts.password_reset_with_code(
            identifier=account.get_username(), code=wrong, new_password=like_the_name
        )
    with pytest.raises(DomainError) as for_nobody:
        accounts.password_reset_with_code(
            identifier="nobody", code=wrong, new_password=like_the_name
        )
    assert for_the_person.value.code == for_nobody.value.code == ErrorCode.RESET_CODE_WRONG
    # With the right code, the holder is asked for another password, and the code still works.
    before = _state()
    with pytest.raises(DomainError) as caught:
        accounts.password_reset_with_code(
            identifier=account.get_username(), code=code, new_password=like_the_name
        )
    assert caught.value.code == ErrorCode.PASSWORD_NOT_ACCEPTED
    assert _state() == before
    accounts.password_reset_with_code(
        identifier=account.get_username(), code=code, new_password=NEW
    )
