"""The synthetic set reproduces the seed's figures; a region's worth loads consistently."""

from __future__ import annotations

import pytest

from inclusio.accessibility.models import Assessment, Facility
from inclusio.synthetic.accessibility import (
    NATIONAL_ADAPTED,
    NATIONAL_FACILITIES,
    facilities_synthesise,
    national_check,
    plan,
    quotas,
)


def test_the_national_plan_reproduces_the_seeds_figures() -> None:
    plans = plan()
    assert national_check(plans) == []
    assert sum(p.facilities for p in plans) == NATIONAL_FACILITIES >= 40_000
    assert sum(p.adapted for p in plans) == NATIONAL_ADAPTED == 13_516
    assert sum(p.courts for p in plans) == 398 and sum(p.courts_adapted for p in plans) == 309
    assert all(p.courts_adapted <= p.courts and p.adapted <= p.facilities for p in plans)


def test_the_national_check_names_what_differs() -> None:
    plans = plan()
    short = [
        plans[0].__class__(
            plans[0].code,
            plans[0].facilities,
            plans[0].adapted - 1,
            plans[0].courts,
            plans[0].courts_adapted,
        ),
        *plans[1:],
    ]
    assert national_check(short) == ["adapted: 13515, the seed says 13516"]


def test_quotas_add_up_to_the_total() -> None:
    assert quotas(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(quotas(13_516, [0.031, 0.04, 0.5, 0.07])) == 13_516


@pytest.mark.django_db
def test_a_regions_worth_loads_with_its_quota_of_adapted_facilities_and_courts() -> None:
    added = facilities_synthesise(region_code="71", scale=0.05)
    quota = next(p for p in plan(0.05) if p.code == "71")
    assert added == quota.facilities == Facility.objects.count()
    assert Facility.objects.filter(adapted=True).count() == quota.adapted
    assert Facility.objects.filter(is_court=True).count() == quota.courts
    assert Facility.objects.filter(is_court=True, adapted=True).count() == quota.courts_adapted
    assert Assessment.objects.count() == quota.facilities
    assert facilities_synthesise(region_code="71", scale=0.05) == 0  # loaded already
