"""Two consents at the same moment (PostgreSQL): to one offer, or to two offers of one
exclusivity group — one decision, one award."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from inclusio.benefits.models import Award, Decision, Proposal
from inclusio.benefits.services import programmes_load, proposal_accept, screening_run
from inclusio.core.audit import SYSTEM
from tests.benefits.builders import (
    IBAN,
    ON,
    Snapshot,
    copy_programmes,
    group_programmes,
    person_with_account,
)


def test_two_consents_at_once_make_one_decision(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    settings.VAR_DIR = tmp_path / "var"
    programmes_load(actor=SYSTEM, directory=copy_programmes(tmp_path / "p", "disability_benefit"))
    person = person_with_account("dana")
    snapshot = Snapshot()
    snapshot.person(person.iin, category="II")
    screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "c"), on=ON)
    offer = Proposal.objects.get(person=person)
    barrier = threading.Barrier(2)
    decisions: list[int] = []
    errors: list[BaseException] = []

    def consent() -> None:
        try:
            barrier.wait()
            decision = proposal_accept(
                actor=person.user, proposal_id=offer.pk, payment_account=IBAN
            )
            decisions.append(decision.pk)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=consent) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(set(decisions)) == 1
    assert Decision.objects.count() == 1
    assert Award.objects.count() == 1


def test_two_consents_to_two_offers_of_a_group_leave_one_award(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    settings.VAR_DIR = tmp_path / "var"
    programmes_load(actor=SYSTEM, directory=group_programmes(tmp_path / "p"))
    person = person_with_account("dana")
    snapshot = Snapshot()
    snapshot.person(person.iin, category="I")
    screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "g"), on=ON)
    offers = [
        Proposal.objects.get(person=person, programme__code=code)
        for code in ("example_high", "example_low")
    ]
    barrier = threading.Barrier(2)
    decisions: list[int] = []
    errors: list[BaseException] = []

    def consent(offer: Proposal) -> None:
        try:
            barrier.wait()
            decision = proposal_accept(
                actor=person.user, proposal_id=offer.pk, payment_account=IBAN
            )
            decisions.append(decision.pk)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=consent, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(decisions) == 1
    assert [getattr(error, "code", error) for error in errors] == ["GROUP_ALREADY_CHOSEN"]
    assert Decision.objects.count() == 1
    assert Award.objects.count() == 1
    statuses = sorted(Proposal.objects.filter(person=person).values_list("status", flat=True))
    assert statuses == ["accepted", "excluded", "pending"]  # the cultural services stay open
