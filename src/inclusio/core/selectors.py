"""The auditor's reads: the audit trail and the access log of every person, searched and a
page at a time. Both are national: an auditor checks the whole platform.

A page of the access log names persons (their IINs): each of them finds the auditor's read in
their own log, as they would for any other reader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from inclusio.core import access
from inclusio.core.audit import Actor, batched
from inclusio.core.errors import AccessDenied, ErrorCode
from inclusio.core.models import AccessEvent, AuditEvent, Purpose, Seen
from inclusio.core.roles import ACCESS_LOG_READ, AUDIT_READ

TRAIL_PAGE = 25


def _require_national(actor: Actor, permission: str) -> None:
    if (
        actor is None
        or not actor.is_authenticated
        or not actor.has_perm(permission)
        or actor.region_id is not None
    ):
        raise AccessDenied(
            ErrorCode.OUT_OF_SCOPE,
            _("Only a national auditor may read the trails of the whole platform."),
        )


def _period[M: (AuditEvent, AccessEvent)](
    events: QuerySet[M], since: dt.date | None, until: dt.date | None
) -> QuerySet[M]:
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events


@dataclass(frozen=True)
class TrailFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    account: str = ""  # the username that acted, or "system"
    action: str = ""
    entity: str = ""
    entity_id: str = ""  # with ``entity``: one record's history


def audit_trail_page(*, actor: Actor, filters: TrailFilter, page: str | int | None = 1) -> Page:
    """The writes recorded in the audit trail, newest first, matching ``filters``."""
    _require_national(actor, AUDIT_READ)
    events = _period(AuditEvent.objects.all(), filters.since, filters.until)
    if filters.account:
        events = events.filter(actor_name=filters.account)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.entity:
        events = events.filter(entity=filters.entity)
    if filters.entity_id:
        events = events.filter(entity_id=filters.entity_id)
    return Paginator(events.order_by("-id"), TRAIL_PAGE).get_page(page)


@dataclass(frozen=True)
class AccessFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    account: str = ""
    person_iin: str = ""  # already parsed and counted as a look-up by the caller
    what: str = ""
    purpose: str = ""
    reader: str = ""
    outcome: str = ""


def access_events_page(*, actor: Actor, filters: AccessFilter, page: str | int | None = 1) -> Page:
    """The reads recorded in every person's access log, newest first, matching ``filters``;
    the auditor's read is logged for each person on the page."""
    _require_national(actor, ACCESS_LOG_READ)
    events = _period(AccessEvent.objects.all(), filters.since, filters.until)
    for field in ("person_iin", "what", "purpose", "reader", "outcome"):
        if value := getattr(filters, field):
            events = events.filter(**{field: value})
    if filters.account:
        events = events.filter(actor_name=filters.account)
    found = Paginator(events.select_related("actor").order_by("-id"), TRAIL_PAGE).get_page(page)
    persons = list(dict.fromkeys(event.person_iin for event in found.object_list))
    with batched():
        access.log_bulk_read(actor, persons, what=Seen.ACCESS_LOG, purpose=Purpose.AUDIT)
    return found
