"""The link "Appeal this decision" on each decision's own page: shown to the person and their
representative while the period is open, to no officer; after the period the page names the
court instead. And the decide form's remedy reaches the deciding app's service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from inclusio.appeals.models import Appeal
from inclusio.appeals.services import appeal_file
from inclusio.benefits.models import Decision
from inclusio.core.workdays import holidays_known_through
from inclusio.housing import services as housing
from inclusio.housing.models import Event
from inclusio.marketplace.models import Order
from inclusio.socialservices import services as social
from tests.appeals.test_carrying_out import _disputed_for_the_supplier
from tests.factories import make_trio, make_user, sign_in
from tests.socialservices.builders import END, START, make_provider

pytestmark = pytest.mark.django_db

APPEAL = "Appeal this decision"
COURT = "can still be challenged in court"


def _page(client: Client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_housing_page_offers_the_appeal_to_the_person_only_within_the_period(
    client: Client,
) -> None:
    trio = make_trio("housing_officer")
    registration = housing.registration_create(
        actor=trio.own_officer, person=trio.person, registered_on=dt.date(2020, 2, 3)
    )
    event = Event.objects.get(registration=registration, kind=Event.Kind.REGISTERED)
    url = f"/en/housing/person/{trio.person.iin}/"
    link = f"/en/appeals/new/housing_position/{event.pk}/"
    client.force_login(trio.person.user)
    page = _page(client, url)
    assert link in page and APPEAL in page
    sign_in(client, trio.own_officer)
    assert link not in _page(client, url)
    sign_in(client, trio.other_officer)
    assert client.get(url).status_code == 404

    Event.objects.filter(pk=event.pk).update(at=timezone.now() - dt.timedelta(days=91))
    client.force_login(trio.person.user)
    late = _page(client, url)
    assert link not in late and COURT in late


def test_the_order_page_offers_the_appeal_once_the_dispute_is_resolved(client: Client) -> None:
    account, order, officer = _disputed_for_the_supplier()
    url = f"/en/marketplace/orders/{order.pk}/"
    link = f"/en/appeals/new/order_dispute/{order.pk}/"
    client.force_login(account)
    assert link in _page(client, url)
    sign_in(client, officer)
    assert link not in _page(client, url)
    sign_in(client, make_user("officer_almaty", "district_officer", "75"))
    assert client.get(url).status_code == 404
    Order.objects.filter(pk=order.pk).update(resolved_at=None)
    client.force_login(account)
    assert link not in _page(client, url)  # no decision yet to appeal


def test_the_representative_appeals_an_ended_placement_from_its_page(
    client: Client, parent: Any
) -> None:
    account, child = parent
    officer = make_user("officer_astana", "district_officer", "71")
    provider = make_provider(officer)
    need = social.need_record(
        actor=officer, person=child, kind="day_care", hours_per_month=80, starts=START, ends=END
    )
    placed = social.provider_choose(actor=account, need=need, provider=provider).placement
    assert placed is not None
    url = f"/en/social-services/person/{child.iin}/"
    link = f"/en/appeals/new/social_placement/{placed.pk}/"
    client.force_login(account)
    assert link not in _page(client, url)  # placed, nothing ended: nothing to appeal
    social.placement_end(
        actor=officer, placement=placed, last_day=dt.date(2025, 3, 31), reason="Need ended"
    )
    assert link in _page(client, url)
    sign_in(client, officer)
    assert link not in _page(client, url)
    client.force_login(account)
    answer = client.post(link, {"grounds": "The need did not end."})
    assert answer.status_code == 302
    assert Appeal.objects.get().kind == "social_placement"


def test_the_benefit_page_names_the_court_after_the_period(
    client: Client, trio: Any, refusal: Decision
) -> None:
    Decision.objects.filter(pk=refusal.pk).update(decided_at=timezone.now() - dt.timedelta(days=91))
    client.force_login(trio.person.user)
    page = _page(client, f"/en/benefits/decisions/{refusal.pk}/")
    assert APPEAL not in page and COURT in page


def test_the_decide_form_carries_out_the_remedy_given(client: Client) -> None:
    account, order, officer = _disputed_for_the_supplier()
    appeal = appeal_file(actor=account, kind="order_dispute", decision_id=order.pk, grounds="No.")
    sign_in(client, officer)
    url = f"/ru/appeals/{appeal.pk}/decide/"
    missing = client.post(url, {"outcome": "granted", "reasons": "Broken on arrival."})
    assert missing.status_code == 422
    assert "Выберите, что даёт жалоба" in missing.content.decode()
    assert Order.objects.get(pk=order.pk).state == Order.State.DELIVERED
    done = client.post(
        url, {"outcome": "granted", "reasons": "Broken on arrival.", "order_remedy": "refund"}
    )
    assert done.status_code == 302
    assert Order.objects.get(pk=order.pk).state == Order.State.RETURNED
    assert Appeal.objects.get(pk=appeal.pk).carried_out["remedy"] == "refund"


def test_a_deadline_in_an_unlisted_year_is_shown_provisional(client: Client, trio: Any) -> None:
    from inclusio.benefits.services import proposal_refuse
    from tests.browser.benefits_data import make_offer

    refusal = proposal_refuse(actor=trio.person.user, proposal_id=make_offer(trio.person).pk)
    appeal = appeal_file(
        actor=trio.person.user, kind="benefit_decision", decision_id=refusal.pk, grounds="No."
    )
    client.force_login(trio.person.user)
    # Whatever today is: the last year the country's file lists, and the first it does not.
    listed = holidays_known_through()
    Appeal.objects.filter(pk=appeal.pk).update(deadline=dt.date(listed, 12, 30))
    assert "provisional" not in _page(client, f"/en/appeals/{appeal.pk}/")
    Appeal.objects.filter(pk=appeal.pk).update(deadline=dt.date(listed + 1, 1, 31))
    page = _page(client, f"/en/appeals/{appeal.pk}/")
    assert f"moving public holidays of {listed + 1}" in page
    assert "(provisional)" in _page(client, "/en/appeals/")
