"""The housing lists' writes: registration from the registry, the order of the list and its
recompute, decisions with their legal basis, and the category re-derived from the registry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, Conflict, ValidationFailed
from inclusio.core.models import AuditEvent
from inclusio.housing import services
from inclusio.housing.errors import ErrorCode
from inclusio.housing.models import Event, Notice, Registration
from inclusio.registry.models import Person
from inclusio.registry.services import disability_status_record
from tests.factories import Trio, give_status, make_person, make_trio, make_user

pytestmark = pytest.mark.django_db(transaction=False)

DAY = dt.date(2024, 3, 18)


@pytest.fixture
def trio() -> Trio:
    return make_trio("housing_officer")


def _person(category: str | None = "II", *, birth: dt.date = dt.date(1980, 5, 17)) -> Person:
    person = make_person(birth_date=birth)
    if category is not None:
        give_status(person, category)
    return person


def _register(officer: object, person: Person, day: dt.date = DAY, **extra: str) -> Registration:
    return services.registration_create(actor=officer, person=person, registered_on=day, **extra)


def _written() -> tuple[int, int, int]:
    return Registration.objects.count(), Event.objects.count(), AuditEvent.objects.count()


def test_the_category_is_derived_from_the_registry(trio: Trio) -> None:
    registration = _register(trio.own_officer, trio.person)
    assert registration.category == "disability_group_1_2"
    assert registration.priority == 1 and registration.position == 1
    child = _person("child", birth=dt.date(2015, 2, 3))
    assert _register(trio.own_officer, child).category == "child_with_disability"
    kinds = list(Event.objects.filter(registration=registration).values_list("kind", flat=True))
    assert sorted(kinds) == ["position", "registered"]


def test_not_eligible_is_refused_with_the_reason_and_nothing_written(trio: Trio) -> None:
    group_three = _person("III")
    no_status = _person(None)
    before = _written()
    for person in (group_three, no_status):
        with pytest.raises(ValidationFailed) as refused:
            _register(trio.own_officer, person)
        assert refused.value.code == ErrorCode.NOT_ELIGIBLE
        assert "no valid disability status of group I or II" in refused.value.message
    assert _written() == before


def test_a_category_given_by_the_officer_needs_its_document(trio: Trio) -> None:
    person = _person("III")
    before = _written()
    with pytest.raises(ValidationFailed) as refused:
        _register(trio.own_officer, person, category="disability_group_3")
    assert refused.value.code == ErrorCode.CATEGORY_DOCUMENT_REQUIRED
    with pytest.raises(ValidationFailed) as unknown:
        _register(trio.own_officer, person, category="disability_group_1_2", category_document="x")
    assert unknown.value.code == ErrorCode.HOUSING_CATEGORY_UNKNOWN
    assert _written() == before
    registration = _register(
        trio.own_officer, person, category="disability_group_3", category_document="No. 5, 2024"
    )
    assert (registration.category, registration.priority) == ("disability_group_3", 3)


def test_a_duplicate_is_refused_and_nothing_written(trio: Trio) -> None:
    _register(trio.own_officer, trio.person)
    before = _written()
    with pytest.raises(Conflict) as refused:
        _register(trio.own_officer, trio.person, dt.date(2024, 5, 1))
    assert refused.value.code == ErrorCode.REGISTRATION_DUPLICATE
    assert _written() == before


def test_a_future_date_is_refused(trio: Trio) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _register(trio.own_officer, trio.person, dt.date.today() + dt.timedelta(days=1))
    assert refused.value.code == ErrorCode.REGISTRATION_DATE
    assert not Registration.objects.exists()


def test_only_a_housing_officer_of_the_region(trio: Trio) -> None:
    district = make_user("district_astana", "district_officer", "71")
    for stranger in (trio.other_officer, district, trio.person.user):
        with pytest.raises(AccessDenied):
            _register(stranger, trio.person)
    assert not Registration.objects.exists()


def test_the_order_is_priority_then_date_then_the_moment_recorded(trio: Trio) -> None:
    late_group = _register(trio.own_officer, _person("II"), dt.date(2020, 1, 1))
    early_group3 = _register(
        trio.own_officer,
        _person("III"),
        dt.date(2010, 1, 1),
        category="disability_group_3",
        category_document="No. 1",
    )
    early_child = _register(
        trio.own_officer, _person("child", birth=dt.date(2016, 1, 1)), dt.date(2019, 6, 1)
    )
    same_day_first = _register(trio.own_officer, _person("I"), dt.date(2021, 1, 1))
    same_day_second = _register(trio.own_officer, _person("I"), dt.date(2021, 1, 1))
    order = list(
        Registration.objects.filter(status="waiting")
        .order_by("position")
        .values_list("id", flat=True)
    )
    assert order == [
        early_child.pk,
        late_group.pk,
        same_day_first.pk,
        same_day_second.pk,
        early_group3.pk,
    ]
    assert services.positions_recompute() == 0  # idempotent


def test_allocation_in_turn_and_out_of_turn_only_with_a_ground(trio: Trio) -> None:
    first = _register(trio.own_officer, _person("I"), dt.date(2015, 1, 1))
    second = _register(trio.own_officer, trio.person, dt.date(2016, 1, 1))
    before = _written()
    with pytest.raises(ValidationFailed) as refused:
        services.registration_allocate(
            actor=trio.own_officer, registration=second, dwelling="Abai 1-5", legal_basis="No. 7"
        )
    assert refused.value.code == ErrorCode.SKIP_GROUND_REQUIRED
    assert _written() == before
    with pytest.raises(ValidationFailed) as no_basis:
        services.registration_allocate(
            actor=trio.own_officer, registration=first, dwelling="Abai 1-5", legal_basis=" "
        )
    assert no_basis.value.code == ErrorCode.DECISION_FIELD_REQUIRED
    services.registration_allocate(
        actor=trio.own_officer,
        registration=second,
        dwelling="Abai 1-5",
        legal_basis="Akimat decision No. 7",
        skip_ground="Art. 74: emergency housing",
    )
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == "housed" and second.position is None
    assert first.position == 1
    allocated = Event.objects.get(registration=second, kind="allocated")
    assert allocated.skip_ground == "Art. 74: emergency housing" and allocated.position == 2
    with pytest.raises(Conflict):
        services.registration_remove(
            actor=trio.own_officer, registration=second, reason="x", legal_basis="y"
        )


def test_removal_and_a_declined_offer_move_the_list(trio: Trio) -> None:
    first = _register(trio.own_officer, _person("I"), dt.date(2015, 1, 1))
    second = _register(trio.own_officer, trio.person, dt.date(2016, 1, 1))
    services.registration_decline(
        actor=trio.own_officer, registration=first, dwelling="Abai 2", reason="fifth floor, no lift"
    )
    first.refresh_from_db()
    assert first.position == 1 and first.status == "waiting"
    with pytest.raises(AccessDenied):
        services.registration_remove(
            actor=trio.other_officer, registration=first, reason="moved", legal_basis="Art. 75"
        )
    services.registration_remove(
        actor=trio.own_officer, registration=first, reason="moved away", legal_basis="Art. 75"
    )
    second.refresh_from_db()
    assert second.position == 1
    assert list(
        Event.objects.filter(registration=second, kind="position")
        .order_by("id")
        .values_list("position", flat=True)
    ) == [2, 1]


def test_a_status_change_re_derives_the_category_and_tells_the_person(
    trio: Trio, django_capture_on_commit_callbacks: object
) -> None:
    # A child of 17 whose status, at 18, is recorded again as group II.
    child = make_person(birth_date=dt.date(2008, 6, 1))
    give_status(child, "child", valid_from=dt.date(2023, 1, 1))
    adult = _register(trio.own_officer, trio.person, dt.date(2015, 1, 1))
    _register(trio.own_officer, child, dt.date(2019, 1, 1))
    assert adult.priority == 1
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        disability_status_record(
            actor=SYSTEM,
            person=trio.person,
            category="III",
            cause="general_disease",
            valid_from=dt.date(2024, 1, 1),
            reexamination_date=dt.date(2027, 1, 1),
            limitations=["mobility"],
            source="import",
        )
    adult.refresh_from_db()
    assert adult.needs_review and adult.category == "disability_group_1_2"
    notice = Notice.objects.get(person=trio.person)
    assert notice.kind == "category_lapsed"
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        disability_status_record(
            actor=SYSTEM,
            person=child,
            category="II",
            cause="general_disease",
            valid_from=dt.date(2026, 6, 1),
            reexamination_date=dt.date(2027, 1, 1),
            limitations=["mobility"],
            source="import",
        )
    assert Registration.objects.get(person=child).category == "disability_group_1_2"
    assert Notice.objects.get(person=child).kind == "category_changed"
    assert Event.objects.filter(registration__person=child, kind="category").count() == 1


def test_the_recompute_takes_as_many_statements_for_any_number_of_rows(trio: Trio) -> None:
    from django.test.utils import CaptureQueriesContext

    statements = []
    for batch in (range(2001, 2006), range(2006, 2021)):
        for year in batch:
            _register(trio.own_officer, _person("II"), dt.date(year, 1, 1))
        Registration.objects.update(position=None)
        with CaptureQueriesContext(connection) as queries:
            moved = services.positions_recompute()
        assert moved == Registration.objects.count()
        statements.append(len(queries))
    assert statements[0] == statements[1]
    assert sorted(Registration.objects.values_list("position", flat=True)) == list(range(1, 21))


def test_the_synthetic_lists_add_up_to_the_national_figures() -> None:
    from inclusio.synthetic.housing import housing_synthesise, national_check, targets

    for national, regions in national_check(targets()).values():
        assert national == regions
    assert sum(t.waiting_persons for t in targets(0.5).values()) == round(55_258 * 0.5)
    adults = [_person("II") for _ in range(3)]
    children = [_person("child", birth=dt.date(2015, 1, 1)) for _ in range(2)]
    _person("III")
    counts = housing_synthesise(scale=0.01, region_code="71")
    wanted = targets(0.01)["71"]
    written = counts["waiting"] + counts["housed"]
    assert written == len(adults) + len(children)
    assert counts["shortfall"] == sum(vars(wanted).values()) - written
    positions = Registration.objects.filter(status="waiting").values_list("position", flat=True)
    assert sorted(positions) == list(range(1, counts["waiting"] + 1))
    housed = Registration.objects.filter(status="housed")
    assert all(2018 <= row.closed_at.year <= 2023 for row in housed)
    assert housing_synthesise(scale=0.01, region_code="71")["waiting"] == 0  # once per region
