"""Every write to the registry. Each function is one transaction and one audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.access import require
from inclusio.core.audit import (
    SYSTEM,
    Actor,
    account_of,
    batched,
    changes,
    personal_digest,
    record_write,
)
from inclusio.core.errors import Conflict, ValidationFailed
from inclusio.core.errors import ErrorCode as CoreErrorCode
from inclusio.core.identifiers import parse_iin
from inclusio.core.models import Region
from inclusio.core.roles import PERSON_MANAGE, REFERRAL_DECIDE
from inclusio.registry.errors import ErrorCode
from inclusio.registry.events import disability_status_changed, life_event_recorded
from inclusio.registry.models import (
    FUNCTIONAL_LIMITATIONS,
    CareLink,
    Category,
    Cause,
    DisabilityStatus,
    Family,
    FamilyMembership,
    LifeEvent,
    Person,
    PersonRecordChange,
    StatusCalendarAnnouncement,
    StatusHistoryStart,
    age_on,
)

PERSON_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "urban",
    "address",
    "latitude",
    "longitude",
    "phone",
    "preferred_language",
)


def _region(code: str) -> Region:
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise ValidationFailed(
            CoreErrorCode.REGION_UNKNOWN, _("There is no region with code %(region)s."), region=code
        ) from None


def _check_coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise ValidationFailed(
            ErrorCode.COORDINATES_INCOMPLETE, _("Give both latitude and longitude, or neither.")
        )
    if latitude is not None and not -90 <= latitude <= 90:
        raise ValidationFailed(ErrorCode.LATITUDE_RANGE, _("Latitude must be between -90 and 90."))
    if longitude is not None and not -180 <= longitude <= 180:
        raise ValidationFailed(
            ErrorCode.LONGITUDE_RANGE, _("Longitude must be between -180 and 180.")
        )


# Kept in the audit trail only as keyed digests (the IIN is the event's entity id).
PERSONAL_FIELDS = frozenset(
    {"surname", "given_name", "patronymic", "birth_date", "address", "latitude", "longitude"}
    | {"phone"}
)


def _person_fields(person: Person) -> dict[str, Any]:
    data = {field: getattr(person, field) for field in PERSON_FIELDS}
    data.update(region=person.region_id, birth_date=person.birth_date, sex=person.sex)
    return data


def _require_officer_or_loader(
    actor: Actor, permission: str, *, region_code: str, person_iin: str, what: str
) -> None:
    """An officer with ``permission`` in the person's region, or the platform's own loaders
    (the synthetic load, the registry import), which run as SYSTEM."""
    if actor is SYSTEM:
        return
    require(actor, permission, region_code=region_code, person_iin=person_iin, what=what)


def person_create(
    *,
    actor: Actor,
    iin: str,
    surname: str,
    given_name: str,
    region_code: str,
    urban: bool,
    patronymic: str = "",
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    phone: str = "",
    preferred_language: str = "kk",
    birth_date: dt.date | None = None,
    sex: str | None = None,
    permission: str = PERSON_MANAGE,
) -> Person:
    """Register a person. Birth date and sex come from the IIN; when given too, they must agree.

    An officer who keeps the registry registers (``PERSON_MANAGE``); a doctor referring someone
    not yet registered registers them with the referral (``REFERRAL_FILE``), in its transaction.
    """
    parsed = parse_iin(iin)
    _require_officer_or_loader(
        actor, permission, region_code=region_code, person_iin=parsed.value, what="person_create"
    )
    if birth_date is not None and birth_date != parsed.birth_date:
        raise ValidationFailed(
            ErrorCode.IIN_BIRTH_DATE_MISMATCH,
            _("The birth date does not match the one in the IIN."),
        )
    if sex is not None and sex != parsed.sex:
        raise ValidationFailed(
            ErrorCode.IIN_SEX_MISMATCH, _("The sex does not match the one in the IIN.")
        )
    if not surname.strip() or not given_name.strip():
        raise ValidationFailed(ErrorCode.NAME_REQUIRED, _("Surname and given name are required."))
    _check_coordinates(latitude, longitude)
    person = Person(
        iin=parsed.value,
        surname=surname.strip(),
        given_name=given_name.strip(),
        patronymic=patronymic.strip(),
        birth_date=parsed.birth_date,
        sex=parsed.sex,
        region=_region(region_code),
        urban=urban,
        address=address,
        latitude=latitude,
        longitude=longitude,
        phone=phone,
        preferred_language=preferred_language,
    )
    try:
        with transaction.atomic():
            person.save(force_insert=True)
            record_write(
                actor=actor,
                action="person_create",
                entity="person",
                entity_id=person.iin,
                data=changes({}, _person_fields(person), personal=PERSONAL_FIELDS),
            )
    except IntegrityError:
        if Person.objects.filter(iin=parsed.value).exists():
            raise Conflict(
                ErrorCode.PERSON_EXISTS,
                _("A person with IIN %(iin)s is already registered."),
                iin=parsed.value,
            ) from None
        raise
    return person


def person_update(*, actor: Actor, person: Person, **corrections: Any) -> Person:
    """Correct a person's details; the IIN (and so birth date and sex) never changes here."""
    unknown = set(corrections) - {*PERSON_FIELDS, "region_code"}
    if unknown:
        raise ValidationFailed(
            ErrorCode.FIELD_NOT_EDITABLE,
            _("These fields cannot be changed: %(f)s."),
            f=", ".join(sorted(unknown)),
        )
    # A correction is an officer's act: no loader corrects a registered person.
    require(
        actor,
        PERSON_MANAGE,
        region_code=person.region_id,
        person_iin=person.iin,
        what="person_update",
    )
    before = _person_fields(person)
    if "region_code" in corrections:
        person.region = _region(corrections.pop("region_code"))
    for field, value in corrections.items():
        setattr(person, field, value)
    _check_coordinates(person.latitude, person.longitude)
    with transaction.atomic():
        person.save()
        record_write(
            actor=actor,
            action="person_update",
            entity="person",
            entity_id=person.iin,
            data=changes(before, _person_fields(person), personal=PERSONAL_FIELDS),
        )
    return person


def care_link_create(
    *,
    actor: Actor,
    carer: Person,
    cared: Person,
    relation: str,
    since: dt.date,
) -> CareLink:
    if relation not in CareLink.Relation.values:
        raise ValidationFailed(
            ErrorCode.RELATION_UNKNOWN, _("Unknown relation: %(r)s."), r=relation
        )
    if carer.pk == cared.pk:
        raise ValidationFailed(ErrorCode.CARE_LINK_SELF, _("A person cannot be their own carer."))
    _require_officer_or_loader(
        actor,
        PERSON_MANAGE,
        region_code=cared.region_id,
        person_iin=cared.iin,
        what="care_link_create",
    )
    try:
        with transaction.atomic():
            link = CareLink.objects.create(carer=carer, cared=cared, relation=relation, since=since)
            record_write(
                actor=actor,
                action="care_link_create",
                entity="person",
                entity_id=cared.iin,
                data={"carer": carer.iin, "relation": relation, "since": since.isoformat()},
            )
    except IntegrityError:
        raise Conflict(
            ErrorCode.CARE_LINK_EXISTS, _("This care link is already registered.")
        ) from None
    return link


CATEGORIES = frozenset(Category.values)
CAUSES = frozenset(Cause.values)


def _validate_status(
    birth_date: dt.date,
    category: str,
    cause: str,
    work_capacity_loss_pct: int | None,
    valid_from: dt.date,
    reexamination_date: dt.date | None,
) -> None:
    if category not in CATEGORIES:
        raise ValidationFailed(
            ErrorCode.CATEGORY_UNKNOWN, _("Unknown category: %(c)s."), c=category
        )
    if cause not in CAUSES:
        raise ValidationFailed(ErrorCode.CAUSE_UNKNOWN, _("Unknown cause: %(c)s."), c=cause)
    is_child = age_on(birth_date, valid_from) < 18
    if is_child != (category == Category.CHILD):
        raise ValidationFailed(
            ErrorCode.CATEGORY_AGE,
            _(
                "Category 'child with a disability' is for persons under 18, groups I–III for "
                "adults."
            ),
        )
    if work_capacity_loss_pct is not None and not 0 <= work_capacity_loss_pct <= 100:
        raise ValidationFailed(
            ErrorCode.LOSS_PCT_RANGE, _("Loss of working capacity must be between 0 and 100 %.")
        )
    if reexamination_date is not None and reexamination_date < valid_from:
        raise ValidationFailed(
            ErrorCode.REEXAMINATION_BEFORE_START,
            _("The re-examination date cannot precede the start date."),
        )


def current_status(person: Person) -> DisabilityStatus | None:
    return person.statuses.filter(superseded_at__isnull=True).first()


def disability_status_record(
    *,
    actor: Actor,
    person: Person,
    category: str,
    cause: str,
    valid_from: dt.date,
    reexamination_date: dt.date | None,
    limitations: Iterable[str] = (),
    work_capacity_loss_pct: int | None = None,
    source: str = DisabilityStatus.Source.MSE,
    ended: bool = False,
) -> DisabilityStatus:
    """Make a new current status for ``person``, superseding the previous one.

    An MSE decision (an expert of the region) or a loader (SYSTEM) sets it. Call inside the
    caller's transaction when the status is part of a larger write (an MSE decision); the event
    goes out only after the outermost transaction commits.
    """
    _require_officer_or_loader(
        actor,
        REFERRAL_DECIDE,
        region_code=person.region_id,
        person_iin=person.iin,
        what="disability_status_record",
    )
    limitations = set(limitations)
    unknown = limitations - set(FUNCTIONAL_LIMITATIONS)
    if unknown:
        raise ValidationFailed(
            ErrorCode.LIMITATION_UNKNOWN,
            _("Unknown functional limitation: %(l)s."),
            l=", ".join(sorted(unknown)),
        )
    _validate_status(
        person.birth_date, category, cause, work_capacity_loss_pct, valid_from, reexamination_date
    )
    with transaction.atomic():
        previous = (
            DisabilityStatus.objects.select_for_update()
            .filter(person=person, superseded_at__isnull=True)
            .first()
        )
        if previous is not None:
            previous.superseded_at = timezone.now()
            previous.save(update_fields=["superseded_at"])
        status = DisabilityStatus.objects.create(
            person=person,
            category=category,
            cause=cause,
            work_capacity_loss_pct=work_capacity_loss_pct,
            valid_from=valid_from,
            reexamination_date=reexamination_date,
            ended=ended,
            source=source,
            **{name: name in limitations for name in FUNCTIONAL_LIMITATIONS},
        )
        record_write(
            actor=actor,
            action="disability_status_record",
            entity="person",
            entity_id=person.iin,
            data={
                "status": status.pk,
                "previous": previous.pk if previous else None,
                "category": category,
                "cause": cause,
                "ended": ended,
                "valid_from": valid_from.isoformat(),
                "reexamination_date": reexamination_date.isoformat()
                if reexamination_date
                else None,
                "limitations": sorted(limitations),
                "loss_pct": work_capacity_loss_pct,
            },
        )
        previous_id = previous.pk if previous else None
        transaction.on_commit(
            lambda: disability_status_changed.send(
                sender=DisabilityStatus,
                person_id=person.pk,
                status_id=None if ended else status.pk,
                previous_status_id=previous_id,
            )
        )
    return status


def status_calendar_changes_announce(*, day: dt.date | None = None) -> int:
    """Send ``disability_status_changed`` for every current status whose being in force changes
    on ``day`` by the calendar alone — past its re-examination date since this morning, or in
    force from today — so that what listens to the event (the agencies' subscriptions, the
    attestations, housing's category) hears of it as of a decision. No status changes: the
    status is both the new and the previous one.

    Once per person and day: each person's announcement is marked in one transaction with the
    sending, and what the receivers write joins it. A run stopped half-way (a receiver failing,
    the process killed) has committed the persons before and nothing of the one it stopped at;
    run again, it announces the rest only. Two runs at once announce each person once (the
    mark is unique: the second waits for the first's commit, then passes by). Returns how many
    persons were announced."""
    day = day or timezone.localdate()
    changed = list(
        DisabilityStatus.objects.filter(superseded_at__isnull=True, ended=False)
        .filter(Q(reexamination_date=day - dt.timedelta(days=1)) | Q(valid_from=day))
        .exclude(person__in=StatusCalendarAnnouncement.objects.filter(day=day).values("person_id"))
        .values_list("pk", "person_id")
        .order_by("pk")
    )
    announced = 0
    for status_id, person_id in changed:
        # The receivers' trail records are collected and written at the end, after the access-log
        # entries of the subscriptions' notices: every transaction takes the chains' heads in one
        # order (audit.batched), or this one, holding the audit head, and a writer holding the
        # access head could deadlock on PostgreSQL.
        with transaction.atomic(), batched():
            try:
                with transaction.atomic():
                    StatusCalendarAnnouncement.objects.create(
                        day=day, person_id=person_id, status_id=status_id
                    )
            except IntegrityError:  # announced by a run beside this one
                continue
            disability_status_changed.send(
                sender=DisabilityStatus,
                person_id=person_id,
                status_id=status_id,
                previous_status_id=status_id,
            )
        announced += 1
    record_write(
        actor=SYSTEM,
        action="status_calendar_changes_announce",
        entity="registry",
        entity_id=day.isoformat(),
        data={"announced": announced},
    )
    return announced


def status_history_start_record(
    *, actor: Actor, day: dt.date, source: str, reference: str = ""
) -> StatusHistoryStart:
    """Record that the status records a load brought (an earlier registry's, or a synthetic
    snapshot's history) are complete from ``day``: the export's ``history_from`` is the latest
    such day (``registry.export.history_from``). Called by the platform's loaders as SYSTEM, in
    the load's own transaction; a day after today is refused."""
    if day > timezone.localdate():
        raise ValidationFailed(
            ErrorCode.HISTORY_START_FUTURE,
            _("The status history cannot start after today (%(day)s given)."),
            day=day.isoformat(),
        )
    if source not in DisabilityStatus.Source.values:
        raise ValidationFailed(
            ErrorCode.REQUIRED,
            _("The source of the status records must be one of: %(known)s."),
            known=", ".join(DisabilityStatus.Source.values),
        )
    with transaction.atomic():
        start = StatusHistoryStart.objects.create(day=day, source=source, reference=reference)
        record_write(
            actor=actor,
            action="status_history_start_record",
            entity="registry",
            entity_id=str(start.pk),
            data={"day": day.isoformat(), "source": source, "reference": reference},
        )
    return start


def family_create(
    *,
    actor: Actor,
    region_code: str,
    urban: bool,
    housing: str,
    members: Iterable[tuple[Person, str]],
) -> Family:
    """Register a family with its members and their roles (a person belongs to one family)."""
    members = list(members)
    if housing not in Family.Housing.values:
        raise ValidationFailed(
            ErrorCode.HOUSING_UNKNOWN, _("Unknown kind of housing: %(h)s."), h=housing
        )
    roles = [role for _person, role in members]
    if any(role not in FamilyMembership.Role.values for role in roles):
        raise ValidationFailed(ErrorCode.FAMILY_ROLE_UNKNOWN, _("Unknown role in the family."))
    if roles.count(FamilyMembership.Role.HEAD) != 1:
        raise ValidationFailed(ErrorCode.FAMILY_HEAD, _("A family has exactly one head."))
    _require_officer_or_loader(
        actor,
        PERSON_MANAGE,
        region_code=region_code,
        person_iin=members[0][0].iin,
        what="family_create",
    )
    try:
        with transaction.atomic():
            family = Family.objects.create(
                region=_region(region_code), urban=urban, housing=housing
            )
            FamilyMembership.objects.bulk_create(
                FamilyMembership(family=family, person=person, role=role)
                for person, role in members
            )
            record_write(
                actor=actor,
                action="family_create",
                entity="family",
                entity_id=family.pk,
                data={"members": [[p.iin, role] for p, role in members], "housing": housing},
            )
    except IntegrityError:
        raise Conflict(
            ErrorCode.FAMILY_MEMBER_ELSEWHERE, _("A member already belongs to another family.")
        ) from None
    return family


# --- upkeep: corrections with a reason, kept as the history the person reads -------------------

# What an officer corrects of a person's details; the IIN, and the birth date and sex it
# carries, never change.
CORRECTABLE_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "address",
    "phone",
    "urban",
    "preferred_language",
)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            ErrorCode.REASON_REQUIRED, _("Give the reason for the change: the person reads it.")
        )
    return reason


def _history(
    *, actor: Actor, person: Person, kind: str, changed: list[dict[str, Any]], reason: str
) -> PersonRecordChange:
    return PersonRecordChange.objects.create(
        person=person, kind=kind, changes=changed, reason=reason, by=account_of(actor)
    )


def _history_of_each(
    *,
    actor: Actor,
    persons: tuple[Person, ...],
    kind: str,
    changed: list[dict[str, Any]],
    reason: str,
) -> None:
    """The same change in the history of each person it concerns (once each: a person who
    leaves their own family is both)."""
    for person in {person.pk: person for person in persons}.values():
        _history(actor=actor, person=person, kind=kind, changed=changed, reason=reason)


def person_correct(
    *, actor: Actor, person: Person, reason: str, **corrections: Any
) -> PersonRecordChange:
    """Correct a person's details with a reason; the change, old and new values, joins the
    history the person reads. The audit trail names the fields and keeps digests only."""
    unknown = set(corrections) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            ErrorCode.FIELD_NOT_EDITABLE,
            _("These fields cannot be changed: %(f)s."),
            f=", ".join(sorted(unknown)),
        )
    require(
        actor,
        PERSON_MANAGE,
        region_code=person.region_id,
        person_iin=person.iin,
        what="person_update",
    )
    reason = _reason(reason)
    for name in ("surname", "given_name", "patronymic", "address", "phone"):
        if name in corrections:
            corrections[name] = str(corrections[name]).strip()
    if corrections.get("surname") == "" or corrections.get("given_name") == "":
        raise ValidationFailed(ErrorCode.NAME_REQUIRED, _("Surname and given name are required."))
    if corrections.get("preferred_language", person.preferred_language) not in dict(
        settings.LANGUAGES
    ):
        raise ValidationFailed(ErrorCode.LANGUAGE_UNKNOWN, _("Unknown language."))
    changed = [
        {"field": name, "old": getattr(person, name), "new": value}
        for name, value in corrections.items()
        if getattr(person, name) != value
    ]
    if not changed:
        raise ValidationFailed(
            ErrorCode.NOTHING_CHANGED,
            _("Nothing differs from the record: there is nothing to change."),
        )
    before = _person_fields(person)
    with transaction.atomic():
        for change in changed:
            setattr(person, change["field"], change["new"])
        person.save()
        entry = _history(
            actor=actor,
            person=person,
            kind=PersonRecordChange.Kind.DETAILS,
            changed=changed,
            reason=reason,
        )
        record_write(
            actor=actor,
            action="person_correct",
            entity="person",
            entity_id=person.iin,
            data={
                **changes(before, _person_fields(person), personal=PERSONAL_FIELDS),
                "record_change": entry.pk,
                "reason": personal_digest(reason),
            },
        )
    return entry


def family_member_add(
    *,
    actor: Actor,
    person: Person,
    member: Person,
    role: str,
    reason: str,
    housing: str = "",
) -> FamilyMembership:
    """Add ``member`` to ``person``'s family with a reason; a person without a family becomes
    the head of a new one (of the kind of ``housing``)."""
    for someone in (person, member):
        require(
            actor,
            PERSON_MANAGE,
            region_code=someone.region_id,
            person_iin=someone.iin,
            what="family_create",
        )
    reason = _reason(reason)
    if role not in FamilyMembership.Role.values:
        raise ValidationFailed(ErrorCode.FAMILY_ROLE_UNKNOWN, _("Unknown role in the family."))
    if member.pk == person.pk:
        raise Conflict(
            ErrorCode.FAMILY_MEMBER_ELSEWHERE, _("A member already belongs to another family.")
        )
    current = FamilyMembership.objects.filter(person=person).select_related("family").first()
    if current is None and housing not in Family.Housing.values:
        raise ValidationFailed(
            ErrorCode.HOUSING_UNKNOWN,
            _("%(name)s has no family yet: choose the family's housing to start one."),
            name=person.full_name,
        )
    if role == FamilyMembership.Role.HEAD and (
        current is None or current.family.memberships.filter(role=role).exists()
    ):
        raise ValidationFailed(ErrorCode.FAMILY_HEAD, _("A family has exactly one head."))
    try:
        with transaction.atomic():
            if current is None:
                family = Family.objects.create(
                    region_id=person.region_id, urban=person.urban, housing=housing
                )
                FamilyMembership.objects.create(
                    family=family, person=person, role=FamilyMembership.Role.HEAD
                )
            else:
                family = current.family
            membership = FamilyMembership.objects.create(family=family, person=member, role=role)
            changed = [{"field": "family_member", "old": "", "new": member.full_name, "role": role}]
            _history_of_each(
                actor=actor,
                persons=(person, member),
                kind=PersonRecordChange.Kind.FAMILY,
                changed=changed,
                reason=reason,
            )
            record_write(
                actor=actor,
                action="family_member_add",
                entity="family",
                entity_id=family.pk,
                data={
                    "member": member.iin,
                    "role": role,
                    "created": current is None,
                    "reason": personal_digest(reason),
                },
            )
    except IntegrityError:
        raise Conflict(
            ErrorCode.FAMILY_MEMBER_ELSEWHERE, _("A member already belongs to another family.")
        ) from None
    return membership


def family_member_remove(
    *, actor: Actor, person: Person, membership: FamilyMembership, reason: str
) -> None:
    """Take a member out of ``person``'s family with a reason. The head leaves only last."""
    member = membership.person
    for someone in (person, member):
        require(
            actor,
            PERSON_MANAGE,
            region_code=someone.region_id,
            person_iin=someone.iin,
            what="family_create",
        )
    reason = _reason(reason)
    family = membership.family
    if (
        membership.role == FamilyMembership.Role.HEAD
        and family.memberships.exclude(pk=membership.pk).exists()
    ):
        raise ValidationFailed(
            ErrorCode.FAMILY_HEAD_LEAVES,
            _("The head leaves the family last: first make another member the head."),
        )
    changed = [
        {"field": "family_member", "old": member.full_name, "new": "", "role": membership.role}
    ]
    with transaction.atomic():
        membership.delete()
        _history_of_each(
            actor=actor,
            persons=(person, member),
            kind=PersonRecordChange.Kind.FAMILY,
            changed=changed,
            reason=reason,
        )
        record_write(
            actor=actor,
            action="family_member_remove",
            entity="family",
            entity_id=family.pk,
            data={"member": member.iin, "reason": personal_digest(reason)},
        )


def representation_appoint(
    *,
    actor: Actor,
    cared: Person,
    carer: Person,
    relation: str,
    since: dt.date,
    reason: str,
) -> CareLink:
    """Appoint a carer or representative of ``cared`` with its basis (parent of a minor, legal
    guardian, power of attorney, or a carer who does not represent) and a reason."""
    require(
        actor,
        PERSON_MANAGE,
        region_code=carer.region_id,
        person_iin=carer.iin,
        what="care_link_create",
    )
    reason = _reason(reason)
    with transaction.atomic():
        link = care_link_create(
            actor=actor, carer=carer, cared=cared, relation=relation, since=since
        )
        changed = [
            {"field": "representative", "old": "", "new": carer.full_name, "relation": relation}
        ]
        _history_of_each(
            actor=actor,
            persons=(cared, carer),
            kind=PersonRecordChange.Kind.REPRESENTATION,
            changed=changed,
            reason=reason,
        )
    return link


def representation_end(*, actor: Actor, link: CareLink, until: dt.date, reason: str) -> CareLink:
    """End a care or representation link on ``until`` (its last day), with a reason."""
    cared, carer = link.cared, link.carer
    require(
        actor,
        PERSON_MANAGE,
        region_code=cared.region_id,
        person_iin=cared.iin,
        what="care_link_create",
    )
    reason = _reason(reason)
    if until < link.since:
        raise ValidationFailed(
            ErrorCode.CARE_LINK_UNTIL_BEFORE_SINCE,
            _("The link cannot end before it began (%(day)s)."),
            day=link.since.isoformat(),
        )
    before = link.until
    changed = [
        {
            "field": "representative",
            "old": carer.full_name,
            "new": carer.full_name,
            "relation": link.relation,
            "until": until.isoformat(),
        }
    ]
    with transaction.atomic():
        link.until = until
        link.save(update_fields=["until"])
        _history_of_each(
            actor=actor,
            persons=(cared, carer),
            kind=PersonRecordChange.Kind.REPRESENTATION,
            changed=changed,
            reason=reason,
        )
        record_write(
            actor=actor,
            action="care_link_end",
            entity="person",
            entity_id=cared.iin,
            data={
                "carer": carer.iin,
                "until": until.isoformat(),
                "before": before.isoformat() if before else None,
                "reason": personal_digest(reason),
            },
        )
    return link


# --- life events: death, emigration, imprisonment, release ---------------------------------------


def _open_imprisonment(person: Person, day: dt.date) -> LifeEvent | None:
    """The person's latest imprisonment on or before ``day`` that no release has ended."""
    spell = (
        person.life_events.filter(kind=LifeEvent.Kind.IMPRISONMENT, date__lte=day)
        .order_by("-date", "-id")
        .first()
    )
    if spell is None:
        return None
    released = person.life_events.filter(kind=LifeEvent.Kind.RELEASE, date__gte=spell.date)
    return None if released.exists() else spell


def _check_life_event(person: Person, kind: str, date: Any, source: str, reason: str) -> None:
    if kind not in LifeEvent.Kind.values:
        raise ValidationFailed(
            ErrorCode.LIFE_EVENT_KIND_UNKNOWN,
            _(
                "Unknown life event: %(kind)s. Give a death, an emigration, an imprisonment or a"
                " release."
            ),
            kind=str(kind)[:40],
        )
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ValidationFailed(
            ErrorCode.DATE_FORMAT, _("Give the date of the event as year-month-day.")
        )
    if date > timezone.localdate():
        raise ValidationFailed(
            ErrorCode.LIFE_EVENT_DATE_FUTURE,
            _("The date of the event cannot be in the future: record it once it has happened."),
        )
    if date < person.birth_date:
        raise ValidationFailed(
            ErrorCode.LIFE_EVENT_BEFORE_BIRTH,
            _("The date of the event cannot be before the person's birth date."),
        )
    if not isinstance(source, str) or not source.strip():
        raise ValidationFailed(
            ErrorCode.LIFE_EVENT_SOURCE_MISSING,
            _("Give the source of the event: the document it is recorded from."),
        )
    if len(source.strip()) > (LifeEvent._meta.get_field("source").max_length or 0):
        raise ValidationFailed(
            ErrorCode.VALUE_TOO_LONG, _("The source is longer than 300 characters.")
        )
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed(
            ErrorCode.LIFE_EVENT_REASON_MISSING, _("Say why the event is recorded.")
        )
    if len(reason.strip()) > 1000:
        raise ValidationFailed(
            ErrorCode.VALUE_TOO_LONG, _("The reason is longer than 1,000 characters.")
        )


def person_life_event_record(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    date: dt.date,
    source: str,
    reason: str,
) -> LifeEvent:
    """Record a death, an emigration, an imprisonment or a release of ``person``: an officer of
    the person's region, from the event's source, with a reason.

    A recorded death, emigration or imprisonment ends the person's rights from its date at
    once: ``life_event_recorded`` is sent inside this transaction, and the benefits app ends the
    person's awards and stops their payments from that date in the same write (and those of a
    carer whose right rested on the person). Nothing is recorded after a death; a release needs
    an imprisonment that it ends. The audit keeps the kind; the date, source and reason only as
    digests.
    """
    require(
        actor,
        PERSON_MANAGE,
        region_code=person.region_id,
        person_iin=person.iin,
        what="record_change",
    )
    _check_life_event(person, kind, date, source, reason)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one record at a time
        if person.life_events.filter(kind=LifeEvent.Kind.DEATH).exists():
            raise Conflict(
                ErrorCode.LIFE_EVENT_AFTER_DEATH,
                _("The person's death is already recorded: nothing can be recorded after it."),
            )
        if kind == LifeEvent.Kind.RELEASE and _open_imprisonment(person, date) is None:
            raise Conflict(
                ErrorCode.LIFE_EVENT_NOT_IMPRISONED,
                _("No imprisonment that this release would end is recorded on or before %(day)s."),
                day=date.isoformat(),
            )
        event = LifeEvent.objects.create(
            person=person,
            kind=kind,
            date=date,
            source=source.strip(),
            reason=reason.strip(),
            recorded_by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="person_life_event_record",
            entity="person",
            entity_id=person.iin,
            data={
                "event": event.pk,
                "kind": kind,
                "digests": {
                    "date": personal_digest(date),
                    "source": personal_digest(event.source),
                    "reason": personal_digest(event.reason),
                },
            },
        )
        life_event_recorded.send(
            sender=LifeEvent,
            actor=actor,
            person_id=person.pk,
            kind=kind,
            date=date,
            event_id=event.pk,
        )
    return event
