"""The auditor reads the audit trail and every person's access log, searched and paged, in
plain words, with the last verification of the chains."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from inclusio.core.models import AccessEvent, AuditEvent, Seen
from inclusio.core.selectors import TRAIL_PAGE
from inclusio.registry.selectors import person_get
from tests.factories import make_person, make_trio, make_user, new_iin, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(client: Client) -> Any:
    account = make_user("auditor", "auditor", None)
    sign_in(client, account)
    return account


def test_the_trail_is_shown_in_plain_words(client: Client, auditor: Any) -> None:
    make_person(surname="Registered")
    response = client.get("/ru/audit/")
    (row,) = response.context["rows"]
    assert row.action == "человек зарегистрирован"  # person_create, in Russian
    assert row.entity == "лицо"  # the registry's word for the kind of record
    assert "<td>человек зарегистрирован</td>" in response.content.decode()


def test_the_trail_is_searched_by_person_action_and_account(client: Client, auditor: Any) -> None:
    trio = make_trio()
    other = make_person(surname="Other")
    response = client.get("/en/audit/", {"iin": trio.person.iin})
    rows = response.context["rows"]
    assert rows and {row.event.entity_id for row in rows} == {trio.person.iin}
    assert other.iin not in response.content.decode()
    # The auditor's look at the person's history is in the person's log.
    assert AccessEvent.objects.filter(
        person_iin=trio.person.iin, actor=auditor, what=Seen.RECORD_CHANGE
    ).exists()

    by_action = client.get("/en/audit/", {"action": "disability_status_record"}).context["rows"]
    assert by_action and {row.event.action for row in by_action} == {"disability_status_record"}
    assert client.get("/en/audit/", {"account": "nobody"}).context["rows"] == []


def test_a_malformed_iin_is_refused_on_the_form_and_finds_nobody(
    client: Client, auditor: Any
) -> None:
    make_person()
    response = client.get("/kk/audit/", {"iin": "123"})
    assert response.status_code == 422
    assert response.context["form"].errors.as_data()["iin"][0].code == "IIN_LENGTH"
    assert response.context["rows"] == []


def test_a_period_that_ends_before_it_starts_is_refused(client: Client, auditor: Any) -> None:
    response = client.get("/en/audit/access-log/", {"since": "2024-02-01", "until": "2024-01-01"})
    assert response.status_code == 422
    assert "until" in response.context["form"].errors


def test_the_trail_has_pages(client: Client, auditor: Any) -> None:
    for n in range(TRAIL_PAGE + 1):
        make_person(surname=f"P{n}")
    response = client.get("/en/audit/", {"page": "2"})
    assert response.context["page"].number == 2
    assert client.get("/en/audit/", {"page": "x"}).status_code == 200


def test_every_access_log_searched_by_iin_counts_the_look_up(
    client: Client, auditor: Any, settings: Any
) -> None:
    trio = make_trio()
    person_get(actor=trio.own_officer, iin=trio.person.iin)
    response = client.get("/en/audit/access-log/", {"iin": trio.person.iin})
    rows = response.context["rows"]
    assert rows and {row.event.person_iin for row in rows} == {trio.person.iin}
    page = response.content.decode()
    assert "your registry record" in page  # what was read, in words
    assert "District social-protection officer" in page  # the reader's office, in words
    settings.IIN_LOOKUPS_PER_ACCOUNT = 1
    assert client.get("/en/audit/access-log/", {"iin": new_iin()}).status_code == 429


def test_the_access_log_is_searched_by_purpose_and_outcome(client: Client, auditor: Any) -> None:
    trio = make_trio()
    person_get(actor=trio.own_officer, iin=trio.person.iin)
    with pytest.raises(Exception):  # noqa: B017 - the refusal itself is not under test
        person_get(actor=trio.other_officer, iin=trio.person.iin)
    refused = client.get("/en/audit/access-log/", {"outcome": "denied"}).context["rows"]
    assert refused and {row.event.actor_id for row in refused} == {trio.other_officer.pk}
    by_purpose = client.get("/en/audit/access-log/", {"purpose": "audit"}).context["rows"]
    assert {row.event.purpose for row in by_purpose} <= {"audit"}


def test_the_last_verification_is_shown(client: Client, auditor: Any) -> None:
    assert client.get("/en/audit/").context["check"] is None
    call_command("audit_verify")
    check = client.get("/en/audit/").context["check"]
    assert check.intact and len(check.lines) == 2
    home = client.get("/en/").content.decode()
    assert "The trails are intact." in home


def test_a_broken_chain_is_shown_as_broken(client: Client, auditor: Any) -> None:
    from inclusio.core.audit import record_write
    from inclusio.core.models import ChainHead

    make_person()
    # A row lost at the end of the chain: the head no longer matches.
    ChainHead.objects.filter(chain__startswith="audit").update(length=999)
    with pytest.raises(Exception):  # noqa: B017 - the command fails loudly, as it must
        call_command("audit_verify")
    assert record_write  # the verification wrote its result before failing
    last = AuditEvent.objects.filter(action="chain_verify").last()
    assert last is not None
    check = client.get("/en/audit/").context["check"]
    assert not check.intact


@pytest.mark.parametrize("path", ["/en/audit/", "/en/audit/access-log/"])
def test_only_the_trails_readers_open_the_pages(client: Client, path: str) -> None:
    trio = make_trio()
    sign_in(client, trio.own_officer)
    assert client.get(path).status_code == 403
    client.force_login(trio.person.user)
    assert client.get(path).status_code == 403


def test_a_regional_account_with_the_permission_is_refused(client: Client) -> None:
    regional = make_user("regional_auditor", "auditor", "71")
    sign_in(client, regional)
    assert client.get("/en/audit/").status_code == 403
