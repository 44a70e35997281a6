"""Special social services: needs, choice and placement, the waiting list, attendance, the
month's per-capita funding, and inspections with prescriptions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, Conflict, NotFound, RateLimited, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent, User
from inclusio.payments.models import PaymentFile, Transfer
from inclusio.registry.models import Person
from inclusio.registry.services import care_link_create
from inclusio.socialservices import selectors, services
from inclusio.socialservices.errors import ErrorCode
from inclusio.socialservices.models import (
    Attendance,
    FundingMonth,
    Inspection,
    Need,
    Placement,
    Prescription,
    Provider,
    Signal,
    SocialOrderProject,
    WaitingEntry,
)
from tests.factories import Trio, give_status, make_person, make_user
from tests.socialservices.builders import END, START, make_provider, new_bin

pytestmark = pytest.mark.django_db


def another_need(trio: Trio, surname: str) -> Need:
    person = make_person(surname=surname)
    give_status(person)
    return services.need_record(
        actor=trio.own_officer,
        person=person,
        kind="day_care",
        hours_per_month=80,
        starts=START,
        ends=END,
    )


def act_as(person: Person, username: str) -> User:
    account = User.objects.create_user(username=username, password="correct horse battery")
    account.groups.add(Group.objects.get(name="person"))
    person.user = account
    person.save(update_fields=["user"])
    return account


# --- needs --------------------------------------------------------------------------------------


def test_an_officer_of_another_region_records_no_need(trio: Trio) -> None:
    before = Need.objects.count()
    with pytest.raises(AccessDenied):
        services.need_record(
            actor=trio.other_officer,
            person=trio.person,
            kind="day_care",
            hours_per_month=10,
            starts=START,
            ends=END,
        )
    assert Need.objects.count() == before
    refused = AccessEvent.objects.filter(person_iin=trio.person.iin).latest("id")
    assert (refused.what, refused.outcome) == ("social_services", "denied")


@pytest.mark.parametrize(
    ("hours", "ends", "code"),
    [
        (0, END, ErrorCode.NEED_VOLUME),
        (745, END, ErrorCode.NEED_VOLUME),
        (10, START - dt.timedelta(days=1), ErrorCode.NEED_PERIOD),
        (10, START + dt.timedelta(days=400), ErrorCode.NEED_PERIOD),
    ],
)
def test_a_need_out_of_bounds_is_refused(trio: Trio, hours: int, ends: dt.date, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.need_record(
            actor=trio.own_officer,
            person=trio.person,
            kind="day_care",
            hours_per_month=hours,
            starts=START,
            ends=ends,
        )
    assert refused.value.code == code and str(refused.value.message)
    assert not Need.objects.exists()


# --- choosing a provider ------------------------------------------------------------------------


def test_the_person_chooses_and_is_placed_then_others_wait_in_order(
    trio: Trio, provider: Provider, need: Need
) -> None:
    choice = services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert choice.placement is not None and choice.position == 0
    assert choice.placement.decided_by_service == "socialservices.provider_choose"
    assert (choice.placement.starts, choice.placement.ends) == (START, END)

    second = another_need(trio, "Бекова")
    services.provider_choose(actor=act_as(second.person, "bekova"), need=second, provider=provider)
    third, fourth = another_need(trio, "Сейітова"), another_need(trio, "Тлеуова")
    waiting_third = services.provider_choose(
        actor=act_as(third.person, "seitova"), need=third, provider=provider
    )
    waiting_fourth = services.provider_choose(
        actor=act_as(fourth.person, "tleuova"), need=fourth, provider=provider
    )
    assert waiting_third.placement is None and waiting_third.position == 1
    assert waiting_fourth.placement is None and waiting_fourth.position == 2
    assert Placement.objects.filter(provider=provider).count() == provider.places

    # Every place is taken: the officer's placement from the list is refused, nothing written.
    with pytest.raises(Conflict) as refused:
        services.waiting_place_next(actor=trio.own_officer, provider=provider)
    assert refused.value.code == ErrorCode.PLACES_FULL
    assert Placement.objects.filter(provider=provider).count() == provider.places

    # A place is freed (the first placement lay in the year before, as if moved there): the
    # first waiting is placed, not the second.
    earlier = {"starts": dt.date(2024, 1, 1), "ends": dt.date(2024, 12, 31)}
    Placement.objects.filter(need=need).update(**earlier)
    Need.objects.filter(pk=need.pk).update(**earlier)
    placed = services.waiting_place_next(actor=trio.own_officer, provider=provider)
    assert placed.need == third
    assert WaitingEntry.objects.get(need=third).left_at is not None
    assert services.waiting_position(WaitingEntry.objects.get(need=fourth)) == 1


def test_a_representative_chooses_for_the_child(trio: Trio, provider: Provider) -> None:
    mother_account = User.objects.create_user(username="mother", password="x")
    mother = make_person(surname="Омарова", user=mother_account)
    child = make_person(birth_date=dt.date(2016, 4, 2), surname="Омаров")
    give_status(child, "child", cause="from_childhood", valid_from=dt.date(2017, 1, 1))
    care_link_create(
        actor=SYSTEM, carer=mother, cared=child, relation="parent", since=dt.date(2016, 4, 2)
    )
    need = services.need_record(
        actor=trio.own_officer, person=child, kind="day_care", hours_per_month=60,
        starts=START, ends=END,
    )  # fmt: skip
    choice = services.provider_choose(actor=mother_account, need=need, provider=provider)
    assert choice.placement is not None and choice.placement.chosen_by == mother_account


def test_an_officer_cannot_choose_for_the_person(
    trio: Trio, provider: Provider, need: Need
) -> None:
    for officer in (trio.own_officer, trio.other_officer):
        with pytest.raises(NotFound):
            services.provider_choose(actor=officer, need=need, provider=provider)
    assert not Placement.objects.exists() and not WaitingEntry.objects.exists()


def test_another_kind_or_an_expired_licence_is_refused(trio: Trio, need: Need) -> None:
    residential = make_provider(trio.own_officer, kind="residential", name="Residential home")
    with pytest.raises(ValidationFailed) as refused:
        services.provider_choose(actor=trio.person.user, need=need, provider=residential)
    assert refused.value.code == ErrorCode.PROVIDER_KIND_MISMATCH
    expired = make_provider(trio.own_officer, name="Expired", licence_until=dt.date(2024, 12, 31))
    with pytest.raises(ValidationFailed) as refused:
        services.provider_choose(actor=trio.person.user, need=need, provider=expired)
    assert refused.value.code == ErrorCode.PROVIDER_NOT_LICENSED
    assert not Placement.objects.exists()


def test_a_provider_with_a_bad_bin_is_refused(trio: Trio) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.provider_register(
            actor=trio.own_officer, bin="050400000011", name="X", ownership="state",
            kind="day_care", region_code="71", address="Astana", places=3,
            iban="KZ18722S000012345678", licence_number="1", licence_from=START,
        )  # fmt: skip
    assert refused.value.code == "BIN_CHECKSUM"
    assert not Provider.objects.exists()


def test_a_provider_of_an_unknown_region_is_refused(trio: Trio) -> None:
    national = make_user("national", "district_officer", region=None)
    with pytest.raises(ValidationFailed) as refused:
        make_provider(national, region="99")
    assert refused.value.code == "REGION_UNKNOWN"
    assert not Provider.objects.exists()


def test_the_person_sees_each_provider_record_when_choosing(
    trio: Trio, provider: Provider, need: Need, inspector: User
) -> None:
    services.inspection_record(
        actor=inspector,
        provider=provider,
        held_on=dt.date(2024, 10, 1),
        summary="Scheduled",
        findings=[services.FindingInput("premises", "Ramp too steep", dt.date(2024, 12, 1))],
    )
    records = selectors.providers_for(need)
    assert [r.provider for r in records] == [provider]
    assert records[0].free == 2 and records[0].licensed
    assert [i.held_on for i in records[0].inspections] == [dt.date(2024, 10, 1)]
    assert [p.finding.requirement for p in records[0].open_prescriptions] == ["premises"]


# --- attendance ---------------------------------------------------------------------------------


@pytest.fixture
def placement(trio: Trio, provider: Provider, need: Need) -> Placement:
    choice = services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert choice.placement is not None
    return choice.placement


def test_the_provider_confirms_a_month_once(placement: Placement, provider_staff: User) -> None:
    record = services.attendance_confirm(
        actor=provider_staff, placement=placement, month=dt.date(2025, 3, 1), days=20
    )
    assert (record.days, record.confirmed_by) == (20, provider_staff)
    with pytest.raises(Conflict) as refused:
        services.attendance_confirm(
            actor=provider_staff, placement=placement, month=dt.date(2025, 3, 1), days=21
        )
    assert refused.value.code == ErrorCode.ATTENDANCE_ALREADY_CONFIRMED
    assert Attendance.objects.get().days == 20


@pytest.mark.parametrize(
    ("month", "days", "code"),
    [
        (dt.date(2024, 12, 1), 5, ErrorCode.ATTENDANCE_OUTSIDE_PLACEMENT),
        (dt.date(2026, 1, 1), 5, ErrorCode.ATTENDANCE_OUTSIDE_PLACEMENT),
        (dt.date(2025, 2, 1), 29, ErrorCode.ATTENDANCE_DAYS),
        (dt.date(2025, 2, 1), -1, ErrorCode.ATTENDANCE_DAYS),
    ],
)
def test_attendance_outside_the_placement_is_refused(
    placement: Placement, provider_staff: User, month: dt.date, days: int, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.attendance_confirm(
            actor=provider_staff, placement=placement, month=month, days=days
        )
    assert refused.value.code == code and str(refused.value.message)
    assert not Attendance.objects.exists()


def test_only_the_provider_s_own_staff_confirm(
    trio: Trio, placement: Placement, provider_staff: User
) -> None:
    stranger = make_user("other_provider", "social_provider", "71")
    for actor in (stranger, trio.own_officer, trio.person.user):
        with pytest.raises(AccessDenied):
            services.attendance_confirm(
                actor=actor, placement=placement, month=dt.date(2025, 3, 1), days=3
            )
    assert not Attendance.objects.exists()


# --- funding ------------------------------------------------------------------------------------


def test_a_month_s_funding_follows_the_person_and_is_computed_once(
    trio: Trio, placement: Placement, provider_staff: User, provider: Provider
) -> None:
    services.attendance_confirm(
        actor=provider_staff, placement=placement, month=dt.date(2025, 3, 1), days=31
    )
    second = another_need(trio, "Бекова")
    other = services.provider_choose(
        actor=act_as(second.person, "bekova"), need=second, provider=provider
    ).placement
    assert other is not None
    services.attendance_confirm(
        actor=provider_staff, placement=other, month=dt.date(2025, 3, 1), days=10
    )
    payer = make_user("payments", "ministry_admin", None)
    funded = services.funding_month_compute(actor=payer, month=dt.date(2025, 3, 1))
    # The illustrative day-care norm of 2025 is 145,000 a month: a full month and 10 of 31 days.
    expected = 145_000 + 145_000 * 10 // 31
    assert (funded.funding.persons, funded.funding.amount_kzt) == (2, expected)
    transfer = Transfer.objects.get()
    assert transfer.purpose_kind == "social_service" and transfer.state == "sent"
    assert (transfer.payee_reference, transfer.iban) == (provider.bin, provider.iban)
    assert provider.bin.encode() in funded.content and b"<OrgId>" in funded.content

    audit_before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        services.funding_month_compute(actor=payer, month=dt.date(2025, 3, 15))
    assert refused.value.code == ErrorCode.FUNDING_MONTH_COMPUTED
    assert (Transfer.objects.count(), PaymentFile.objects.count()) == (1, 1)
    assert AuditEvent.objects.count() == audit_before


def test_funding_waits_for_the_month_s_end_and_the_payment_officer(trio: Trio) -> None:
    payer = make_user("payments", "ministry_admin", None)
    with pytest.raises(ValidationFailed) as refused:
        services.funding_month_compute(actor=payer, month=timezone.localdate())
    assert refused.value.code == ErrorCode.FUNDING_MONTH_NOT_ENDED
    with pytest.raises(AccessDenied):
        services.funding_month_compute(actor=trio.own_officer, month=dt.date(2025, 3, 1))
    assert not FundingMonth.objects.exists()


# --- inspections --------------------------------------------------------------------------------


def test_the_plan_scores_risk_as_documented(trio: Trio, inspector: User) -> None:
    today = timezone.localdate()
    quiet = make_provider(trio.own_officer, name="Quiet")
    risky = make_provider(trio.own_officer, name="Risky")
    services.inspection_record(actor=inspector, provider=quiet, held_on=today, summary="",
                               findings=[])  # fmt: skip
    services.inspection_record(
        actor=inspector,
        provider=risky,
        held_on=today - dt.timedelta(days=60),
        summary="",
        findings=[services.FindingInput("staffing", "Two carers short", today)],
    )
    Signal.objects.create(provider=risky, kind="complaint", received=today)
    Signal.objects.create(provider=risky, kind="incident", received=today)
    Signal.objects.create(provider=risky, kind="complaint", received=today - dt.timedelta(days=400))
    Prescription.objects.update(deadline=today - dt.timedelta(days=1))
    plan = services.control_plan_make(actor=inspector, region_code="71", day=today)
    entries = list(plan.entries.all())
    # Quiet was inspected today and has no signals: not in the plan.
    assert [(e.provider, e.score) for e in entries] == [(risky, 3 + 5 + 10)]
    with pytest.raises(Conflict) as refused:
        services.control_plan_make(actor=inspector, region_code="71", day=today)
    assert refused.value.code == ErrorCode.PLAN_ALREADY_MADE
    with pytest.raises(AccessDenied):
        services.control_plan_make(actor=inspector, region_code="75", day=today)


def test_an_inspection_a_prescription_and_its_follow_up(
    provider: Provider, inspector: User
) -> None:
    today = timezone.localdate()
    inspection = services.inspection_record(
        actor=inspector,
        provider=provider,
        held_on=today - dt.timedelta(days=30),
        summary="Planned visit",
        findings=[
            services.FindingInput("accessibility", "No ramp at the entrance", today),
            services.FindingInput("records", "Register kept in pencil", None),
        ],
    )
    assert inspection.findings.count() == 2
    prescription = Prescription.objects.get()
    Prescription.objects.update(deadline=today - dt.timedelta(days=1))
    assert list(selectors.overdue_prescriptions(region_code="71")) == [prescription]
    assert list(selectors.overdue_prescriptions(region_code="75")) == []
    with pytest.raises(ValidationFailed) as refused:
        services.prescription_follow_up(
            actor=inspector, prescription=prescription, remedied_on=today, note=" "
        )
    assert refused.value.code == ErrorCode.FOLLOW_UP_NOTE
    services.prescription_follow_up(
        actor=inspector, prescription=prescription, remedied_on=today, note="Ramp built"
    )
    assert list(selectors.overdue_prescriptions(region_code="71")) == []
    with pytest.raises(Conflict) as refused:
        services.prescription_follow_up(
            actor=inspector, prescription=prescription, remedied_on=today, note="Again"
        )
    assert refused.value.code == ErrorCode.PRESCRIPTION_CLOSED


@pytest.mark.parametrize(
    ("days_ago", "requirement", "deadline_after", "code"),
    [
        (-1, "premises", 10, ErrorCode.INSPECTION_DATE),
        (5, "astrology", 10, ErrorCode.FINDING_REQUIREMENT_UNKNOWN),
        (5, "premises", 0, ErrorCode.PRESCRIPTION_DEADLINE),
    ],
)
def test_a_wrong_inspection_is_refused(
    provider: Provider,
    inspector: User,
    days_ago: int,
    requirement: str,
    deadline_after: int,
    code: str,
) -> None:
    held = timezone.localdate() - dt.timedelta(days=days_ago)
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_record(
            actor=inspector,
            provider=provider,
            held_on=held,
            summary="",
            findings=[
                services.FindingInput(requirement, "x", held + dt.timedelta(days=deadline_after))
            ],
        )
    assert refused.value.code == code
    assert not Inspection.objects.exists()


def test_an_inspector_of_another_region_is_refused(trio: Trio, provider: Provider) -> None:
    stranger = make_user("inspector_almaty", "social_inspector", "75")
    with pytest.raises(AccessDenied) as refused:
        services.inspection_record(
            actor=stranger, provider=provider, held_on=START, summary="", findings=[]
        )
    assert refused.value.code == ErrorCode.NOT_INSPECTOR
    assert not Inspection.objects.exists()


def test_refusals_read_in_kazakh_and_russian(trio: Trio, provider: Provider) -> None:
    from django.utils import translation

    with pytest.raises(ValidationFailed) as refused:
        services.need_record(
            actor=trio.own_officer, person=trio.person, kind="day_care", hours_per_month=0,
            starts=START, ends=END,
        )  # fmt: skip
    english = str(refused.value.message)
    with translation.override("kk"):
        assert str(refused.value.message) == "Көлемі — айына 1-ден 744-ге дейінгі сағат саны."
    with translation.override("ru"):
        assert str(refused.value.message) == "Объём — число часов в месяц от 1 до 744."
    assert english == "The volume is a number of hours a month between 1 and 744."


# --- ending a placement -------------------------------------------------------------------------


def test_ending_a_placement_gives_its_place_to_the_first_waiting_from_the_next_day(
    trio: Trio, provider: Provider, need: Need
) -> None:
    placed = services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert placed.placement is not None
    second = another_need(trio, "Бекова")
    services.provider_choose(actor=act_as(second.person, "bekova"), need=second, provider=provider)
    third = another_need(trio, "Сейітова")
    services.provider_choose(actor=act_as(third.person, "seitova"), need=third, provider=provider)
    assert not Placement.objects.filter(need=third).exists()

    ended = services.placement_end(
        actor=trio.person.user,
        placement=placed.placement,
        last_day=dt.date(2025, 3, 31),
        reason="We move to Almaty",
    )
    assert ended.placement.ends == dt.date(2025, 3, 31)
    assert ended.placement.ended_by == trio.person.user and ended.placement.end_reason
    assert ended.next_placed is not None and ended.next_placed.need == third
    assert (ended.next_placed.starts, ended.next_placed.ends) == (dt.date(2025, 4, 1), END)
    assert ended.next_placed.decided_by_service == "socialservices.placement_end"
    assert WaitingEntry.objects.get(need=third).left_at is not None
    record = AuditEvent.objects.filter(action="placement_end").get()
    assert record.data["ends"] == [str(END), "2025-03-31"]
    assert "Almaty" not in str(record.data)


def test_an_officer_ends_a_placement_and_nobody_waits(
    trio: Trio, provider: Provider, need: Need
) -> None:
    placed = services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert placed.placement is not None
    ended = services.placement_end(
        actor=trio.own_officer,
        placement=placed.placement,
        last_day=START,
        reason="The need was reassessed",
    )
    assert ended.placement.ends == START and ended.next_placed is None


@pytest.mark.parametrize(
    ("last_day", "reason", "code"),
    [
        (END, "Leaving", ErrorCode.PLACEMENT_END_DAY),  # the planned end is no early end
        (START - dt.timedelta(days=1), "Leaving", ErrorCode.PLACEMENT_END_DAY),
        (dt.date(2025, 1, 31), "Leaving", ErrorCode.PLACEMENT_END_BEFORE_ATTENDANCE),
        (dt.date(2025, 6, 30), "  ", ErrorCode.PLACEMENT_END_REASON),
        (dt.date(2025, 6, 30), "x" * 1001, ErrorCode.PLACEMENT_END_REASON),
    ],
)
def test_a_wrong_end_is_refused_and_nothing_changes(
    trio: Trio,
    provider: Provider,
    provider_staff: User,
    need: Need,
    last_day: dt.date,
    reason: str,
    code: ErrorCode,
) -> None:
    placed = services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert placed.placement is not None
    services.attendance_confirm(
        actor=provider_staff, placement=placed.placement, month=dt.date(2025, 2, 1), days=20
    )
    with pytest.raises((ValidationFailed, Conflict)) as refused:
        services.placement_end(
            actor=trio.person.user, placement=placed.placement, last_day=last_day, reason=reason
        )
    assert refused.value.code == code
    assert Placement.objects.get(pk=placed.placement.pk).ends == END
    assert not AuditEvent.objects.filter(action="placement_end").exists()


def test_an_officer_of_another_region_cannot_end_a_placement(
    trio: Trio, provider: Provider, need: Need
) -> None:
    placed = services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert placed.placement is not None
    with pytest.raises(NotFound):
        services.placement_end(
            actor=trio.other_officer,
            placement=placed.placement,
            last_day=dt.date(2025, 6, 30),
            reason="Leaving",
        )
    assert Placement.objects.get(pk=placed.placement.pk).ends == END


# --- complaints and incidents -------------------------------------------------------------------


def test_a_person_served_complains_and_the_plan_counts_it(
    trio: Trio, provider: Provider, need: Need, inspector: User
) -> None:
    stranger = make_provider(trio.own_officer, name="Another centre")
    services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    with pytest.raises(ValidationFailed) as refused:
        services.complaint_file(
            actor=trio.person.user, provider=stranger, person=trio.person, text="They were rude."
        )
    assert refused.value.code == ErrorCode.COMPLAINT_NOT_SERVED
    with pytest.raises(ValidationFailed) as refused:
        services.complaint_file(
            actor=trio.person.user, provider=provider, person=trio.person, text="Bad"
        )
    assert refused.value.code == ErrorCode.COMPLAINT_TEXT
    with pytest.raises(NotFound):
        services.complaint_file(
            actor=trio.other_officer, provider=provider, person=trio.person, text="Not my place"
        )
    assert not Signal.objects.exists()

    for _ in range(services.COMPLAINTS_A_DAY):
        services.complaint_file(
            actor=trio.person.user, provider=provider, person=trio.person, text="No lunch today."
        )
    with pytest.raises(RateLimited) as limited:
        services.complaint_file(
            actor=trio.person.user, provider=provider, person=trio.person, text="No lunch again."
        )
    assert limited.value.code == ErrorCode.COMPLAINTS_TOO_MANY
    assert Signal.objects.filter(kind="complaint").count() == services.COMPLAINTS_A_DAY
    record = AuditEvent.objects.filter(action="complaint_file").latest("id")
    assert "lunch" not in str(record.data)
    risk = services.risks([provider], timezone.localdate())[provider.pk]
    assert risk.complaints == services.COMPLAINTS_A_DAY


def test_the_provider_s_staff_report_an_incident(
    trio: Trio, provider: Provider, provider_staff: User
) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        services.incident_report(
            actor=provider_staff,
            provider=provider,
            day=today + dt.timedelta(days=1),
            text="A resident fell on the stairs.",
        )
    assert refused.value.code == ErrorCode.INCIDENT_DAY
    with pytest.raises(AccessDenied):
        services.incident_report(
            actor=trio.own_officer, provider=provider, day=today, text="Someone fell down."
        )
    assert not Signal.objects.exists()
    signal = services.incident_report(
        actor=provider_staff, provider=provider, day=today, text="A resident fell on the stairs."
    )
    assert (signal.kind, signal.received, signal.filed_by) == ("incident", today, provider_staff)


# --- the state social order ---------------------------------------------------------------------


def _project(**changes: object) -> dict[str, object]:
    return {
        "region_code": "71",
        "ngo_name": "«Қамқор» қоғамдық бірлестігі",
        "ngo_bin": new_bin(),
        "title": "Home help for elderly persons with disabilities",
        "area": "home_care",
        "year": 2023,
        "budget_kzt": 25_000_000,
        "persons_covered": 40,
    } | changes


def test_an_officer_records_the_region_s_social_order_projects(trio: Trio) -> None:
    project = services.social_order_project_record(actor=trio.own_officer, **_project())  # type: ignore[arg-type]
    order = selectors.social_order(region_code="71", year=2023)
    assert order.projects == [project]
    assert (order.organisations, order.budget_kzt, order.persons_covered) == (1, 25_000_000, 40)
    assert selectors.latest_order_year("71") == 2023
    assert AuditEvent.objects.filter(action="social_order_project_record").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ngo_bin": "123456789012"}, "ngo_bin"),
        ({"ngo_name": " "}, "ngo_name"),
        ({"area": "weather"}, "area"),
        ({"year": 1999}, "year"),
        ({"budget_kzt": 0}, "budget_kzt"),
        ({"persons_covered": -1}, "persons_covered"),
    ],
)
def test_a_wrong_project_is_refused(trio: Trio, changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.social_order_project_record(actor=trio.own_officer, **_project(**changes))  # type: ignore[arg-type]
    assert refused.value.code == ErrorCode.SOCIAL_ORDER_FIELD
    assert refused.value.params["field"] == field
    with pytest.raises(AccessDenied):
        services.social_order_project_record(actor=trio.other_officer, **_project())  # type: ignore[arg-type]
    assert not SocialOrderProject.objects.exists()
