"""The officer's alert sent twice (a double click, a reload) goes out once; a missing or
forged token sends nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from inclusio.emergency.models import Alert, AlertMessage
from tests.emergency import test_alerts as alerts
from tests.factories import Trio, form_token, sign_in
from tests.submitted import BAD, MESSAGE, bad_token, refused, sent_twice

pytestmark = pytest.mark.django_db
ALERTS = "/en/emergency/alerts/"
HOME, TEXTS = alerts.HOME, alerts.TEXTS
trio, neighbours = alerts.trio, alerts.neighbours  # the fixtures of the alerts' tests


def _alert() -> dict[str, Any]:
    return {
        "area": "circle",
        "latitude": HOME[0],
        "longitude": HOME[1],
        "radius_m": 1000,
        "text_kk": TEXTS["kk"],
        "text_ru": TEXTS["ru"],
        "action": "send",
    }


def test_an_alert_sent_twice_goes_out_once(client: Client, trio: Trio, neighbours: Any) -> None:
    sign_in(client, trio.own_officer)
    page = sent_twice(client, ALERTS, {**_alert(), **form_token(trio.own_officer)})
    alert = Alert.objects.get()
    assert page == f"/en/emergency/alerts/{alert.pk}/"
    assert AlertMessage.objects.count() == alert.recipients == 2


@pytest.mark.parametrize("kind", BAD)
def test_an_alert_without_its_token_is_refused(
    client: Client, trio: Trio, neighbours: Any, kind: str
) -> None:
    sign_in(client, trio.own_officer)
    token = bad_token(kind, user=trio.own_officer, other=trio.other_officer)
    page = refused(client, ALERTS, {**_alert(), **token}, language="ru")
    assert MESSAGE["ru"] in page and 'name="submission"' in page
    assert Alert.objects.count() == 0
