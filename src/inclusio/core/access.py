"""Who may see a person's data or act for them: the one place that answers it.

The answer, for an actor and a person, on a day:
- the person themselves sees and acts, and their own reads are not logged;
- their legal representative on that day (a parent of a minor, a guardian) sees and acts;
- staff whose role grants the permission see the persons of their region (national staff
  every region);
- the platform itself (``SYSTEM``) sees everyone, for its own work;
- nobody else.

Every read by someone other than the person is logged, shown or refused, with what was read and
why (a purpose from a closed list). A refused read answers exactly as an unknown record does —
one code, one message — so that nobody learns whether someone is registered; the refusal is
still written to the person's access log. Looking a person up by IIN is rate-limited per
account and per API token.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.audit import SYSTEM, Actor, SystemActor, batched, record_access
from inclusio.core.errors import AccessDenied, ErrorCode, NotFound, RateLimited, ValidationFailed
from inclusio.core.models import LEGACY_SEEN, Purpose, Reader, Seen, User
from inclusio.core.roles import (
    HOUSING_MANAGE,
    PERSON_MANAGE,
    PERSON_READ,
    PROGRAMME_REVISE,
    REFERRAL_DECIDE,
    REFERRAL_FILE,
    ROLES,
    Role,
    group_names,
)

__all__ = [
    "SYSTEM",
    "Agency",
    "covers_region",
    "has_registry_record",
    "log_account_change",
    "log_refusal",
    "lookup_counted",
    "may",
    "may_act_for",
    "may_see",
    "not_yours",
    "require",
    "see",
    "see_unchecked",
]


class PersonLike(Protocol):
    """What the access rules need of a person (registry.Person), without importing it: core
    sits below the registry."""

    pk: int
    iin: str
    region_id: str
    user_id: int | None

    def represented_by(self, account_id: int, day: dt.date) -> bool: ...


@dataclass(frozen=True)
class Agency:
    """The caller behind an API token: the agency and the purposes it is registered for."""

    token_id: int
    name: str
    purposes: tuple[str, ...]


# Why each role reads a person's data. A page names the purpose it serves; a staff member whose
# roles do not include it is logged under their role's first purpose instead.
ROLE_PURPOSES: dict[str, tuple[Purpose, ...]] = {
    "medical_referrer": (Purpose.EXPERTISE,),
    "mse_specialist": (Purpose.EXPERTISE, Purpose.APPEALS),
    "district_officer": (
        Purpose.REGISTRY,
        Purpose.BENEFITS,
        Purpose.EXPERTISE,
        Purpose.REHABILITATION,
        Purpose.SOCIAL_SERVICES,
        Purpose.APPEALS,
    ),
    "ministry_admin": (
        Purpose.REGISTRY,
        Purpose.BENEFITS,
        Purpose.EXPERTISE,
        Purpose.REHABILITATION,
        Purpose.AUDIT,
        Purpose.ACCOUNTS,
    ),
    "auditor": (Purpose.AUDIT,),
    "dispatcher": (Purpose.EMERGENCY,),
    "emergency_officer": (Purpose.EMERGENCY_ALERT,),
    "employment_officer": (Purpose.EMPLOYMENT,),
    "housing_officer": (Purpose.HOUSING, Purpose.APPEALS),
    "social_provider": (Purpose.SOCIAL_SERVICES,),
}

# Purposes an agency's token may be registered for.
AGENCY_PURPOSES = (Purpose.STATUS_VERIFICATION, Purpose.BENEFITS, Purpose.EXPERTISE)


def not_yours() -> NotFound:
    """The one answer for an unknown record and for one outside the actor's scope."""
    return NotFound(
        ErrorCode.NOT_FOUND_OR_NOT_YOURS, _("No such person or record, or not yours to see.")
    )


# --- the rules ----------------------------------------------------------------------------------


def _signed_in(actor: Actor) -> bool:
    return isinstance(actor, User) and actor.is_authenticated


def covers_region(actor: Actor, region_code: str) -> bool:
    """National accounts cover every region; regional staff only their own."""
    if not _signed_in(actor):
        return False
    assert isinstance(actor, User)
    return actor.region_id is None or actor.region_id == region_code


def may(actor: Actor, permission: str, region_code: str) -> bool:
    """Staff whose role grants ``permission``, within their region."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        return False
    return actor.has_perm(permission) and covers_region(actor, region_code)


def has_registry_record(actor: User) -> bool:
    """A carer is a registered person, so an account without its own registry record (most
    staff) represents nobody. The record is the registry's reverse one-to-one ``person``; once
    read it stays on the account object, where the page's navigation finds it too."""
    try:
        actor.person  # noqa: B018
    except ObjectDoesNotExist:
        return False
    return True


def _represents(actor: User, person: PersonLike, day: dt.date | None) -> bool:
    # Asked several times for one page (the page, each list, the answer buttons): the answer
    # is kept on the account object, which lives as long as the request.
    if not has_registry_record(actor):
        return False
    day = day or timezone.localdate()
    known: dict[tuple[int, dt.date], bool] = actor.__dict__.setdefault("_represents", {})
    key = (person.pk, day)
    if key not in known:
        known[key] = person.represented_by(actor.pk, day)
    return known[key]


def _basis(
    actor: Actor,
    person: PersonLike,
    permission: str,
    day: dt.date | None,
    region_code: str | None = None,
) -> str | None:
    """Why ``actor`` may see ``person``: "self" or a Reader; None when they may not."""
    if isinstance(actor, SystemActor):
        return Reader.SYSTEM
    if not _signed_in(actor):
        return None
    assert isinstance(actor, User)
    if person.user_id is not None and person.user_id == actor.pk:
        return "self"
    # Staff first: their permissions are cached, while representation needs a query.
    if may(actor, permission, region_code or person.region_id):
        return Reader.STAFF
    if _represents(actor, person, day):
        return Reader.REPRESENTATIVE
    return None


def may_see(
    actor: Actor, person: PersonLike, *, permission: str = PERSON_READ, day: dt.date | None = None
) -> bool:
    return _basis(actor, person, permission, day) is not None


def may_act_for(actor: Actor, person: PersonLike, *, day: dt.date | None = None) -> bool:
    """The person, or their legal representative on ``day``, may agree, refuse, give an account."""
    if not _signed_in(actor):
        return False
    assert isinstance(actor, User)
    if person.user_id is not None and person.user_id == actor.pk:
        return True
    return _represents(actor, person, day)


# --- the log ------------------------------------------------------------------------------------


def _staff_role(actor: User) -> Role | None:
    roles: list[Role] | None = actor.__dict__.get("_staff_roles")
    if roles is None:
        # Read once a request: the page's navigation reads the groups too.
        names = group_names(actor)
        roles = [role for role in ROLES if role.staff and role.code in names]
        actor.__dict__["_staff_roles"] = roles
    return roles[0] if roles else None


def _purpose_for(actor: User, wanted: Purpose) -> Purpose:
    """``wanted`` when one of the staff member's roles is registered for it, else the first
    purpose of their roles."""
    roles: list[Role] = actor.__dict__.get("_staff_roles") or []
    registered = [purpose for role in roles for purpose in ROLE_PURPOSES.get(role.code, ())]
    if not registered or wanted in registered:
        return wanted
    return registered[0]


def _log(
    actor: Actor,
    person_iin: str,
    *,
    what: Seen,
    purpose: Purpose,
    granted: bool,
    reader: str,
    channel: str,
    agency: Agency | None,
    once_per_page: bool = True,
    case: str = "",
) -> None:
    """Write the read to the person's log as it truly went: the kind of reader (a refused
    staff member is still staff), their office, and the purpose they read under."""
    office = office_region = agency_name = ""
    if agency is not None:
        reader, agency_name = Reader.AGENCY, agency.name
    elif reader == Reader.STAFF or (reader == Reader.OTHER and isinstance(actor, User)):
        assert isinstance(actor, User)
        role = _staff_role(actor)
        if role is not None:
            reader, office, office_region = Reader.STAFF, role.code, actor.region_id or ""
            purpose = _purpose_for(actor, purpose)
    if reader == Reader.REPRESENTATIVE:
        purpose = Purpose.REPRESENTATION
    elif reader == Reader.SYSTEM and purpose != Purpose.ACCOUNTS:
        # The server's account commands say what they did; everything else the platform reads
        # is its own work.
        purpose = Purpose.PLATFORM
    # One entry per page for each person and kind of data, however many lists the page reads.
    if once_per_page and isinstance(actor, User):
        logged: set[tuple[str, str, bool]] = actor.__dict__.setdefault("_access_logged", set())
        key = (person_iin, str(what), granted)
        if key in logged:
            return
        logged.add(key)
    record_access(
        actor=actor,
        person_iin=person_iin,
        what=str(what),
        purpose=str(purpose),
        granted=granted,
        channel=channel,
        reader=str(reader),
        office=office,
        office_region=office_region,
        agency=agency_name,
        case=case,
    )


def see(
    actor: Actor,
    person: PersonLike,
    *,
    what: Seen,
    purpose: Purpose,
    channel: str = "web",
    agency: Agency | None = None,
    permission: str = PERSON_READ,
    region_code: str | None = None,
) -> None:
    """Let ``actor`` read ``what`` of ``person`` for ``purpose``, or refuse as if the person did
    not exist. Both are logged, except the person reading their own data. Staff need
    ``permission`` in the person's region (or ``region_code``, where the record has its own)."""
    basis = _basis(actor, person, permission, None, region_code)
    if basis == "self":
        return
    _log(
        actor,
        person.iin,
        what=what,
        purpose=purpose,
        granted=basis is not None,
        reader=basis or Reader.OTHER,
        channel=channel,
        agency=agency,
    )
    if basis is None:
        raise not_yours()


def see_unchecked(
    actor: Actor,
    person: PersonLike,
    *,
    what: Seen,
    purpose: Purpose,
    related: bool = False,
) -> None:
    """Log a read already scoped by the query that found ``person``: a search limited to the
    actor's region, or (``related``) a family member or carer named on a record the actor may
    see — read by that record's person or representative, it is a family member's read."""
    basis = _basis(actor, person, PERSON_READ, None)
    if basis == "self":
        return
    if basis is None and related:
        basis, purpose = Reader.FAMILY, Purpose.FAMILY_RECORD
    _log(
        actor,
        person.iin,
        what=what,
        purpose=purpose,
        granted=True,
        reader=basis or Reader.OTHER,
        channel="web",
        agency=None,
    )


def log_bulk_read(
    actor: Actor, person_iins: Sequence[str], *, what: Seen, purpose: Purpose, case: str = ""
) -> None:
    """Log a read of many persons' data at once, already authorised by the caller's permission
    check (a payment file names everyone it pays): each person sees it in their log, with the
    ``case`` it was read for (an emergency's incident number) when there is one."""
    reader = Reader.SYSTEM if isinstance(actor, SystemActor) else Reader.STAFF
    for iin in person_iins:
        _log(
            actor,
            iin,
            what=what,
            purpose=purpose,
            granted=True,
            reader=reader,
            channel="web",
            agency=None,
            once_per_page=False,  # each production of a file is a read of its own
            case=case,
        )


def log_agency_reads(
    agency: Agency, person_iins: Sequence[str], *, what: Seen, purpose: Purpose
) -> None:
    """Log an agency's read of persons it asked the DCI API about, whose gate has already
    checked the agency's grants: each person sees in their log the agency and the purpose,
    written by ``_log`` as every other entry. One person is one append; a page of search
    results is written together under one lock of the log's chain."""

    def one(iin: str) -> None:
        _log(
            SYSTEM,
            iin,
            what=what,
            purpose=purpose,
            granted=True,
            reader=Reader.AGENCY,
            channel="api",
            agency=agency,
            once_per_page=False,  # every request of an agency is a read of its own
        )

    if len(person_iins) == 1:
        one(person_iins[0])
        return
    with batched():
        for iin in person_iins:
            one(iin)


def log_account_change(actor: Actor, person_iin: str) -> None:
    """Log an administrator's change to a registered person's account (a role, the password,
    the second factor, deactivation): the person sees who changed their account, and why."""
    _log(
        actor,
        person_iin,
        what=Seen.ACCOUNT,
        purpose=Purpose.ACCOUNTS,
        granted=True,
        reader=Reader.SYSTEM if isinstance(actor, SystemActor) else Reader.STAFF,
        channel="web",
        agency=None,
        once_per_page=False,  # each change is an entry of its own
    )


def log_refusal(actor: Actor, person_iin: str, *, what: Seen, purpose: Purpose) -> None:
    """Log an action refused by a service's own rule (not a read): the person sees the attempt."""
    _log(
        actor,
        person_iin,
        what=what,
        purpose=purpose,
        granted=False,
        reader=Reader.OTHER,
        channel="web",
        agency=None,
    )


# Why a refused action was attempted, by the permission it needed.
_ACTION_PURPOSES = {
    PERSON_MANAGE: Purpose.REGISTRY,
    HOUSING_MANAGE: Purpose.HOUSING,
    REFERRAL_FILE: Purpose.EXPERTISE,
    REFERRAL_DECIDE: Purpose.EXPERTISE,
    PROGRAMME_REVISE: Purpose.EXPERTISE,
}


def require(
    actor: Actor,
    permission: str,
    *,
    region_code: str,
    person_iin: str,
    what: str,
) -> None:
    """Raise AccessDenied, after logging the refusal, unless ``actor`` may do ``permission``
    for a person of ``region_code`` (an action on a record the actor has already been shown,
    or a new one, so a 403 tells nothing new)."""
    if may(actor, permission, region_code):
        return
    seen = Seen(what) if what in Seen.values else LEGACY_SEEN.get(what, Seen.RECORD_CHANGE)
    log_refusal(
        actor, person_iin, what=seen, purpose=_ACTION_PURPOSES.get(permission, Purpose.REGISTRY)
    )
    raise AccessDenied(
        ErrorCode.OUT_OF_SCOPE,
        _("You may not do this for this person: it is outside your role or your region."),
    )


def check_purpose(agency: Agency, purpose: str) -> Purpose:
    """The purpose an API call names must be one its token is registered for."""
    if purpose not in agency.purposes:
        raise ValidationFailed(
            ErrorCode.PURPOSE_NOT_REGISTERED,
            _("Your token is not registered for the purpose “%(purpose)s”."),
            purpose=purpose,
        )
    return Purpose(purpose)


def purposes_valid(purposes: Sequence[str]) -> tuple[Purpose, ...]:
    """An agency's purposes, checked when its token is issued."""
    chosen = tuple(dict.fromkeys(purposes))
    if not chosen or any(p not in AGENCY_PURPOSES for p in chosen):
        raise ValidationFailed(
            ErrorCode.PURPOSE_NOT_REGISTERED,
            _("Give one or more of these purposes: %(purposes)s."),
            purposes=", ".join(AGENCY_PURPOSES),
        )
    return tuple(Purpose(p) for p in chosen)


# --- the rate of look-ups by IIN -----------------------------------------------------------------


def lookup_counted(actor: Actor, *, agency: Agency | None = None) -> None:
    """Count a look-up by IIN against the account's (or the token's) allowance in the current
    window; RateLimited when it is spent.

    Fixed windows in Django's cache: one increment per look-up in the usual case (the add only
    when a window opens), and no database write.
    """
    if agency is not None:
        key, limit = f"t{agency.token_id}", settings.IIN_LOOKUPS_PER_TOKEN
    elif isinstance(actor, User) and actor.is_authenticated:
        key, limit = f"a{actor.pk}", settings.IIN_LOOKUPS_PER_ACCOUNT
    else:
        return
    window = settings.IIN_LOOKUP_WINDOW_SECONDS
    now = time.time()
    opened = int(now // window)
    cache_key = f"inclusio:lookups:{key}:{opened}"
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window's first look-up (or its count expired)
        count = 1 if cache.add(cache_key, 1, window + 1) else cache.incr(cache_key)
    if count > limit:
        seconds = max(1, math.ceil((opened + 1) * window - now))
        raise RateLimited(
            ErrorCode.TOO_MANY_LOOKUPS,
            _("Too many look-ups by IIN. Wait %(seconds)s seconds and try again."),
            retry_after=seconds,
            seconds=seconds,
        )
