"""A death, an emigration or an imprisonment recorded in the registry stops benefits at once:
the person's awards end from its date, their later payments are stopped and no later payroll
pays them, their waiting offers are withdrawn, a sole carer's award ends, and the next screening
of a snapshot with the event proposes nothing again."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from inclusio.benefits.models import Award, Payment, Programme, Proposal
from inclusio.benefits.services import (
    payment_file_produce,
    payroll_approve,
    payroll_create,
    programmes_load,
    proposal_accept,
    screening_run,
)
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import Conflict
from inclusio.core.models import AuditEvent
from inclusio.registry.models import Person
from inclusio.registry.services import care_link_create, person_life_event_record
from tests.benefits.builders import IBAN, ON, Snapshot, copy_programmes, person_with_account
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db

FEBRUARY, MARCH, APRIL = dt.date(2024, 2, 1), dt.date(2024, 3, 1), dt.date(2024, 4, 1)
DIED = dt.date(2024, 2, 10)


_officers = itertools.count()


def record(person: Person, kind: str = "death", date: dt.date = DIED) -> None:
    person_life_event_record(
        actor=make_user(f"officer{next(_officers)}", "district_officer", person.region_id),
        person=person,
        kind=kind,
        date=date,
        source="Civil registry record No. 4711",
        reason="Notice from the civil registry",
    )


@pytest.fixture
def recipients(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> tuple[Person, Person]:
    """Two persons with the disability benefit awarded and paid for February and March."""
    first, second = person_with_account("first"), person_with_account("second")
    snapshot = Snapshot()
    snapshot.person(first.iin, category="I")
    snapshot.person(second.iin, category="III")
    screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "pay"), on=ON)
    for person in (first, second):
        offer = Proposal.objects.get(person=person, programme__code="disability_benefit")
        proposal_accept(actor=person.user, proposal_id=offer.pk, payment_account=IBAN)
    payroll_create(actor=SYSTEM, month=FEBRUARY)
    payroll_create(actor=SYSTEM, month=MARCH)
    return first, second


@pytest.mark.parametrize("kind", ["death", "emigration", "imprisonment"])
def test_the_event_ends_the_award_and_stops_the_later_payments_at_once(
    recipients: tuple[Person, Person], kind: str
) -> None:
    first, second = recipients
    offer = Proposal.objects.get(person=first, programme__code="free_legal_aid")
    record(first, kind)
    award = Award.objects.get(person=first, programme__code="disability_benefit")
    assert award.ends == DIED - dt.timedelta(days=1)
    statuses = dict(award.payments.values_list("month", "status"))
    assert statuses == {FEBRUARY: Payment.Status.SCHEDULED, MARCH: Payment.Status.STOPPED}
    offer.refresh_from_db()
    assert offer.status == Proposal.Status.WITHDRAWN
    # The next payroll pays the other person only; the stopped payment is in no payment file.
    april = payroll_create(actor=SYSTEM, month=APRIL)
    assert {p.award.person for p in april.payments.all()} == {second}
    march = Payment.objects.get(award=award, month=MARCH).payroll
    # A second person of the ministry approves the payroll before its file exists (four eyes).
    payroll_approve(actor=make_user("checker", "ministry_admin", None), payroll_id=march.pk)
    content = payment_file_produce(actor=SYSTEM, payroll_id=march.pk).content.decode()
    assert second.iin in content and first.iin not in content
    audit = AuditEvent.objects.get(action="awards_end_on_life_event")
    assert audit.data["awards"] == [award.pk] and audit.data["payments_stopped"] == 1
    assert audit.data["kind"] == kind


def test_a_release_ends_nothing(recipients: tuple[Person, Person]) -> None:
    first, _second = recipients
    record(first, "imprisonment", dt.date(2023, 6, 1))
    record(first, "release", dt.date(2023, 12, 1))
    award = Award.objects.get(person=first, programme__code="disability_benefit")
    # The imprisonment recorded late (before the award) ends it at its start; the release does
    # not restore it: the next screening offers it again.
    assert award.ends == award.starts
    assert AuditEvent.objects.filter(action="awards_end_on_life_event").count() == 1


def test_a_refused_event_leaves_the_benefits_as_they_were(
    recipients: tuple[Person, Person],
) -> None:
    first, _second = recipients
    with pytest.raises(Conflict):
        record(first, "release")
    assert Award.objects.get(person=first, programme__code="disability_benefit").ends is None
    assert not Payment.objects.filter(status=Payment.Status.STOPPED).exists()


def test_a_carers_award_ends_when_the_only_child_they_raise_dies(
    runs_dir: Path, tmp_path: Path
) -> None:
    report = programmes_load(
        actor=SYSTEM,
        directory=copy_programmes(tmp_path / "programmes", "child_disability_carer_benefit"),
    )
    assert not report.errors
    parent, other_parent = person_with_account("parent"), person_with_account("other")
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    children = [make_person(birth_date=dt.date(2017, 3, 3), surname=f"Child{n}") for n in (1, 2)]
    snapshot = Snapshot()
    snapshot.person(parent.iin)
    snapshot.person(other_parent.iin)
    for cared, carer in ((child, parent), (children[0], other_parent), (children[1], other_parent)):
        snapshot.person(cared.iin, category="child", birth_date=cared.birth_date)
        since = dt.date(2018, 1, 1)
        snapshot.care.append(
            {"carer_iin": carer.iin, "cared_iin": cared.iin, "relation": "parent", "since": since}
        )
        care_link_create(actor=SYSTEM, carer=carer, cared=cared, relation="parent", since=since)
    screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "carers"), on=ON)
    for carer in (parent, other_parent):
        offer = Proposal.objects.get(person=carer)
        proposal_accept(actor=carer.user, proposal_id=offer.pk, payment_account=IBAN)
    record(child)
    record(children[0])
    awards = {a.person: a for a in Award.objects.all()}
    assert awards[parent].ends == DIED - dt.timedelta(days=1)
    # Still raising another child: the award stays until the next screening recounts it.
    assert awards[other_parent].ends is None
    audit = AuditEvent.objects.filter(action="awards_end_on_life_event").first()
    assert audit is not None and audit.data["carer_awards"] == [awards[parent].pk]


def test_the_next_screening_of_a_snapshot_with_the_death_proposes_nothing_again(
    recipients: tuple[Person, Person], tmp_path: Path
) -> None:
    first, second = recipients
    record(first)
    snapshot = Snapshot()
    snapshot.person(first.iin, category="I")
    snapshot.persons[-1]["death_date"] = DIED
    snapshot.person(second.iin, category="III")
    run = screening_run(
        actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "later", "later"), on=MARCH
    )
    assert not Proposal.objects.filter(run=run, person=first).exists()
    assert Award.objects.filter(person=second, ends__isnull=True).exists()
