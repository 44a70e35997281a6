"""The messaging interface: a backend that implements only ``send`` gets a run's notices too."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from inclusio.benefits.messaging import Backend, Notice, backend
from inclusio.benefits.models import Message, Programme, Proposal
from inclusio.benefits.services import screening_run
from inclusio.core.audit import SYSTEM
from tests.benefits.builders import ON, Snapshot
from tests.factories import make_person

pytestmark = pytest.mark.django_db

SENT: list[Notice] = []


class CollectingBackend(Backend):
    """What an SMS adapter would look like: it only implements ``send``."""

    def send(self, notices: Sequence[Notice]) -> None:
        SENT.extend(notices)


def test_the_local_backend_is_the_default() -> None:
    assert type(backend()).__name__ == "LocalBackend"


def test_an_adapter_implementing_send_gets_every_notice(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path, settings: Any
) -> None:
    settings.MESSAGING_BACKEND = f"{__name__}.CollectingBackend"
    SENT.clear()
    person = make_person()
    snapshot = Snapshot()
    snapshot.person(person.iin, category="II")
    run = screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "sms"), on=ON)
    proposals = set(Proposal.objects.filter(run=run).values_list("pk", flat=True))
    assert {n.proposal_id for n in SENT} == proposals
    assert {n.recipient_id for n in SENT} == {person.pk}
    assert {n.kind for n in SENT} == {Message.Kind.OFFER}
    assert not Message.objects.exists()  # that backend keeps nothing here
