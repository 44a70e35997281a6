"""Two outbox workers at once on PostgreSQL: each claims due callbacks with ``SELECT … FOR
UPDATE SKIP LOCKED``, so both send side by side and every callback is delivered exactly once."""

from __future__ import annotations

import json
import threading
from collections import Counter

import pytest
from django.db import connection

from inclusio.interop import outbox
from inclusio.interop.models import OutboxMessage, OutboxState
from tests.interop.conftest import register

CALLBACKS = 2 * outbox.BATCH + 20


class Recording:
    """An agency's server seen by one worker: it holds the worker's first send until the other
    worker is sending too, so that both hold claimed rows at the same moment."""

    def __init__(self, together: threading.Barrier, sent: list[str], lock: threading.Lock):
        self.together, self.sent, self.lock = together, sent, lock
        self.first = True

    def post(self, url: str, body: bytes, timeout: float) -> int:
        with self.lock:
            waits, self.first = self.first, False
            self.sent.append(body.decode())
        if waits:
            # A worker blocked on the other's rows (FOR UPDATE without SKIP LOCKED) would never
            # get here, and the barrier breaks.
            self.together.wait(timeout=30)
        return 200


def test_two_workers_at_once_deliver_every_callback_exactly_once(
    transactional_db: None,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    agency = register("social.gov.kz", callback_url="http://127.0.0.1:9/dci").agency
    OutboxMessage.objects.bulk_create(
        outbox.new_row(agency=agency, action="notify", message={"n": n}) for n in range(CALLBACKS)
    )
    together, lock = threading.Barrier(2), threading.Lock()
    sent: list[str] = []
    results: list[outbox.Delivery] = []
    failures: list[BaseException] = []

    def work() -> None:
        try:
            results.append(outbox.deliver_due(client=Recording(together, sent, lock)))
        except BaseException as failed:  # reported by the main thread
            failures.append(failed)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert failures == []
    assert all(result.delivered > 0 for result in results)  # both workers sent
    assert sum(result.delivered for result in results) == CALLBACKS
    ids = Counter(json.loads(body)["header"]["message_id"] for body in sent)
    assert len(ids) == CALLBACKS
    assert set(ids.values()) == {1}
    assert OutboxMessage.objects.filter(state=OutboxState.DELIVERED).count() == CALLBACKS
    assert outbox.deliver_due().tried == 0
