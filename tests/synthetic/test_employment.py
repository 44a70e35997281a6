"""The synthetic employment data: the seed's national figures exactly, a region's share in the
database for the demo."""

from __future__ import annotations

import pytest

from inclusio.employment.models import Employer, Placement, SpecialWorkplace, SupportMeasure
from inclusio.synthetic.employment import (
    QUOTA_EMPLOYED,
    SUPPORT_MEASURES,
    SUPPORT_TOTAL,
    load_region,
    national_check,
    national_employment,
)
from tests.factories import give_status, make_person


def test_the_national_data_reproduces_the_seed() -> None:
    data = national_employment()
    assert national_check(data) == []
    assert int(data.filled.sum()) == QUOTA_EMPLOYED == 8_200
    assert len(data.workplace_first_month) == 616
    assert sum(SUPPORT_MEASURES.values()) == SUPPORT_TOTAL == 34_895
    assert int(data.support["business_training"].sum()) == 12_549
    assert bool((data.hazardous <= data.headcount).all())


def test_the_check_sees_a_difference() -> None:
    data = national_employment()
    data.filled[0] += 1
    assert national_check(data) == ["quota employed 8201 != 8200"]


@pytest.mark.django_db
def test_a_region_is_loaded_once_on_its_registry_persons() -> None:
    persons = [make_person(region="71", given_name=f"P{n}") for n in range(30)]
    for person in persons:
        give_status(person)
    loaded = load_region("71")
    assert loaded.employers == Employer.objects.filter(region_id="71").count() > 1000
    assert Placement.objects.count() == loaded.placements == 30  # as many as there are persons
    assert SpecialWorkplace.objects.count() == loaded.workplaces > 0
    assert SupportMeasure.objects.count() == loaded.measures > 0
    assert set(Placement.objects.values_list("person__region_id", flat=True)) == {"71"}
    assert load_region("71").employers == 0
