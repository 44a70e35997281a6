"""Every write of the housing waiting lists: registration from the registry, the recompute of
every place, allocations, declined offers and removals, and the category re-derived when the
registry changes a disability status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core import access
from inclusio.core.audit import SYSTEM, Actor, account_of, changes, record_write
from inclusio.core.errors import Conflict, ValidationFailed
from inclusio.core.models import Seen
from inclusio.core.roles import APPEAL_DECIDE_HOUSING, HOUSING_MANAGE
from inclusio.housing.categories import categories, derived_from, given_by_officer
from inclusio.housing.errors import ErrorCode
from inclusio.housing.models import Event, Notice, Registration, WaitingList
from inclusio.registry.models import DisabilityStatus, Person

EARLIEST_REGISTRATION = dt.date(1991, 12, 16)  # lists kept before independence were carried over


def _require_officer(actor: Actor, region_code: str, person: Person) -> None:
    access.require(
        actor,
        HOUSING_MANAGE,
        region_code=region_code,
        person_iin=person.iin,
        what=Seen.HOUSING_LIST,
    )


def waiting_list_of(region_code: str) -> WaitingList:
    """The list a person of the region is registered on: the region's own (localities are not
    modelled in the registry; see models)."""
    found, _created = WaitingList.objects.get_or_create(
        region_id=region_code, locality_code=region_code
    )
    return found


def _current_status(person: Person) -> DisabilityStatus | None:
    return DisabilityStatus.objects.filter(person=person, superseded_at__isnull=True).first()


def _required(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(
            ErrorCode.DECISION_FIELD_REQUIRED,
            _("This is needed to record the decision."),
            field=field,
        )
    return value


# --- registration --------------------------------------------------------------------------------


def registration_create(
    *,
    actor: Actor,
    person: Person,
    registered_on: dt.date,
    category: str = "",
    category_document: str = "",
) -> Registration:
    """Put the person on their region's list. The category is derived from their current
    disability status (group I–II; a child, for the family raising them); a category the
    registry cannot derive is given with the document that proves it. Refused, with the reason
    and nothing written: not eligible, a second waiting registration, a date in the future."""
    _require_officer(actor, person.region_id, person)
    today = timezone.localdate()
    if not EARLIEST_REGISTRATION <= registered_on <= today:
        raise ValidationFailed(
            ErrorCode.REGISTRATION_DATE,
            _("The registration date is a past day, not before 16 December 1991."),
            field="registered_on",
        )
    derived = derived_from(_current_status(person), today)
    if category:
        chosen = next((c for c in given_by_officer() if c.code == category), None)
        if chosen is None:
            raise ValidationFailed(
                ErrorCode.HOUSING_CATEGORY_UNKNOWN,
                _("This is not one of the categories an officer gives."),
                field="category",
            )
        if not category_document.strip():
            raise ValidationFailed(
                ErrorCode.CATEGORY_DOCUMENT_REQUIRED,
                _("Name the document that proves the category (its kind, number and date)."),
                field="category_document",
            )
        # The registry's category, when there is one, is kept if it comes first.
        if derived is not None and derived.priority <= chosen.priority:
            chosen, category_document = derived, ""
    elif derived is None:
        raise ValidationFailed(
            ErrorCode.NOT_ELIGIBLE,
            _(
                "Not eligible for a priority category: the registry holds no valid disability "
                "status of group I or II or of a child for this person. If another category "
                "applies, choose it and name its document."
            ),
            field="category",
        )
    else:
        chosen = derived
    if Registration.objects.filter(person=person, status=Registration.Status.WAITING).exists():
        raise _duplicate()
    waiting_list = waiting_list_of(person.region_id)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                waiting_list=waiting_list,
                person=person,
                category=chosen.code,
                priority=chosen.priority,
                category_document=category_document.strip(),
                registered_on=registered_on,
                registered_by=account_of(actor),
            )
            Event.objects.create(
                registration=registration,
                kind=Event.Kind.REGISTERED,
                category=chosen.code,
                legal_basis=chosen.references["en"],
                by=account_of(actor),
            )
            record_write(
                actor=actor,
                action="registration_create",
                entity="housing_registration",
                entity_id=registration.pk,
                data={
                    "list": waiting_list.pk,
                    "category": chosen.code,
                    "registered_on": registered_on.isoformat(),
                },
            )
            positions_recompute(actor=actor, waiting_list_ids=[waiting_list.pk])
    except IntegrityError as exc:  # a second registration committed at the same moment
        raise _duplicate() from exc
    registration.refresh_from_db()
    return registration


def _duplicate() -> Conflict:
    return Conflict(
        ErrorCode.REGISTRATION_DUPLICATE,
        _("This person is already on a housing waiting list."),
        field="iin",
    )


# --- the places ----------------------------------------------------------------------------------


def positions_recompute(*, actor: Actor = SYSTEM, waiting_list_ids: list[int] | None = None) -> int:
    """Give every waiting registration its place: one window function over each list (category
    priority, registration date, the moment it was recorded, its number — docs/housing.md),
    then one INSERT of the history of the places that changed and one UPDATE of them. Returns
    how many places changed. Idempotent: a second run changes nothing."""
    table, events = Registration._meta.db_table, Event._meta.db_table
    scope = ""
    params: list[Any] = []
    if waiting_list_ids is not None:
        if not waiting_list_ids:
            return 0
        scope = f" AND waiting_list_id IN ({', '.join(['%s'] * len(waiting_list_ids))})"
        params = list(waiting_list_ids)
    ranked = (
        f"WITH ranked AS (SELECT id, ROW_NUMBER() OVER (PARTITION BY waiting_list_id"  # noqa: S608
        f" ORDER BY priority, registered_on, registered_at, id) AS place FROM {table}"
        f" WHERE status = 'waiting'{scope})"
    )
    changed = f"({table}.position IS NULL OR {table}.position <> ranked.place)"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Only the models' table names and placeholders are interpolated.
    history = (
        f"{ranked} INSERT INTO {events} (registration_id, kind, at, position, category, reason,"  # noqa: S608
        f" legal_basis, skip_ground, dwelling) SELECT {table}.id, 'position', %s, ranked.place,"
        f" '', '', '', '', '' FROM {table} JOIN ranked ON ranked.id = {table}.id WHERE {changed}"
    )
    update = (
        f"{ranked} UPDATE {table} SET position = ranked.place FROM ranked"  # noqa: S608
        f" WHERE {table}.id = ranked.id AND {changed}"
    )
    count = f"{ranked} SELECT COUNT(*) FROM {table} JOIN ranked ON ranked.id = {table}.id WHERE {changed}"  # noqa: S608, E501
    with transaction.atomic(), connection.cursor() as cursor:
        # Counted first: SQLite's driver reports no row count for a statement opening with WITH.
        cursor.execute(count, params)
        moved = int(cursor.fetchone()[0])
        if moved:
            cursor.execute(history, [*params, now])
            cursor.execute(update, params)
            record_write(
                actor=actor,
                action="positions_recompute",
                entity="housing_waiting_list",
                entity_id="all"
                if waiting_list_ids is None
                else ",".join(map(str, waiting_list_ids)),
                data={"places_moved": moved},
            )
    return moved


# --- decisions -----------------------------------------------------------------------------------


def closed() -> Conflict:
    return Conflict(
        ErrorCode.REGISTRATION_CLOSED,
        _("This person is not waiting on the list (never registered, housed or removed)."),
    )


def _waiting(registration: Registration) -> Registration:
    locked = Registration.objects.select_for_update().select_related("person", "waiting_list")
    current = locked.get(pk=registration.pk)
    if current.status != Registration.Status.WAITING:
        raise closed()
    return current


def registration_allocate(
    *,
    actor: Actor,
    registration: Registration,
    dwelling: str,
    legal_basis: str,
    skip_ground: str = "",
) -> Registration:
    """Housing is allocated: the registration leaves the list and everyone behind moves up.
    Only the first in the list is housed in turn; anyone else needs the ground in law for
    allocating out of turn, recorded with the decision."""
    _require_officer(actor, registration.waiting_list.region_id, registration.person)
    dwelling = _required(dwelling, "dwelling")
    legal_basis = _required(legal_basis, "legal_basis")
    with transaction.atomic():
        current = _waiting(registration)
        if current.position != 1 and not skip_ground.strip():
            raise ValidationFailed(
                ErrorCode.SKIP_GROUND_REQUIRED,
                _(
                    "This person is number %(position)s in the list: housing them before the "
                    "first needs the ground in law for allocating out of turn."
                ),
                position=current.position,
                field="skip_ground",
            )
        _close(
            actor,
            current,
            Registration.Status.HOUSED,
            kind=Event.Kind.ALLOCATED,
            dwelling=dwelling,
            legal_basis=legal_basis,
            skip_ground=skip_ground.strip(),
        )
    return current


def registration_remove(
    *, actor: Actor, registration: Registration, reason: str, legal_basis: str
) -> Registration:
    """The registration is removed from the list (the person asked, moved away, was housed by
    other means, lost the right), with the reason and the legal basis the person reads."""
    _require_officer(actor, registration.waiting_list.region_id, registration.person)
    reason = _required(reason, "reason")
    legal_basis = _required(legal_basis, "legal_basis")
    with transaction.atomic():
        current = _waiting(registration)
        _close(
            actor,
            current,
            Registration.Status.REMOVED,
            kind=Event.Kind.REMOVED,
            reason=reason,
            legal_basis=legal_basis,
        )
    return current


def _close(
    actor: Actor, registration: Registration, status: str, *, kind: str, **recorded: str
) -> None:
    before = {"status": registration.status, "position": registration.position}
    registration.status = status
    registration.position = None
    registration.needs_review = False
    registration.closed_at = timezone.now()
    registration.save(update_fields=["status", "position", "needs_review", "closed_at"])
    Event.objects.create(
        registration=registration,
        kind=kind,
        position=before["position"],
        by=account_of(actor),
        **recorded,
    )
    record_write(
        actor=actor,
        action=f"registration_{kind}",
        entity="housing_registration",
        entity_id=registration.pk,
        data={
            **changes(before, {"status": status, "position": None}, personal=()),
            "out_of_turn": bool(recorded.get("skip_ground")),
        },
    )
    positions_recompute(actor=actor, waiting_list_ids=[registration.waiting_list_id])


def registration_decline(
    *, actor: Actor, registration: Registration, dwelling: str, reason: str
) -> Registration:
    """The person declined the dwelling offered: recorded with their reason; they keep their
    place (the law's consequences of repeated refusals are the officer's decision to remove)."""
    _require_officer(actor, registration.waiting_list.region_id, registration.person)
    dwelling = _required(dwelling, "dwelling")
    reason = _required(reason, "reason")
    with transaction.atomic():
        current = _waiting(registration)
        Event.objects.create(
            registration=current,
            kind=Event.Kind.DECLINED,
            position=current.position,
            dwelling=dwelling,
            reason=reason,
            by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="registration_decline",
            entity="housing_registration",
            entity_id=current.pk,
            data={"declined": True},
        )
    return current


# --- appeals -----------------------------------------------------------------------------------


def _not_standing() -> Conflict:
    return Conflict(
        ErrorCode.APPEAL_REGISTRATION_NOT_STANDING,
        _(
            "The decision contested no longer stands: the registration has changed since "
            "(restored, housed or registered again)."
        ),
    )


def registration_restore_on_appeal(
    *, actor: Actor, event_id: int, cause: str, registered_on: dt.date | None = None
) -> Registration:
    """A housing decision overturned on appeal (``cause`` names the appeal). A removal: the
    registration returns to the list with its registration date (or ``registered_on``, when the
    appeal corrects it too) and takes the place that date gives. Any other decision on a
    waiting registration: its registration date is corrected to ``registered_on``. The housing
    appeals body of the person's region decides; for anyone else the decision does not exist.
    Refused when the registration changed since (restored, housed, the person registered
    again) or for an allocation or a declined offer, which an appeal does not undo here."""
    event = Event.objects.select_related("registration__person").filter(pk=event_id).first()
    if event is None:
        raise access.not_yours()
    person = event.registration.person
    if not (actor is SYSTEM or access.may(actor, APPEAL_DECIDE_HOUSING, person.region_id)):
        raise access.not_yours()
    today = timezone.localdate()
    if registered_on is not None and not EARLIEST_REGISTRATION <= registered_on <= today:
        raise ValidationFailed(
            ErrorCode.REGISTRATION_DATE,
            _("The registration date is a past day, not before 16 December 1991."),
            field="registered_on",
        )
    removal = event.kind == Event.Kind.REMOVED
    if not removal and registered_on is None:
        raise ValidationFailed(
            ErrorCode.DECISION_FIELD_REQUIRED,
            _("Give the registration date the appeal establishes."),
            field="registered_on",
        )
    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=event.registration_id)
        later = Event.objects.filter(
            registration=current,
            kind__in=[Event.Kind.REMOVED, Event.Kind.RESTORED, Event.Kind.ALLOCATED],
            at__gt=event.at,
        ).exists()
        if event.kind in (Event.Kind.ALLOCATED, Event.Kind.DECLINED) or later:
            raise _not_standing()
        expected = Registration.Status.REMOVED if removal else Registration.Status.WAITING
        if current.status != expected:
            raise _not_standing()
        before = {"status": current.status, "registered_on": current.registered_on.isoformat()}
        current.registered_on = registered_on or current.registered_on
        current.status = Registration.Status.WAITING
        current.closed_at = None
        try:
            with transaction.atomic():
                current.save(update_fields=["registered_on", "status", "closed_at"])
        except IntegrityError:  # the person is waiting on a list under another registration
            raise _not_standing() from None
        Event.objects.create(
            registration=current,
            kind=Event.Kind.RESTORED if removal else Event.Kind.CORRECTED,
            by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="registration_restore_on_appeal",
            entity="housing_registration",
            entity_id=current.pk,
            data={
                "cause": cause,
                "event": event.pk,
                **changes(
                    before,
                    {"status": current.status, "registered_on": current.registered_on.isoformat()},
                    personal=(),
                ),
            },
        )
        positions_recompute(actor=actor, waiting_list_ids=[current.waiting_list_id])
    current.refresh_from_db(fields=["position"])
    return current


# --- the registry's changes ----------------------------------------------------------------------


def category_rederive(*, actor: Actor = SYSTEM, person_id: int) -> Registration | None:
    """Derive the category again from the person's current status. A new derived category
    replaces the old one and the list is ordered again; a status that no longer gives one puts
    the registration before the officer (it keeps its place). The person is told either way."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("person")
            .filter(person_id=person_id, status=Registration.Status.WAITING)
            .first()
        )
        if registration is None:
            return None
        known = categories().get(registration.category)
        if known is not None and not known.derived:
            return registration  # a category an officer gave with its document stays
        derived = derived_from(_current_status(registration.person), timezone.localdate())
        if derived is None:
            if registration.needs_review:
                return registration
            registration.needs_review = True
            registration.save(update_fields=["needs_review"])
            Notice.objects.create(
                person_id=person_id,
                kind=Notice.Kind.CATEGORY_LAPSED,
                parameters={"category": registration.category},
            )
            record_write(
                actor=actor,
                action="registration_review",
                entity="housing_registration",
                entity_id=registration.pk,
                data={"needs_review": True},
            )
            return registration
        if derived.code == registration.category and not registration.needs_review:
            return registration
        before = {"category": registration.category, "priority": registration.priority}
        registration.category, registration.priority = derived.code, derived.priority
        registration.needs_review = False
        registration.save(update_fields=["category", "priority", "needs_review"])
        Event.objects.create(
            registration=registration,
            kind=Event.Kind.CATEGORY,
            category=derived.code,
            legal_basis=derived.references["en"],
        )
        if before["category"] != derived.code:
            Notice.objects.create(
                person_id=person_id,
                kind=Notice.Kind.CATEGORY_CHANGED,
                parameters={"before": before["category"], "after": derived.code},
            )
        record_write(
            actor=actor,
            action="registration_rederive",
            entity="housing_registration",
            entity_id=registration.pk,
            data=changes(
                before, {"category": derived.code, "priority": derived.priority}, personal=()
            ),
        )
        positions_recompute(actor=actor, waiting_list_ids=[registration.waiting_list_id])
    return registration


def category_rederive_on_status_change(*, person_id: int, **_signal: Any) -> None:
    """The registry's ``disability_status_changed`` (sent after its commit)."""
    category_rederive(person_id=person_id)
