"""Reads of persons for the DCI API. Every person read lands in their access log, naming the
agency and the purpose; an agency reads nobody without it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from inclusio.core import access
from inclusio.core.audit import SYSTEM
from inclusio.core.models import Purpose, Seen
from inclusio.interop import records
from inclusio.interop.dci import HeaderReason, HeaderRefusal
from inclusio.interop.models import Agency, ReceivedMessage
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.rehabilitation.models import Programme, ProgrammeItem


@dataclass(frozen=True)
class Caller:
    """An agency's request: who, why, and on which day its answers are true."""

    agency: Agency
    purpose: Purpose
    day: dt.date
    # The id of the message being answered, when the read that answers it also remembers it
    # (``status_in_force``: one statement for both); None where it was remembered before.
    message_id: str | None = None

    @property
    def for_log(self) -> access.Agency:
        return access.Agency(
            token_id=self.agency.pk, name=self.agency.name, purposes=tuple(self.agency.purposes)
        )


def _logged(caller: Caller, person: Person, what: Seen) -> None:
    # The platform reads on the agency's behalf: the log names the agency as the reader.
    access.see(
        SYSTEM, person, what=what, purpose=caller.purpose, channel="api", agency=caller.for_log
    )


def person_with_status(
    caller: Caller, iin: str, *, what: Seen = Seen.DISABILITY_STATUS
) -> tuple[Person | None, DisabilityStatus | None]:
    """The person with ``iin`` and their current status; (None, None) for an unknown IIN."""
    status = (
        DisabilityStatus.objects.select_related("person")
        .filter(person__iin=iin, superseded_at__isnull=True)
        .first()
    )
    person = status.person if status is not None else Person.objects.filter(iin=iin).first()
    if person is None:
        return None, None
    _logged(caller, person, what)
    return person, status


def status_in_force(caller: Caller, iin: str) -> bool | None:
    """Whether the person with ``iin`` holds a status in force on the caller's day (the DCI's
    ``disabled`` answer); None for an unknown IIN, which logs nothing. With the caller's
    ``message_id``, the message is remembered first, in the same statement on PostgreSQL: a
    HeaderRefusal, logging nothing, when the agency sent it before.

    The endpoint is called hundreds of times a second, so this is one statement written out
    rather than composed by the ORM (whose compiling cost more than the database's answer):
    the message id inserted unless known, and the person and their current status (the lowest
    id, as ``person_with_status`` takes it) joined, only the columns the answer needs."""
    if caller.message_id is not None and connection.vendor == "postgresql":
        row = _remembered_then_status(caller.agency, caller.message_id, iin)
    else:
        if caller.message_id is not None:
            remembered(caller.agency, caller.message_id)
        row = _status_row(iin)
    if row is None:
        return None
    access.log_agency_reads(
        caller.for_log, [iin], what=Seen.DISABILITY_STATUS, purpose=caller.purpose
    )
    ended, valid_from, until = row
    if valid_from is None:  # registered, without a status
        return False
    return records.valid_on(
        {"ended": ended, "valid_from": valid_from, "reexamination_date": until}, caller.day
    )


_PERSON, _STATUS = Person._meta.db_table, DisabilityStatus._meta.db_table
_MESSAGES = ReceivedMessage._meta.db_table
_STATUS_SQL = (
    f"SELECT s.ended, s.valid_from, s.reexamination_date FROM {_PERSON} p "  # noqa: S608
    f"LEFT JOIN {_STATUS} s ON s.person_id = p.id AND s.superseded_at IS NULL "
    "WHERE p.iin = %s ORDER BY s.id LIMIT 1"
)
# A conflict inserts nothing rather than failing, so no savepoint is needed around it; the
# select then finds the person whether or not the insert did (``fresh`` counts what it did).
_REMEMBER_SQL = (
    f"INSERT INTO {_MESSAGES} (agency_id, message_id, received_at) "  # noqa: S608
    "VALUES (%s, %s, %s) ON CONFLICT (agency_id, message_id) DO NOTHING"
)
_REMEMBER_THEN_STATUS_SQL = (
    f"WITH fresh AS ({_REMEMBER_SQL} RETURNING 1) "  # noqa: S608
    "SELECT (SELECT count(*) FROM fresh), p.id, s.ended, s.valid_from, s.reexamination_date "
    f"FROM (SELECT 1) AS one LEFT JOIN ({_PERSON} p "
    f"LEFT JOIN {_STATUS} s ON s.person_id = p.id AND s.superseded_at IS NULL) ON p.iin = %s "
    "ORDER BY s.id LIMIT 1"
)


def _status_row(iin: str) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(_STATUS_SQL, [iin])
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row


def _refuse_replay() -> None:
    raise HeaderRefusal(
        HeaderReason.MESSAGE_ID_DUPLICATE,
        _("This message id was received already; send a new message."),
    )


def remembered(agency: Agency, message_id: str) -> None:
    """Keep the message id; a HeaderRefusal when the agency sent it before. One statement."""
    with connection.cursor() as cursor:
        cursor.execute(_REMEMBER_SQL, [agency.pk, message_id, timezone.now()])
        inserted = cursor.rowcount
    if inserted != 1:
        _refuse_replay()


def _remembered_then_status(agency: Agency, message_id: str, iin: str) -> tuple[Any, ...] | None:
    """``remembered`` and ``_status_row`` in one round trip (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(_REMEMBER_THEN_STATUS_SQL, [agency.pk, message_id, timezone.now(), iin])
        inserted, person_id, *status = cursor.fetchone()
    if inserted != 1:
        _refuse_replay()
    return None if person_id is None else tuple(status)


def support_items(caller: Caller, person: Person) -> list[ProgrammeItem]:
    """The items of the person's current rehabilitation programme."""
    programme = (
        Programme.objects.filter(person=person, superseded_at__isnull=True)
        .prefetch_related("items")
        .first()
    )
    _logged(caller, person, Seen.REHABILITATION_PROGRAMME)
    if programme is None or not programme.valid_from <= caller.day <= programme.valid_until:
        return []
    items = list(programme.items.all())
    for item in items:
        item.programme = programme
    return items


def statuses_matching(
    caller: Caller,
    *,
    categories: Collection[str] | None,
    regions: Collection[str] | None,
    valid_only: bool,
    descending: bool,
    page: slice,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the current statuses (never ended) a predicate search selects, ordered by
    IIN, as rows of ``records.PERSON_COLUMNS`` and ``records.STATUS_COLUMNS``, and how many
    there are in all. Each person of the page lands in their access log, naming the agency.

    Two queries, on purpose: the page alone walks the persons' IIN index and stops at its last
    row (about 40 ms for page 10 of 1,000 over 300,000 statuses on PostgreSQL), while the same
    page with its total as a window, ``COUNT(*) OVER ()``, must read every selected row before
    cutting the page (0.9 to 2.5 s there); the count apart reads the statuses alone."""
    found = DisabilityStatus.objects.filter(superseded_at__isnull=True, ended=False)
    if categories is not None:
        found = found.filter(category__in=categories)
    if regions is not None:
        found = found.filter(person__region_id__in=regions)
    if valid_only:
        found = found.filter(valid_from__lte=caller.day).filter(
            Q(reexamination_date__isnull=True) | Q(reexamination_date__gte=caller.day)
        )
    rows = list(
        found.order_by("-person__iin" if descending else "person__iin").values(
            *records.STATUS_COLUMNS,
            **{name: F(f"person__{name}") for name in records.PERSON_COLUMNS},
        )[page]
    )
    total = _total(found, rows, page, (categories, regions, valid_only, caller.day))
    access.log_agency_reads(
        caller.for_log,
        [row["iin"] for row in rows],
        what=Seen.SEARCH_RESULT,
        purpose=caller.purpose,
    )
    return rows, total


# How long the total of a search's matches is kept for the next pages of the same search.
SEARCH_TOTAL_SECONDS = 30


def _total(
    found: QuerySet[DisabilityStatus], rows: list[dict[str, Any]], page: slice, criteria: Any
) -> int:
    """How many statuses the search selects. A page that ends short of its size is the last:
    its end is the total, exact and free. Otherwise the count (~100 ms over 300,000 statuses,
    what a page costs the database most) is taken once per search and kept
    ``SEARCH_TOTAL_SECONDS`` for the pages a client fetches after it: the total of page 10 may
    be that of page 1, up to that old. Shared by every agency asking the same question — a
    count over filters each may use tells none of them anything it could not count itself."""
    start, stop = page.start or 0, page.stop
    if rows and stop is not None and start + len(rows) < stop:
        return start + len(rows)
    categories, regions, valid_only, day = criteria
    question = json.dumps(
        [
            sorted(categories or []),
            categories is None,
            sorted(regions or []),
            regions is None,
            valid_only,
            day.isoformat(),
        ]
    )
    key = f"inclusio:dci:search-total:{hashlib.sha256(question.encode()).hexdigest()}"
    total: int | None = cache.get(key)
    if total is None:
        total = found.count()
        cache.set(key, total, SEARCH_TOTAL_SECONDS)
    return total


def person_subscribed(caller: Caller, iin: str) -> None:
    """A subscription to the changes of the person with ``iin`` begins or ends: the person's
    log says which agency will learn of their status, and why. An IIN nobody is registered
    under is accepted alike and logs nothing."""
    person = Person.objects.filter(iin=iin).first()
    if person is not None:
        _logged(caller, person, Seen.DISABILITY_STATUS)


def person_notified(caller: Caller, person: Person) -> None:
    """A change of the person's status is sent to a subscribed agency."""
    _logged(caller, person, Seen.DISABILITY_STATUS)
