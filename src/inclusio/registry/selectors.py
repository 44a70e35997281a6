"""Every read of personal data in the registry, scoped to the actor and written to the access log.

A person reading their own record leaves no entry; anyone else — a representative, an officer,
another agency — does, whether the read was granted or refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.audit import Actor, record_access
from inclusio.core.errors import AccessDenied, NotFound
from inclusio.core.identifiers import parse_iin
from inclusio.core.models import AccessEvent, User
from inclusio.core.roles import PERSON_READ
from inclusio.core.scope import covers_region, may, require
from inclusio.registry.models import CareLink, DisabilityStatus, FamilyMembership, Person

SEARCH_LIMIT = 50


def _is_self(actor: Actor, person: Person) -> bool:
    return actor is not None and actor.is_authenticated and person.user_id == actor.pk


def represented_persons(actor: Actor, day: dt.date | None = None) -> list[Person]:
    """The persons ``actor`` legally represents today (parents of minors, guardians)."""
    if not isinstance(actor, User):
        return []
    day = day or timezone.localdate()
    links = CareLink.objects.filter(carer__user=actor).select_related("cared", "cared__region")
    return [link.cared for link in links if link.represents_on(day)]


def _represents(actor: Actor, person: Person) -> bool:
    return any(p.pk == person.pk for p in represented_persons(actor))


def _find(iin: str) -> Person:
    value = parse_iin(iin).value
    try:
        return Person.objects.select_related("region").get(iin=value)
    except Person.DoesNotExist:
        raise _not_found(value) from None


def _not_found(iin: str) -> NotFound:
    return NotFound("PERSON_NOT_FOUND", _("No person with IIN %(iin)s is registered."), iin=iin)


def _authorise_read(actor: Actor, person: Person, *, what: str, purpose: str, channel: str) -> None:
    """Let the person through silently; log anyone else's read, refused or granted."""
    if _is_self(actor, person):
        return
    # Staff first: their permission is cached, while representation needs a query.
    if not may(actor, PERSON_READ, person.region_id) and not _represents(actor, person):
        require(
            actor,
            PERSON_READ,
            region_code=person.region_id,
            person_iin=person.iin,
            what=what,
            channel=channel,
        )
    record_access(
        actor=actor,
        person_iin=person.iin,
        what=what,
        purpose=purpose,
        granted=True,
        channel=channel,
    )


def person_get(
    *,
    actor: Actor,
    iin: str,
    purpose: str,
    what: str = "person_record",
    channel: str = "web",
) -> Person:
    """The person with ``iin`` if ``actor`` may see them; every read by another is logged."""
    person = _find(iin)
    _authorise_read(actor, person, what=what, purpose=purpose, channel=channel)
    return person


# One query for the person and their current status: agencies verify statuses many times a
# second, so the lookup is a single indexed join rather than two ORM round trips.
_STATUS_FIELDS = [field.attname for field in DisabilityStatus._meta.concrete_fields]
_PERSON_WITH_STATUS_SQL = (
    "SELECT p.*, "  # noqa: S608 — the column names come from the model, not from input
    + ", ".join(f"s.{name} AS status__{name}" for name in _STATUS_FIELDS)
    + " FROM registry_person p LEFT JOIN registry_disabilitystatus s"
    " ON s.person_id = p.id AND s.superseded_at IS NULL WHERE p.iin = %s"
)


def person_status_get(
    *, actor: Actor, iin: str, purpose: str, channel: str = "api"
) -> tuple[Person, DisabilityStatus | None]:
    """A person and their current status (None when none), for status verification."""
    value = parse_iin(iin).value
    found = list(Person.objects.raw(_PERSON_WITH_STATUS_SQL, [value]))
    if not found:
        raise _not_found(value)
    person = found[0]
    _authorise_read(actor, person, what="disability_status", purpose=purpose, channel=channel)
    values = [getattr(person, f"status__{name}") for name in _STATUS_FIELDS]
    if values[0] is None:
        return person, None
    status = DisabilityStatus.from_db("default", _STATUS_FIELDS, values)
    status.person = person
    return person, status


def own_person(actor: Actor) -> Person | None:
    if not isinstance(actor, User):
        return None
    return Person.objects.select_related("region").filter(user=actor).first()


def person_search(*, actor: Actor, query: str, purpose: str) -> list[Person]:
    """Staff search by IIN (exact) or by name (prefix), within the actor's regions.

    Each person shown is a read of their data and is logged.
    """
    if actor is None or not actor.is_authenticated or not actor.has_perm(PERSON_READ):
        raise AccessDenied("OUT_OF_SCOPE", _("Your role does not allow searching the registry."))
    query = query.strip()
    persons: QuerySet[Person] = Person.objects.select_related("region")
    if query.isdigit():
        persons = persons.filter(iin=parse_iin(query).value)
    else:
        words = query.split()
        if not words:
            return []
        condition = Q(surname__istartswith=words[0]) | Q(given_name__istartswith=words[0])
        persons = persons.filter(condition)
        for word in words[1:]:
            persons = persons.filter(
                Q(given_name__istartswith=word)
                | Q(patronymic__istartswith=word)
                | Q(surname__istartswith=word)
            )
    if actor.region_id is not None:
        persons = persons.filter(region_id=actor.region_id)
    found = list(persons[:SEARCH_LIMIT])
    for person in found:
        record_access(
            actor=actor, person_iin=person.iin, what="search_result", purpose=purpose, granted=True
        )
    return found


@dataclass(frozen=True)
class PersonCard:
    person: Person
    statuses: list[DisabilityStatus]
    family: list[FamilyMembership]
    carers: list[CareLink]
    cared_for: list[CareLink]

    @property
    def current_status(self) -> DisabilityStatus | None:
        return next((s for s in self.statuses if s.superseded_at is None), None)


def person_card(*, actor: Actor, iin: str, purpose: str) -> PersonCard:
    """Everything the registry holds about one person, in one logged read."""
    person = person_get(actor=actor, iin=iin, purpose=purpose, what="person_card")
    membership = FamilyMembership.objects.filter(person=person).first()
    family = (
        list(
            FamilyMembership.objects.filter(family_id=membership.family_id)
            .select_related("person")
            .order_by("role", "person__birth_date")
        )
        if membership
        else []
    )
    return PersonCard(
        person=person,
        statuses=list(person.statuses.order_by("-recorded_at", "-id")),
        family=family,
        carers=list(person.carers.select_related("carer")),
        cared_for=list(person.cares_for.select_related("cared")),
    )


def access_log_about(*, actor: Actor, person: Person) -> QuerySet[AccessEvent]:
    """Who looked at ``person``'s data: for the person, their representative, or an auditor."""
    allowed = (
        _is_self(actor, person)
        or _represents(actor, person)
        or (
            actor is not None
            and actor.is_authenticated
            and actor.has_perm("core.view_access_log")
            and covers_region(actor, person.region_id)
        )
    )
    if not allowed:
        raise AccessDenied("OUT_OF_SCOPE", _("You may not see this person's access log."))
    return AccessEvent.objects.filter(person_iin=person.iin).order_by("-at", "-id")
