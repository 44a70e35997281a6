"""Every write of the emergency registry: compiling homes from the registry, the person's
corrections and consent, and the dispatchers' lookups (a lookup is a write: it is recorded for
the auditor and in the access log of every person it shows)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core import access, rows
from inclusio.core.audit import (
    SYSTEM,
    Actor,
    account_of,
    batched,
    changes,
    personal_digest,
    record_write,
)
from inclusio.core.durability import atomic_then_flush
from inclusio.core.errors import Conflict, RateLimited, ValidationFailed
from inclusio.core.models import Purpose, Region, Seen, User
from inclusio.core.roles import EMERGENCY_ALERT, EMERGENCY_LOOKUP, PERSON_MANAGE
from inclusio.core.worklists import require_permission
from inclusio.emergency import areas, messaging
from inclusio.emergency.areas import box_around, distance_m, in_country, inside, region_boxes
from inclusio.emergency.coverage import covered_q
from inclusio.emergency.errors import ErrorCode
from inclusio.emergency.messaging import Recipient
from inclusio.emergency.models import (
    CONSENT_FIELDS,
    LAW_LIMITATIONS,
    Alert,
    Flag,
    Lookup,
    Residence,
)
from inclusio.registry.models import DisabilityStatus, LifeEvent, Person

# An incident number as dispatch systems write them: letters, digits, "-" and "/".
INCIDENT = re.compile(r"[0-9A-Za-z][0-9A-Za-z/-]{2,31}")
ADDRESS_MIN_LENGTH = 3
# The columns of a home a lookup reads: what the dispatcher's screen shows (emergency/lookup.html
# and ``Residence.needs``) and where the home is.
LOOKUP_FIELDS = (
    "address",
    "apartment",
    "floor",
    "entrance_code",
    "latitude",
    "longitude",
    "bedridden",
    "uses_wheelchair",
    "limited_mobility",
    "blind",
    "deaf",
    "intellectual_disability",
    "lives_alone",
    "equipment",
    "contact_name",
    "contact_phone",
    "carer_name",
    "carer_phone",
)
COMPILE_BATCH = 5_000


# --- compiling from the registry ----------------------------------------------------------------


@dataclass(frozen=True)
class CompileSummary:
    added: int
    refreshed: int
    removed: int


def _law_values(status: DisabilityStatus) -> dict[str, bool]:
    return {
        "limited_mobility": status.mobility,
        "blind": status.vision,
        "deaf": status.hearing,
        "intellectual_disability": status.intellectual or status.psychosocial,
    }


def residences_compile(*, actor: Actor = SYSTEM) -> CompileSummary:
    """Make the registry's homes of persons with limited mobility match the registry.

    Under the law every person alive whose current status says they cannot leave home alone
    (``coverage.covered_q``: limited mobility in group I, a child, or group II of the very old)
    and whose home is on the map is in the dispatchers' registry: missing ones are added, the
    address, place and limitations of the others refreshed (what the person added with consent
    stays), and those no longer covered — status ended, no longer one who cannot leave home
    alone, dead — removed with everything they held. Only the platform (``SYSTEM``) or the
    ministry's administrator runs it. One audit event per batch names how many rows changed,
    never whose.
    """
    if actor is not SYSTEM:
        require_permission(actor, PERSON_MANAGE)
    now = timezone.now()
    covered = (
        DisabilityStatus.objects.filter(
            covered_q(timezone.localdate()),
            superseded_at__isnull=True,
            ended=False,
            person__latitude__isnull=False,
        )
        .exclude(Exists(LifeEvent.objects.filter(person_id=OuterRef("person_id"), kind="death")))
        .select_related("person")
        .order_by("person_id")
    )
    added = refreshed = 0
    seen: set[int] = set()
    with transaction.atomic():
        kept = {row.person_id: row for row in Residence.objects.all()}
        new_rows: list[Residence] = []
        changed_rows: list[Residence] = []
        for status in covered.iterator(chunk_size=COMPILE_BATCH):
            person = status.person
            seen.add(person.pk)
            law = {
                "region_id": person.region_id,
                "address": person.address or "",
                "address_folded": (person.address or "").casefold(),
                "latitude": person.latitude,
                "longitude": person.longitude,
                **_law_values(status),
            }
            row = kept.get(person.pk)
            if row is None:
                new_rows.append(
                    Residence(
                        person=person,
                        compiled_at=now,
                        recorded_on=timezone.localdate(now),
                        updated_at=now,
                        **law,
                    )
                )
            elif any(getattr(row, field) != value for field, value in law.items()):
                for field, value in law.items():
                    setattr(row, field, value)
                row.compiled_at = now
                changed_rows.append(row)
        gone = [pk for pk in kept if pk not in seen]
        with batched():
            for start in range(0, len(new_rows), COMPILE_BATCH):
                batch = Residence.objects.bulk_create(new_rows[start : start + COMPILE_BATCH])
                added += len(batch)
                record_write(
                    actor=actor,
                    action="residences_compile",
                    entity="residence",
                    entity_id="batch",
                    data={"added": len(batch)},
                )
            fields = ["compiled_at", "region", "address", "address_folded", "latitude", "longitude"]
            fields += LAW_LIMITATIONS
            for start in range(0, len(changed_rows), COMPILE_BATCH):
                batch = changed_rows[start : start + COMPILE_BATCH]
                Residence.objects.bulk_update(batch, fields)
                refreshed += len(batch)
                record_write(
                    actor=actor,
                    action="residences_compile",
                    entity="residence",
                    entity_id="batch",
                    data={"refreshed": len(batch)},
                )
            if gone:
                Residence.objects.filter(person_id__in=gone).delete()
                record_write(
                    actor=actor,
                    action="residences_compile",
                    entity="residence",
                    entity_id="batch",
                    data={"removed": len(gone)},
                )
    return CompileSummary(added=added, refreshed=refreshed, removed=len(gone))


# --- the person's own entry ----------------------------------------------------------------------


def _require_for(actor: Actor, person: Person) -> bool:
    """The person, their representative, or an officer of their region (the social worker);
    True when it is the officer."""
    if access.may_act_for(actor, person):
        return False
    access.require(
        actor,
        PERSON_MANAGE,
        region_code=person.region_id,
        person_iin=person.iin,
        what=Seen.EMERGENCY_RESIDENCE,
    )
    return True


def _not_kept() -> Conflict:
    return Conflict(
        ErrorCode.RESIDENCE_NOT_KEPT,
        _(
            "This person's home is not in the emergency dispatchers' registry: it holds the "
            "homes of persons whose disability status records limited mobility."
        ),
    )


def _residence(person: Person) -> Residence:
    row = Residence.objects.select_for_update().filter(person=person).first()
    if row is None:
        raise _not_kept()
    return row


def require_residence(person: Person) -> None:
    """Refuse (RESIDENCE_NOT_KEPT) where the person's home is not in the registry, so that
    nothing can be corrected or consented to; reads nothing personal."""
    if not Residence.objects.filter(person=person).exists():
        raise _not_kept()


PHONE = re.compile(r"\+?[0-9 ()-]{5,20}")


def _check_entry(values: dict[str, Any]) -> None:
    for field in ("contact_phone", "carer_phone"):
        phone = values.get(field, "")
        if phone and not PHONE.fullmatch(phone):
            raise ValidationFailed(
                ErrorCode.RESIDENCE_FIELD,
                _("A phone number has digits, spaces, brackets, “-” and a leading “+” only."),
                field=field,
            )
    floor = values.get("floor")
    if floor is not None and not -5 <= floor <= 200:
        raise ValidationFailed(
            ErrorCode.RESIDENCE_FIELD,
            _("The floor is a number from -5 to 200."),
            field="floor",
        )


def residence_update(*, actor: Actor, person: Person, **values: Any) -> Residence:
    """Correct the floor and apartment (the legal minimum) and, with consent given, what only
    the person can tell rescuers. Without consent, any consent field given is refused."""
    _require_for(actor, person)
    unknown = set(values) - {"floor", "apartment", *CONSENT_FIELDS}
    if unknown:
        raise ValidationFailed(
            ErrorCode.RESIDENCE_FIELD,
            _("These cannot be changed here: %(fields)s."),
            fields=", ".join(sorted(unknown)),
        )
    cleaned = {
        key: value.strip() if isinstance(value, str) else value for key, value in values.items()
    }
    _check_entry(cleaned)
    with transaction.atomic():
        row = _residence(person)
        if row.consent_given_at is None and any(cleaned.get(f) for f in CONSENT_FIELDS):
            raise Conflict(
                ErrorCode.CONSENT_NOT_GIVEN,
                _(
                    "Without the person's consent only the floor and the apartment can be "
                    "recorded. Give consent first, then add the rest."
                ),
            )
        before = {field: getattr(row, field) for field in cleaned}
        for field, value in cleaned.items():
            setattr(row, field, value)
        row.updated_at = timezone.now()
        row.updated_by = account_of(actor)
        row.save()
        record_write(
            actor=actor,
            action="residence_update",
            entity="person",
            entity_id=person.iin,
            # Everything here is about the person's home and health: digests only.
            data=changes(before, cleaned, personal=cleaned.keys()),
        )
    return row


def _consent_reason(by_staff: bool, reason: str) -> str:
    """How an officer recorded the consent; the person (or their representative) gives it
    themselves, so anything they send here is not kept (their page would show it as the
    district office's words)."""
    if not by_staff:
        return ""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            ErrorCode.CONSENT_REASON_REQUIRED,
            _("Say how the person gave or withdrew consent (for example, in writing, and when)."),
            field="reason",
        )
    return reason


def residence_consent_give(*, actor: Actor, person: Person, reason: str = "") -> Residence:
    """The person (or their representative) consents to rescuers knowing more than the law
    gives; an officer records a consent given at the office, saying how."""
    by_staff = _require_for(actor, person)
    reason = _consent_reason(by_staff, reason)
    with transaction.atomic():
        row = _residence(person)
        if row.consent_given_at is None:
            row.consent_given_at = timezone.now()
            row.consent_withdrawn_at = None
            row.consent_recorded_how = reason
            row.updated_at = row.consent_given_at
            row.updated_by = account_of(actor)
            row.save()
        record_write(
            actor=actor,
            action="residence_consent_give",
            entity="person",
            entity_id=person.iin,
            data={"by_staff": by_staff, "how": personal_digest(reason) if reason else None},
        )
    return row


def residence_consent_withdraw(*, actor: Actor, person: Person, reason: str = "") -> Residence:
    """Consent withdrawn: everything it added is emptied at once; the legal minimum stays."""
    by_staff = _require_for(actor, person)
    reason = _consent_reason(by_staff, reason)
    with transaction.atomic():
        row = _residence(person)
        emptied = [field for field in CONSENT_FIELDS if getattr(row, field)]
        for field in CONSENT_FIELDS:
            setattr(row, field, False if isinstance(getattr(row, field), bool) else "")
        if row.consent_given_at is not None:
            row.consent_given_at = None
            row.consent_withdrawn_at = timezone.now()
            row.consent_recorded_how = reason
        row.updated_at = timezone.now()
        row.updated_by = account_of(actor)
        row.save()
        record_write(
            actor=actor,
            action="residence_consent_withdraw",
            entity="person",
            entity_id=person.iin,
            # How many were emptied, never which: a field's name says something of the
            # person's health, and the trail is never erased.
            data={
                "emptied": len(emptied),
                "by_staff": by_staff,
                "how": personal_digest(reason) if reason else None,
            },
        )
    return row


# --- the dispatcher's lookup ---------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    residence: Residence
    distance_m: int | None  # from the incident's place; None for a lookup by address


@dataclass(frozen=True)
class LookupAnswer:
    lookup: Lookup
    found: list[Found]


def _incident(text: str) -> str:
    incident = (text or "").strip()
    if not incident:
        raise ValidationFailed(
            ErrorCode.INCIDENT_REQUIRED,
            _("Give the incident number: a lookup is made only for an incident."),
            field="incident",
        )
    if not INCIDENT.fullmatch(incident):
        raise ValidationFailed(
            ErrorCode.INCIDENT_FORMAT,
            _(
                "An incident number has 3 to 32 letters, digits, “-” or “/”, as the dispatch "
                "system gives it."
            ),
            field="incident",
        )
    return incident


def check_place(latitude: float, longitude: float, radius_m: int | None) -> int:
    """The radius of a lookup around a place, refused (ValidationFailed, naming the field) for a
    place outside the country or a radius past the limit. The lookup form asks it too, so that
    its page says this beside any other mistake of the same answer."""
    if not in_country(latitude, longitude):
        raise ValidationFailed(
            ErrorCode.LOOKUP_OUTSIDE_COUNTRY,
            _("This place is outside the country. Check the latitude and the longitude."),
            field="latitude",
        )
    limit = settings.EMERGENCY_RADIUS_MAX_M
    if radius_m is None or not 1 <= radius_m <= limit:
        raise ValidationFailed(
            ErrorCode.LOOKUP_RADIUS,
            _("The radius is from 1 to %(limit)s metres."),
            field="radius_m",
            limit=limit,
        )
    return radius_m


# A home's person's IIN, for the access log, read with the home.
_PERSON_IIN = {
    "person_iin": '(SELECT "iin" FROM "registry_person" WHERE "registry_person"."id" = '
    '"emergency_residence"."person_id")'
}
_IN_BOX = '"latitude" BETWEEN %s AND %s AND "longitude" BETWEEN %s AND %s'


def _near(
    region_id: str | None, latitude: float, longitude: float, radius_m: int
) -> list[tuple[Residence, float]]:
    """The homes within ``radius_m`` of the place (in the region, when given), the nearest
    first: those in the box around the circle, measured. Read without the query compiler
    (core.rows): it is every lookup's query."""
    south, west, north, east = box_around(latitude, longitude, radius_m)
    where = _IN_BOX
    params: list[Any] = [south, north, west, east]
    if region_id is not None:
        where, params = f'{where} AND "region_id" = %s', [*params, region_id]
    boxed = rows.fetch(Residence, where, params, extra=_PERSON_IIN)
    measured = [
        (row, distance_m(latitude, longitude, row.latitude, row.longitude)) for row in boxed
    ]
    return sorted(
        ((row, metres) for row, metres in measured if metres <= radius_m), key=lambda x: x[1]
    )


def _flags(staff: User, other_incidents: int, place: tuple[float, float] | None) -> list[str]:
    flags = []
    if place is not None and staff.region_id is not None:
        box = region_boxes(settings.COUNTRY).get(staff.region_id)
        if box is not None and not inside(box, *place):
            flags.append(Flag.OUTSIDE_AREA.value)
    if other_incidents + 1 > settings.EMERGENCY_INCIDENTS_PER_HOUR_UNUSUAL:
        flags.append(Flag.MANY_INCIDENTS.value)
    return flags


# The dispatcher's lookups of the last ten minutes (for the allowance) and the other incidents
# they looked up within the hour (for the flag), in one statement: it runs on every lookup, and
# the query compiler's work was as much as the database's.
_RECENT_SQL = """
SELECT COUNT(CASE WHEN at >= %s THEN 1 END),
       COUNT(DISTINCT CASE WHEN incident <> %s THEN incident END)
FROM emergency_lookup WHERE dispatcher_id = %s AND at >= %s
"""


def _recent(staff: User, now: dt.datetime, incident: str) -> tuple[int, int]:
    """(lookups in the last ten minutes, other incidents within the hour) of the dispatcher."""
    ops = connection.ops
    params = [
        ops.adapt_datetimefield_value(now - dt.timedelta(minutes=10)),
        incident,
        staff.pk,
        ops.adapt_datetimefield_value(now - dt.timedelta(hours=1)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_RECENT_SQL, params)
        lately, other_incidents = cursor.fetchone()
    return int(lately), int(other_incidents)


def require_lookup(actor: Actor) -> User:
    """The dispatcher behind ``actor``; AccessDenied for anyone else."""
    return require_permission(actor, EMERGENCY_LOOKUP)


def residences_lookup(
    *,
    actor: Actor,
    incident: str,
    latitude: float | None = None,
    longitude: float | None = None,
    radius_m: int | None = None,
    address: str = "",
) -> LookupAnswer:
    """The homes rescuers must know of at an incident: within ``radius_m`` of a place, or at an
    address, in the dispatcher's region, the nearest first — and only what rescuers need.

    Refused without an incident number, for a place outside the country or a radius over the
    limit, for more homes than one incident can concern (a list is not a lookup), and past the
    allowance of lookups in ten minutes. Each home shown is logged in its person's access log
    with the incident's number; the lookup is kept, flagged for the auditor when unusual.
    """
    staff = require_lookup(actor)
    incident = _incident(incident)
    address = " ".join((address or "").split())
    by_place = latitude is not None or longitude is not None or radius_m is not None
    if by_place == bool(address) or (by_place and (latitude is None or longitude is None)):
        raise ValidationFailed(
            ErrorCode.LOOKUP_MODE,
            _("Give either an address, or a place (latitude and longitude) and a radius."),
        )
    now = timezone.now()
    lately, other_incidents = _recent(staff, now, incident)
    if lately >= settings.EMERGENCY_LOOKUPS_PER_10_MINUTES:
        raise RateLimited(
            ErrorCode.LOOKUPS_TOO_MANY,
            _("Too many lookups in ten minutes. If this is a real emergency, call the supervisor."),
            retry_after=600,
        )
    if by_place:
        assert latitude is not None and longitude is not None
        radius_m = check_place(latitude, longitude, radius_m)
        near = _near(staff.region_id, latitude, longitude, radius_m)
        found = [Found(row, round(metres)) for row, metres in near]
    else:
        if len(address) < ADDRESS_MIN_LENGTH:
            raise ValidationFailed(
                ErrorCode.LOOKUP_ADDRESS_SHORT,
                _("Give at least %(count)s letters of the address."),
                field="address",
                count=ADDRESS_MIN_LENGTH,
            )
        # Only what the answer shows and the access log names.
        homes = Residence.objects.select_related("person").only(*LOOKUP_FIELDS, "person__iin")
        if staff.region_id is not None:
            homes = homes.filter(region_id=staff.region_id)
        matched = homes.filter(address_folded__contains=address.casefold()).order_by(
            "address", "id"
        )
        found = []
        for row in matched[: settings.EMERGENCY_LOOKUP_MAX_FOUND + 1]:
            row.person_iin = row.person.iin
            found.append(Found(row, None))
    if len(found) > settings.EMERGENCY_LOOKUP_MAX_FOUND:
        raise ValidationFailed(
            ErrorCode.LOOKUP_TOO_BROAD,
            _(
                "More than %(count)s homes match: a lookup is for one incident. Give a smaller "
                "radius or more of the address."
            ),
            count=settings.EMERGENCY_LOOKUP_MAX_FOUND,
        )
    place = (latitude, longitude) if by_place else None
    flags = _flags(staff, other_incidents, place)  # type: ignore[arg-type]
    # The access log's head is let go at the commit, not after the disk has it: lookups at an
    # incident's pace would otherwise queue one disk flush at a time (core/durability.py).
    with atomic_then_flush():
        lookup = Lookup(
            dispatcher=staff,
            incident=incident,
            at=now,
            mode=Lookup.Mode.PLACE if by_place else Lookup.Mode.ADDRESS,
            latitude=latitude if by_place else None,
            longitude=longitude if by_place else None,
            radius_m=radius_m if by_place else None,
            address=address,
            found=len(found),
            flags=flags,
            flagged=bool(flags),
        )
        rows.insert_one(lookup)  # every lookup's INSERT, without the query compiler
        with batched():
            access.log_bulk_read(
                staff,
                [item.residence.person_iin for item in found],
                what=Seen.EMERGENCY_RESIDENCE,
                purpose=Purpose.EMERGENCY,
                case=incident,
            )
            record_write(
                actor=staff,
                action="residences_lookup",
                entity="lookup",
                entity_id=lookup.pk,
                data={"found": len(found), "flags": flags},
            )
    return LookupAnswer(lookup=lookup, found=found)


# --- emergency alerts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertPreview:
    """Who an alert would reach, counted by language, and the languages it lacks a text in."""

    by_language: dict[str, int]
    missing: list[str]

    @property
    def total(self) -> int:
        return sum(self.by_language.values())


def require_alerts(actor: Actor) -> User:
    """The emergency officer behind ``actor``; AccessDenied for anyone else."""
    return require_permission(actor, EMERGENCY_ALERT)


def alert_localities(actor: Actor) -> list[tuple[str, str]]:
    """The localities an officer may alert, as (code, name): their region, or every one for a
    national officer."""
    staff = require_alerts(actor)
    regions = Region.objects.order_by("code")
    if staff.region_id is not None:
        regions = regions.filter(code=staff.region_id)
    return [(region.code, region.name) for region in regions]


def _impaired_persons(staff: User, area: areas.Area) -> Any:
    """Persons alive whose current status records a hearing or a vision impairment, whose home
    is on the map inside the area's box and in the officer's region."""
    impaired = DisabilityStatus.objects.filter(
        Q(hearing=True) | Q(vision=True),
        person_id=OuterRef("pk"),
        superseded_at__isnull=True,
        ended=False,
    )
    persons = Person.objects.filter(Exists(impaired), latitude__isnull=False).exclude(
        Exists(LifeEvent.objects.filter(person_id=OuterRef("pk"), kind="death"))
    )
    if staff.region_id is not None:
        persons = persons.filter(region_id=staff.region_id)
    regions = area.regions()
    if regions is not None:
        persons = persons.filter(region_id__in=regions)
    box = area.box()
    if box is not None:
        south, west, north, east = box
        persons = persons.filter(latitude__range=(south, north), longitude__range=(west, east))
    return persons


def _recipients(staff: User, area: areas.Area) -> list[Recipient]:
    persons = _impaired_persons(staff, area).values_list(
        "pk", "iin", "preferred_language", "latitude", "longitude"
    )
    return [
        Recipient(person_id=pk, iin=iin, language=language)
        for pk, iin, language, latitude, longitude in persons.order_by("pk").iterator(
            chunk_size=COMPILE_BATCH
        )
        if area.contains(latitude, longitude)
    ]


def _texts(texts: dict[str, str]) -> dict[str, str]:
    return {code: (texts.get(code) or "").strip() for code, _name in settings.LANGUAGES}


def _preview(recipients: list[Recipient], texts: dict[str, str]) -> AlertPreview:
    by_language = {code: 0 for code, _name in settings.LANGUAGES}
    for recipient in recipients:
        by_language[recipient.language] = by_language.get(recipient.language, 0) + 1
    missing = [code for code, count in by_language.items() if count and not texts.get(code)]
    return AlertPreview(by_language=by_language, missing=missing)


def alert_preview(*, actor: Actor, area: areas.Area, texts: dict[str, str]) -> AlertPreview:
    """How many persons an alert would reach, by language, before it is sent. Reads counts only
    (no person is shown), so it writes nothing, not even to an access log."""
    staff = require_alerts(actor)
    return _preview(_recipients(staff, area), _texts(texts))


def _language_names(codes: list[str]) -> str:
    names = dict(settings.LANGUAGES)
    return ", ".join(str(names[code]) for code in codes)


def alert_send(*, actor: Actor, area: areas.Area, texts: dict[str, str]) -> Alert:
    """Send an alert to every person with a hearing or vision impairment inside the area (of
    the officer's region), each in their own language, through the messaging backend.

    Refused, with nothing written, when nobody is inside or when a recipient's language has no
    text. The alert and its recipients are kept; each recipient's access log says that their
    place, language and impairment were read to send them an alert; one audit event counts
    them by language, never naming them.
    """
    staff = require_alerts(actor)
    texts = _texts(texts)
    recipients = _recipients(staff, area)
    preview = _preview(recipients, texts)
    if not recipients:
        raise ValidationFailed(
            ErrorCode.ALERT_NO_RECIPIENTS,
            _(
                "Nobody with a hearing or vision impairment is registered inside this area in "
                "your region: there is nobody to send the alert to."
            ),
            field="area",
        )
    if preview.missing:
        raise ValidationFailed(
            ErrorCode.ALERT_TEXT_MISSING,
            _(
                "Some of the persons in the area read %(languages)s: write the message in "
                "every one of these languages."
            ),
            field=f"text_{preview.missing[0]}",
            languages=_language_names(preview.missing),
        )
    with transaction.atomic():
        alert = Alert.objects.create(
            officer=staff,
            region_id=staff.region_id,
            at=timezone.now(),
            area=area.kind,
            geometry=area.geometry(),
            recipients=len(recipients),
            **{f"text_{code}": text for code, text in texts.items()},
        )
        with batched():
            messaging.backend().queue(alert, recipients)
            access.log_bulk_read(
                staff,
                [recipient.iin for recipient in recipients],
                what=Seen.EMERGENCY_ALERT,
                purpose=Purpose.EMERGENCY_ALERT,
                case=f"ALERT-{alert.pk}",  # like an incident number: the same in every language
            )
            record_write(
                actor=staff,
                action="alert_send",
                entity="alert",
                entity_id=alert.pk,
                data={"area": area.kind, "recipients": preview.by_language},
            )
    return alert
