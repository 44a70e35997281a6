"""A screening run: the difference with the awards, idempotency, and a crash that leaves nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation

from inclusio.benefits import bulk
from inclusio.benefits.messaging import message_text
from inclusio.benefits.models import (
    WELLBEING_LEVELS,
    Award,
    Decision,
    Message,
    Programme,
    Proposal,
    ScreeningRun,
)
from inclusio.benefits.services import programmes_load, proposal_accept, screening_run
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, ValidationFailed
from inclusio.core.models import AuditEvent
from inclusio.registry.models import Person
from inclusio.registry.services import family_create
from tests.benefits.builders import IBAN, ON, Snapshot, copy_programmes, person_with_account
from tests.factories import make_person, make_user, new_iin

pytestmark = pytest.mark.django_db


def _proposals(run: ScreeningRun) -> dict[tuple[str, str], Proposal]:
    return {
        (p.person.iin, p.programme.code): p
        for p in Proposal.objects.filter(run=run).select_related("person", "programme")
    }


def _accept(proposal: Proposal) -> Decision:
    return proposal_accept(
        actor=proposal.person.user, proposal_id=proposal.pk, payment_account=IBAN
    )


def test_the_difference_with_the_awards(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    a = person_with_account("a")  # group II throughout: offered once, nothing new later
    b = person_with_account("b")  # group I, then group II: amount changed
    c = person_with_account("c")  # group II, then no disability record: benefit ends
    outsider = new_iin()  # in the snapshot, not in the registry

    first = Snapshot()
    first.person(a.iin, category="II")
    first.person(b.iin, category="I")
    first.person(c.iin, category="II")
    run1 = screening_run(actor=SYSTEM, snapshot_dir=first.write(tmp_path / "s1", "one"), on=ON)
    assert run1.status == ScreeningRun.Status.COMPLETED
    made = _proposals(run1)
    assert {k for k, p in made.items() if p.kind == "new"} == {
        (x.iin, code) for x in (a, b, c) for code in ("disability_benefit", "free_legal_aid")
    }
    assert all(p.status == Proposal.Status.PENDING for p in made.values())
    assert run1.counts["proposals"] == {"new": 6, "changed": 0, "ended": 0}
    assert run1.counts["by_region"]["71"]["new"] == 6
    assert run1.counts["eligible"]["disability_benefit"] == 3
    # every person is told of each offer
    assert Message.objects.filter(kind=Message.Kind.OFFER).count() == 6
    group_1_amount = made[(b.iin, "disability_benefit")].amount_kzt
    assert made[(b.iin, "disability_benefit")].reasons == [
        {"condition": "has_group", "met": True},
        {"condition": "valid_on_date", "met": True},
        {"condition": "not_deceased", "met": True},
        {"condition": "not_emigrated", "met": True},
        {"condition": "not_imprisoned", "met": True},
    ]
    assert made[(b.iin, "disability_benefit")].parameters["subsistence_minimum"]["value"] == 43407
    for person in (a, b, c):
        _accept(made[(person.iin, "disability_benefit")])

    second = Snapshot()
    second.person(a.iin, category="II")
    second.person(b.iin, category="II")
    second.person(c.iin)  # no disability record: eligible to nothing
    second.person(outsider, category="III")
    run2 = screening_run(actor=SYSTEM, snapshot_dir=second.write(tmp_path / "s2", "two"), on=ON)
    made = _proposals(run2)
    changed = made[(b.iin, "disability_benefit")]
    assert changed.kind == "changed"
    assert changed.previous_amount_kzt == group_1_amount
    assert changed.amount_kzt is not None and changed.amount_kzt < group_1_amount
    assert changed.status == Proposal.Status.PENDING
    ended = made[(c.iin, "disability_benefit")]
    assert ended.kind == "ended" and ended.status == Proposal.Status.ASSIGNED
    # Absent from the results (eligible to nothing), evaluated again for the reason it ends.
    assert ended.reasons == [
        {"condition": "has_group", "met": False},
        {"condition": "valid_on_date", "met": False},
        {"condition": "not_deceased", "met": True},
        {"condition": "not_emigrated", "met": True},
        {"condition": "not_imprisoned", "met": True},
    ]
    assert ended.amount_kzt is None
    # a's award and a's pending legal-aid offer still hold: nothing new for a
    assert not [key for key in made if key[0] == a.iin]
    assert set(made) == {(b.iin, "disability_benefit"), (c.iin, "disability_benefit")}
    assert run2.counts["proposals"] == {"new": 0, "changed": 1, "ended": 1}
    assert run2.counts["not_in_registry"] == 1
    assert run2.counts["withdrawn"] == 1  # c's legal-aid offer no longer applies
    assert (
        Proposal.objects.get(run=run1, person=c, programme__code="free_legal_aid").status
        == Proposal.Status.WITHDRAWN
    )
    # the ended award is ended by a decision by nobody, and c is told
    award = Award.objects.get(person=c, programme__code="disability_benefit")
    assert award.ends is not None and award.ended_by is not None
    assert award.ended_by.decided_by is None
    assert award.ended_by.outcome == Decision.Outcome.ENDED
    assert Message.objects.filter(recipient=c, kind=Message.Kind.ENDED).count() == 1
    # b's current award stays until b consents to the new amount
    assert Award.objects.get(person=b, ends__isnull=True).amount_kzt == group_1_amount
    _accept(changed)
    current = Award.objects.get(person=b, ends__isnull=True)
    assert current.amount_kzt == changed.amount_kzt
    assert Award.objects.filter(person=b, ends__isnull=False).count() == 1


def test_the_same_snapshot_and_date_twice_creates_nothing_new(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    person = make_person()
    snapshot = Snapshot()
    snapshot.person(person.iin, category="II")
    directory = snapshot.write(tmp_path / "s", "once")
    first = screening_run(actor=SYSTEM, snapshot_dir=directory, on=ON)
    counts = (Proposal.objects.count(), Message.objects.count(), ScreeningRun.objects.count())
    again = screening_run(actor=SYSTEM, snapshot_dir=directory, on=ON, engine="duckdb")
    assert again.pk == first.pk
    assert (Proposal.objects.count(), Message.objects.count(), ScreeningRun.objects.count()) == (
        counts
    )
    assert counts[0] == 2


def test_a_crash_half_way_leaves_no_proposal(
    programmes: dict[str, Programme],
    runs_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    snapshot = Snapshot()
    for _ in range(3):
        snapshot.person(make_person().iin, category="II")
    directory = snapshot.write(tmp_path / "s", "crash")
    real = bulk.write_batch
    calls = []

    def fail_after_the_first_batch(*args: Any) -> None:
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("disk full")
        real(*args)

    monkeypatch.setattr(bulk, "BATCH_ROWS", 2)
    monkeypatch.setattr(bulk, "write_batch", fail_after_the_first_batch)
    with pytest.raises(RuntimeError, match="disk full"):
        screening_run(actor=SYSTEM, snapshot_dir=directory, on=ON)
    assert len(calls) == 2  # the first batch was written, then the crash
    assert not Proposal.objects.exists()
    assert not Message.objects.exists()
    assert not Decision.objects.exists()
    failed = ScreeningRun.objects.get()
    assert failed.status == ScreeningRun.Status.FAILED
    assert "disk full" in failed.error
    assert AuditEvent.objects.filter(action="screening_run_fail").exists()

    monkeypatch.undo()
    run = screening_run(actor=SYSTEM, snapshot_dir=directory, on=ON)
    assert run.status == ScreeningRun.Status.COMPLETED
    assert Proposal.objects.filter(run=run).count() == 6


def test_automatic_programmes_are_decided_on_import(runs_dir: Path, tmp_path: Path) -> None:
    programmes_load(
        actor=SYSTEM,
        directory=copy_programmes(
            tmp_path / "programmes", "free_legal_aid", automatic=("free_legal_aid",)
        ),
    )
    assert Programme.objects.get().assignment == Programme.Assignment.AUTOMATIC
    person = make_person()
    snapshot = Snapshot()
    snapshot.person(person.iin, category="I")
    run = screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "auto"), on=ON)
    proposal = Proposal.objects.get(run=run)
    assert proposal.status == Proposal.Status.ASSIGNED
    decision = proposal.decisions.get()
    assert decision.outcome == Decision.Outcome.GRANTED and decision.decided_by is None
    assert decision.explanation["programme"] == "free_legal_aid"
    assert decision.explanation["reasons"][0] == {"condition": "group_1_or_2", "met": True}
    assert decision.explanation["titles"]["en"] == "Free legal aid"
    assert len(decision.explanation["rule_sha256"]) == 64
    award = Award.objects.get(person=person)
    assert award.decision == decision and award.ends is None and award.amount_kzt is None
    assert Message.objects.get(recipient=person).kind == Message.Kind.GRANTED
    assert run.counts["automatic"] == 1


def test_a_family_programme_goes_to_the_head_of_the_family(runs_dir: Path, tmp_path: Path) -> None:
    programmes_load(
        actor=SYSTEM, directory=copy_programmes(tmp_path / "programmes", "housing_priority")
    )
    head, child = make_person(), make_person()
    family = family_create(
        actor=SYSTEM, region_code="71", urban=True, housing="rent", members=[(head, "head")]
    )
    # Matched on the platform's own family id, which the export writes beside the population's.
    snapshot = Snapshot(registered={4242: family.pk})
    snapshot.person(head.iin, family_id=4242)
    snapshot.person(child.iin, category="II", family_id=4242, role="spouse")
    snapshot.person(new_iin(), category="I", family_id=77)  # a family not in the registry
    run = screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "fam"), on=ON)
    proposal = Proposal.objects.get(run=run)
    assert (proposal.person, proposal.subject_kind, proposal.subject_id) == (head, "family", "4242")
    assert run.counts["not_in_registry"] == 1


def test_offers_follow_the_family_wellbeing_level(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    """The country's well-being assessment scores the families in the run; offers to a family
    in crisis come first."""
    calm, crisis = make_person(), make_person()
    snapshot = Snapshot(housing={2: "none"})
    # Employed, earning above the subsistence minimum, in their own home: stable.
    snapshot.person(calm.iin, category="II", family_id=1, employed=True, income=400_000)
    # No income, nobody employed, no home: crisis (20 + 15 + 15 + 20 points).
    snapshot.person(crisis.iin, category="II", family_id=2)
    run = screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "wb"), on=ON)
    by_person = {
        p.person_id: p for p in Proposal.objects.filter(run=run, programme__code="free_legal_aid")
    }
    assert (by_person[crisis.pk].priority, by_person[crisis.pk].wellbeing) == (0, "crisis")
    assert (by_person[calm.pk].priority, by_person[calm.pk].wellbeing) == (4, "stable")


def test_only_the_ministry_runs_a_screening(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    officer = make_user("officer", "district_officer", "71")
    snapshot = Snapshot()
    snapshot.person(make_person().iin, category="II")
    directory = snapshot.write(tmp_path / "s", "x")
    for actor in (AnonymousUser(), person_with_account("dana").user, officer):
        with pytest.raises(AccessDenied):
            screening_run(actor=actor, snapshot_dir=directory, on=ON)
    assert not ScreeningRun.objects.exists()
    minister = make_user("minister", "ministry_admin", None)
    run = screening_run(actor=minister, snapshot_dir=directory, on=ON)
    assert run.started_by == minister


def test_the_platforms_screening_is_recorded_as_the_systems(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    snapshot = Snapshot()
    snapshot.person(make_person().iin, category="II")
    run = screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "x"), on=ON)
    assert run.started_by is None
    started = AuditEvent.objects.get(action="screening_run_start", entity_id=str(run.pk))
    assert (started.actor_name, started.actor) == ("system", None)


def test_a_missing_snapshot_is_refused(programmes: dict[str, Programme], tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as refused:
        screening_run(actor=SYSTEM, snapshot_dir=tmp_path / "nowhere", on=ON)
    assert refused.value.code == "SNAPSHOT_MISSING"
    assert not ScreeningRun.objects.exists()
    assert Person.objects.count() == 0


def test_an_unknown_engine_is_refused_before_anything_is_written(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    snapshot = Snapshot()
    snapshot.person(make_person().iin, category="II")
    with pytest.raises(ValidationFailed) as refused:
        screening_run(
            actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "e"), on=ON, engine="polars"
        )
    assert refused.value.code == "ENGINE_UNAVAILABLE"
    assert "The polars engine is not available." in str(refused.value.message)
    assert not ScreeningRun.objects.exists()
    assert not Proposal.objects.exists()


def test_the_screening_scores_the_families(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    person = make_person()
    snapshot = Snapshot()
    snapshot.person(person.iin, category="II")
    run = screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "lv"), on=ON)
    levels = {p.wellbeing for p in Proposal.objects.filter(run=run)}
    assert len(levels) == 1 and levels.pop() in WELLBEING_LEVELS


def test_a_lapsed_status_and_a_repealed_programme_say_why_in_every_language(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path, client: Client
) -> None:
    lapsed = person_with_account("lapsed")  # group II whose record's term ends
    holder = person_with_account("holder")  # keeps group II; legal aid is repealed
    first = Snapshot()
    first.person(lapsed.iin, category="II")
    first.person(holder.iin, category="II")
    run1 = screening_run(actor=SYSTEM, snapshot_dir=first.write(tmp_path / "s1", "one"), on=ON)
    made = _proposals(run1)
    _accept(made[(lapsed.iin, "disability_benefit")])
    _accept(made[(holder.iin, "free_legal_aid")])

    # The law of legal aid is repealed from 1 July 2024 (its file's valid.until).
    directory = copy_programmes(tmp_path / "repealed", "free_legal_aid")
    path = directory / "free_legal_aid.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  until: null", "  until: 2024-06-30"),
        encoding="utf-8",
    )
    assert programmes_load(actor=SYSTEM, directory=directory).loaded == ["free_legal_aid"]
    later = ON.replace(month=7)
    second = Snapshot()
    second.person(lapsed.iin, category="II")
    second.disability[-1]["until"] = ON.replace(month=6)  # the term ended before the date
    second.person(holder.iin, category="II")
    run2 = screening_run(actor=SYSTEM, snapshot_dir=second.write(tmp_path / "s2", "two"), on=later)
    assert (runs_dir / "runs" / str(run2.pk) / "explained.parquet").is_file()
    made = _proposals(run2)
    ended = made[(lapsed.iin, "disability_benefit")]
    assert ended.kind == "ended"
    # Eligible to nothing now, yet written by the screening: the failed condition is named.
    assert ended.reasons == [
        {"condition": "has_group", "met": True},
        {"condition": "valid_on_date", "met": False},
        {"condition": "not_deceased", "met": True},
        {"condition": "not_emigrated", "met": True},
        {"condition": "not_imprisoned", "met": True},
    ]
    assert ended.inputs == [{"name": "category", "value": "II"}]
    repealed = made[(holder.iin, "free_legal_aid")]
    # out of force, no condition is checked: none is said to have failed
    assert repealed.kind == "ended" and repealed.parameters == {} and repealed.reasons == []
    told = Message.objects.get(proposal=repealed)
    assert message_text(told, "en").endswith("ends. The decision says why.")
    assert message_text(Message.objects.get(proposal=ended), "en").endswith(
        "you no longer meet its conditions."
    )

    decision = Award.objects.get(person=lapsed, programme__code="disability_benefit").ended_by
    assert decision is not None
    client.force_login(lapsed.user)
    expected = {
        "en": "stopped because this condition is no longer true for you: "
        "Your disability is established and in force on that date.",
        "ru": "прекращено, потому что это условие к вам больше не относится: "
        "Ваша инвалидность установлена и действует на эту дату.",
        "kk": "тоқтатылды, себебі бұл шарт енді сізге сай келмейді: "
        "Сіздің мүгедектігіңіз белгіленген және осы күні күшінде.",
    }
    for language, text in expected.items():
        with translation.override(language):
            url = reverse("benefits:decision_why", args=[decision.pk])
        html = client.get(url).content.decode()
        assert text in html, language
        assert "one of its conditions" not in html

    decision = Award.objects.get(person=holder, programme__code="free_legal_aid").ended_by
    assert decision is not None
    client.force_login(holder.user)
    expected = {
        "en": "stopped because the law that set it up is no longer in force: "
        "it applied until 30 June 2024.",
        "ru": "прекращено, потому что закон, который его установил, больше не действует: "
        "он применялся до 30 июня 2024",
        "kk": "тоқтатылды, себебі оны белгілеген заң енді күшінде емес: "
        "ол қолданылған соңғы күн — 2024 жылғы 30 маусым",
    }
    for language, text in expected.items():
        with translation.override(language):
            url = reverse("benefits:decision_why", args=[decision.pk])
        html = client.get(url).content.decode()
        assert text in html, language
        assert "Not true:" not in html  # no condition was checked out of force


def test_a_carer_reads_the_conditions_each_child_is_checked_against_and_the_count(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path, client: Client
) -> None:
    directory = copy_programmes(tmp_path / "carer", "child_disability_carer_benefit")
    assert programmes_load(actor=SYSTEM, directory=directory).loaded
    parent = person_with_account("parent")
    child = new_iin()
    snapshot = Snapshot()
    snapshot.person(parent.iin, family_id=7)
    snapshot.person(
        child, category="child", family_id=7, role="child", birth_date=ON.replace(year=2015)
    )
    snapshot.care.append(
        {
            "carer_iin": parent.iin,
            "cared_iin": child,
            "relation": "parent",
            "since": ON.replace(year=2015),
        }
    )
    run = screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "carer"), on=ON)
    offer = _proposals(run)[(parent.iin, "child_disability_carer_benefit")]
    assert offer.inputs == [{"name": "cared_count", "value": "1"}]
    client.force_login(parent.user)
    html = client.get(f"/en/benefits/offers/{offer.pk}/why/").content.decode()
    assert "The persons you care for" in html
    assert "Each person you care for is checked against these conditions:" in html
    assert "<li>The child is under 18.</li>" in html
    assert "Persons you care for who meet all of them: 1." in html
    amount = f"{offer.amount_kzt:,}"
    assert f"How your amount is counted: 1 × 1.61 × 43,407 = {amount} tenge." in html
    assert child not in html  # a count, never the child's data
    with translation.override("kk"):
        url = reverse("benefits:offer_why", args=[offer.pk])
    kazakh = client.get(url).content.decode()
    assert "Сіз күтетін адамдар" in kazakh and "<li>Бала 18 жасқа толмаған.</li>" in kazakh
    assert "1 × 1,61 × 43\u00a0407" in kazakh


def test_the_screening_names_which_child_met_the_conditions_on_the_proposal_and_the_page(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path, client: Client
) -> None:
    """Two children, one over 18 on the screening date: the proposal keeps who met which
    condition, and the carer's why page names the one who failed the age condition."""
    directory = copy_programmes(tmp_path / "carer", "child_disability_carer_benefit")
    assert programmes_load(actor=SYSTEM, directory=directory).loaded
    parent = person_with_account("parent")
    young = make_person(birth_date=ON.replace(year=2015), given_name="Аружан")
    grown = make_person(birth_date=ON.replace(year=2005), given_name="Нұрлан")
    snapshot = Snapshot()
    snapshot.person(parent.iin, family_id=7)
    for child in (young, grown):
        snapshot.person(
            child.iin, category="child", family_id=7, role="child", birth_date=child.birth_date
        )
        snapshot.care.append(
            {
                "carer_iin": parent.iin,
                "cared_iin": child.iin,
                "relation": "parent",
                "since": child.birth_date,
            }
        )
    run = screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "two"), on=ON)
    offer = _proposals(run)[(parent.iin, "child_disability_carer_benefit")]
    assert offer.inputs == [{"name": "cared_count", "value": "1"}]
    by_child = {entry["member"]: entry for entry in offer.members}
    assert by_child[young.iin]["counted"] is True
    assert by_child[grown.iin]["counted"] is False
    assert {r["condition"]: r["met"] for r in by_child[grown.iin]["reasons"]} == {
        "parent_or_guardian": True,
        "under_18": False,
        "valid_on_date": True,
    }
    client.force_login(parent.user)
    html = client.get(f"/en/benefits/offers/{offer.pk}/why/").content.decode()
    assert "Аружан, 9 years old" in html and "Нұрлан, 19 years old" in html
    grown_part = html.split("Нұрлан, 19 years old</h3>")[1]
    assert "Not counted: a condition below is not true." in grown_part
    assert '<strong class="text-secondary-darker">Not true:</strong> The child is under 18.' in (
        grown_part
    )
    assert grown.iin not in html and young.iin not in html


def test_a_carer_whose_child_turned_18_reads_which_child_and_which_condition(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path, client: Client
) -> None:
    """The right ends when the only child counted turns 18: the ended decision names the child
    and the age condition, in kk, ru and en."""
    directory = copy_programmes(tmp_path / "carer", "child_disability_carer_benefit")
    assert programmes_load(actor=SYSTEM, directory=directory).loaded
    parent = person_with_account("parent")
    child = make_person(birth_date=ON.replace(year=2006, month=3), given_name="Нұрлан")
    snapshot = Snapshot()
    snapshot.person(parent.iin, family_id=7)
    snapshot.person(
        child.iin, category="child", family_id=7, role="child", birth_date=child.birth_date
    )
    snapshot.care.append(
        {"carer_iin": parent.iin, "cared_iin": child.iin, "relation": "parent", "since": ON}
    )
    directory = snapshot.write(tmp_path / "s", "turns-18")
    offer = _proposals(screening_run(actor=SYSTEM, snapshot_dir=directory, on=ON))[
        (parent.iin, "child_disability_carer_benefit")
    ]
    _accept(offer)
    later = ON.replace(month=4)  # the child is 18 since March
    ended = _proposals(screening_run(actor=SYSTEM, snapshot_dir=directory, on=later))[
        (parent.iin, "child_disability_carer_benefit")
    ]
    assert ended.kind == Proposal.Kind.ENDED
    assert [m["member"] for m in ended.members] == [child.iin]
    decision = Decision.objects.get(proposal=ended)
    client.force_login(parent.user)
    expected = {
        "en": ("Нұрлан, 18 years old", "Not true:</strong> The child is under 18."),
        "ru": ("Нұрлан, 18 лет", "Нет:</strong> Ребёнку ещё нет 18 лет."),
        "kk": ("Нұрлан, 18 жаста", "Сәйкес емес:</strong> Бала 18 жасқа толмаған."),
    }
    for language, (who, failed) in expected.items():
        with translation.override(language):
            url = reverse("benefits:decision_why", args=[decision.pk])
        html = client.get(url).content.decode()
        assert who in html, language
        assert failed in html.split(who)[1], language
