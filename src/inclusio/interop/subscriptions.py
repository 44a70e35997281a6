"""Agencies' subscriptions to changes of disability status, and the notifications the
registry's ``disability_status_changed`` event queues for them (docs/dci.md).

A subscription names one person (by IIN, in any of the identifier forms the search reads) or
a population (``region_code`` and ``disability_category`` predicates joined by "and"; the
latter needs the agency's ``identity`` grant, as a search by attributes does, and a grant of
each field it filters on: ``address`` for the region, ``category`` for the category). Each change
queues one ``notify`` callback per matching subscription, with the person's record cut to what
that agency may receive, and lands in the person's access log naming the agency and the
purpose it subscribed for.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from inclusio.core import audit
from inclusio.core.audit import SYSTEM, record_write
from inclusio.core.models import Purpose
from inclusio.interop import outbox, records, schedule, selectors
from inclusio.interop.dci import (
    VERSION,
    Err,
    Refusal,
    Status,
    SubscribeReason,
    UnsubscribeReason,
    parse_timestamp,
    timestamp,
)
from inclusio.interop.models import (
    Agency,
    Disclosure,
    OutboxMessage,
    OutboxState,
    Subscription,
)
from inclusio.interop.selectors import Caller
from inclusio.interop.views import (
    BATCH_MAX,
    RECORD_TYPE,
    REG_TYPE,
    Rejected,
    filter_beyond_grants,
    frame_refusal,
    identifier_value,
    iin_of,
    population_filter,
    transaction_id_of,
)
from inclusio.registry.importer import IN_CHUNK
from inclusio.registry.models import DisabilityStatus, Person

# The one event a subscription may name: the standard's example of a RegistryEventType.
EVENT_TYPE = "spdci-common:RegistryEventType:DisabledPerson"


class _Refused(Exception):
    def __init__(self, code: SubscribeReason | UnsubscribeReason, message: str) -> None:
        self.code, self.message = code, message
        super().__init__(code)


def _scope(criteria: dict[str, Any], caller: Caller) -> tuple[str, list[str], list[str]]:
    """What a subscription watches: (iin, regions, categories); one IIN, or a population."""
    query_type, query = criteria.get("filter_type", "idtype-value"), criteria.get("filter")
    if query_type == "idtype-value" or identifier_value(query) is not None:
        iin = iin_of({"query": query})
        if iin is None:
            raise _Refused(
                SubscribeReason.PERSON_ID_INVALID,
                _('Name the person by a valid IIN: filter {"type": "UIN", "value": IIN}.'),
            )
        return iin, [], []
    if query_type != "predicate":
        raise _Refused(
            SubscribeReason.NOTIFY_DETAILS_INVALID,
            _("filter_type is “idtype-value” or “predicate”."),
        )
    if Disclosure.IDENTITY not in caller.agency.disclosures:
        raise _Refused(
            SubscribeReason.NOTIFY_DETAILS_INVALID,
            _("Your agency may subscribe to one person at a time only."),
        )
    try:
        wanted = population_filter(query)
    except Rejected:
        wanted = {"disability_status": set()}
    if "disability_status" in wanted or not wanted:
        raise _Refused(
            SubscribeReason.NOTIFY_DETAILS_INVALID,
            _("Filter with “and” on disability_category or region_code, with eq and in."),
        )
    beyond = filter_beyond_grants(wanted, set(caller.agency.disclosures))
    if beyond:
        raise _Refused(
            SubscribeReason.NOTIFY_DETAILS_INVALID,
            _("Your agency may not filter on what it may not receive: %(fields)s.")
            % {"fields": ", ".join(beyond)},
        )
    return "", sorted(wanted.get("region_code", ())), sorted(wanted.get("disability_category", ()))


def _frequency(criteria: dict[str, Any]) -> tuple[str, dt.datetime | None, dt.datetime | None]:
    """EventFrequency, when given: (cron, from, until); ("", None, None) when not."""
    given = criteria.get("frequency")
    if given is None:
        return "", None, None
    given = given if isinstance(given, dict) else {}
    start, end = parse_timestamp(given.get("start_time")), parse_timestamp(given.get("end_time"))
    cron = given.get("frequency")
    if start is None or end is None or end <= start:
        raise _Refused(
            SubscribeReason.NOTIFY_DETAILS_INVALID,
            _("frequency needs start_time and a later end_time, ISO 8601 with their offset."),
        )
    try:
        fires = schedule.parse(cron).next_after(timezone.now()) if isinstance(cron, str) else None
    except schedule.CronInvalid:
        fires = None
    if fires is None or not isinstance(cron, str):
        raise _Refused(
            SubscribeReason.NOTIFY_DETAILS_INVALID,
            _(
                "frequency.frequency is a Quartz cron expression that fires again: seconds, "
                "minutes, hours, day of month, month, day of week (one of the two days is ?) "
                "and an optional year, such as “0 0 0 5,15 * ? *”."
            ),
        )
    return cron.strip(), start, end


def _subscribe_one(request: Any, caller: Caller, seen: set[str]) -> dict[str, Any]:
    request = request if isinstance(request, dict) else {}
    reference = request.get("reference_id")
    answer: dict[str, Any] = {
        "reference_id": reference if isinstance(reference, str) else "",
        "timestamp": timestamp(),
    }
    try:
        refused = frame_refusal(request, seen, SubscribeReason)
        if refused is not None:
            raise _Refused(*refused)
        criteria = request.get("subscribe_criteria")
        if not isinstance(criteria, dict):
            criteria = {}
        if (
            criteria.get("reg_event_type") != EVENT_TYPE
            or criteria.get("notify_record_type") != RECORD_TYPE
        ):
            raise _Refused(
                SubscribeReason.NOTIFY_TYPES_INVALID,
                _("Subscribe to reg_event_type %(event)s with notify_record_type %(record)s.")
                % {"event": EVENT_TYPE, "record": RECORD_TYPE},
            )
        iin, regions, categories = _scope(criteria, caller)
        cron, frequency_from, frequency_until = _frequency(criteria)
        if Subscription.objects.filter(
            agency=caller.agency, active=True, iin=iin, regions=regions, categories=categories
        ).exists():
            raise _Refused(
                SubscribeReason.ALREADY_SUBSCRIBED,
                _("Your agency is subscribed to these changes already."),
            )
        subscription = Subscription.objects.create(
            code=uuid.uuid4().hex,
            agency=caller.agency,
            purpose=str(caller.purpose),
            reference_id=reference,
            iin=iin,
            regions=regions,
            categories=categories,
            criteria=criteria,
            frequency=cron,
            frequency_from=frequency_from,
            frequency_until=frequency_until,
        )
        if iin:
            selectors.person_subscribed(caller, iin)
        record_write(
            actor=SYSTEM,
            action="dci_subscribe",
            entity="dci_subscription",
            entity_id=subscription.pk,
            data={
                "agency": caller.agency.sender_id,
                "purpose": str(caller.purpose),
                "scope": "person" if iin else "population",
                "regions": regions,
                "categories": categories,
                "frequency": cron,
            },
        )
        answer |= {"status": str(Status.SUCCESS), "subscriptions": [_info(subscription)]}
    except _Refused as refused:
        answer |= {
            "status": str(Status.REJECTED),
            "status_reason_code": str(refused.code),
            "status_reason_message": refused.message,
        }
    return answer


def _info(subscription: Subscription) -> dict[str, Any]:
    """SubscriptionInfo. Its schema names the code ``code`` and requires ``subscription_code``
    and ``subscribe_criteria``: both names are sent (docs/dci.md)."""
    criteria = subscription.criteria
    info = {
        "version": VERSION,
        "code": subscription.code,
        "subscription_code": subscription.code,
        "status": "subscribe",
        "timestamp": timestamp(subscription.created_at),
        "reg_type": REG_TYPE,
        "reg_event_type": EVENT_TYPE,
        "filter_type": criteria.get("filter_type", "idtype-value"),
        "filter": criteria.get("filter"),
        "notify_record_type": RECORD_TYPE,
        "subscribe_criteria": criteria,
    }
    if subscription.frequency:
        info["frequency"] = criteria["frequency"]
    return info


def subscribe(message: dict[str, Any], caller: Caller) -> tuple[dict[str, Any], int]:
    """SubscribeRequest → SubscribeResponse; part of the request's transaction."""
    transaction_id = transaction_id_of(message)
    requests = message.get("subscribe_request")
    if not isinstance(requests, list) or not 0 < len(requests) <= BATCH_MAX:
        raise Refusal(
            400,
            Err.REQUEST_BAD,
            _("Give 1 to %(most)s requests in subscribe_request.") % {"most": BATCH_MAX},
        )
    seen: set[str] = set()
    answers = [_subscribe_one(request, caller, seen) for request in requests]
    return {
        "transaction_id": transaction_id,
        "correlation_id": uuid.uuid4().hex,
        "subscribe_response": answers,
    }, len(answers)


def unsubscribe(message: dict[str, Any], caller: Caller) -> tuple[dict[str, Any], int]:
    """UnSubscribeRequest → UnSubscribeResponse. The schema declares ``timesstamp`` and
    ``subscription_codes`` and requires ``timestamp`` and ``sunscription_codes``: either name
    is read. All the codes are ended, or none."""
    transaction_id = transaction_id_of(message)
    codes = message.get("subscription_codes", message.get("sunscription_codes"))
    if (
        not isinstance(codes, list)
        or not 0 < len(codes) <= BATCH_MAX
        or not all(isinstance(code, str) for code in codes)
    ):
        raise Refusal(
            400,
            Err.REQUEST_BAD,
            _("Give 1 to %(most)s codes in subscription_codes.") % {"most": BATCH_MAX},
        )
    codes = list(dict.fromkeys(codes))
    now = timestamp()
    answer: dict[str, Any] = {
        "transaction_id": transaction_id,
        "correlation_id": uuid.uuid4().hex,
        "timestamp": now,
        "timesatmp": now,
    }
    try:
        sent = message.get("timestamp", message.get("timesstamp"))
        if parse_timestamp(sent) is None:
            raise _Refused(
                UnsubscribeReason.TIMESTAMP_INVALID,
                _("Give the time as an ISO 8601 date-time with its offset."),
            )
        found = list(
            Subscription.objects.select_for_update().filter(agency=caller.agency, code__in=codes)
        )
        # Another agency's code answers as an unknown one.
        if len(found) != len(codes):
            raise _Refused(
                UnsubscribeReason.SUBSCRIPTION_CODE_INVALID,
                _("No subscription of your agency has one of these codes."),
            )
        if any(not subscription.active for subscription in found):
            raise _Refused(
                UnsubscribeReason.ALREADY_UNSUBSCRIBED,
                _("One of these subscriptions has ended already."),
            )
        ended = timezone.now()
        for subscription in found:
            subscription.active, subscription.ended_at = False, ended
            if subscription.iin:
                selectors.person_subscribed(caller, subscription.iin)
            record_write(
                actor=SYSTEM,
                action="dci_unsubscribe",
                entity="dci_subscription",
                entity_id=subscription.pk,
                data={"agency": caller.agency.sender_id, "changed": ["active", "ended_at"]},
            )
        Subscription.objects.bulk_update(found, ["active", "ended_at"])
        answer |= {
            "status": str(Status.SUCCESS),
            "subscription_status": [{"code": code, "status": "unsubscribe"} for code in codes],
        }
    except _Refused as refused:
        answer |= {
            "status": str(Status.REJECTED),
            "status_reason_code": str(refused.code),
            "status_reason_message": refused.message,
        }
    return answer, len(codes)


# --- notifications -------------------------------------------------------------------------------


def _active() -> QuerySet[Subscription]:
    """The active subscriptions of active agencies with a callback address."""
    return Subscription.objects.filter(active=True, agency__active=True).exclude(
        agency__callback_url=""
    )


def _watches(subscription: Subscription, region: str, categories: set[str]) -> bool:
    """A population subscription watches a person of its regions whose category before or
    after the change is one of its categories (empty lists: any)."""
    return (not subscription.regions or region in subscription.regions) and (
        not subscription.categories or bool(categories & set(subscription.categories))
    )


def _matching(person: Person, categories: set[str]) -> list[Subscription]:
    """The subscriptions that watch this person, or a population the change concerns."""
    candidates = (
        _active().filter(Q(iin=person.iin) | Q(iin="")).select_related("agency").order_by("pk")
    )
    return [
        subscription
        for subscription in candidates
        if subscription.iin or _watches(subscription, person.region_id, categories)
    ]


def notify_status_changed(
    *, person_id: int, status_id: int | None, previous_status_id: int | None, **_signal: Any
) -> int:
    """The registry's ``disability_status_changed`` (sent after its commit): one ``notify``
    callback per matching subscription, queued (or joined to the one held for the
    subscription's next scheduled time) in one transaction with the access-log entries.
    Returns how many subscriptions were notified."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return 0
    changed = {
        status.category
        for status in DisabilityStatus.objects.filter(
            pk__in=[pk for pk in (status_id, previous_status_id) if pk is not None]
        )
    }
    subscriptions = _matching(person, changed)
    if not subscriptions:
        return 0
    current = DisabilityStatus.objects.filter(person=person, superseded_at__isnull=True).first()
    changes = _Changes()
    for subscription in subscriptions:
        changes.add(subscription, person, current)
    changes.queue()
    return len(subscriptions)


class _Changes:
    """Changes gathered for their subscriptions, then queued together: one ``notify`` per
    subscription, its events one per person changed (NotifyEventRequest's ``notify_event`` is
    a list), and each person's access-log entry naming the agency."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.day = timezone.localdate(self.now)
        self.events: dict[int, tuple[Subscription, list[dict[str, Any]]]] = {}
        self.reads: list[tuple[Subscription, Person]] = []
        self._cut: dict[tuple[int, tuple[str, ...]], dict[str, Any]] = {}

    def add(
        self, subscription: Subscription, person: Person, status: DisabilityStatus | None
    ) -> None:
        granted = tuple(sorted(subscription.agency.disclosures))
        key = (person.pk, granted)
        if key not in self._cut:
            self._cut[key] = records.disabled_person(person, status, granted, self.day)
        self.events.setdefault(subscription.pk, (subscription, []))[1].append(
            _event(subscription, self._cut[key])
        )
        self.reads.append((subscription, person))

    def queue(self) -> int:
        """Queue the gathered changes in one transaction with their access-log entries (one
        lock of the log's chain); how many events."""
        rows: list[OutboxMessage] = []
        with transaction.atomic(), audit.batched():
            # Subscriptions in the order of their ids: `_held` locks a subscription's held row,
            # and two runs locking them in the order they met them could deadlock.
            for subscription, events in sorted(self.events.values(), key=lambda item: item[0].pk):
                if not _held(subscription, events, self.now):
                    rows.append(_notification(subscription.agency, events))
            for subscription, person in self.reads:
                selectors.person_notified(
                    Caller(
                        agency=subscription.agency,
                        purpose=Purpose(subscription.purpose),
                        day=self.day,
                    ),
                    person,
                )
            OutboxMessage.objects.bulk_create(rows, batch_size=1000)
        return len(self.reads)


def _held(subscription: Subscription, events: list[dict[str, Any]], now: dt.datetime) -> bool:
    """Within its frequency's range, a subscription's changes join the notification held for
    its next scheduled time (made when there is none); False when they are sent as they happen.

    The held row is locked first: a worker sending it meanwhile has it locked, and once it has
    let go the row is no longer queued untried, so the changes start the next period's."""
    if not subscription.frequency or subscription.frequency_from is None:
        return False
    until = subscription.frequency_until
    if until is None or not subscription.frequency_from <= now < until:
        return False
    held = (
        OutboxMessage.objects.select_for_update()
        .filter(subscription=subscription, state=OutboxState.QUEUED, attempts=0)
        .order_by("pk")
        .first()
    )
    if held is not None:
        held.message["notify_event"].extend(events)
        total = len(held.message["notify_event"])
        held.header |= {"total_count": total, "completed_count": total}
        held.save(update_fields=["message", "header"])
        return True
    fires = schedule.parse(subscription.frequency).next_after(now)
    row = _notification(subscription.agency, events)
    # The last batch of the range goes at its end when the schedule has no time left in it.
    row.next_try_at = min(fires, until) if fires is not None else until
    row.subscription = subscription
    row.save()
    return True


def _event(subscription: Subscription, record: dict[str, Any]) -> dict[str, Any]:
    """One of NotifyEventRequest's events: the subscription's code is its reference_id."""
    return {
        "reference_id": subscription.code,
        "timestamp": timestamp(),
        "data": {
            "version": VERSION,
            "reg_type": REG_TYPE,
            "reg_record_type": RECORD_TYPE,
            "reg_records": record,
        },
    }


def _notification(agency: Agency, events: list[dict[str, Any]]) -> OutboxMessage:
    """NotifyEventRequest with its events (more join it when the subscription has a
    frequency); the header counts them."""
    message = {"transaction_id": uuid.uuid4().hex, "notify_event": events}
    return outbox.new_row(agency=agency, action="notify", message=message, total=len(events))


def notify_statuses_imported(*, iins: Sequence[str], **_signal: Any) -> int:
    """The registry's ``disability_statuses_imported`` (sent after the import's commit): each
    imported person a subscription watches — by IIN (kept for an IIN nobody was registered
    under), or by a population they now belong to — is notified as for any change, but a
    chunk of imported persons at a time: one ``notify`` per subscription per chunk, holding an
    event for each of its persons, queued in one transaction with their access-log entries.
    The subscriptions are read once and the imported statuses a chunk per query, so that a
    national load that nobody watches costs a query per chunk. Returns how many events (a
    person told to a subscription) were queued."""
    subscriptions = list(_active().select_related("agency").order_by("pk"))
    if not subscriptions:
        return 0
    watching: dict[str, list[Subscription]] = {}
    for subscription in subscriptions:
        if subscription.iin:
            watching.setdefault(subscription.iin, []).append(subscription)
    populations = [subscription for subscription in subscriptions if not subscription.iin]
    notified = 0
    for start in range(0, len(iins), IN_CHUNK):
        changes = _Changes()
        statuses = DisabilityStatus.objects.select_related("person").filter(
            person__iin__in=iins[start : start + IN_CHUNK], superseded_at__isnull=True
        )
        for status in statuses:
            person = status.person
            for subscription in watching.get(person.iin, []) + [
                population
                for population in populations
                if _watches(population, person.region_id, {status.category})
            ]:
                changes.add(subscription, person, status)
        if changes.events:
            notified += changes.queue()
    return notified
