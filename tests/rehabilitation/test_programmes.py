"""The programme is prescribed in the MSE decision, issued in its transaction, revised with a
reason, and refused with a code when the input is wrong — nothing written then."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import translation

from inclusio.assessment.models import Decision, Referral
from inclusio.assessment.services import referral_decide
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, ValidationFailed
from inclusio.core.models import AuditEvent, User
from inclusio.registry.services import current_status
from inclusio.rehabilitation.errors import ErrorCode
from inclusio.rehabilitation.models import Line, Programme
from inclusio.rehabilitation.services import (
    Prescribed,
    fulfilment_record,
    programme_revise,
)
from tests.factories import give_status, make_person
from tests.rehabilitation.conftest import START, UNTIL
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

PRESCRIPTION = [
    Prescribed("wheelchair_manual", 1),
    Prescribed("diapers", 3),
    Prescribed("sign_language", 60),
]


def _establish(mse: User, referral: Referral, prescription: list[Prescribed]) -> Decision:
    return referral_decide(
        actor=mse,
        referral=referral,
        outcome="establish",
        rationale="Confirmed by the documents.",
        category="I",
        cause="general_disease",
        valid_from=START,
        reexamination_date=UNTIL,
        prescription=prescription,
    )


def test_the_decision_issues_the_programme_for_the_status_term(mse: User, refer: Any) -> None:
    person = make_person()
    decision = _establish(mse, refer(person), PRESCRIPTION)
    programme = Programme.objects.get(person=person)
    assert programme.status == decision.resulting_status
    assert (programme.valid_from, programme.valid_until) == (START, dt.date(2027, 3, 9))
    assert programme.issued_by == mse and programme.source == "decision"
    wheelchair = Line.objects.filter(item__category="wheelchair_manual")
    assert [(line.starts, line.ends, line.quantity) for line in wheelchair] == [
        (START, dt.date(2027, 3, 9), 1)
    ]
    diapers = list(Line.objects.filter(item__category="diapers").order_by("starts"))
    # Month by month: 3 a day × the days of each month in the programme.
    assert len(diapers) == 25  # March 2025 (from the 10th) … March 2027 (to the 9th)
    assert (diapers[0].starts, diapers[0].quantity, diapers[0].year) == (START, 3 * 22, 2025)
    assert (diapers[1].starts, diapers[1].quantity) == (dt.date(2025, 4, 1), 3 * 30)
    assert (diapers[-1].ends, diapers[-1].quantity) == (dt.date(2027, 3, 9), 3 * 9)
    hours = list(Line.objects.filter(item__category="sign_language").order_by("starts"))
    # 60 hours a year, prorated for the part years.
    assert [(line.year, line.quantity) for line in hours] == [(2025, 49), (2026, 60), (2027, 11)]


def test_the_audit_records_the_issue_without_what_was_prescribed(mse: User, refer: Any) -> None:
    person = make_person()
    _establish(mse, refer(person), PRESCRIPTION)
    event = AuditEvent.objects.get(action="programme_decision")
    text = json.dumps(event.data)
    assert event.data["items"] == 3 and event.data["digests"]["prescription"]
    assert "diapers" not in text and "wheelchair" not in text


@pytest.mark.parametrize(
    ("prescription", "code"),
    [
        ([Prescribed("jetpack", 1)], ErrorCode.PRESCRIPTION_CATEGORY_UNKNOWN),
        ([Prescribed("wheelchair_manual", 0)], ErrorCode.QUANTITY_NOT_POSITIVE),
        ([Prescribed("walking_aid", -2)], ErrorCode.QUANTITY_NOT_POSITIVE),
        ([Prescribed("diapers", 5)], ErrorCode.HYGIENE_OVER_NORM),
        ([Prescribed("wheelchair_manual", 101)], ErrorCode.QUANTITY_TOO_LARGE),
        ([Prescribed("personal_assistant", 9000)], ErrorCode.QUANTITY_TOO_LARGE),
        (
            [Prescribed("hearing_aid", 1), Prescribed("hearing_aid", 1)],
            ErrorCode.CATEGORY_REPEATED,
        ),
    ],
)
def test_a_bad_prescription_refuses_the_whole_decision(
    mse: User, refer: Any, prescription: list[Prescribed], code: str
) -> None:
    person = make_person()
    referral = refer(person)
    before = row_counts()
    with translation.override("ru"), pytest.raises(ValidationFailed) as caught:
        _establish(mse, referral, prescription)
    assert caught.value.code == code
    with translation.override("ru"):
        assert "Укажите" in caught.value.message or "«" in caught.value.message
    assert row_counts() == before
    assert current_status(person) is None


def test_a_refusal_issues_no_programme(mse: User, refer: Any) -> None:
    person = make_person()
    referral = refer(person)
    before = row_counts()
    with translation.override("kk"), pytest.raises(ValidationFailed) as caught:
        referral_decide(
            actor=mse,
            referral=referral,
            outcome="refuse",
            rationale="Not established.",
            prescription=[Prescribed("walking_aid", 1)],
        )
    assert caught.value.code == ErrorCode.NO_DISABILITY
    with translation.override("kk"):
        assert "Оңалту бағдарламасы" in caught.value.message
    assert row_counts() == before


def test_a_refusal_at_reexamination_with_a_prescription_is_refused(mse: User, refer: Any) -> None:
    # The refusal ends the status: programme_issue itself refuses the ended status.
    person = make_person()
    _establish(mse, refer(person), PRESCRIPTION)
    referral = refer(person)
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        referral_decide(
            actor=mse,
            referral=referral,
            outcome="refuse",
            rationale="Recovered.",
            valid_from=dt.date(2026, 1, 15),
            prescription=[Prescribed("walking_aid", 1)],
        )
    assert caught.value.code == ErrorCode.NO_DISABILITY
    assert row_counts() == before


def test_a_refusal_at_reexamination_ends_the_programme(mse: User, refer: Any) -> None:
    person = make_person()
    _establish(mse, refer(person), PRESCRIPTION)
    referral_decide(
        actor=mse,
        referral=refer(person),
        outcome="refuse",
        rationale="Recovered.",
        valid_from=dt.date(2026, 1, 15),
    )
    programme = Programme.objects.get(person=person)
    assert programme.superseded_at is not None
    owed = Line.objects.filter(item__programme=programme, withdrawn=False)
    assert max(line.ends for line in owed) == dt.date(2026, 1, 14)
    january = owed.get(item__category="diapers", starts=dt.date(2026, 1, 1))
    assert january.quantity == 3 * 14


def test_a_revision_keeps_the_history_with_author_and_reason(mse: User, refer: Any) -> None:
    person = make_person()
    _establish(mse, refer(person), PRESCRIPTION)
    first = Programme.objects.get(person=person)
    wheelchair = first.items.get(category="wheelchair_manual")
    fulfilment_record(
        actor=SYSTEM, item=wheelchair, quantity=1, date=dt.date(2025, 5, 2), source="marketplace"
    )
    revised = programme_revise(
        actor=mse,
        person=person,
        prescription=[Prescribed("wheelchair_powered", 1), Prescribed("diapers", 4)],
        reason="Her mobility has worsened: a powered wheelchair instead.",
        day=dt.date(2026, 2, 1),
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and revised.superseded_at is None
    assert revised.reason.startswith("Her mobility") and revised.issued_by == mse
    assert (revised.valid_from, revised.valid_until) == (dt.date(2026, 2, 1), first.valid_until)
    old_lines = Line.objects.filter(item__programme=first)
    # Delivered stays delivered; nothing of the old programme is owed from the revision on.
    assert old_lines.get(item__category="wheelchair_manual").withdrawn is False
    assert not old_lines.filter(withdrawn=False, ends__gte=dt.date(2026, 2, 1)).exists()
    assert old_lines.filter(withdrawn=True, item__category="diapers").count() == 14


def test_a_revision_without_a_reason_is_refused(mse: User, refer: Any) -> None:
    person = make_person()
    _establish(mse, refer(person), PRESCRIPTION)
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        programme_revise(
            actor=mse, person=person, prescription=[Prescribed("walking_aid", 1)], reason="  "
        )
    assert caught.value.code == ErrorCode.REVISION_REASON_REQUIRED
    assert row_counts() == before


def test_an_officer_may_not_revise(refer: Any, mse: User) -> None:
    from tests.factories import make_user

    person = make_person()
    _establish(mse, refer(person), PRESCRIPTION)
    with pytest.raises(AccessDenied):
        programme_revise(
            actor=make_user("officer", "district_officer", "71"),
            person=person,
            prescription=[Prescribed("walking_aid", 1)],
            reason="Wanted.",
        )


def test_revising_without_a_programme_is_refused(mse: User) -> None:
    person = make_person()
    give_status(person)
    with pytest.raises(ValidationFailed) as caught:
        programme_revise(
            actor=mse, person=person, prescription=[Prescribed("walking_aid", 1)], reason="Why"
        )
    assert caught.value.code == ErrorCode.NO_PROGRAMME
