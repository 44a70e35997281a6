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
commands: persons are meant to sign in through the state's identity provider, which resets
their credentials. A reset password would let whoever learnt it consent and change the bank
account on the person's behalf.

Every change to an existing account is also sent as ``account_changed``, inside the change's
transaction, so that the registry (which sits above core) writes it to the person's access log
when the account is a registered person's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.core.access import has_registry_record
from inclusio.core.audit import Actor, SystemActor, record_write
from inclusio.core.errors import AccessDenied, Conflict, ErrorCode, ValidationFailed
from inclusio.core.models import AccountNotice, ApiToken, EnrolmentCode, Region, User
from inclusio.core.notices import tell
from inclusio.core.roles import NATIONAL_ROLES, ROLE_BY_CODE, Role, opens_back_office

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
                "A person's or a legal representative's password is not reset here: they sign "
                "in through the state's identity provider, which resets it. If the account is "
                "misused, deactivate it."
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
