"""The asynchronous half of the DCI server: acknowledgements at once, answers and subscription
notifications delivered later through the outbox to the agency's own server — here a real
HTTP server on the machine, answering 200, 500, or not in time."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import Conflict, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent
from inclusio.interop import outbox, services
from inclusio.interop.errors import ErrorCode
from inclusio.interop.models import (
    Disclosure,
    OutboxMessage,
    OutboxState,
    ReceivedMessage,
    Subscription,
)
from inclusio.registry.events import disability_status_changed
from tests.factories import give_status, make_person, new_iin
from tests.interop.conftest import DciAgency, register, response_verifies
from tests.interop.spec import component_errors, needs_spec, request_errors, response_errors

pytestmark = [pytest.mark.django_db, needs_spec]


@dataclass
class AgencyServer:
    """The agency's callback server: what it received, and how it answers."""

    port: int
    answer: int = 200
    hang: bool = False
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/dci"

    def paths(self) -> list[str]:
        return [path for path, _body in self.received]


@pytest.fixture
def agency_server(settings: Any) -> Iterator[AgencyServer]:
    settings.DCI_CALLBACK_TIMEOUT_SECONDS = 0.5
    state = AgencyServer(port=0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if state.hang:
                # Answers only after the platform has given up waiting.
                state.release.wait(5)
            else:
                state.received.append((self.path, body))
            self.send_response(state.answer)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def async_agency(agency_server: AgencyServer) -> DciAgency:
    return register("social.gov.kz", name="Social agency", callback_url=agency_server.url)


@pytest.fixture
def status_agency(agency_server: AgencyServer) -> DciAgency:
    """Registered to know only whether a category is in force."""
    return register(
        "transport.gov.kz",
        name="Public transport concessions",
        disclosures=(Disclosure.DISABLED_STATUS, Disclosure.CATEGORY),
        callback_url=agency_server.url,
    )


def search_message(iin: str) -> dict[str, Any]:
    return {
        "transaction_id": "t-async",
        "search_request": [
            {
                "reference_id": "r-1",
                "timestamp": "2026-12-01T10:00:00+05:00",
                "search_criteria": {
                    "query_type": "idtype-value",
                    "query": {"type": "UIN", "value": iin},
                },
            }
        ],
    }


def subscribe_message(filter_: Any, filter_type: str = "idtype-value") -> dict[str, Any]:
    return {
        "transaction_id": "t-sub",
        "subscribe_request": [
            {
                "reference_id": "s-1",
                "timestamp": "2026-12-01T10:00:00+05:00",
                "subscribe_criteria": {
                    "reg_event_type": "spdci-common:RegistryEventType:DisabledPerson",
                    "filter_type": filter_type,
                    "filter": filter_,
                    "notify_record_type": "spdci-extensions-dci:DisabledPerson",
                },
            }
        ],
    }


def send(agency: DciAgency, action: str, message: dict[str, Any], **header: Any) -> Any:
    """Post a signed asynchronous message that satisfies the standard; the acknowledgement."""
    path = f"/registry/{action}"
    body = agency.envelope(message, header=agency.header(action=action, **header))
    assert request_errors(path, body) == []
    answer = agency.post(path, body)
    assert answer.status_code == 200, answer.content
    found = answer.json()
    assert response_errors(path, found) == []
    assert response_verifies(agency.client, found)
    return found


def delivered(server: AgencyServer, agency: DciAgency, path: str) -> dict[str, Any]:
    """The one callback at ``path``, checked: the standard's schema and the platform's key."""
    outbox.deliver_due()
    (body,) = [body for at, body in server.received if at == path]
    if path == "/dci/registry/notify":
        assert component_errors("NotifyEventRequest", body["message"]) == []
    else:
        assert request_errors(path.removeprefix("/dci"), body) == []
    assert body["header"]["receiver_id"] == agency.agency.sender_id
    assert response_verifies(agency.client, body)
    return body


# --- search --------------------------------------------------------------------------------------


def test_async_search_acknowledges_at_once_and_delivers_the_sync_answer_once(
    async_agency: DciAgency, agency_server: AgencyServer
) -> None:
    person = make_person()
    give_status(person, "I")
    ack = send(async_agency, "search", search_message(person.iin))
    assert ack["message"]["ack_status"] == "ACK"
    assert agency_server.received == []  # nothing sent before the worker runs
    row = OutboxMessage.objects.get()
    assert (row.state, row.action) == (OutboxState.QUEUED, "on-search")
    (logged,) = AccessEvent.objects.filter(person_iin=person.iin)
    assert (logged.agency, logged.purpose) == ("Social agency", "status_verification")

    body = delivered(agency_server, async_agency, "/dci/registry/on-search")
    assert body["message"]["correlation_id"] == ack["message"]["correlation_id"]
    sync = async_agency.post(
        "/registry/sync/search", async_agency.envelope(search_message(person.iin))
    ).json()
    assert (
        body["message"]["search_response"][0]["data"]
        == sync["message"]["search_response"][0]["data"]
    )
    row.refresh_from_db()
    assert (row.state, row.attempts, row.message) == (OutboxState.DELIVERED, 1, {})
    assert outbox.deliver_due().tried == 0  # a delivered message is never sent again
    assert len(agency_server.received) == 1


def test_a_replayed_or_malformed_async_message_queues_nothing(
    async_agency: DciAgency, agency_server: AgencyServer
) -> None:
    header = async_agency.header(action="search")
    message = search_message(new_iin())
    first = async_agency.post("/registry/search", async_agency.envelope(message, header=header))
    replay = async_agency.post("/registry/search", async_agency.envelope(message, header=header))
    assert first.json()["message"]["ack_status"] == "ACK"
    refused = replay.json()
    assert response_errors("/registry/search", refused) == []
    assert refused["message"]["ack_status"] == "ERR"
    assert refused["header"]["status_reason_code"] == "rjct.message_id.duplicate"
    assert OutboxMessage.objects.count() == 1

    broken = async_agency.post("/registry/search", '{"header": {"action": "search"}')
    assert broken.status_code == 400
    assert broken.json()["errors"][0]["code"] == "err.request.bad"
    no_transaction = async_agency.envelope(
        {"search_request": []}, header=async_agency.header(action="search")
    )
    assert async_agency.post("/registry/search", no_transaction).status_code == 400
    assert OutboxMessage.objects.count() == ReceivedMessage.objects.count() == 1


def test_callbacks_go_only_to_the_agencys_registered_address(
    async_agency: DciAgency, agency_server: AgencyServer, full_agency: DciAgency
) -> None:
    elsewhere = async_agency.envelope(
        search_message(new_iin()),
        header=async_agency.header(action="search", sender_uri="https://attacker.example/x"),
    )
    answer = async_agency.post("/registry/search", elsewhere)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "err.sender_uri.invalid"
    # An agency without a callback address uses the sync endpoints.
    unregistered = full_agency.envelope(
        search_message(new_iin()), header=full_agency.header(action="search")
    )
    assert full_agency.post("/registry/search", unregistered).status_code == 400
    # A path under its address is the agency's choice.
    send(async_agency, "search", search_message(new_iin()), sender_uri=f"{agency_server.url}/cb")
    outbox.deliver_due()
    assert agency_server.paths() == ["/dci/cb"]
    assert OutboxMessage.objects.count() == 1


def test_a_callback_address_must_be_https_in_production(settings: Any) -> None:
    settings.DCI_CALLBACK_HTTPS_ONLY = True
    with pytest.raises(ValidationFailed) as refused:
        register("plain.gov.kz", callback_url="http://plain.gov.kz/dci")
    assert refused.value.code == ErrorCode.AGENCY_CALLBACK_URL_INVALID
    assert refused.value.message == "The callback address must be an https:// address."
    assert not services.Agency.objects.filter(sender_id="plain.gov.kz").exists()
    assert register("safe.gov.kz", callback_url="https://safe.gov.kz/dci").agency.callback_url


# --- the outbox ----------------------------------------------------------------------------------


def test_a_failing_callback_is_retried_with_backoff_then_dead_then_requeued(
    async_agency: DciAgency, agency_server: AgencyServer, settings: Any
) -> None:
    settings.DCI_OUTBOX_MAX_ATTEMPTS = 2
    settings.DCI_OUTBOX_BACKOFF_SECONDS = 60
    agency_server.answer = 500
    send(async_agency, "search", search_message(new_iin()))
    assert outbox.deliver_due().retried == 1
    row = OutboxMessage.objects.get()
    assert (row.state, row.attempts, row.last_error) == (OutboxState.QUEUED, 1, "HTTP 500")
    assert row.next_try_at > row.created_at + dt.timedelta(seconds=59)
    assert outbox.deliver_due().tried == 0  # not due before its back-off
    OutboxMessage.objects.update(next_try_at=row.created_at)
    assert outbox.deliver_due().dead == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.DEAD, 2)
    assert row.message  # kept for the administrator to send again

    agency_server.answer = 200
    assert outbox.requeue(actor=SYSTEM, message_ids=[row.pk]) == 1
    assert AuditEvent.objects.filter(action="outbox_requeue", entity_id=str(row.pk)).exists()
    assert outbox.deliver_due().delivered == 1
    row.refresh_from_db()
    assert row.state == OutboxState.DELIVERED
    with pytest.raises(Conflict) as refused:
        outbox.requeue(actor=SYSTEM, message_ids=[row.pk])
    assert refused.value.code == ErrorCode.OUTBOX_NOT_DEAD
    row.refresh_from_db()
    assert row.state == OutboxState.DELIVERED


def test_a_callback_answered_too_late_is_retried(
    async_agency: DciAgency, agency_server: AgencyServer
) -> None:
    agency_server.hang = True
    send(async_agency, "search", search_message(new_iin()))
    out = StringIO()
    with translation.override("en"):
        call_command("dci_outbox", stdout=out)
    assert "to try again later: 1" in out.getvalue()
    row = OutboxMessage.objects.get()
    assert (row.state, row.last_error) == (OutboxState.QUEUED, "timed out")


# --- subscriptions -------------------------------------------------------------------------------


def test_a_subscription_to_a_person_is_notified_of_each_change_cut_to_the_agency(
    async_agency: DciAgency,
    status_agency: DciAgency,
    agency_server: AgencyServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_person()
    give_status(person, "II")
    codes = {}
    for agency in (async_agency, status_agency):
        send(agency, "subscribe", subscribe_message({"type": "UIN", "value": person.iin}))
        body = delivered(agency_server, agency, "/dci/registry/on-subscribe")
        (item,) = body["message"]["subscribe_response"]
        assert item["status"] == "succ"
        codes[agency.agency.sender_id] = item["subscriptions"][0]["code"]
        agency_server.received.clear()
    logged = AccessEvent.objects.filter(person_iin=person.iin).values_list("agency", flat=True)
    assert sorted(logged) == ["Public transport concessions", "Social agency"]

    with django_capture_on_commit_callbacks(execute=True):
        give_status(person, "I")
    assert OutboxMessage.objects.filter(action="notify", state=OutboxState.QUEUED).count() == 2
    outbox.deliver_due()
    notes = {body["header"]["receiver_id"]: body for _path, body in agency_server.received}
    for sender_id, body in notes.items():
        assert component_errors("NotifyEventRequest", body["message"]) == []
        assert response_verifies(async_agency.client, body)
        (event,) = body["message"]["notify_event"]
        assert event["reference_id"] == codes[sender_id]
        assert event["data"]["reg_records"]["disability_level"] == "Severe"
    assert (
        notes["social.gov.kz"]["message"]["notify_event"][0]["data"]["reg_records"][
            "personal_details"
        ]["identifier"]
        == person.iin
    )
    minimal = notes["transport.gov.kz"]["message"]["notify_event"][0]["data"]["reg_records"]
    assert "personal_details" not in minimal
    assert "disability_details" not in minimal
    assert AccessEvent.objects.filter(person_iin=person.iin).count() == 4


def test_a_population_subscription_hears_of_its_region_and_category_only(
    async_agency: DciAgency,
    status_agency: DciAgency,
    agency_server: AgencyServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    population = [
        {
            "expression1": {
                "attribute_name": "region_code",
                "operator": "eq",
                "attribute_value": "71",
            }
        },
        {
            "condition": "and",
            "expression1": {
                "attribute_name": "disability_category",
                "operator": "in",
                "attribute_value": "I,II",
            },
        },
    ]
    send(async_agency, "subscribe", subscribe_message(population, "predicate"))
    # An agency that may not know who a person is cannot watch a population.
    send(status_agency, "subscribe", subscribe_message(population, "predicate"))
    outbox.deliver_due()
    refused = [
        body["message"]["subscribe_response"][0]
        for _path, body in agency_server.received
        if body["header"]["receiver_id"] == "transport.gov.kz"
    ]
    assert refused[0]["status_reason_code"] == "rjct.notify_details.invalid"
    assert Subscription.objects.count() == 1
    agency_server.received.clear()

    inside, elsewhere, lighter = make_person(), make_person(region="75"), make_person()
    with django_capture_on_commit_callbacks(execute=True):
        give_status(inside, "I")
        give_status(elsewhere, "I")
        give_status(lighter, "III")
    outbox.deliver_due()
    (body,) = [body for _path, body in agency_server.received]
    record = body["message"]["notify_event"][0]["data"]["reg_records"]
    assert record["personal_details"]["identifier"] == inside.iin


def test_subscriptions_refused_for_what_they_ask(
    async_agency: DciAgency, agency_server: AgencyServer
) -> None:
    iin = new_iin()
    wrong_event = subscribe_message({"type": "UIN", "value": new_iin()})
    wrong_event["subscribe_request"][0]["subscribe_criteria"]["reg_event_type"] = "Birth"
    reasons = []
    for message in (
        subscribe_message({"type": "UIN", "value": iin}),
        subscribe_message({"type": "UIN", "value": iin}),
        subscribe_message({"type": "UIN", "value": "123"}),
        wrong_event,
    ):
        send(async_agency, "subscribe", message)
        body = delivered(agency_server, async_agency, "/dci/registry/on-subscribe")
        agency_server.received.clear()
        reasons.append(body["message"]["subscribe_response"][0].get("status_reason_code"))
    assert reasons == [
        None,
        "rjct.event.already_subscribed",
        "rjct.person_id.invalid",
        "rjct.notify_types.invalid",
    ]
    assert Subscription.objects.count() == 1
    # Nobody is registered under the IIN: accepted alike, and nobody's log is written.
    assert not AccessEvent.objects.exists()


def test_unsubscribe_ends_all_the_codes_or_none(
    async_agency: DciAgency,
    full_agency: DciAgency,
    agency_server: AgencyServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_person()
    send(async_agency, "subscribe", subscribe_message({"type": "UIN", "value": person.iin}))
    outbox.deliver_due()
    code = Subscription.objects.get().code
    other = Subscription.objects.create(
        code="not-yours", agency=full_agency.agency, purpose="status_verification"
    )
    agency_server.received.clear()

    def unsubscribe(codes: list[str]) -> dict[str, Any]:
        message = {
            "transaction_id": "t-un",
            "timestamp": "2026-12-01T10:00:00+05:00",
            "sunscription_codes": codes,
        }
        send(async_agency, "unsubscribe", message)
        body = delivered(agency_server, async_agency, "/dci/registry/on-unsubscribe")
        agency_server.received.clear()
        return dict(body["message"])

    assert unsubscribe([code, "unknown"])["status_reason_code"] == (
        "rjct.subscription_code.invalid"
    )
    assert unsubscribe([code, other.code])["status_reason_code"] == (
        "rjct.subscription_code.invalid"
    )
    assert Subscription.objects.get(code=code).active
    ended = unsubscribe([code])
    assert ended["status"] == "succ"
    assert ended["subscription_status"] == [{"code": code, "status": "unsubscribe"}]
    assert unsubscribe([code])["status_reason_code"] == "rjct.event.already_unsubscribed"
    assert not Subscription.objects.get(code=code).active
    assert AccessEvent.objects.filter(person_iin=person.iin).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        give_status(person, "I")
    assert not OutboxMessage.objects.filter(action="notify").exists()


def test_an_administrator_sees_the_dead_callbacks_and_queues_one_again(
    async_agency: DciAgency, settings: Any
) -> None:
    from django.test import Client

    from tests.factories import make_user, sign_in

    settings.DCI_OUTBOX_MAX_ATTEMPTS = 1
    person = make_person(surname="Секретова")
    send(async_agency, "search", search_message(person.iin))
    send(async_agency, "search", search_message(new_iin()))
    dead, queued = OutboxMessage.objects.order_by("pk")
    OutboxMessage.objects.filter(pk=dead.pk).update(state=OutboxState.DEAD, last_error="HTTP 500")
    admin = make_user("ministry", "ministry_admin", None)
    admin.is_staff = True
    admin.save()
    client = Client()
    sign_in(client, admin)
    url = "/en/admin/interop/outboxmessage/"
    page = client.get(f"{url}?state__exact=dead")
    assert page.status_code == 200
    assert b"HTTP 500" in page.content
    assert "Секретова".encode() not in client.get(f"{url}{dead.pk}/change/").content
    action = {"action": "requeue", "_selected_action": [dead.pk, queued.pk]}
    refused = client.post(url, action, follow=True)
    assert b"Only undeliverable callbacks can be queued again." in refused.content
    assert OutboxMessage.objects.get(pk=dead.pk).state == OutboxState.DEAD
    done = client.post(url, {**action, "_selected_action": [dead.pk]}, follow=True)
    assert b"Callbacks queued again: 1." in done.content
    assert OutboxMessage.objects.get(pk=dead.pk).state == OutboxState.QUEUED

    officer = make_user("officer", "district_officer")
    other = Client()
    sign_in(other, officer)
    assert other.get(url).status_code in (302, 403)


def frequency(cron: str, start: dt.timedelta, end: dt.timedelta) -> dict[str, str]:
    now = dt.datetime.now(dt.UTC)
    return {
        "start_time": (now + start).isoformat(timespec="seconds"),
        "end_time": (now + end).isoformat(timespec="seconds"),
        "frequency": cron,
    }


def with_frequency(iin: str, given: Any) -> dict[str, Any]:
    message = subscribe_message({"type": "UIN", "value": iin})
    message["subscribe_request"][0]["subscribe_criteria"]["frequency"] = given
    return message


def test_a_subscription_with_a_frequency_is_sent_its_changes_together_at_its_times(
    async_agency: DciAgency,
    agency_server: AgencyServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_person()
    daily = frequency("0 0 0 * * ? *", -dt.timedelta(hours=1), dt.timedelta(days=30))
    send(async_agency, "subscribe", with_frequency(person.iin, daily))
    (item,) = delivered(agency_server, async_agency, "/dci/registry/on-subscribe")["message"][
        "subscribe_response"
    ]
    assert item["subscriptions"][0]["frequency"] == daily
    agency_server.received.clear()

    with django_capture_on_commit_callbacks(execute=True):
        give_status(person, "II")
    with django_capture_on_commit_callbacks(execute=True):
        give_status(person, "I")
    (held,) = OutboxMessage.objects.filter(action="notify")
    midnight = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1),
        dt.time(),
        tzinfo=timezone.get_current_timezone(),
    )
    assert held.next_try_at == midnight
    assert outbox.deliver_due().tried == 0  # not before its time
    assert agency_server.received == []

    OutboxMessage.objects.filter(pk=held.pk).update(next_try_at=timezone.now())  # midnight came
    body = delivered(agency_server, async_agency, "/dci/registry/notify")
    events = body["message"]["notify_event"]
    assert [event["data"]["reg_records"]["disability_level"] for event in events] == [
        "Moderate",
        "Severe",
    ]
    assert {event["reference_id"] for event in events} == {item["subscriptions"][0]["code"]}
    assert body["header"]["total_count"] == 2
    # Sent: the next change waits for the next time.
    with django_capture_on_commit_callbacks(execute=True):
        give_status(person, "III")
    queued = OutboxMessage.objects.get(action="notify", state=OutboxState.QUEUED)
    assert queued.pk != held.pk
    assert queued.next_try_at == midnight


def test_outside_its_frequencys_range_a_change_is_sent_as_it_happens(
    async_agency: DciAgency,
    agency_server: AgencyServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_person()
    later = frequency("0 0 0 5,15 * ? *", dt.timedelta(days=1), dt.timedelta(days=30))
    send(async_agency, "subscribe", with_frequency(person.iin, later))
    outbox.deliver_due()
    agency_server.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        give_status(person, "II")
    body = delivered(agency_server, async_agency, "/dci/registry/notify")
    assert len(body["message"]["notify_event"]) == 1


@pytest.mark.parametrize(
    "given",
    [
        frequency("0 0 0 L * ? *", -dt.timedelta(hours=1), dt.timedelta(days=30)),
        frequency("0 0 0 5 * MON *", -dt.timedelta(hours=1), dt.timedelta(days=30)),
        frequency("0 0 0 1 1 ? 2020", -dt.timedelta(hours=1), dt.timedelta(days=30)),
        frequency("0 0 0 5,15 * ? *", dt.timedelta(days=30), dt.timedelta(days=1)),
        {"frequency": "0 0 0 5,15 * ? *"},
        "0 0 0 5,15 * ? *",
    ],
)
def test_a_frequency_that_cannot_be_honoured_is_refused(
    async_agency: DciAgency, agency_server: AgencyServer, given: Any
) -> None:
    message = with_frequency(new_iin(), given)
    body = async_agency.envelope(message, header=async_agency.header(action="subscribe"))
    assert async_agency.post("/registry/subscribe", body).status_code == 200
    outbox.deliver_due()
    (item,) = agency_server.received[0][1]["message"]["subscribe_response"]
    assert item["status"] == "rjct"
    assert item["status_reason_code"] == "rjct.notify_details.invalid"
    assert "frequency" in item["status_reason_message"]
    assert not Subscription.objects.exists()


def test_a_registry_import_notifies_the_subscriptions_watching_its_persons(
    async_agency: DciAgency,
    agency_server: AgencyServer,
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
) -> None:
    from tests.registry.test_import import person_row, run, write_csv

    watched, severe, also_severe, mild = new_iin(), new_iin(), new_iin(), new_iin()
    # Subscribed before anyone is registered under the IIN: told once the import brings them.
    send(async_agency, "subscribe", subscribe_message({"type": "UIN", "value": watched}))
    population = [
        {
            "expression1": {
                "attribute_name": "region_code",
                "operator": "eq",
                "attribute_value": "71",
            }
        },
        {
            "condition": "and",
            "expression1": {
                "attribute_name": "disability_category",
                "operator": "eq",
                "attribute_value": "I",
            },
        },
    ]
    send(async_agency, "subscribe", subscribe_message(population, "predicate"))
    outbox.deliver_due()
    agency_server.received.clear()
    codes = dict(Subscription.objects.values_list("iin", "code"))

    rows = [
        person_row(iin=watched, region_code="75", category="II"),
        person_row(iin=severe, region_code="71", category="I"),
        person_row(iin=also_severe, region_code="71", category="I"),
        person_row(iin=mild, region_code="71", category="III"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run(write_csv(tmp_path / "registry.csv", rows))
    outbox.deliver_due()
    told: dict[str, list[str]] = {}
    for _path, body in agency_server.received:
        assert component_errors("NotifyEventRequest", body["message"]) == []
        events = body["message"]["notify_event"]
        assert body["header"]["total_count"] == len(events)
        (code,) = {event["reference_id"] for event in events}
        told[code] = sorted(
            event["data"]["reg_records"]["personal_details"]["identifier"] for event in events
        )
    # One message per subscription, an event for each of its persons the import brought.
    assert told == {codes[watched]: [watched], codes[""]: sorted([severe, also_severe])}
    logged = AccessEvent.objects.filter(agency="Social agency").values_list("person_iin", flat=True)
    assert sorted(logged) == sorted([watched, severe, also_severe])


def test_a_status_lapsing_at_its_reexamination_date_is_announced_once_a_day(
    async_agency: DciAgency, agency_server: AgencyServer
) -> None:
    today = timezone.localdate()
    lapsed, lasting = make_person(), make_person()
    give_status(lapsed, "II", until=today - dt.timedelta(days=1))
    give_status(lasting, "II", until=today)
    for person in (lapsed, lasting):
        send(async_agency, "subscribe", subscribe_message({"type": "UIN", "value": person.iin}))
    outbox.deliver_due()
    agency_server.received.clear()

    out = StringIO()
    call_command("registry_status_calendar", stdout=out)
    assert out.getvalue().rstrip().endswith(": 1.")  # the count, in whatever language
    body = delivered(agency_server, async_agency, "/dci/registry/notify")
    record = body["message"]["notify_event"][0]["data"]["reg_records"]
    assert record["personal_details"]["identifier"] == lapsed.iin
    assert (record["disability_status"], record["is_valid"]) == ("Expired", False)
    # Run again the same day: nothing is sent twice.
    call_command("registry_status_calendar", stdout=StringIO())
    assert OutboxMessage.objects.filter(action="notify").count() == 1
    with pytest.raises(CommandError):
        call_command("registry_status_calendar", "--day", "yesterday", stdout=StringIO())


def test_a_status_calendar_run_interrupted_between_persons_announces_each_once_when_rerun(
    async_agency: DciAgency, agency_server: AgencyServer
) -> None:
    today = timezone.localdate()
    first, second, third = make_person(), make_person(), make_person()
    for person in (first, second, third):
        give_status(person, "II", until=today - dt.timedelta(days=1))
        send(async_agency, "subscribe", subscribe_message({"type": "UIN", "value": person.iin}))
    outbox.deliver_due()
    OutboxMessage.objects.all().delete()
    seen: list[int] = []

    def stop_at_the_second(*, person_id: int, **_signal: Any) -> None:
        # After the agencies' receiver has queued the second person's notification.
        seen.append(person_id)
        if len(seen) == 2:
            raise RuntimeError("the run is stopped")

    disability_status_changed.connect(stop_at_the_second, dispatch_uid="test.stop_at_the_second")
    try:
        with pytest.raises(RuntimeError):
            call_command("registry_status_calendar", stdout=StringIO())
    finally:
        disability_status_changed.disconnect(dispatch_uid="test.stop_at_the_second")

    def told() -> list[str]:
        return sorted(
            event["data"]["reg_records"]["personal_details"]["identifier"]
            for message in OutboxMessage.objects.filter(action="notify").values_list(
                "message", flat=True
            )
            for event in message["notify_event"]
        )

    # The first person's announcement stands; the second's notification went with its mark.
    assert told() == [first.iin]
    out = StringIO()
    call_command("registry_status_calendar", stdout=out)
    assert out.getvalue().rstrip().endswith(": 2.")
    assert told() == sorted([first.iin, second.iin, third.iin])
    call_command("registry_status_calendar", stdout=StringIO())
    assert told() == sorted([first.iin, second.iin, third.iin])


def test_a_status_calendar_announcement_takes_the_trails_heads_in_one_order(
    async_agency: DciAgency, agency_server: AgencyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the receivers write joins the announcement's batch, whose heads are taken in the
    chains' order: a receiver's audit record written straight away would hold the audit head
    while the subscriptions' notice waits for the access log's (a deadlock beside a writer
    taking them the other way)."""
    from inclusio.core import audit
    from inclusio.interop import attestations
    from inclusio.registry.models import DisabilityStatus
    from tests.factories import make_user

    today = timezone.localdate()
    person = make_person(user=make_user("dana_calendar", "person", "71"))
    status = give_status(person, "II", until=today)
    # An attestation of the status in force, whose lapse the calendar then announces: its
    # revocation is a receiver writing to the audit trail.
    attestations.attestation_issue(actor=person.user, iin=person.iin)
    DisabilityStatus.objects.filter(pk=status.pk).update(
        reexamination_date=today - dt.timedelta(days=1)
    )
    send(async_agency, "subscribe", subscribe_message({"type": "UIN", "value": person.iin}))
    outbox.deliver_due()
    straight: list[str] = []
    heads: list[tuple[str, ...]] = []
    append, taking = audit._append, audit._taking

    def noting_straight(record: Any) -> Any:
        if audit._pending.get() is None:
            straight.append(getattr(record, "action", record.CHAIN))
        return append(record)

    def noting_heads(taken: tuple[str, ...]) -> None:
        heads.append(tuple(taken))
        taking(taken)

    monkeypatch.setattr(audit, "_append", noting_straight)
    monkeypatch.setattr(audit, "_taking", noting_heads)
    call_command("registry_status_calendar", stdout=StringIO())
    # Only the run's own summary, alone in its transaction, is written straight away.
    assert straight == ["status_calendar_changes_announce"]
    # Every statement that takes heads takes them sorted by the chains' names.
    assert heads and all(list(taken) == sorted(taken) for taken in heads)
