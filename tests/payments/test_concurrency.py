"""Two processes queueing the payment of one thing at once (PostgreSQL): one payment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import Conflict
from inclusio.payments.models import Transfer
from inclusio.payments.services import transfers_queue
from tests.payments.conftest import queued


def test_two_queueings_of_one_thing_at_once_make_one_payment(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def queue(n: int) -> None:
        try:
            barrier.wait()
            payment = queued(1)
            transfers_queue(
                actor=SYSTEM,
                payments=[payment.__class__(**{**payment.__dict__, "end_to_end_id": f"RACE-{n}"})],
            )
            outcomes.append("queued")
        except Conflict as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=queue, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["PAYMENT_ALREADY_MADE", "queued"]
    assert Transfer.objects.filter(purpose_id=1).count() == 1
