"""Reads of the housing waiting lists: a person's registration with the reason for their place
and its history (logged for the person when someone else reads it), and the officer's lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from inclusio.core import access
from inclusio.core.audit import Actor, batched
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import HOUSING_MANAGE
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.housing.categories import HousingCategory, categories
from inclusio.housing.models import Event, Notice, Registration
from inclusio.registry import selectors as registry
from inclusio.registry.models import Person

HISTORY_SHOWN = 50
NOTICES_SHOWN = 5


# The housing department's decisions a person may appeal (appeals.Kind.HOUSING_POSITION).
APPEALABLE = (Event.Kind.REGISTERED, Event.Kind.CATEGORY, Event.Kind.REMOVED)


@dataclass(frozen=True)
class PlaceReason:
    """Why the registration has its place: how many are ahead, and for what reason."""

    ahead_higher_category: int  # registrations of a category with a higher priority
    ahead_earlier: int  # of the same priority, registered earlier (or the same day, before)
    waiting: int  # everyone on the list


@dataclass(frozen=True)
class HousingFile:
    person: Person
    registration: Registration | None
    category: HousingCategory | None
    reason: PlaceReason | None
    events: list[Event]
    closed: list[Registration]
    notices: list[Notice]

    @property
    def latest_decision(self) -> Event | None:
        """The latest decision on the person's registrations that an appeal may contest: the
        registration (its date and category), a category changed, a removal."""
        return next((event for event in self.events if event.kind in APPEALABLE), None)


def person_for(*, actor: Actor, iin: str) -> Person:
    """The person, for themselves, their representative or a housing officer of their region;
    anyone else is told, as for an unknown IIN, that there is no such person."""
    return registry.person_get(
        actor=actor,
        iin=iin,
        what=Seen.HOUSING_LIST,
        purpose=Purpose.HOUSING,
        permission=HOUSING_MANAGE,
    )


def housing_file(*, actor: Actor, iin: str) -> HousingFile:
    return housing_file_of(person_for(actor=actor, iin=iin))


def housing_file_of(person: Person) -> HousingFile:
    """The person's housing file, already authorised and logged by ``person_for``."""
    registrations = list(
        Registration.objects.filter(person=person).select_related("waiting_list").order_by("-id")
    )
    current = next((r for r in registrations if r.status == Registration.Status.WAITING), None)
    reason = None
    if current is not None and current.position is not None:
        same_list = Registration.objects.filter(
            waiting_list_id=current.waiting_list_id, status=Registration.Status.WAITING
        )
        higher = same_list.filter(priority__lt=current.priority).count()
        reason = PlaceReason(
            ahead_higher_category=higher,
            ahead_earlier=current.position - 1 - higher,
            waiting=same_list.count(),
        )
    events = list(
        Event.objects.filter(registration__person=person)
        .select_related("registration")
        .order_by("-at", "-id")[:HISTORY_SHOWN]
    )
    return HousingFile(
        person=person,
        registration=current,
        category=categories().get(current.category) if current else None,
        reason=reason,
        events=events,
        closed=[r for r in registrations if r.status != Registration.Status.WAITING],
        notices=list(Notice.objects.filter(person=person)[:NOTICES_SHOWN]),
    )


def worklist_housing_queue(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the housing officer: their region's list in its order, the next to house first."""
    staff = require_permission(actor, HOUSING_MANAGE)
    rows = Registration.objects.filter(status=Registration.Status.WAITING).select_related(
        "person", "waiting_list"
    )
    if staff.region_id is not None:
        rows = rows.filter(waiting_list__region_id=staff.region_id)
    found = page_of(rows.order_by("waiting_list__locality_code", "position", "id"), page)
    shown = list(found.object_list)
    _log(staff, shown)
    return Worklist(
        key="housing_queue",
        title=_("Housing waiting list"),
        description=_(
            "In the order of the list: priority category, then the registration date. The first "
            "is housed next; anyone else only on a ground in law for allocating out of turn."
        ),
        template="housing/worklist_queue.html",
        page=found,
        rows=shown,
        empty=_("Nobody is waiting."),
    )


def worklist_housing_review(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the housing officer: registrations whose category the registry no longer gives."""
    staff = require_permission(actor, HOUSING_MANAGE)
    rows = Registration.objects.filter(
        status=Registration.Status.WAITING, needs_review=True
    ).select_related("person", "waiting_list")
    if staff.region_id is not None:
        rows = rows.filter(waiting_list__region_id=staff.region_id)
    found = page_of(rows.order_by("position", "id"), page)
    shown = list(found.object_list)
    _log(staff, shown)
    return Worklist(
        key="housing_review",
        title=_("Housing registrations to review"),
        description=_(
            "The disability status no longer gives the category: keep the registration under "
            "another category with its document, or remove it with the reason and the law."
        ),
        template="housing/worklist_queue.html",
        page=found,
        rows=shown,
        empty=_("Nothing to review."),
    )


def _log(staff: Actor, rows: list[Registration]) -> None:
    with batched():
        access.log_bulk_read(
            staff,
            [row.person.iin for row in rows],
            what=Seen.HOUSING_LIST,
            purpose=Purpose.HOUSING,
        )
