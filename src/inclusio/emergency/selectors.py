"""Reads of the emergency registry: a person's own entry, and the worklists of the dispatcher,
the auditor and the emergency officer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core import access
from inclusio.core.audit import Actor
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import AUDIT_READ, EMERGENCY_ALERT, EMERGENCY_LOOKUP
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.emergency.models import Alert, AlertMessage, Lookup, Residence
from inclusio.registry import selectors as registry
from inclusio.registry.models import Person


def residence_of(*, actor: Actor, iin: str) -> tuple[Person, Residence | None]:
    """A person's entry in the dispatchers' registry, for the person, their representative or an
    officer of their region (logged for the person in plain words); anyone else is told, as for
    an unknown IIN, that there is no such person."""
    person = registry.person_get(
        actor=actor, iin=iin, what=Seen.EMERGENCY_RESIDENCE, purpose=Purpose.REGISTRY
    )
    return person, Residence.objects.filter(person=person).first()


def worklist_my_lookups(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the dispatcher: their lookups of the last day, the latest first (the lookup form is
    above it on the start page)."""
    staff = require_permission(actor, EMERGENCY_LOOKUP)
    since = timezone.now() - dt.timedelta(days=1)
    found = page_of(
        Lookup.objects.filter(dispatcher=staff, at__gte=since).order_by("-at", "-id"), page
    )
    return Worklist(
        key="my_lookups",
        title=_("Your lookups of the last 24 hours"),
        description=_("Each lookup is in the access log of every person it showed."),
        template="emergency/worklist_lookups.html",
        page=found,
        rows=list(found.object_list),
        empty=_("No lookups in the last 24 hours."),
    )


def worklist_unusual_lookups(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the auditor: dispatchers' lookups with something unusual, the latest first."""
    require_permission(actor, AUDIT_READ)
    found = page_of(
        Lookup.objects.filter(flagged=True).select_related("dispatcher").order_by("-at", "-id"),
        page,
    )
    return Worklist(
        key="unusual_lookups",
        title=_("Unusual lookups by emergency dispatchers"),
        description=_(
            "Lookups of a place outside the dispatcher's region, or by a dispatcher who looked up "
            "many incidents within an hour. Check each against the dispatch system's incidents."
        ),
        template="emergency/worklist_lookups.html",
        page=found,
        rows=list(found.object_list),
        empty=_("Nothing unusual."),
    )


# How far back the emergency officer's worklist looks for alerts not yet delivered to everyone.
ALERTS_UNDELIVERED_DAYS = 7


def worklist_alerts_undelivered(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the emergency officer: the alerts of the last week (of their region, for a regional
    officer) that some recipients have not received yet (queued, or sent and not yet reported
    delivered) or that failed for some, the latest first. Counts only: nobody is named."""
    staff = require_permission(actor, EMERGENCY_ALERT)
    since = timezone.now() - dt.timedelta(days=ALERTS_UNDELIVERED_DAYS)
    waiting = (AlertMessage.State.QUEUED, AlertMessage.State.SENT)
    rows = Alert.objects.filter(at__gte=since)
    if staff.region_id is not None:
        rows = rows.filter(region_id=staff.region_id)
    rows = rows.annotate(
        waiting=Count("messages", filter=Q(messages__state__in=waiting)),
        failed=Count("messages", filter=Q(messages__state=AlertMessage.State.FAILED)),
    ).filter(Q(waiting__gt=0) | Q(failed__gt=0))
    found = page_of(rows.order_by("-at", "-id"), page)
    return Worklist(
        key="alerts_undelivered",
        title=_("Alerts not yet delivered to everyone"),
        description=_(
            "Alerts of the last 7 days with messages still on their way or failed. Reach the "
            "persons a message failed for by other means."
        ),
        template="emergency/worklist_alerts.html",
        page=found,
        rows=list(found.object_list),
        empty=_("Every alert of the last 7 days has been delivered."),
    )


def alerts_recent(*, actor: Actor, limit: int = 10) -> list[Alert]:
    """The officer's latest alerts (a regional officer: those of their region)."""
    staff = require_permission(actor, EMERGENCY_ALERT)
    rows = Alert.objects.all()
    if staff.region_id is not None:
        rows = rows.filter(region_id=staff.region_id)
    return list(rows.order_by("-at", "-id")[:limit])


@dataclass(frozen=True)
class AlertReport:
    alert: Alert
    # (language name, state label, count), for the table of deliveries.
    deliveries: list[tuple[str, str, int]]


def alert_report(*, actor: Actor, pk: int) -> AlertReport:
    """An alert and where its deliveries stand, by language and state, for an emergency officer
    of its region (or a national one); anyone else is told there is no such alert."""
    staff = require_permission(actor, EMERGENCY_ALERT)
    alert = Alert.objects.filter(pk=pk).first()
    if alert is None or (staff.region_id is not None and alert.region_id != staff.region_id):
        raise access.not_yours()
    names = dict(settings.LANGUAGES)
    counted = (
        AlertMessage.objects.filter(alert=alert)
        .values_list("language", "state")
        .annotate(count=Count("id"))
        .order_by("language", "state")
    )
    deliveries = [
        (str(names.get(language, language)), str(AlertMessage.State(state).label), count)
        for language, state, count in counted
    ]
    return AlertReport(alert=alert, deliveries=deliveries)


def alerts_of(person: Person, limit: int = 20) -> list[AlertMessage]:
    """The alerts sent to a person, the latest first, for their emergency page (already
    authorised and logged by ``residence_of``)."""
    return list(
        AlertMessage.objects.filter(person=person)
        .select_related("alert")
        .order_by("-created_at", "-id")[:limit]
    )
