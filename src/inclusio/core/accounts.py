"""Every change to an account: create staff, give and take roles, reset a password or a second
factor, deactivate. Each is one transaction, one audit event and a notice to the holder.

The rules that keep an administrator from taking accounts over:

- only an account with ``core.add_user`` / ``core.change_user`` (the ministry's administrators)
  or the platform's own commands (``SYSTEM``) administer accounts, and never their own;
- superuser rights are given by the server's command (``inclusio createsuperuser``) only;
  back-office rights (``is_staff``, which come with a role that opens the admin) and any change
  to an account that already holds them or is a superuser, by a superuser only;
- the audit trail records codes (the role, the region, the reason from a closed list), never
  a password, a key, a code or a name.

A reset second factor is set up again only with the one-time enrolment code returned here,
which the administrator hands to the holder once their identity is checked.

A registered person's account (a person's or a legal representative's, linked to their
registry record) never has its password reset by an administrator, nor by the server's
commands: a password an administrator knew would let them consent and change the bank account
on the person's behalf. The person resets it themselves, with a one-time code sent to them
through the messaging interface (``core/notices.py``); staff cannot reset that way, only
through an administrator. Every holder may change their own password.

Every change to an existing account is also sent as ``account_changed``, inside the change's
transaction, so that the registry (which sits above core) writes it to the person's access log
when the account is a registered person's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.core.access import has_registry_record
from inclusio.core.audit import Actor, SystemActor, record_write
from inclusio.core.errors import AccessDenied, Conflict, ErrorCode, ValidationFailed
from inclusio.core.models import (
    AccountNotice,
    ApiToken,
    EnrolmentCode,
    PasswordResetCode,
    Region,
    User,
)
from inclusio.core.notices import send_code, tell
from inclusio.core.roles import (
    NATIONAL_ROLES,
    ROLE_BY_CODE,
    Role,
    is_staff_role,
    opens_back_office,
)

ADD_ACCOUNTS = "core.add_user"
CHANGE_ACCOUNTS = "core.change_user"
# Letters and digits that cannot be mistaken for one another when read aloud or copied.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12

# Sent inside the transaction of every change to an existing account, with ``actor``,
# ``account`` and ``action`` (the audit event's action): a receiver's writes stand or fall with
# the change. The registry writes it to the access log of the person whose account it is.
account_changed = Signal()


class Reason:
    """Why an account is changed: a closed list, so no free text (and no name) reaches the
    append-only trail. The administrator picks one; the audit event keeps its code."""

    NEW_STAFF = "new_staff"
    DUTIES_CHANGED = "duties_changed"
    HOLDER_REQUEST = "holder_request"
    DEVICE_LOST = "device_lost"
    LEFT_SERVICE = "left_service"
    SUSPECTED_MISUSE = "suspected_misuse"

    CHOICES = (
        (NEW_STAFF, _("a new member of staff")),
        (DUTIES_CHANGED, _("their duties changed")),
        (HOLDER_REQUEST, _("the holder asked for it, identity checked")),
        (DEVICE_LOST, _("the device was lost or replaced, identity checked")),
        (LEFT_SERVICE, _("they left the service")),
        (SUSPECTED_MISUSE, _("suspected misuse of the account")),
    )
    CODES = frozenset(code for code, _label in CHOICES)


@dataclass(frozen=True)
class Handover:
    """What the administrator hands to the holder, shown once and never stored in clear."""

    password: str | None = None
    enrolment_code: str | None = None


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalised(code: str) -> str:
    """Codes are typed as read: spaces, hyphens and lower case do not matter."""
    return "".join(code.split()).replace("-", "").upper()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _new_password() -> str:
    return secrets.token_urlsafe(12)


def _is_superuser(actor: Actor) -> bool:
    return isinstance(actor, SystemActor) or bool(actor is not None and actor.is_superuser)


def _require(actor: Actor, permission: str, account: User | None = None) -> None:
    if isinstance(actor, SystemActor):
        return  # the server's own commands, run by whoever runs the server
    if actor is None or not actor.is_authenticated or not actor.has_perm(permission):
        raise AccessDenied(ErrorCode.ACCOUNTS_NOT_PERMITTED, _("You may not administer accounts."))
    if account is None:
        return
    if account.pk == actor.pk:
        raise AccessDenied(
            ErrorCode.ACCOUNT_OWN,
            _("Nobody administers their own account: ask another administrator."),
        )
    if (account.is_superuser or account.is_staff) and not actor.is_superuser:
        raise AccessDenied(
            ErrorCode.SUPERUSER_REQUIRED,
            _("Only a superuser may change an account that has back-office rights."),
        )


def _check_reason(reason: str) -> None:
    if reason not in Reason.CODES:
        raise ValidationFailed(
            ErrorCode.REASON_UNKNOWN, _("Choose a reason from the list."), reason=reason
        )


def _role(code: str, account_region: Region | None, actor: Actor) -> Role:
    role = ROLE_BY_CODE.get(code)
    if role is None:
        raise ValidationFailed(ErrorCode.ROLE_UNKNOWN, _("There is no role %(role)s."), role=code)
    if not role.staff:
        # A person's and a representative's roles come with their registry record.
        raise ValidationFailed(
            ErrorCode.ROLE_NOT_STAFF,
            _("The role %(role)s is not a staff role and is not given here."),
            role=code,
        )
    if code not in NATIONAL_ROLES and account_region is None:
        raise ValidationFailed(
            ErrorCode.ROLE_NEEDS_REGION,
            _("The role %(role)s works in one region: give the account a region first."),
            role=code,
        )
    if opens_back_office(role) and not _is_superuser(actor):
        raise AccessDenied(
            ErrorCode.SUPERUSER_REQUIRED,
            _("Only a superuser may give or take the role %(role)s."),
            role=code,
        )
    return role


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationFailed(
            ErrorCode.REGION_UNKNOWN, _("There is no region with code %(region)s."), region=code
        )
    return region


def is_persons_account(account: User) -> bool:
    """A registered person's or representative's account: linked to a registry record, or
    holding their role before the link is made."""
    if has_registry_record(account):
        return True
    non_staff = {role.code for role in ROLE_BY_CODE.values() if not role.staff}
    return account.groups.filter(name__in=non_staff).exists()


def _check_active(account: User) -> None:
    if not account.is_active:
        raise Conflict(ErrorCode.ACCOUNT_INACTIVE, _("This account is deactivated."))


def _reset_second_factor(account: User) -> str:
    """Remove the account's devices and give it a fresh enrolment code (returned in clear)."""
    TOTPDevice.objects.filter(user=account).delete()
    StaticDevice.objects.filter(user=account).delete()
    code = _new_code()
    EnrolmentCode.objects.update_or_create(
        user=account,
        defaults={
            "digest": _digest(code),
            "expires_at": timezone.now() + dt.timedelta(hours=settings.ENROLMENT_CODE_HOURS),
            "tries_left": settings.ENROLMENT_CODE_TRIES,
        },
    )
    return code


@transaction.atomic
def account_create(
    *,
    actor: Actor,
    username: str,
    first_name: str,
    last_name: str,
    region_code: str | None,
    roles: Sequence[str],
    language: str,
    reason: str,
) -> tuple[User, Handover]:
    """A staff account with its roles, a first password and an enrolment code to hand over."""
    _require(actor, ADD_ACCOUNTS)
    _check_reason(reason)
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise ValidationFailed(
            ErrorCode.USERNAME_INVALID,
            _("A user name has letters, digits and @ . + - _ only, and no spaces."),
        ) from None
    if not username or len(username) > 150:
        raise ValidationFailed(
            ErrorCode.USERNAME_INVALID, _("A user name has 1 to 150 characters.")
        )
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(ErrorCode.USERNAME_TAKEN, _("That user name is taken."))
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(
            ErrorCode.ACCOUNT_LANGUAGE_UNKNOWN,
            _("There is no language %(language)s."),
            language=language,
        )
    if not roles:
        raise ValidationFailed(ErrorCode.ROLES_MISSING, _("Give the account at least one role."))
    region = _region(region_code)
    chosen = [_role(code, region, actor) for code in dict.fromkeys(roles)]
    password = _new_password()
    account = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        region=region,
        preferred_language=language,
        is_staff=any(opens_back_office(role) for role in chosen),
    )
    account.groups.set(Group.objects.filter(name__in=[role.code for role in chosen]))
    code = _reset_second_factor(account)
    record_write(
        actor=actor,
        action="account_create",
        entity="account",
        entity_id=account.pk,
        data={
            "roles": sorted(role.code for role in chosen),
            "region": region.code if region else None,
            "language": language,
            "back_office": account.is_staff,
            "reason": reason,
        },
    )
    tell(account.pk, AccountNotice.Kind.CREATED)
    return account, Handover(password=password, enrolment_code=code)


def _lock(account: User) -> User:
    """The account's row, locked for the change, so two administrators' changes queue."""
    return User.objects.select_for_update().get(pk=account.pk)


def _changed(
    actor: Actor,
    account: User,
    action: str,
    notice: AccountNotice.Kind,
    data: dict[str, object],
    **notice_params: str,
) -> None:
    """What every change to an account leaves: the audit event (codes and counts only), the
    notice to its holder, and the signal the registry turns into the person's access log."""
    record_write(actor=actor, action=action, entity="account", entity_id=account.pk, data=data)
    tell(account.pk, notice, **notice_params)
    account_changed.send(sender=User, actor=actor, account=account, action=action)


@transaction.atomic
def account_role_grant(*, actor: Actor, account: User, role: str, reason: str) -> None:
    _require(actor, CHANGE_ACCOUNTS, account)
    _check_reason(reason)
    account = _lock(account)
    _check_active(account)
    granted = _role(role, account.region, actor)
    if account.groups.filter(name=granted.code).exists():
        raise Conflict(
            ErrorCode.ROLE_ALREADY_HELD, _("The account already has the role %(role)s."), role=role
        )
    account.groups.add(Group.objects.get(name=granted.code))
    if opens_back_office(granted) and not account.is_staff:
        account.is_staff = True
        account.save(update_fields=["is_staff"])
    _changed(
        actor,
        account,
        "account_role_grant",
        AccountNotice.Kind.ROLE_GRANTED,
        {"role": granted.code, "back_office": account.is_staff, "reason": reason},
        role=granted.code,
    )


@transaction.atomic
def account_role_revoke(*, actor: Actor, account: User, role: str, reason: str) -> None:
    _require(actor, CHANGE_ACCOUNTS, account)
    _check_reason(reason)
    account = _lock(account)
    revoked = ROLE_BY_CODE.get(role)
    if revoked is None or not account.groups.filter(name=role).exists():
        raise Conflict(
            ErrorCode.ROLE_NOT_HELD, _("The account does not have the role %(role)s."), role=role
        )
    if opens_back_office(revoked) and not _is_superuser(actor):
        raise AccessDenied(
            ErrorCode.SUPERUSER_REQUIRED,
            _("Only a superuser may give or take the role %(role)s."),
            role=role,
        )
    account.groups.remove(Group.objects.get(name=role))
    remaining = [ROLE_BY_CODE.get(name) for name in account.groups.values_list("name", flat=True)]
    back_office = any(opens_back_office(held) for held in remaining if held is not None)
    if account.is_staff and not back_office:
        account.is_staff = False
        account.save(update_fields=["is_staff"])
    _changed(
        actor,
        account,
        "account_role_revoke",
        AccountNotice.Kind.ROLE_REVOKED,
        {"role": role, "back_office": account.is_staff, "reason": reason},
        role=role,
    )


@transaction.atomic
def account_password_reset(*, actor: Actor, account: User, reason: str) -> Handover:
    """A new random password to hand over; the holder's open sessions end with the old one."""
    _require(actor, CHANGE_ACCOUNTS, account)
    _check_reason(reason)
    account = _lock(account)
    _check_active(account)
    if is_persons_account(account):
        raise AccessDenied(
            ErrorCode.PERSON_SIGNS_IN_ELSEWHERE,
            _(
                "A person's or a legal representative's password is not reset here: they reset "
                "it themselves with a one-time code sent to them. If the account is misused, "
                "deactivate it."
            ),
        )
    password = _new_password()
    account.set_password(password)
    account.save(update_fields=["password"])
    _changed(
        actor,
        account,
        "account_password_reset",
        AccountNotice.Kind.PASSWORD_RESET,
        {"reason": reason},
    )
    return Handover(password=password)


@transaction.atomic
def account_second_factor_reset(*, actor: Actor, account: User, reason: str) -> Handover:
    """Remove the account's authenticator devices; return the enrolment code to hand over."""
    _require(actor, CHANGE_ACCOUNTS, account)
    _check_reason(reason)
    account = _lock(account)
    _check_active(account)
    code = _reset_second_factor(account)
    _changed(
        actor,
        account,
        "account_second_factor_reset",
        AccountNotice.Kind.SECOND_FACTOR_RESET,
        {"reason": reason, "expires_in_hours": settings.ENROLMENT_CODE_HOURS},
    )
    return Handover(enrolment_code=code)


@transaction.atomic
def account_deactivate(*, actor: Actor, account: User, reason: str) -> None:
    """The account can no longer sign in, its open sessions end, its API tokens are revoked."""
    _require(actor, CHANGE_ACCOUNTS, account)
    _check_reason(reason)
    account = _lock(account)
    _check_active(account)
    account.is_active = False
    account.save(update_fields=["is_active"])
    revoked = ApiToken.objects.filter(user=account, revoked__isnull=True).update(
        revoked=timezone.now()
    )
    EnrolmentCode.objects.filter(user=account).delete()
    _changed(
        actor,
        account,
        "account_deactivate",
        AccountNotice.Kind.DEACTIVATED,
        {"reason": reason, "api_tokens_revoked": revoked},
    )


@transaction.atomic
def enrolment_code_check(*, account: User, code: str) -> bool:
    """True, and the code is used up, when ``code`` is the account's valid enrolment code.

    A wrong code uses up a try; the last wrong try, or an expired code, removes it, and a new
    one must be asked for. Each outcome is in the audit trail (never the code).
    """
    held = EnrolmentCode.objects.select_for_update().filter(user=account).first()
    if held is None:
        return False
    if held.expires_at <= timezone.now():
        held.delete()
        outcome = "expired"
    elif secrets.compare_digest(held.digest, _digest(_normalised(code))):
        held.delete()
        outcome = "accepted"
    else:
        held.tries_left -= 1
        if held.tries_left <= 0:
            held.delete()
            outcome = "refused_last_try"
        else:
            held.save(update_fields=["tries_left"])
            outcome = "refused"
    record_write(
        actor=account,
        action="enrolment_code_check",
        entity="account",
        entity_id=account.pk,
        data={"outcome": outcome},
    )
    return outcome == "accepted"


def enrolment_code_pending(account: User) -> bool:
    return EnrolmentCode.objects.filter(user=account, expires_at__gt=timezone.now()).exists()


@transaction.atomic
def second_factor_confirm(*, account: User, device: TOTPDevice) -> None:
    """The holder's new authenticator app is confirmed: recorded, and the holder told, so a
    device set up by someone else does not go unnoticed."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=account, confirmed=False).delete()
    record_write(
        actor=account,
        action="second_factor_enrol",
        entity="account",
        entity_id=account.pk,
        data={"device": device.pk},
    )
    tell(account.pk, AccountNotice.Kind.SECOND_FACTOR_ENROLLED)


# --- the holder's own password: changed when signed in, or reset with a one-time code ----------


def _acceptable(password: str, account: User | None) -> None:
    """Django's password validators (``AUTH_PASSWORD_VALIDATORS``) accept ``password``."""
    try:
        password_validation.validate_password(password, account)
    except ValidationError as error:
        raise ValidationFailed(
            ErrorCode.PASSWORD_NOT_ACCEPTED,
            _("The new password is not accepted: %(problems)s"),
            # Django's validators render their messages at once, in the request's language.
            problems=" ".join(error.messages),
        ) from None


@transaction.atomic
def account_password_change(*, account: User, current_password: str, new_password: str) -> User:
    """The holder changes their password, proving the current one. Returns the account as
    changed, for the caller to keep its own session (``update_session_auth_hash``): every other
    session of the account ends, since Django ties a session to the password's hash."""
    account = _lock(account)
    _check_active(account)
    if not account.check_password(current_password):
        raise ValidationFailed(
            ErrorCode.PASSWORD_CURRENT_WRONG, _("The current password is not right.")
        )
    if new_password == current_password:
        raise ValidationFailed(
            ErrorCode.PASSWORD_UNCHANGED,
            _("The new password is the same as the current one: choose another."),
        )
    _acceptable(new_password, account)
    account.set_password(new_password)
    account.save(update_fields=["password"])
    _changed(account, account, "account_password_change", AccountNotice.Kind.PASSWORD_CHANGED, {})
    return account


def resets_by_code(account: User) -> bool:
    """A registered person's or representative's active account, holding no staff role: staff
    passwords are reset by an administrator only (``account_password_reset``)."""
    return (
        account.is_active
        and not account.is_staff
        and not is_staff_role(account)
        and is_persons_account(account)
    )


def _account_for_reset(identifier: str) -> User | None:
    """The account a reset is asked for, by its user name or the IIN of its registry record;
    None when there is none, or it is not reset this way."""
    name = identifier.strip()
    if not name or len(name) > 150:
        return None
    if re.fullmatch(r"\d{12}", name):
        # The registry's reverse one-to-one ``person`` (as in ``access.has_registry_record``):
        # core does not import the registry, which sits above it.
        account = User.objects.filter(person__iin=name).first()
    else:
        account = User.objects.filter(username=name).first()
    return account if account is not None and resets_by_code(account) else None


def _reset_digest(account: User, code: str) -> str:
    # Keyed, and bound to the account: a million six-digit codes are no work to hash, so a
    # plain digest read from a copy of the database would give the code away.
    return salted_hmac(
        "inclusio.password_reset_code", f"{account.pk}:{code}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def password_reset_code_send(*, actor: Actor, identifier: str) -> None:
    """Send a six-digit code to the person whose account ``identifier`` names (user name or
    IIN). Returns nothing and refuses nothing, so the answer never tells whether such an
    account exists: for no account, a staff account or a deactivated one nothing is sent, nor
    when a code was sent to the account less than ``PASSWORD_RESET_CODE_INTERVAL_SECONDS`` ago.
    A new code replaces the previous one."""
    account = _account_for_reset(identifier)
    if account is None:
        return
    account = _lock(account)
    now = timezone.now()
    interval = dt.timedelta(seconds=settings.PASSWORD_RESET_CODE_INTERVAL_SECONDS)
    if PasswordResetCode.objects.filter(user=account, sent_at__gt=now - interval).exists():
        return
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.PASSWORD_RESET_CODE_MINUTES
    expires_at = now + dt.timedelta(minutes=minutes)
    PasswordResetCode.objects.update_or_create(
        user=account,
        defaults={
            "digest": _reset_digest(account, code),
            "sent_at": now,
            "expires_at": expires_at,
            "tries_left": settings.PASSWORD_RESET_CODE_TRIES,
            "used_at": None,
        },
    )
    record_write(
        actor=actor,
        action="password_reset_code_send",
        entity="account",
        entity_id=account.pk,
        data={"expires_in_minutes": minutes},
    )
    send_code(account.pk, AccountNotice.Kind.RESET_CODE_SENT, code, expires_at)


class _Outcome(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    USED = "used"
    EXPIRED = "expired"
    VOIDED = "voided"


# Only the holder of the right code learns that it was used, has expired or was voided; any
# other code, and any code for an account that does not exist, is just wrong.
_REFUSALS = {
    _Outcome.WRONG: (
        ErrorCode.RESET_CODE_WRONG,
        _("That code is not right. Check it, or ask for a new code."),
    ),
    _Outcome.USED: (
        ErrorCode.RESET_CODE_USED,
        _("That code has already been used. Ask for a new code."),
    ),
    _Outcome.EXPIRED: (
        ErrorCode.RESET_CODE_EXPIRED,
        _("That code has expired. Ask for a new code."),
    ),
    _Outcome.VOIDED: (
        ErrorCode.RESET_CODE_VOIDED,
        _("Too many wrong codes were entered, so this code no longer works. Ask for a new code."),
    ),
}


def _normalised_digits(code: str) -> str:
    return "".join(code.split())


@transaction.atomic
def _reset_with_code(account: User | None, code: str, new_password: str) -> _Outcome:
    if account is None:
        return _Outcome.WRONG
    held = PasswordResetCode.objects.select_for_update().filter(user=account).first()
    if held is None:
        return _Outcome.WRONG
    now = timezone.now()
    live = held.used_at is None and held.expires_at > now and held.tries_left > 0
    if not secrets.compare_digest(held.digest, _reset_digest(account, _normalised_digits(code))):
        if live:  # a wrong try uses one up; a dead code has none left to lose
            held.tries_left -= 1
            held.save(update_fields=["tries_left"])
        return _Outcome.WRONG
    if held.used_at is not None:
        return _Outcome.USED
    if held.expires_at <= now:
        return _Outcome.EXPIRED
    if held.tries_left <= 0:
        return _Outcome.VOIDED
    # Only now, for the holder of the code, is the password held against the account's own
    # names: before, a refusal for resembling them would tell a stranger the account exists.
    # Nothing is written yet, so the refusal leaves the code unused.
    _acceptable(new_password, account)
    held.used_at = now
    held.save(update_fields=["used_at"])
    account = _lock(account)
    account.set_password(new_password)
    account.save(update_fields=["password"])
    _changed(
        account,
        account,
        "account_password_reset_by_code",
        AccountNotice.Kind.PASSWORD_RESET_BY_CODE,
        {},
    )
    return _Outcome.ACCEPTED


def password_reset_with_code(*, identifier: str, code: str, new_password: str) -> User:
    """Set a new password with the code sent by ``password_reset_code_send``; every session of
    the account ends. A refused code writes nothing but the try a wrong code uses up (so a code
    lets only ``PASSWORD_RESET_CODE_TRIES`` guesses). The password is checked first, as for an
    account named as typed and whether or not one exists, so a weak password costs no try and
    tells nothing about the code or the account."""
    _acceptable(new_password, User(username=identifier.strip()[:150]))
    account = _account_for_reset(identifier)
    outcome = _reset_with_code(account, code, new_password)
    if outcome != _Outcome.ACCEPTED:
        error_code, message = _REFUSALS[outcome]
        raise ValidationFailed(error_code, message)
    assert account is not None
    return account
