import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from inclusio.core.audit import SYSTEM, Actor, personal_digest
from inclusio.core.errors import AccessDenied, Conflict, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent
from inclusio.registry.events import disability_status_changed
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.registry.services import (
    care_link_create,
    current_status,
    disability_status_record,
    person_create,
    person_update,
)
from tests.factories import give_status, make_person, make_user, new_iin

pytestmark = pytest.mark.django_db


def test_a_person_is_registered_with_birth_date_and_sex_from_the_iin() -> None:
    officer = make_user("officer", "district_officer", "71")
    iin = new_iin(dt.date(2015, 4, 3), "M")
    person = person_create(
        actor=officer, iin=iin, surname="Серiков", given_name="Ерлан", region_code="71", urban=True
    )
    assert (person.birth_date, person.sex) == (dt.date(2015, 4, 3), "M")
    event = AuditEvent.objects.get(action="person_create", entity_id=iin)
    assert event.actor_name == "officer" and event.data["values"]["region"] == "71"
    assert event.data["values"]["sex"] == "M"
    assert event.data["digests"]["surname"] == personal_digest("Серiков")
    assert event.data["digests"]["birth_date"] == personal_digest(dt.date(2015, 4, 3))
    assert "Серiков" not in str(event.data) and "2015-04-03" not in str(event.data)


def test_a_duplicate_iin_is_a_conflict_and_writes_nothing() -> None:
    person = make_person()
    audit_before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refusal:
        person_create(
            actor=SYSTEM, iin=person.iin, surname="X", given_name="Y", region_code="71", urban=False
        )
    assert refusal.value.code == "PERSON_EXISTS"
    assert Person.objects.filter(iin=person.iin).count() == 1
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize(
    ("raw", "code"), [("123", "IIN_LENGTH"), ("12345678901a", "IIN_NOT_DIGITS")]
)
def test_malformed_iins_write_nothing(raw: str, code: str) -> None:
    before = Person.objects.count()
    with pytest.raises(ValidationFailed) as refusal:
        person_create(
            actor=SYSTEM, iin=raw, surname="X", given_name="Y", region_code="71", urban=True
        )
    assert refusal.value.code == code
    assert Person.objects.count() == before


def test_a_birth_date_that_contradicts_the_iin_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refusal:
        person_create(
            actor=SYSTEM,
            iin=new_iin(dt.date(1980, 1, 1)),
            surname="X",
            given_name="Y",
            region_code="71",
            urban=True,
            birth_date=dt.date(1981, 1, 1),
        )
    assert refusal.value.code == "IIN_BIRTH_DATE_MISMATCH"


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refusal:
        person_create(
            actor=SYSTEM, iin=new_iin(), surname="X", given_name="Y", region_code="99", urban=True
        )
    assert refusal.value.code == "REGION_UNKNOWN"


def test_an_officer_cannot_register_in_another_region_and_the_refusal_is_logged() -> None:
    officer = make_user("officer", "district_officer", "75")
    iin = new_iin()
    with pytest.raises(AccessDenied):
        person_create(
            actor=officer, iin=iin, surname="X", given_name="Y", region_code="71", urban=True
        )
    assert not Person.objects.filter(iin=iin).exists()
    refusal = AccessEvent.objects.get(person_iin=iin)
    assert refusal.outcome == "denied" and refusal.actor_name == "officer"


def test_updates_are_audited_with_what_changed() -> None:
    person = make_person()
    officer = make_user("officer", "district_officer", "71")
    person_update(actor=officer, person=person, phone="+77011234567", preferred_language="ru")
    event = AuditEvent.objects.filter(action="person_update").latest("id")
    assert event.data == {
        "changed": ["phone", "preferred_language"],
        "values": {"preferred_language": "ru"},
        "digests": {"phone": personal_digest("+77011234567")},
    }
    person_update(actor=officer, person=person, phone="")
    emptied = AuditEvent.objects.filter(action="person_update").latest("id")
    assert emptied.data["digests"] == {"phone": None}


@pytest.mark.parametrize("who", ["anonymous", "person"])
def test_an_anonymous_user_or_a_person_cannot_register_anyone(who: str) -> None:
    account = make_user("dana", "person", None)
    actor = AnonymousUser() if who == "anonymous" else account
    iin = new_iin()
    with pytest.raises(AccessDenied) as refusal:
        person_create(
            actor=actor, iin=iin, surname="Ким", given_name="Ольга", region_code="71", urban=True
        )
    assert refusal.value.code == "OUT_OF_SCOPE"
    assert not Person.objects.filter(iin=iin).exists() and not AuditEvent.objects.exists()


def test_the_platforms_loaders_register_and_the_trail_says_system() -> None:
    person = make_person()
    give_status(person)
    events = AuditEvent.objects.filter(entity_id=person.iin)
    assert {e.action for e in events} == {"person_create", "disability_status_record"}
    assert {(e.actor_name, e.actor_id) for e in events} == {("system", None)}


def test_a_correction_is_an_officers_act_not_the_platforms() -> None:
    person = make_person()
    for actor in (SYSTEM, AnonymousUser(), make_user("officer_almaty", "district_officer", "75")):
        with pytest.raises(AccessDenied):
            person_update(actor=actor, person=person, phone="+77010000000")
    person.refresh_from_db()
    assert person.phone == "" and not AuditEvent.objects.filter(action="person_update").exists()


def test_only_the_expertise_or_a_loader_records_a_disability_status() -> None:
    person = make_person()
    for actor in (AnonymousUser(), make_user("officer", "district_officer", "71")):
        with pytest.raises(AccessDenied):
            give_status_as(actor, person)
    assert not DisabilityStatus.objects.filter(person=person).exists()
    give_status_as(make_user("mse", "mse_specialist", "71"), person)
    assert current_status(person) is not None


def give_status_as(actor: Actor, person: Person) -> DisabilityStatus:
    return disability_status_record(
        actor=actor,
        person=person,
        category="II",
        cause="general_disease",
        valid_from=dt.date(2023, 1, 1),
        reexamination_date=dt.date(2027, 1, 1),
    )


def test_the_iin_cannot_be_changed_by_an_update() -> None:
    with pytest.raises(ValidationFailed) as refusal:
        person_update(actor=SYSTEM, person=make_person(), iin="000000000000")
    assert refusal.value.code == "FIELD_NOT_EDITABLE"


def test_a_new_status_supersedes_the_current_and_keeps_the_history() -> None:
    person = make_person()
    first = give_status(person, "III")
    received = []

    def receiver(**kwargs: object) -> None:
        received.append(kwargs)

    disability_status_changed.connect(receiver)
    try:
        second = give_status(person, "II", valid_from=dt.date(2024, 1, 1))
    finally:
        disability_status_changed.disconnect(receiver)
    first.refresh_from_db()
    assert first.superseded_at is not None
    assert current_status(person) == second
    assert list(person.statuses.order_by("id")) == [first, second]
    # Sent on commit; the test transaction commits nothing, so pytest-django runs the
    # on_commit callbacks only when asked — see test_events_are_sent_after_commit.
    assert received == []


def test_events_are_sent_after_commit(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    person = make_person()
    received: list[dict[str, object]] = []

    def receiver(**kwargs: object) -> None:
        received.append(kwargs)

    disability_status_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            status = give_status(person)
    finally:
        disability_status_changed.disconnect(receiver)
    assert received[0]["person_id"] == person.pk and received[0]["status_id"] == status.pk


@pytest.mark.parametrize(
    ("birth", "category", "code"),
    [
        (dt.date(1980, 1, 1), "child", "CATEGORY_AGE"),
        (dt.date(2015, 1, 1), "I", "CATEGORY_AGE"),
        (dt.date(1980, 1, 1), "IV", "CATEGORY_UNKNOWN"),
    ],
)
def test_category_must_fit_the_age(birth: dt.date, category: str, code: str) -> None:
    person = make_person(birth_date=birth)
    with pytest.raises(ValidationFailed) as refusal:
        give_status(person, category)
    assert refusal.value.code == code
    assert not DisabilityStatus.objects.filter(person=person).exists()


def test_loss_of_capacity_and_dates_are_checked() -> None:
    person = make_person()
    with pytest.raises(ValidationFailed) as refusal:
        disability_status_record(
            actor=SYSTEM,
            person=person,
            category="II",
            cause="other",
            valid_from=dt.date(2024, 1, 1),
            reexamination_date=None,
            work_capacity_loss_pct=120,
        )
    assert refusal.value.code == "LOSS_PCT_RANGE"
    with pytest.raises(ValidationFailed) as refusal:
        disability_status_record(
            actor=SYSTEM,
            person=person,
            category="II",
            cause="other",
            valid_from=dt.date(2024, 1, 1),
            reexamination_date=dt.date(2023, 1, 1),
        )
    assert refusal.value.code == "REEXAMINATION_BEFORE_START"


def test_a_parent_represents_a_minor_and_a_guardian_an_adult() -> None:
    parent = make_person(surname="Parent")
    child = make_person(birth_date=dt.date(2015, 6, 1), surname="Child")
    adult = make_person(birth_date=dt.date(1990, 6, 1), surname="Adult")
    as_parent = care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=dt.date(2015, 6, 1)
    )
    of_adult = care_link_create(
        actor=SYSTEM, carer=parent, cared=adult, relation="parent", since=dt.date(2015, 6, 1)
    )
    assert as_parent.represents_on(dt.date(2024, 1, 1))
    assert not as_parent.represents_on(dt.date(2033, 6, 1))  # the child is 18
    assert not of_adult.represents_on(dt.date(2024, 1, 1))
    with pytest.raises(Conflict):
        care_link_create(
            actor=SYSTEM, carer=parent, cared=child, relation="guardian", since=dt.date(2016, 1, 1)
        )


def test_a_family_has_one_head_and_a_person_one_family() -> None:
    from inclusio.registry.models import Family
    from inclusio.registry.services import family_create

    mother, child = (
        make_person(surname="Mother"),
        make_person(surname="Child", birth_date=dt.date(2016, 1, 1)),
    )
    family = family_create(
        actor=SYSTEM,
        region_code="71",
        urban=True,
        housing="own",
        members=[(mother, "head"), (child, "child")],
    )
    assert sorted(family.memberships.values_list("role", flat=True)) == ["child", "head"]
    with pytest.raises(ValidationFailed) as refusal:
        family_create(
            actor=SYSTEM,
            region_code="71",
            urban=True,
            housing="own",
            members=[(make_person(), "child")],
        )
    assert refusal.value.code == "FAMILY_HEAD"
    with pytest.raises(Conflict) as refusal:
        family_create(
            actor=SYSTEM, region_code="71", urban=True, housing="rent", members=[(child, "head")]
        )
    assert refusal.value.code == "FAMILY_MEMBER_ELSEWHERE"
    assert Family.objects.count() == 1
