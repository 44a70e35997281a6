"""The appeals the issue names as bad input, sent through the form in the reader's language and
refused in it, writing nothing: an appeal against a decision the sender cannot see (someone
else's benefit refusal), and one after its period — which names the court route still open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from inclusio.benefits.models import Decision
from tests.factories import Trio, make_user, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

GROUNDS = "Я отказалась по ошибке."


def _unchanged(before: dict[str, int]) -> None:
    after = row_counts()
    for volatile in ("core.AccessEvent", "core.ChainHead"):
        after.pop(volatile), before.pop(volatile)
    assert after == before


def test_an_appeal_against_a_decision_the_sender_cannot_see(
    client: Client, trio: Trio, refusal: Decision
) -> None:
    url = f"/ru/appeals/new/benefit_decision/{refusal.pk}/"
    for sender in (make_user("stranger", "person", None), trio.other_officer, trio.own_officer):
        sign_in(client, sender)
        before = row_counts()
        answer = client.post(url, {"grounds": GROUNDS})
        assert answer.status_code == 404
        assert (
            "Такого человека или записи нет, либо у вас нет права их видеть."
            in answer.content.decode()
        )
        _unchanged(before)


def test_an_appeal_after_its_period_names_the_court_and_writes_nothing(
    client: Client, trio: Trio, refusal: Decision
) -> None:
    Decision.objects.filter(pk=refusal.pk).update(decided_at=timezone.now() - dt.timedelta(days=91))
    client.force_login(trio.person.user)
    url = f"/ru/appeals/new/benefit_decision/{refusal.pk}/"
    before = row_counts()
    answer = client.post(url, {"grounds": GROUNDS})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Срок обжалования этого решения (90 дней) истёк" in html
    assert "Решение ещё можно оспорить в суде: административный иск в суд вашего района." in html
    _unchanged(before)
