"""The emergency registry: compiled from the registry under the law, completed with consent,
looked up by dispatchers for an incident only, and every lookup in the access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import translation

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, Conflict, RateLimited, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent, User
from inclusio.emergency.errors import ErrorCode
from inclusio.emergency.models import Lookup, Residence
from inclusio.emergency.services import (
    distance_m,
    residence_consent_give,
    residence_consent_withdraw,
    residence_update,
    residences_compile,
    residences_lookup,
)
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.registry.services import care_link_create, person_life_event_record
from tests.factories import Trio, give_status, make_person, make_trio, make_user

pytestmark = pytest.mark.django_db

# A block of flats in Astana (region 71), and a point 50 m north of it.
HOME = (51.1280, 71.4300)
NEAR = (51.12845, 71.4300)


def _place(person: Person, where: tuple[float, float], address: str) -> None:
    Person.objects.filter(pk=person.pk).update(
        latitude=where[0], longitude=where[1], address=address
    )
    person.refresh_from_db()


@pytest.fixture
def trio() -> Trio:
    trio = make_trio()
    # Group I: one who cannot leave home alone (emergency/coverage.py).
    DisabilityStatus.objects.filter(person=trio.person).update(category="I")
    _place(trio.person, HOME, "Astana, Abai avenue 12")
    residences_compile()
    return trio


@pytest.fixture
def dispatcher() -> User:
    return make_user("dispatcher_astana", "dispatcher", "71")


def _nothing_written(before: tuple[int, int, int]) -> bool:
    return (Lookup.objects.count(), AccessEvent.objects.count(), AuditEvent.objects.count()) == (
        before
    )


def _counts() -> tuple[int, int, int]:
    return Lookup.objects.count(), AccessEvent.objects.count(), AuditEvent.objects.count()


# --- compiled from the registry --------------------------------------------------------------


def test_compiled_under_the_law_from_a_status_with_limited_mobility(trio: Trio) -> None:
    row = Residence.objects.get(person=trio.person)
    assert (row.address, row.region_id, row.limited_mobility) == (
        "Astana, Abai avenue 12",
        "71",
        True,
    )
    assert row.consent_given_at is None and row.entrance_code == ""
    walker = make_person(surname="Walker")
    _place(walker, NEAR, "Astana, Abai avenue 14")
    status = give_status(walker)
    status.mobility = False
    status.save(update_fields=["mobility"])
    summary = residences_compile()
    assert not Residence.objects.filter(person=walker).exists()
    assert (summary.added, summary.refreshed, summary.removed) == (0, 0, 0)


def test_only_those_who_cannot_leave_home_alone_are_compiled(trio: Trio) -> None:
    """A mobility limitation in group I or a child's disability, or in group II from 85
    (emergency/coverage.py); group III, and group II younger, are not the law's "limited
    mobility"."""
    today = dt.date.today()
    born = {
        "group III": (today.replace(year=today.year - 50), "III"),
        "group II at 60": (today.replace(year=today.year - 60), "II"),
        "group II at 84": (today.replace(year=today.year - 85) + dt.timedelta(days=1), "II"),
        "group II at 85": (today.replace(year=today.year - 85) - dt.timedelta(days=1), "II"),
        "a child": (today.replace(year=today.year - 8), "child"),
    }
    for surname, (birth_date, category) in born.items():
        someone = make_person(surname=surname, birth_date=birth_date)
        _place(someone, NEAR, f"Astana, {surname}")
        give_status(someone, category)
    residences_compile()
    kept = set(Residence.objects.values_list("person__surname", flat=True))
    assert kept == {trio.person.surname, "group II at 85", "a child"}


def test_a_moved_person_is_refreshed_and_a_dead_one_removed(trio: Trio) -> None:
    _place(trio.person, NEAR, "Astana, Abai avenue 14")
    assert residences_compile().refreshed == 1
    assert Residence.objects.get(person=trio.person).address == "Astana, Abai avenue 14"
    person_life_event_record(
        actor=trio.own_officer,
        person=trio.person,
        kind="death",
        date=dt.date(2026, 11, 1),
        source="civil registry",
        reason="death certificate",
    )
    assert residences_compile().removed == 1
    assert not Residence.objects.filter(person=trio.person).exists()


def test_the_audit_of_a_compilation_names_counts_never_persons(trio: Trio) -> None:
    event = AuditEvent.objects.filter(action="residences_compile").latest("id")
    assert event.data == {"added": 1}
    assert trio.person.iin not in str(
        AuditEvent.objects.filter(action="residences_compile").values()
    )


# --- the person's entry and consent ----------------------------------------------------------


def test_without_consent_only_the_floor_and_apartment(trio: Trio) -> None:
    residence_update(actor=trio.person.user, person=trio.person, floor=5, apartment="17")
    before = _counts()
    with pytest.raises(Conflict) as refused:
        residence_update(actor=trio.person.user, person=trio.person, entrance_code="1234")
    assert refused.value.code == ErrorCode.CONSENT_NOT_GIVEN
    with translation.override("ru"):
        assert "согласия" in refused.value.message
    assert _nothing_written(before)
    assert Residence.objects.get(person=trio.person).entrance_code == ""


def test_consent_adds_and_its_withdrawal_deletes_at_once(trio: Trio) -> None:
    residence_consent_give(actor=trio.person.user, person=trio.person)
    residence_update(
        actor=trio.person.user,
        person=trio.person,
        entrance_code="1234",
        uses_wheelchair=True,
        lives_alone=True,
        contact_name="Aigerim",
        contact_phone="+7 701 000 00 00",
    )
    row = Residence.objects.get(person=trio.person)
    assert row.entrance_code == "1234" and row.uses_wheelchair and row.lives_alone
    residence_consent_withdraw(actor=trio.person.user, person=trio.person)
    row.refresh_from_db()
    assert row.consent_given_at is None and row.consent_withdrawn_at is not None
    assert (row.entrance_code, row.uses_wheelchair, row.lives_alone, row.contact_phone) == (
        "",
        False,
        False,
        "",
    )
    assert row.limited_mobility and row.address  # the legal minimum stays
    withdrawal = AuditEvent.objects.filter(action="residence_consent_withdraw").latest("id")
    assert "1234" not in str(withdrawal.data) and "Aigerim" not in str(withdrawal.data)


def test_the_audit_of_a_correction_keeps_digests_not_values(trio: Trio) -> None:
    residence_consent_give(actor=trio.person.user, person=trio.person)
    residence_update(actor=trio.person.user, person=trio.person, entrance_code="8642")
    event = AuditEvent.objects.filter(action="residence_update").latest("id")
    assert event.data["changed"] == ["entrance_code"]
    assert "8642" not in str(event.data)


def test_an_officer_records_consent_only_saying_how(trio: Trio) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        residence_consent_give(actor=trio.own_officer, person=trio.person)
    assert refused.value.code == ErrorCode.CONSENT_REASON_REQUIRED
    assert _nothing_written(before)
    residence_consent_give(
        actor=trio.own_officer, person=trio.person, reason="in writing at the office, 1 Dec"
    )
    row = Residence.objects.get(person=trio.person)
    assert row.consent_given_at is not None
    assert row.consent_recorded_how == "in writing at the office, 1 Dec"
    event = AuditEvent.objects.filter(action="residence_consent_give").latest("id")
    assert event.data["by_staff"] is True and "in writing" not in str(event.data)


def test_the_person_gives_consent_without_an_office_record(trio: Trio) -> None:
    # The field is the officers' own: what the person sends is not kept as the office's words.
    residence_consent_give(actor=trio.person.user, person=trio.person, reason="the office said so")
    row = Residence.objects.get(person=trio.person)
    assert row.consent_given_at is not None and row.consent_recorded_how == ""
    event = AuditEvent.objects.filter(action="residence_consent_give").latest("id")
    assert event.data == {"by_staff": False, "how": None}


def test_the_trio_and_the_representative(trio: Trio) -> None:
    with pytest.raises(AccessDenied):
        residence_update(actor=trio.other_officer, person=trio.person, floor=2)
    residence_update(actor=trio.own_officer, person=trio.person, floor=2)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    _place(child, HOME, "Astana, Abai avenue 12")
    give_status(child, "child")
    residences_compile()
    parent_account = User.objects.create_user(username="parent", password="x" * 12)
    parent_account.groups.add(Group.objects.get(name="representative"))
    parent = make_person(surname="Parent", user=parent_account)
    care_link_create(
        actor=trio.own_officer,
        carer=parent,
        cared=child,
        relation="parent",
        since=dt.date(2016, 2, 2),
    )
    residence_consent_give(actor=parent_account, person=child)
    residence_update(actor=parent_account, person=child, bedridden=True)
    assert Residence.objects.get(person=child).bedridden
    for stranger in (parent_account, AnonymousUser()):
        with pytest.raises(AccessDenied):
            residence_update(actor=stranger, person=trio.person, floor=3)


def test_a_bad_phone_or_floor_is_refused(trio: Trio) -> None:
    residence_consent_give(actor=trio.person.user, person=trio.person)
    before = _counts()
    for values in ({"contact_phone": "call me"}, {"floor": 999}, {"address": "elsewhere"}):
        with pytest.raises(ValidationFailed) as refused:
            residence_update(actor=trio.person.user, person=trio.person, **values)
        assert refused.value.code == ErrorCode.RESIDENCE_FIELD
    assert _nothing_written(before)


def test_no_entry_for_a_person_not_covered(dispatcher: User) -> None:
    trio = make_trio()  # no place on the map: not compiled
    residences_compile()
    with pytest.raises(Conflict) as refused:
        residence_update(actor=trio.person.user, person=trio.person, floor=1)
    assert refused.value.code == ErrorCode.RESIDENCE_NOT_KEPT


# --- the dispatcher's lookup -----------------------------------------------------------------


def test_a_lookup_by_place_shows_the_home_and_logs_the_incident(
    trio: Trio, dispatcher: User
) -> None:
    answer = residences_lookup(
        actor=dispatcher,
        incident="AST-2026-0042",
        latitude=NEAR[0],
        longitude=NEAR[1],
        radius_m=100,
    )
    assert [item.residence.person_id for item in answer.found] == [trio.person.pk]
    assert 45 <= (answer.found[0].distance_m or 0) <= 55
    event = AccessEvent.objects.filter(person_iin=trio.person.iin).latest("id")
    assert (event.what, event.purpose, event.case, event.office) == (
        "emergency_residence",
        "emergency",
        "AST-2026-0042",
        "dispatcher",
    )
    with translation.override("en"):
        assert "incident AST-2026-0042" in event.purpose_label
    assert not answer.lookup.flagged


def test_a_lookup_by_address_in_any_case(trio: Trio, dispatcher: User) -> None:
    answer = residences_lookup(actor=dispatcher, incident="AST-7", address="abai AVENUE 12")
    assert [item.residence.person_id for item in answer.found] == [trio.person.pk]
    assert (
        residences_lookup(actor=dispatcher, incident="AST-8", address="Abai avenue 99").found == []
    )


def test_a_dispatcher_of_another_region_finds_nothing_there(trio: Trio) -> None:
    almaty = make_user("dispatcher_almaty", "dispatcher", "75")
    answer = residences_lookup(
        actor=almaty, incident="ALM-1", latitude=HOME[0], longitude=HOME[1], radius_m=100
    )
    assert answer.found == []
    assert answer.lookup.flags == ["outside_area"]  # for the auditor
    assert not AccessEvent.objects.filter(person_iin=trio.person.iin, case="ALM-1").exists()


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"incident": "", "address": "Abai 12"}, ErrorCode.INCIDENT_REQUIRED),
        ({"incident": "  ", "address": "Abai 12"}, ErrorCode.INCIDENT_REQUIRED),
        ({"incident": "x", "address": "Abai 12"}, ErrorCode.INCIDENT_FORMAT),
        ({"incident": "A1<script>", "address": "Abai 12"}, ErrorCode.INCIDENT_FORMAT),
        ({"incident": "A-1"}, ErrorCode.LOOKUP_MODE),
        (
            {
                "incident": "A-1",
                "address": "Abai",
                "latitude": 51.1,
                "longitude": 71.4,
                "radius_m": 50,
            },
            ErrorCode.LOOKUP_MODE,
        ),
        ({"incident": "A-1", "latitude": 51.1, "radius_m": 50}, ErrorCode.LOOKUP_MODE),
        ({"incident": "A-1", "address": "Ab"}, ErrorCode.LOOKUP_ADDRESS_SHORT),
        (
            {"incident": "A-1", "latitude": 48.85, "longitude": 2.35, "radius_m": 50},
            ErrorCode.LOOKUP_OUTSIDE_COUNTRY,
        ),
        (
            {"incident": "A-1", "latitude": float("nan"), "longitude": 71.4, "radius_m": 50},
            ErrorCode.LOOKUP_OUTSIDE_COUNTRY,
        ),
        (
            {"incident": "A-1", "latitude": 51.1, "longitude": 71.4, "radius_m": 501},
            ErrorCode.LOOKUP_RADIUS,
        ),
        (
            {"incident": "A-1", "latitude": 51.1, "longitude": 71.4, "radius_m": 0},
            ErrorCode.LOOKUP_RADIUS,
        ),
        ({"incident": "A-1", "latitude": 51.1, "longitude": 71.4}, ErrorCode.LOOKUP_RADIUS),
    ],
)
def test_bad_lookups_are_refused_and_write_nothing(
    trio: Trio, dispatcher: User, values: dict[str, Any], code: ErrorCode
) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        residences_lookup(actor=dispatcher, **values)
    assert refused.value.code == code
    with translation.override("kk"):
        assert refused.value.message and "%(" not in refused.value.message
    assert _nothing_written(before)


def test_a_lookup_is_not_a_list(trio: Trio, dispatcher: User, settings: Any) -> None:
    settings.EMERGENCY_LOOKUP_MAX_FOUND = 1
    neighbour = make_person(surname="Neighbour")
    _place(neighbour, NEAR, "Astana, Abai avenue 12")
    give_status(neighbour, "I")
    residences_compile()
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        residences_lookup(actor=dispatcher, incident="A-2", address="Abai avenue 12")
    assert refused.value.code == ErrorCode.LOOKUP_TOO_BROAD
    assert _nothing_written(before)


def test_lookups_in_bulk_are_refused_and_many_incidents_flagged(
    trio: Trio, dispatcher: User, settings: Any
) -> None:
    settings.EMERGENCY_LOOKUPS_PER_10_MINUTES = 4
    settings.EMERGENCY_INCIDENTS_PER_HOUR_UNUSUAL = 2
    answers = [
        residences_lookup(actor=dispatcher, incident=f"A-{n:03d}", address="Abai avenue")
        for n in range(4)
    ]
    assert [a.lookup.flagged for a in answers] == [False, False, True, True]
    with pytest.raises(RateLimited) as refused:
        residences_lookup(actor=dispatcher, incident="A-999", address="Abai avenue")
    assert refused.value.code == ErrorCode.LOOKUPS_TOO_MANY


def test_only_a_dispatcher_looks_up(trio: Trio) -> None:
    for actor in (trio.person.user, trio.own_officer, AnonymousUser(), SYSTEM):
        with pytest.raises(AccessDenied):
            residences_lookup(actor=actor, incident="A-1", address="Abai avenue")  # type: ignore[arg-type]
    assert not Lookup.objects.exists()


def test_distance_is_the_great_circle() -> None:
    assert round(distance_m(51.128, 71.43, 51.12845, 71.43)) == 50
    assert round(distance_m(43.2, 76.9, 51.1, 71.4) / 1000) == 971
