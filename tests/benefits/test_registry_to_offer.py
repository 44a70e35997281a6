"""End to end, through the registry: an MSE decision → ``snapshot-export`` → ``benefits-screen``
→ the person's offer; a status that ends → the next export and screening → the award ends, and
the person reads why. Runs on SQLite and on PostgreSQL (``make test``)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from inclusio.assessment.services import referral_decide, referral_file
from inclusio.benefits.models import Award, Decision, Proposal, ScreeningRun
from inclusio.benefits.services import programmes_load, proposal_accept
from inclusio.core.audit import SYSTEM
from inclusio.registry.services import family_create
from tests.benefits.builders import IBAN, Snapshot, copy_programmes, person_with_account
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db

DECIDED = dt.date(2025, 3, 1)
ENDED = dt.date(2025, 9, 1)


def _refer(person, kind: str = "initial"):  # type: ignore[no-untyped-def]
    return referral_file(
        actor=make_user(f"doctor_{kind}", "medical_referrer", "71"),
        person=person,
        kind=kind,
        mode="in_absentia",
        organisation_name="Polyclinic",
        organisation_bin="000000000000",
        diagnosis_code="G80.1",
    )


def _export_and_screen(tmp_path: Path, population: Path, on: dt.date) -> ScreeningRun:
    out = tmp_path / f"export-{on.isoformat()}"
    for command in (
        ("snapshot_export", "--date", on.isoformat(), "--out", str(out)),
        ("benefits_screen", "--snapshot", str(out), "--date", on.isoformat()),
    ):
        extra = ("--population", str(population)) if command[0] == "snapshot_export" else ()
        call_command(*command, *extra, stdout=io.StringIO())
    return ScreeningRun.objects.get(screening_date=on)


def test_an_mse_decision_reaches_an_offer_and_an_ended_status_ends_the_award(
    runs_dir: Path, tmp_path: Path, client: Client
) -> None:
    programmes_load(
        actor=SYSTEM,
        directory=copy_programmes(
            tmp_path / "programmes", "disability_benefit", "housing_priority"
        ),
    )
    person = person_with_account("dana")
    spouse = make_person()
    # A family registered through the platform (no reference to any source system).
    family = family_create(
        actor=SYSTEM,
        region_code="71",
        urban=True,
        housing="rent",
        members=[(spouse, "head"), (person, "spouse")],
    )
    # The population register knows everyone; its family ids are its own.
    population = Snapshot(housing={90: "none"})
    population.person(spouse.iin, family_id=90, role="head")
    population.person(person.iin, family_id=90, role="spouse")
    population.person(make_person().iin, family_id=91)
    population_dir = population.write(tmp_path / "population", "population")

    mse = make_user("mse", "mse_specialist", "71")
    referral_decide(
        actor=mse,
        referral=_refer(person),
        outcome="establish",
        category="II",
        cause="general_disease",
        valid_from=DECIDED,
        reexamination_date=dt.date(2027, 3, 1),
        limitations=["mobility"],
        work_capacity_loss_pct=60,
        rationale="Documents confirm a persistent moderate impairment.",
    )

    run = _export_and_screen(tmp_path, population_dir, DECIDED)
    offer = Proposal.objects.get(run=run, programme__code="disability_benefit")
    assert (offer.person, offer.kind, offer.status) == (person, "new", "pending")
    assert offer.amount_kzt and offer.amount_kzt > 0
    # The family programme reaches the head of the family registered in the platform.
    housing = Proposal.objects.get(run=run, programme__code="housing_priority")
    assert (housing.person, housing.subject_kind, housing.subject_id) == (spouse, "family", "90")
    assert family.memberships.get(person=spouse).role == "head"

    decision = proposal_accept(actor=person.user, proposal_id=offer.pk, payment_account=IBAN)
    award = Award.objects.get(person=person, programme__code="disability_benefit")
    assert award.decision == decision and award.ends is None

    # Re-examination: disability no longer established.
    referral_decide(
        actor=mse,
        referral=_refer(person, "reexamination"),
        outcome="refuse",
        valid_from=ENDED,
        rationale="Function restored after treatment.",
    )

    run = _export_and_screen(tmp_path, population_dir, ENDED)
    ended = Proposal.objects.get(run=run, programme__code="disability_benefit")
    assert (ended.person, ended.kind, ended.status) == (person, "ended", "assigned")
    award.refresh_from_db()
    assert award.ends == ENDED - dt.timedelta(days=1)
    assert award.ended_by is not None and award.ended_by.outcome == Decision.Outcome.ENDED
    # The reason: the condition of the programme that is no longer met.
    reasons = {r["condition"]: r["met"] for r in award.ended_by.explanation["reasons"]}
    assert reasons and not all(reasons.values())
    assert reasons["has_group"] is False

    # The person reads it on the page that explains the decision.
    client.force_login(person.user)
    page = client.get(reverse("benefits:decision_why", args=[award.ended_by.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "no longer true for you" in text
