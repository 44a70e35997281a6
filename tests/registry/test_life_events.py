"""Recording a death, an emigration, an imprisonment or a release: who may, what is refused, the
history on the person's page, the audit without personal values, and the export that carries the
recorded dates into the snapshot."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.test import Client
from django.utils import timezone, translation

from inclusio.core.audit import SYSTEM, personal_digest
from inclusio.core.errors import AccessDenied, DomainError
from inclusio.core.models import AuditEvent, User
from inclusio.registry.errors import ErrorCode
from inclusio.registry.export import snapshot_export
from inclusio.registry.models import LifeEvent, Person
from inclusio.registry.services import care_link_create, person_life_event_record
from inclusio.snapshot.contract import LIFE_EVENTS, SCHEMAS, parquet_path
from tests.factories import Trio, give_status, make_person, make_trio, make_user, sign_in

pytestmark = pytest.mark.django_db

DIED = dt.date(2024, 3, 5)
SOURCE = "Civil registry record No. 4711 of 2024-03-06"


def record(actor: Any, person: Person, **overrides: Any) -> LifeEvent:
    fields: dict[str, Any] = {
        "kind": "death",
        "date": DIED,
        "source": SOURCE,
        "reason": "Notice from the civil registry",
    }
    fields.update(overrides)
    return person_life_event_record(actor=actor, person=person, **fields)


def test_an_officer_records_a_death_kept_as_history_and_audited_without_personal_values() -> None:
    trio = make_trio()
    event = record(trio.own_officer, trio.person)
    assert (event.kind, event.date, event.source, event.recorded_by) == (
        "death",
        DIED,
        SOURCE,
        trio.own_officer,
    )
    audit = AuditEvent.objects.get(action="person_life_event_record")
    assert audit.data["kind"] == "death" and audit.data["event"] == event.pk
    assert audit.data["digests"]["date"] == personal_digest(DIED)
    # The values, not the digests (hexadecimal, which may hold "4711" by chance), carry no
    # personal value.
    values = [value for key, value in audit.data.items() if key != "digests"]
    text = json.dumps(values)
    assert DIED.isoformat() not in text and "4711" not in text and "civil registry" not in text


def test_an_imprisonment_and_its_release_are_kept_as_history() -> None:
    trio = make_trio()
    record(trio.own_officer, trio.person, kind="imprisonment", date=dt.date(2023, 2, 1))
    record(trio.own_officer, trio.person, kind="release", date=dt.date(2024, 2, 1))
    record(trio.own_officer, trio.person, kind="imprisonment", date=dt.date(2024, 5, 1))
    kinds = list(trio.person.life_events.values_list("kind", "date"))
    assert kinds == [
        ("imprisonment", dt.date(2023, 2, 1)),
        ("release", dt.date(2024, 2, 1)),
        ("imprisonment", dt.date(2024, 5, 1)),
    ]


BAD = [
    ({"date": dt.date(2999, 1, 1)}, ErrorCode.LIFE_EVENT_DATE_FUTURE),
    ({"date": dt.date(1970, 1, 1)}, ErrorCode.LIFE_EVENT_BEFORE_BIRTH),
    ({"kind": "disappearance"}, ErrorCode.LIFE_EVENT_KIND_UNKNOWN),
    ({"reason": ""}, ErrorCode.LIFE_EVENT_REASON_MISSING),
    ({"reason": "   "}, ErrorCode.LIFE_EVENT_REASON_MISSING),
    ({"source": ""}, ErrorCode.LIFE_EVENT_SOURCE_MISSING),
    ({"source": "x" * 301}, ErrorCode.VALUE_TOO_LONG),
    ({"date": "2024-03-05"}, ErrorCode.DATE_FORMAT),
    ({"kind": "release"}, ErrorCode.LIFE_EVENT_NOT_IMPRISONED),
]


@pytest.mark.parametrize(("fields", "code"), BAD)
def test_bad_input_is_refused_with_a_code_and_a_translated_message(
    fields: dict[str, Any], code: ErrorCode
) -> None:
    trio = make_trio()
    audited = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refusal:
        record(trio.own_officer, trio.person, **fields)
    assert refusal.value.code == code
    english = refusal.value.message
    for language in ("kk", "ru"):
        with translation.override(language):
            assert refusal.value.message and refusal.value.message != english
    assert not LifeEvent.objects.exists()
    assert AuditEvent.objects.count() == audited


def test_nothing_is_recorded_after_a_death() -> None:
    trio = make_trio()
    record(trio.own_officer, trio.person)
    for kind in ("death", "emigration"):
        with pytest.raises(DomainError) as refusal:
            record(trio.own_officer, trio.person, kind=kind, date=timezone.localdate())
        assert refusal.value.code == ErrorCode.LIFE_EVENT_AFTER_DEATH
    assert LifeEvent.objects.count() == 1


def representative_of(person: Person) -> User:
    account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=account)
    care_link_create(
        actor=SYSTEM, carer=parent, cared=person, relation="guardian", since=dt.date(2020, 1, 1)
    )
    return account


@pytest.mark.parametrize("who", ["person", "other_officer", "representative"])
def test_only_an_officer_of_the_persons_region_records_an_event(who: str) -> None:
    trio = make_trio()
    actor = {
        "person": lambda: trio.person.user,
        "other_officer": lambda: trio.other_officer,
        "representative": lambda: representative_of(trio.person),
    }[who]()
    with pytest.raises(AccessDenied):
        record(actor, trio.person)
    assert not LifeEvent.objects.exists()


FORM = {
    "kind": "death",
    "date": DIED.isoformat(),
    "source": SOURCE,
    "reason": "Notice from the civil registry",
}


def url(trio: Trio) -> str:
    return f"/en/registry/persons/{trio.person.iin}/life-events/"


def test_the_officer_records_from_the_persons_page_and_reads_the_history(client: Client) -> None:
    trio = make_trio()
    sign_in(client, trio.own_officer)
    page = client.get(f"/en/registry/persons/{trio.person.iin}/").content.decode()
    assert "Record a life event" in page and "No death, emigration or imprisonment" in page
    response = client.post(url(trio), FORM)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/registry/persons/{trio.person.iin}/")
    page = client.get(response["Location"]).content.decode()
    assert "Recorded: death on 2024-03-05." in page
    assert SOURCE in page and "2024-03-05" in page
    assert LifeEvent.objects.get().recorded_by == trio.own_officer


def test_a_refused_event_is_shown_on_the_form_in_the_users_language(client: Client) -> None:
    trio = make_trio()
    sign_in(client, trio.own_officer)
    response = client.post(
        f"/ru/registry/persons/{trio.person.iin}/life-events/", {**FORM, "date": "2999-01-01"}
    )
    assert response.status_code == 422
    assert "Дата события не может быть в будущем" in response.content.decode()
    empty = client.post(url(trio), {**FORM, "reason": "", "kind": "vanished"})
    assert empty.status_code == 422
    assert not LifeEvent.objects.exists()


@pytest.mark.parametrize("who", ["person", "other_officer", "representative"])
def test_nobody_else_reaches_the_form(client: Client, who: str) -> None:
    trio = make_trio()
    actor = {
        "person": lambda: trio.person.user,
        "other_officer": lambda: trio.other_officer,
        "representative": lambda: representative_of(trio.person),
    }[who]()
    sign_in(client, actor)
    page = client.get(f"/en/registry/persons/{trio.person.iin}/")
    assert "Record a life event" not in page.content.decode()
    response = client.post(url(trio), FORM)
    # Out of scope answers as unknown; the person and the representative see the record, but
    # may not act on it.
    assert response.status_code == (404 if who == "other_officer" else 403)
    assert not LifeEvent.objects.exists()


def test_a_get_writes_nothing(client: Client) -> None:
    trio = make_trio()
    sign_in(client, trio.own_officer)
    assert client.get(url(trio), FORM).status_code == 405
    assert not LifeEvent.objects.exists()


def population(directory: Path, persons: list[Person], rows: dict[str, dict[str, Any]]) -> Path:
    """A population part holding ``persons``, with the life events in ``rows`` by IIN."""
    directory.mkdir()
    table = [
        {
            "iin": person.iin,
            "family_id": n,
            "family_role": "head",
            "birth_date": person.birth_date,
            "sex": person.sex,
            "region_code": person.region_id,
            "urban": True,
            "employed": False,
            "monthly_income_kzt": 0,
            "home_schooled": False,
            **rows.get(person.iin, {}),
        }
        for n, person in enumerate(persons, start=1)
    ]
    pq.write_table(
        pa.Table.from_pylist(table, schema=SCHEMAS["persons"]), directory / "persons.parquet"
    )
    families = [
        {
            "family_id": n,
            "region_code": "71",
            "urban": True,
            "housing": "own",
            "members": 1,
            "latitude": 51.1,
            "longitude": 71.4,
        }
        for n in range(1, len(persons) + 1)
    ]
    pq.write_table(
        pa.Table.from_pylist(families, schema=SCHEMAS["families"]), directory / "families.parquet"
    )
    (directory / "manifest.json").write_text("{}", encoding="utf-8")
    return directory


def test_the_export_writes_the_recorded_dates_into_the_persons(tmp_path: Path) -> None:
    officer = make_user("officer", "district_officer", "71")
    dead, gone, jailed, freed, untouched = (make_person(surname=f"P{n}") for n in range(5))
    for person in (dead, gone, jailed, freed, untouched):
        give_status(person)
    record(officer, dead)
    record(officer, gone, kind="emigration", date=dt.date(2023, 6, 1))
    record(officer, jailed, kind="imprisonment", date=dt.date(2023, 1, 10))
    record(officer, freed, kind="imprisonment", date=dt.date(2022, 1, 10))
    record(officer, freed, kind="release", date=dt.date(2023, 1, 10))
    record(officer, untouched, kind="emigration", date=dt.date(2024, 6, 1))  # after the date
    # The population register has an older spell for the jailed person, and a death of its own.
    given = population(
        tmp_path / "population",
        [dead, gone, jailed, freed, untouched],
        {
            jailed.iin: {
                "imprisonment_date": dt.date(2015, 1, 1),
                "release_date": dt.date(2016, 1, 1),
            },
            untouched.iin: {"death_date": dt.date(2024, 2, 1)},
        },
    )
    on = dt.date(2024, 4, 1)
    snapshot_export(actor=SYSTEM, on=on, out=tmp_path / "out", population=given)
    persons = {
        row["iin"]: {name: row[name] for name in LIFE_EVENTS}
        for row in pq.read_table(parquet_path(tmp_path / "out", "persons")).to_pylist()
    }
    assert persons[dead.iin]["death_date"] == DIED
    assert persons[gone.iin]["emigration_date"] == dt.date(2023, 6, 1)
    assert persons[jailed.iin]["imprisonment_date"] == dt.date(2023, 1, 10)
    assert persons[jailed.iin]["release_date"] is None  # the registry's spell, not the old one
    assert persons[freed.iin]["release_date"] == dt.date(2023, 1, 10)
    assert persons[untouched.iin] == {
        "death_date": dt.date(2024, 2, 1),  # the population register's own
        "emigration_date": None,  # recorded after the date
        "imprisonment_date": None,
        "release_date": None,
    }


def test_without_recorded_events_the_persons_file_is_copied(tmp_path: Path) -> None:
    person = make_person()
    given = population(tmp_path / "population", [person], {})
    snapshot_export(actor=SYSTEM, on=dt.date(2024, 1, 1), out=tmp_path / "out", population=given)
    copied = parquet_path(tmp_path / "out", "persons").read_bytes()
    assert copied == (given / "persons.parquet").read_bytes()
