"""Reads for the pages: who may see a person's benefits, the explanation, the runs' counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import translation

from inclusio.benefits import selectors
from inclusio.benefits.messaging import message_text
from inclusio.benefits.models import Message, Programme, Proposal, ScreeningRun
from inclusio.benefits.services import proposal_accept, screening_run
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, NotFound
from inclusio.core.models import AccessEvent
from inclusio.registry.models import Person
from inclusio.registry.services import care_link_create
from tests.benefits.builders import IBAN, ON, Snapshot, person_with_account
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def screened(programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path) -> Person:
    """Dana (region 71, group II) with two offers; someone in region 75 with offers too."""
    dana = person_with_account("dana")
    elsewhere = make_person(region="75")
    snapshot = Snapshot()
    snapshot.person(dana.iin, category="II")
    snapshot.person(elsewhere.iin, category="I", region="75")
    screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "sel"), on=ON)
    return dana


def _logged(person: Person) -> int:
    return AccessEvent.objects.filter(person_iin=person.iin).count()


def test_the_person_reads_their_offers_silently(screened: Person) -> None:
    offers = selectors.offers_for(actor=screened.user, person=screened)
    assert {o.programme.code for o in offers} == {"disability_benefit", "free_legal_aid"}
    assert _logged(screened) == 0


def test_an_officer_of_the_region_reads_and_is_logged(screened: Person) -> None:
    officer = make_user("officer_astana", "district_officer", "71")
    assert len(selectors.offers_for(actor=officer, person=screened)) == 2
    assert AccessEvent.objects.filter(
        person_iin=screened.iin, actor=officer, outcome=AccessEvent.Outcome.GRANTED
    ).exists()


def test_an_officer_of_another_region_is_refused(screened: Person) -> None:
    officer = make_user("officer_almaty", "district_officer", "75")
    with pytest.raises(NotFound) as refused:
        selectors.awards_for(actor=officer, person=screened)
    assert refused.value.code == "NOT_FOUND_OR_NOT_YOURS"
    assert AccessEvent.objects.filter(
        person_iin=screened.iin, actor=officer, outcome=AccessEvent.Outcome.DENIED
    ).exists()


def test_a_representative_reads_the_persons_benefits(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    child = make_person(birth_date=dt.date(2016, 1, 1))
    parent = person_with_account("parent")
    care_link_create(actor=SYSTEM, carer=parent, cared=child, relation="guardian", since=ON)
    snapshot = Snapshot()
    snapshot.person(child.iin, category="II", birth_date=child.birth_date)
    screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "c", "c"), on=ON)
    assert len(selectors.offers_for(actor=parent.user, person=child)) == 2
    assert _logged(child) == 1
    messages = selectors.messages_for(actor=parent.user, person=child)
    assert len(messages) == 2


def test_offers_are_ordered_by_priority(screened: Person) -> None:
    legal = Proposal.objects.get(person=screened, programme__code="free_legal_aid")
    Proposal.objects.filter(pk=legal.pk).update(priority=0, wellbeing="crisis")
    offers = selectors.offers_for(actor=screened.user, person=screened)
    assert [o.programme.code for o in offers] == ["free_legal_aid", "disability_benefit"]


def test_the_explanation_of_an_offer(screened: Person) -> None:
    offer = Proposal.objects.get(person=screened, programme__code="disability_benefit")
    why = selectors.explanation(offer, "en")
    assert why.programme_title == "State social disability benefit"
    assert why.eligible and why.kind == "new"
    assert why.amount_kzt == offer.amount_kzt
    assert [(c.name, c.met) for c in why.conditions] == [
        ("has_group", True),
        ("valid_on_date", True),
        ("not_deceased", True),
        ("not_emigrated", True),
        ("not_imprisoned", True),
    ]
    assert why.conditions[0].text == "You have disability group I, II or III."
    # The life events' conditions come with their texts, in the reader's language.
    assert why.conditions[2].text == "No death of the person is recorded on or before this date."
    minimum = next(p for p in why.parameters if p.name == "subsistence_minimum")
    assert (minimum.value, minimum.effective) == ("43407", dt.date(2024, 1, 1))
    assert minimum.reference == "Law on the republican budget for 2024-2026"
    assert minimum.label == "Subsistence minimum"
    assert "Social Code" in why.reference
    assert why.screening_date == ON
    russian = selectors.explanation(offer, "ru")
    assert russian.programme_title == "Государственное социальное пособие по инвалидности"
    assert russian.conditions[0].text == "У вас I, II или III группа инвалидности."
    assert russian.conditions[4].text.startswith("В регистре нет записи о лишении свободы")


def test_a_decision_keeps_its_explanation(screened: Person) -> None:
    offer = Proposal.objects.get(person=screened, programme__code="disability_benefit")
    decision = proposal_accept(actor=screened.user, proposal_id=offer.pk, payment_account=IBAN)
    Programme.objects.filter(pk=offer.programme_id).update(title_en="Renamed later")
    decision = selectors.decision_get(actor=screened.user, decision_id=decision.pk)
    why = selectors.explanation(decision, "en")
    assert why.programme_title == "State social disability benefit"
    assert why.outcome == "granted" and why.decided_at is not None
    assert [c.met for c in why.conditions] == [True] * 5
    assert [d.pk for d in selectors.decisions_for(actor=screened.user, person=screened)] == [
        decision.pk
    ]
    awards = selectors.awards_for(actor=screened.user, person=screened, current_only=True)
    assert [a.amount_kzt for a in awards] == [offer.amount_kzt]
    account = selectors.payment_account_current(actor=screened.user, person=screened)
    assert account is not None and account.iban == IBAN


def test_messages_read_in_the_readers_language(screened: Person) -> None:
    offer = Proposal.objects.get(person=screened, programme__code="disability_benefit")
    message = Message.objects.get(proposal=offer)
    assert message.kind == Message.Kind.OFFER
    text = message_text(message, "en")
    assert "State social disability benefit" in text and "consent" in text
    assert f"{offer.amount_kzt:,}".replace(",", "\u00a0") in text
    with translation.override("en"):
        assert "Мүгедектігі" in message_text(message, "kk")


def test_national_staff_see_every_count(screened: Person) -> None:
    minister = make_user("minister", "ministry_admin", None)
    (view,) = selectors.runs_list(actor=minister)
    assert view.region_code is None
    assert view.counts["proposals"] == {"new": 4, "changed": 0, "ended": 0}
    assert view.counts["eligible"]["disability_benefit"] == 2


def test_regional_staff_see_their_regions_counts_only(screened: Person) -> None:
    officer = make_user("officer_almaty", "district_officer", "75")
    run = ScreeningRun.objects.get()
    view = selectors.run_get(actor=officer, run_id=run.pk)
    assert view.region_code == "75"
    assert view.counts == {"proposals": {"new": 2, "changed": 0, "ended": 0}}


def test_persons_do_not_see_runs(screened: Person) -> None:
    with pytest.raises(AccessDenied):
        selectors.runs_list(actor=screened.user)
