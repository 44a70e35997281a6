"""Synthetic special social services: the seed's mix shared among the regions, one region
loaded with its persons served and inspections, checked against its share, and paid."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from inclusio.core.models import User
from inclusio.socialservices.models import (
    Attendance,
    Inspection,
    Placement,
    Provider,
    SocialOrderProject,
)
from inclusio.socialservices.services import funding_month_compute
from inclusio.synthetic import socialservices as synth
from tests.factories import give_status, make_person, make_user

pytestmark = pytest.mark.django_db


def test_the_regions_shares_add_up_to_the_national_figures() -> None:
    codes = list(synth._shares())
    figures = [synth.region_figures(code) for code in codes]
    providers = sum(sum(f.providers.values()) for f in figures)
    state = {kind: sum(f.providers[("state", kind)] for f in figures) for kind in synth.STATE}
    assert providers == 977 and sum(state.values()) == 783
    assert {kind: state[kind] for kind in ("residential", "day_care", "rehabilitation")} == {
        "residential": 118,
        "day_care": 88,
        "rehabilitation": 35,
    }
    assert state["home_care"] == 503
    assert sum(f.persons for f in figures) == 61_000
    assert sum(f.children for f in figures) == 24_000
    assert sum(f.inspectors for f in figures) == 235
    assert sum(f.inspections for f in figures) == 378


def test_a_region_is_loaded_checked_and_its_month_paid() -> None:
    for number in range(6):
        give_status(make_person(surname=f"Адам{number}"))
    child = make_person(birth_date=dt.date(2015, 3, 1), surname="Бала")
    give_status(child, "child", cause="from_childhood", valid_from=dt.date(2016, 1, 1))
    out = io.StringIO()
    call_command("synth_socialservices", "--region", "71", stdout=out)
    figures = synth.region_figures("71")
    assert Provider.objects.count() == sum(figures.providers.values())
    # Fewer persons in this registry than the region's share: every one of them is placed.
    assert Placement.objects.count() == 7
    assert Placement.objects.filter(need__person=child).exists()
    for provider in Provider.objects.all():
        assert provider.placements.count() < provider.places
    assert Inspection.objects.count() == figures.inspections
    assert "DIFFERS" not in out.getvalue()
    assert all(check.ok for check in synth.social_services_check())
    projects = SocialOrderProject.objects.filter(year=2023)
    shares = synth._shares()
    assert projects.count() == synth.allocate(438, shares)["71"] > 0
    assert sum(p.budget_kzt for p in projects) == synth.allocate(9_400_000_000, shares)["71"]

    # Again: nothing added.
    call_command("synth_socialservices", "--region", "71", stdout=io.StringIO())
    assert Placement.objects.count() == 7

    month = synth.last_month(timezone.localdate())
    assert Attendance.objects.filter(month=month).count() == 7
    payer = make_user("payments", "ministry_admin", None)
    funded = funding_month_compute(actor=payer, month=month)
    assert funded.funding.persons == 7 and funded.funding.amount_kzt > 0

    demo = User.objects.create_user(username="social_provider")
    provider = synth.link_demo_provider("71", demo)
    assert provider is not None and provider.kind == "day_care"


def test_the_regions_shares_of_the_state_social_order_add_up_to_the_seed() -> None:
    shares = synth._shares()
    for total in (
        synth.SOCIAL_ORDER_PROJECTS,
        synth.SOCIAL_ORDER_BUDGET_KZT,
        synth.SOCIAL_ORDER_PERSONS,
    ):
        assert sum(synth.allocate(total, shares).values()) == total
    assert (synth.SOCIAL_ORDER_PROJECTS, synth.SOCIAL_ORDER_BUDGET_KZT) == (438, 9_400_000_000)
    assert sum(synth._split(1_000_003, 7)) == 1_000_003
