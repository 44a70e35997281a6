"""Every read of personal data in the registry, scoped to the actor and written to the access log.

Who may see whom is decided by core/access.py; this module finds the records and names what
was read. A person reading their own record leaves no entry; anyone else — a representative,
an officer, another agency — does, whether the read was granted or refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inclusio.core import access
from inclusio.core.access import Agency
from inclusio.core.audit import Actor, batched
from inclusio.core.errors import AccessDenied, ErrorCode
from inclusio.core.identifiers import parse_iin
from inclusio.core.models import AccessEvent, Purpose, Reader, Region, Seen, User
from inclusio.core.roles import ACCESS_LOG_READ, PERSON_READ, ROLE_BY_CODE
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.registry.models import (
    CareLink,
    DisabilityStatus,
    FamilyMembership,
    Person,
    PersonRecordChange,
    fold_name,
)

SEARCH_LIMIT = 50
RECORD_CHANGES_SHOWN = 100
ACCESS_LOG_PAGE = 25


def represented_persons(actor: Actor, day: dt.date | None = None) -> list[Person]:
    """The persons ``actor`` legally represents today (parents of minors, guardians)."""
    if not isinstance(actor, User):
        return []
    day = day or timezone.localdate()
    links = CareLink.objects.filter(carer__user=actor).select_related("cared", "cared__region")
    return [link.cared for link in links if link.represents_on(day)]


def _find(actor: Actor, iin: str) -> Person:
    """The person with ``iin``, counted against the actor's look-ups; unknown answers as a
    person out of scope does."""
    value = parse_iin(iin).value
    access.lookup_counted(actor)
    person = Person.objects.select_related("region").filter(iin=value).first()
    if person is None:
        raise access.not_yours()
    return person


def person_get(
    *,
    actor: Actor,
    iin: str,
    purpose: Purpose = Purpose.REGISTRY,
    what: Seen = Seen.REGISTRY_RECORD,
    permission: str = PERSON_READ,
) -> Person:
    """The person with ``iin`` if ``actor`` may see them (staff: with ``permission`` in the
    person's region); every read by another is logged."""
    person = _find(actor, iin)
    access.see(actor, person, what=what, purpose=purpose, permission=permission)
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
    *, actor: Actor, iin: str, purpose: str, agency: Agency
) -> tuple[Person, DisabilityStatus | None]:
    """A person and their current status (None when none), for an agency's verification
    under one of the purposes its token is registered for."""
    why = access.check_purpose(agency, purpose)
    value = parse_iin(iin).value
    access.lookup_counted(actor, agency=agency)
    found = list(Person.objects.raw(_PERSON_WITH_STATUS_SQL, [value]))
    if not found:
        raise access.not_yours()
    person = found[0]
    access.see(
        actor, person, what=Seen.DISABILITY_STATUS, purpose=why, channel="api", agency=agency
    )
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


def person_search(*, actor: Actor, query: str) -> list[Person]:
    """Staff search by IIN (exact) or by name (prefix), within the actor's regions.

    Each person shown is a read of their data and is logged.
    """
    if actor is None or not actor.is_authenticated or not actor.has_perm(PERSON_READ):
        raise AccessDenied(
            ErrorCode.OUT_OF_SCOPE, _("Your role does not allow searching the registry.")
        )
    query = query.strip()
    persons: QuerySet[Person] = Person.objects.select_related("region")
    if query.isdigit():
        persons = persons.filter(iin=parse_iin(query).value)
        access.lookup_counted(actor)
    else:
        # Folded as the stored names are, so that case never matters, in any alphabet.
        words = [fold_name(word) for word in query.split()]
        if not words:
            return []
        condition = Q(surname_folded__startswith=words[0]) | Q(
            given_name_folded__startswith=words[0]
        )
        persons = persons.filter(condition)
        for word in words[1:]:
            persons = persons.filter(
                Q(given_name_folded__startswith=word)
                | Q(patronymic_folded__startswith=word)
                | Q(surname_folded__startswith=word)
            )
    if actor.region_id is not None:
        persons = persons.filter(region_id=actor.region_id)
    found = list(persons[:SEARCH_LIMIT])
    with batched():
        for person in found:
            access.see_unchecked(actor, person, what=Seen.SEARCH_RESULT, purpose=Purpose.REGISTRY)
    return found


@dataclass(frozen=True)
class PersonCard:
    person: Person
    statuses: list[DisabilityStatus]
    family: list[FamilyMembership]
    carers: list[CareLink]
    # Officers' corrections, newest first, with their reasons: the person reads them.
    changes: list[PersonRecordChange] = field(default_factory=list)

    @property
    def current_status(self) -> DisabilityStatus | None:
        return next((s for s in self.statuses if s.superseded_at is None), None)


def person_card(*, actor: Actor, iin: str, purpose: Purpose = Purpose.REGISTRY) -> PersonCard:
    """Everything the registry holds about one person, in one logged read; each family member
    and carer whose name the card shows has that read in their own log."""
    person = person_get(actor=actor, iin=iin, purpose=purpose, what=Seen.REGISTRY_RECORD)
    family = list(
        FamilyMembership.objects.filter(family__memberships__person=person)
        .select_related("person")
        .order_by("role", "person__birth_date")
    )
    carers = list(person.carers.select_related("carer"))
    shown = {m.person.pk: m.person for m in family}
    shown.update({link.carer.pk: link.carer for link in carers})
    shown.pop(person.pk, None)
    with batched():
        for other in shown.values():
            access.see_unchecked(actor, other, what=Seen.FAMILY_CARD, purpose=purpose, related=True)
    return PersonCard(
        person=person,
        statuses=list(person.statuses.order_by("-recorded_at", "-id")),
        family=family,
        carers=carers,
        changes=list(person.record_changes.all()[:RECORD_CHANGES_SHOWN]),
    )


# --- the access log a person reads ------------------------------------------------------------


@dataclass(frozen=True)
class AccessLogFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    reader: str = ""  # a Reader value, or "" for every kind
    outcome: str = ""  # an AccessEvent.Outcome value, or "" for both


@dataclass(frozen=True)
class AccessLogEntry:
    at: dt.datetime
    who: str
    office: str
    what: str
    why: str
    shown: bool
    times: int  # refused attempts of one reader on one day are one entry


def who_read(event: AccessEvent, regions: dict[str, Region]) -> tuple[str, str]:
    """Who, in plain words, and their office: never an account's username."""
    account = event.actor
    name = account.get_full_name() if account is not None else ""
    reader = event.reader
    if not reader:  # a row written before the kind of reader was recorded
        if event.actor_name == "system":
            reader = Reader.SYSTEM
        elif event.channel == "api":
            reader = Reader.AGENCY
    if reader == Reader.SYSTEM:
        return gettext("Inclusio, the platform itself"), ""
    if reader == Reader.AGENCY:
        return event.agency or gettext("another agency's system"), ""
    if reader == Reader.STAFF:
        role = ROLE_BY_CODE.get(event.office)
        if role is None:  # a superuser, who holds no role
            return name or gettext("a staff member"), ""
        title = str(role.title)
        region = regions.get(event.office_region)
        office = (
            gettext("%(role)s, %(region)s") % {"role": title, "region": region.name}
            if region is not None
            else gettext("%(role)s, national") % {"role": title}
        )
        return name or gettext("a staff member"), office
    if reader == Reader.REPRESENTATIVE:
        return name or gettext("a legal representative"), gettext("legal representative")
    if reader == Reader.FAMILY:
        return name or gettext("a family member or carer"), gettext("family member or carer")
    if reader == Reader.OTHER:
        return gettext("an account without a right to these data"), ""
    return name or gettext("not recorded"), ""


@dataclass(frozen=True)
class AccessLogPage:
    entries: list[AccessLogEntry]
    page: Page  # the paginator's page: its number, its neighbours, the count of pages


def access_log_page(
    *, actor: Actor, person: Person, filters: AccessLogFilter, page: str | int | None = 1
) -> AccessLogPage:
    """Who looked at ``person``'s data, newest first, a page of AccessLogEntry at a time: for
    the person, their representative, or an auditor of their region (whose read is logged).

    Refused attempts of one reader on one day are collapsed into one entry with their count,
    so that a flood of refusals cannot push the real reads out of sight.
    """
    access.see(
        actor,
        person,
        what=Seen.ACCESS_LOG,
        purpose=Purpose.AUDIT,
        permission=ACCESS_LOG_READ,
    )
    events = AccessEvent.objects.filter(person_iin=person.iin)
    if filters.since:
        events = events.filter(at__date__gte=filters.since)
    if filters.until:
        events = events.filter(at__date__lte=filters.until)
    if filters.reader:
        events = events.filter(reader=filters.reader)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    groups = (
        events.annotate(
            day=TruncDate("at"),
            # A shown read is an entry of its own; refusals group by reader and day.
            single=Case(
                When(outcome=AccessEvent.Outcome.GRANTED, then=F("id")),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .values("day", "actor_name", "outcome", "single")
        .annotate(times=Count("id"), last_id=Max("id"))
        .order_by("-last_id")
    )
    found = Paginator(groups, ACCESS_LOG_PAGE).get_page(page)
    rows = list(found.object_list)
    latest = AccessEvent.objects.select_related("actor").in_bulk([row["last_id"] for row in rows])
    regions = Region.objects.in_bulk() if rows else {}
    entries = []
    for row in rows:
        event = latest[row["last_id"]]
        who, office = who_read(event, regions)
        entries.append(
            AccessLogEntry(
                at=event.at,
                who=who,
                office=office,
                what=event.what_label,
                why=event.purpose_label,
                shown=event.outcome == AccessEvent.Outcome.GRANTED,
                times=row["times"],
            )
        )
    return AccessLogPage(entries=entries, page=found)


def worklist_statuses_expiring(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the district officer: current statuses of the region whose re-examination date falls
    within ``WORKLIST_EXPIRY_DAYS``, the soonest first, so the person can be reminded in time."""
    staff = require_permission(actor, PERSON_READ)
    today = timezone.localdate()
    statuses = DisabilityStatus.objects.filter(
        superseded_at__isnull=True,
        ended=False,
        reexamination_date__gte=today,
        reexamination_date__lte=today + dt.timedelta(days=settings.WORKLIST_EXPIRY_DAYS),
    )
    if staff.region_id is not None:
        statuses = statuses.filter(person__region_id=staff.region_id)
    found = page_of(
        statuses.select_related("person").order_by("reexamination_date", "id"),
        page,
    )
    rows = list(found.object_list)
    with batched():
        access.log_bulk_read(
            staff,
            [status.person.iin for status in rows],
            what=Seen.DISABILITY_STATUS,
            purpose=Purpose.REGISTRY,
        )
    return Worklist(
        key="statuses_expiring",
        title=_("Statuses about to expire"),
        description=_("Re-examination dates in the coming days: the person needs a referral."),
        template="registry/worklist_statuses.html",
        page=found,
        rows=rows,
        empty=_("No status expires in the coming days."),
    )
