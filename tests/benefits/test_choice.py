"""Exclusivity groups and rates on the benefits side: the screening marks the offer proposed in
a group and the alternatives; the consent to one is the person's choice and closes the others
in the same transaction; a benefit held in the group ends from the next payable month; a rate
is kept, shown as a percent and never paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import translation

from inclusio.benefits.errors import ErrorCode
from inclusio.benefits.messaging import message_text
from inclusio.benefits.models import Award, Decision, Message, Payroll, Programme, Proposal
from inclusio.benefits.services import (
    payroll_create,
    programmes_load,
    proposal_accept,
    screening_run,
)
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, Conflict
from inclusio.core.models import AuditEvent
from inclusio.registry.models import Person
from inclusio.registry.services import care_link_create
from tests.benefits.builders import (
    IBAN,
    ON,
    Snapshot,
    group_programme,
    group_programmes,
    person_with_account,
)
from tests.factories import make_person, make_trio, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def grouped(tmp_path: Path, runs_dir: Path) -> dict[str, Programme]:
    report = programmes_load(actor=SYSTEM, directory=group_programmes(tmp_path / "programmes"))
    assert not report.errors, report.errors
    return {p.code: p for p in Programme.objects.all()}


def _screen(tmp_path: Path, person: Person, category: str, on: dt.date = ON) -> dict[str, Any]:
    snapshot = Snapshot()
    snapshot.person(person.iin, category=category, birth_date=person.birth_date)
    directory = tmp_path / f"snapshot-{person.iin}-{on.isoformat()}"
    screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(directory, directory.name), on=on)
    return {
        p.programme.code: p
        for p in Proposal.objects.filter(person=person, run__screening_date=on).select_related(
            "programme"
        )
    }


def _written() -> tuple[int, int, int, int]:
    return (
        Decision.objects.count(),
        Award.objects.count(),
        Proposal.objects.exclude(status=Proposal.Status.PENDING).count(),
        AuditEvent.objects.count(),
    )


def test_the_screening_proposes_the_higher_and_marks_the_alternative(
    grouped: dict[str, Programme], tmp_path: Path
) -> None:
    assert grouped["example_low"].exclusive_group == "state_benefit"
    assert grouped["free_cultural_services"].exclusive_group == ""
    dana = person_with_account("dana")
    offers = _screen(tmp_path, dana, "I")
    high, low = offers["example_high"], offers["example_low"]
    assert (high.exclusive_group, high.alternative, high.amount_kzt) == (
        "state_benefit",
        False,
        20000,
    )
    assert (low.exclusive_group, low.alternative, low.amount_kzt) == ("state_benefit", True, 10000)
    # Eligible to one of the group only: it is proposed, nothing to choose.
    erlan = person_with_account("erlan")
    only = _screen(tmp_path, erlan, "II")
    assert "example_high" not in only
    assert only["example_low"].alternative is False


def test_consent_to_the_proposed_one_closes_the_alternative(
    grouped: dict[str, Programme], tmp_path: Path
) -> None:
    dana = person_with_account("dana")
    offers = _screen(tmp_path, dana, "I")
    decision = proposal_accept(
        actor=dana.user, proposal_id=offers["example_high"].pk, payment_account=IBAN
    )
    low = Proposal.objects.get(pk=offers["example_low"].pk)
    assert low.status == Proposal.Status.EXCLUDED
    assert low.closed_by == decision
    assert list(Award.objects.values_list("programme__code", "amount_kzt", "starts")) == [
        ("example_high", 20000, ON)
    ]
    event = AuditEvent.objects.get(action="offer_group_choose")
    assert event.data == {
        "group": "state_benefit",
        "proposal": offers["example_high"].pk,
        "decision": decision.pk,
        "closed": [low.pk],
        "ended": [],
    }
    # Another offer outside the group stays open.
    assert Proposal.objects.get(pk=offers["free_cultural_services"].pk).status == "pending"


def test_the_person_may_choose_the_alternative(
    grouped: dict[str, Programme], tmp_path: Path
) -> None:
    dana = person_with_account("dana")
    offers = _screen(tmp_path, dana, "I")
    decision = proposal_accept(
        actor=dana.user, proposal_id=offers["example_low"].pk, payment_account=IBAN
    )
    assert decision.amount_kzt == 10000
    high = Proposal.objects.get(pk=offers["example_high"].pk)
    assert (high.status, high.closed_by) == (Proposal.Status.EXCLUDED, decision)
    assert list(Award.objects.values_list("programme__code", flat=True)) == ["example_low"]


def test_an_offer_closed_by_the_choice_is_refused_with_a_code(
    grouped: dict[str, Programme], tmp_path: Path
) -> None:
    dana = person_with_account("dana")
    offers = _screen(tmp_path, dana, "I")
    proposal_accept(actor=dana.user, proposal_id=offers["example_high"].pk, payment_account=IBAN)
    before = _written()
    with translation.override("ru"), pytest.raises(Conflict) as refused:
        proposal_accept(actor=dana.user, proposal_id=offers["example_low"].pk)
    assert refused.value.code == ErrorCode.GROUP_ALREADY_CHOSEN
    assert refused.value.status == 409
    with translation.override("ru"):
        assert "группы" in str(refused.value.message)
    assert _written() == before


def test_a_closed_offer_of_a_group_is_refused(
    grouped: dict[str, Programme], tmp_path: Path
) -> None:
    dana = person_with_account("dana")
    offers = _screen(tmp_path, dana, "I")
    Proposal.objects.filter(pk=offers["example_low"].pk).update(status=Proposal.Status.SUPERSEDED)
    before = _written()
    with pytest.raises(Conflict) as refused:
        proposal_accept(actor=dana.user, proposal_id=offers["example_low"].pk)
    assert refused.value.code == ErrorCode.PROPOSAL_CLOSED
    assert _written() == before
    assert Proposal.objects.get(pk=offers["example_high"].pk).status == "pending"


def test_only_the_person_or_their_representative_chooses(
    grouped: dict[str, Programme], tmp_path: Path
) -> None:
    trio = make_trio()
    stranger = person_with_account("stranger")
    offers = _screen(tmp_path, trio.person, "I")
    before = _written()
    for actor in (trio.own_officer, trio.other_officer, stranger.user, AnonymousUser(), SYSTEM):
        with pytest.raises(AccessDenied) as refused:
            proposal_accept(actor=actor, proposal_id=offers["example_low"].pk)
        assert refused.value.code == ErrorCode.NOT_YOUR_PROPOSAL
    assert _written()[:3] == before[:3]
    assert set(Proposal.objects.values_list("status", flat=True)) == {"pending"}


def test_a_representative_chooses_for_the_child(
    grouped: dict[str, Programme], tmp_path: Path
) -> None:
    child = make_person(birth_date=dt.date(2015, 3, 1))
    parent = person_with_account("parent")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=child.birth_date
    )
    offers = _screen(tmp_path, child, "I")
    decision = proposal_accept(
        actor=parent.user, proposal_id=offers["example_low"].pk, payment_account=IBAN
    )
    assert decision.decided_by == parent.user
    assert Proposal.objects.get(pk=offers["example_high"].pk).status == "excluded"


def test_a_benefit_held_makes_a_new_offer_of_the_group_an_alternative_that_ends_it(
    grouped: dict[str, Programme], tmp_path: Path
) -> None:
    dana = person_with_account("dana")
    first = _screen(tmp_path, dana, "II")
    proposal_accept(actor=dana.user, proposal_id=first["example_low"].pk, payment_account=IBAN)
    held = Award.objects.get(programme__code="example_low")
    # The February payroll is made: the switch comes with the next payable month, March.
    Payroll.objects.create(month=dt.date(2024, 2, 1))
    later = dt.date(2024, 2, 10)
    offers = _screen(tmp_path, dana, "I", on=later)
    assert "example_low" not in offers  # the benefit held goes on unchanged
    high = offers["example_high"]
    assert high.alternative is True  # the screening would propose it; the person holds another
    decision = proposal_accept(actor=dana.user, proposal_id=high.pk)
    held.refresh_from_db()
    assert (held.ends, held.ended_by) == (dt.date(2024, 2, 29), decision)
    chosen = Award.objects.get(programme__code="example_high")
    assert (chosen.starts, chosen.ends, chosen.amount_kzt) == (dt.date(2024, 3, 1), None, 20000)
    event = AuditEvent.objects.get(action="offer_group_choose")
    assert event.data["ended"] == [{"award": held.pk, "ends": "2024-02-29"}]


def test_without_a_payroll_made_the_chosen_one_starts_on_its_screening_date(
    grouped: dict[str, Programme], tmp_path: Path
) -> None:
    dana = person_with_account("dana")
    first = _screen(tmp_path, dana, "II")
    proposal_accept(actor=dana.user, proposal_id=first["example_low"].pk, payment_account=IBAN)
    later = dt.date(2024, 2, 10)
    high = _screen(tmp_path, dana, "I", on=later)["example_high"]
    proposal_accept(actor=dana.user, proposal_id=high.pk)
    ends = Award.objects.get(programme__code="example_low").ends
    starts = Award.objects.get(programme__code="example_high").starts
    assert (ends, starts) == (dt.date(2024, 2, 9), later)


def test_a_group_with_an_automatic_programme_is_refused_at_load(
    tmp_path: Path, runs_dir: Path
) -> None:
    directory = tmp_path / "refused"
    directory.mkdir()
    (directory / "example_low.yaml").write_text(
        group_programme("example_low", 10000, ["I"], "state_benefit"), encoding="utf-8"
    )
    (directory / "example_high.yaml").write_text(
        group_programme("example_high", 20000, ["I"], "state_benefit") + "assignment: automatic\n",
        encoding="utf-8",
    )
    report = programmes_load(actor=SYSTEM, directory=directory)
    assert any("nothing to" in error and "choose" in error for error in report.errors)
    assert not Programme.objects.exists()


# --- rates ----------------------------------------------------------------------------------


def test_a_rate_is_kept_on_the_offer_the_decision_and_the_award(
    grouped: dict[str, Programme], tmp_path: Path
) -> None:
    dana = person_with_account("dana")
    offer = _screen(tmp_path, dana, "III")["free_cultural_services"]
    assert (offer.rate, offer.amount_kzt) == (Decimal("0.5"), None)
    decision = proposal_accept(actor=dana.user, proposal_id=offer.pk)
    assert decision.explanation["rate"] == "0.5000"
    award = Award.objects.get()
    assert (award.rate, award.amount_kzt) == (Decimal("0.5"), None)
    # Unchanged at the next screening: no new offer. A changed rate is offered again.
    assert "free_cultural_services" not in _screen(tmp_path, dana, "III", dt.date(2024, 2, 1))
    changed = _screen(tmp_path, dana, "I", dt.date(2024, 3, 1))["free_cultural_services"]
    assert (changed.kind, changed.rate) == (Proposal.Kind.CHANGED, Decimal(1))
    message = Message.objects.get(proposal=changed)
    assert message_text(message, "en") == (
        "Your “Free and reduced-price cultural services” can change to 100% off the price. "
        "Give your consent to the new rate."
    )
    assert "100\xa0%" in message_text(message, "kk")


def test_the_payroll_never_pays_a_rate(grouped: dict[str, Programme], tmp_path: Path) -> None:
    dana = person_with_account("dana")
    offer = _screen(tmp_path, dana, "III")["free_cultural_services"]
    proposal_accept(actor=dana.user, proposal_id=offer.pk)
    ministry = make_user("ministry", "ministry_admin", None)
    with pytest.raises(Conflict) as refused:
        payroll_create(actor=ministry, month=dt.date(2024, 1, 1))
    assert refused.value.code in {"PAYROLL_NOTHING_TO_PAY", "PAYROLL_MONTH_BEFORE_AWARDS"}
    assert not Payroll.objects.exists()


# --- pages ----------------------------------------------------------------------------------

OFFER_PAGE_BUDGET = 16


def test_the_offer_page_shows_the_group_together(
    grouped: dict[str, Programme],
    tmp_path: Path,
    client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    dana = person_with_account("dana")
    offers = _screen(tmp_path, dana, "I")
    client.force_login(dana.user)
    url = f"/en/benefits/offers/{offers['example_low'].pk}/"
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(OFFER_PAGE_BUDGET):
        page = client.get(url).content.decode()
    assert "Only one of these benefits can be received" in page
    assert "The state proposes “example_high (en)”" in page
    assert "10,000 tenge a month" in page and "20,000 tenge a month" in page
    assert f'href="/en/benefits/offers/{offers["example_high"].pk}/"' in page
    # The person's list says which one is proposed and which an alternative.
    mine = client.get("/en/benefits/").content.decode()
    assert "you may choose this one instead of the one proposed" in mine
    assert "this is the one proposed" in mine


def test_choosing_on_the_page_closes_the_other_and_says_why(
    grouped: dict[str, Programme], tmp_path: Path, client: Client
) -> None:
    dana = person_with_account("dana")
    offers = _screen(tmp_path, dana, "I")
    client.force_login(dana.user)
    chosen = offers["example_low"]
    response = client.post(f"/en/benefits/offers/{chosen.pk}/", {"answer": "accept", "iban": IBAN})
    assert response.status_code == 302
    decision = Decision.objects.get()
    decision_page = client.get(f"/en/benefits/decisions/{decision.pk}/").content.decode()
    assert "The offer of “example_high (en)” is closed: this benefit was chosen instead." in (
        decision_page
    )
    closed = client.get(f"/en/benefits/offers/{offers['example_high'].pk}/").content.decode()
    assert "“example_low (en)” was chosen instead" in closed
    # A second POST to the closed one writes nothing.
    before = _written()
    again = client.post(f"/en/benefits/offers/{offers['example_high'].pk}/", {"answer": "accept"})
    assert again.status_code == 302
    assert _written() == before


def test_a_rate_is_shown_as_a_percent_never_as_money(
    grouped: dict[str, Programme], tmp_path: Path, client: Client
) -> None:
    dana = person_with_account("dana")
    offer = _screen(tmp_path, dana, "III")["free_cultural_services"]
    client.force_login(dana.user)
    for url in (
        f"/en/benefits/offers/{offer.pk}/",
        "/en/benefits/",
        f"/en/benefits/offers/{offer.pk}/why/",
    ):
        page = client.get(url).content.decode()
        assert "50% off the price" in page, url
        assert "tenge" not in page.split("<main", 1)[1], url
    page = client.get(f"/ru/benefits/offers/{offer.pk}/why/").content.decode()
    assert "50\xa0%" in page
    proposal_accept(actor=dana.user, proposal_id=offer.pk)
    assert "50% off the price" in client.get("/en/benefits/").content.decode()
    decision = Decision.objects.get()
    assert (
        "50% off the price" in client.get(f"/en/benefits/decisions/{decision.pk}/").content.decode()
    )


def test_the_officer_of_the_region_sees_the_group_but_cannot_choose(
    grouped: dict[str, Programme], tmp_path: Path, client: Client
) -> None:
    trio = make_trio()
    offers = _screen(tmp_path, trio.person, "I")
    sign_in(client, trio.own_officer)
    url = f"/en/benefits/offers/{offers['example_low'].pk}/"
    page = client.get(url).content.decode()
    assert "Only one of these benefits can be received" in page
    client.post(url, {"answer": "accept", "iban": IBAN})
    assert not Decision.objects.exists()
    sign_in(client, trio.other_officer)
    assert client.get(url).status_code == 404
