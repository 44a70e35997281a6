"""The synthetic state control reproduces the seed's totals; a region's worth loads them."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from inclusio.accessibility.models import Fine, Inspection, Prescription
from inclusio.core.parameters import value_on
from inclusio.synthetic.access_control import control_synthesise, national_check, plan
from inclusio.synthetic.accessibility import facilities_synthesise


def test_the_national_check_names_what_differs() -> None:
    small = plan(0.01)
    problems = national_check(small)
    assert problems[0].startswith("inspections: 61, the seed says 6091")
    assert any(p.startswith("fines: ") for p in problems)


@pytest.mark.django_db
def test_a_regions_worth_loads_its_share_of_the_totals() -> None:
    facilities_synthesise(region_code="71", scale=0.02)
    quota = next(p for p in plan(0.05) if p.code == "71")
    added = control_synthesise(region_code="71", scale=0.05)
    assert added == quota.inspections == Inspection.objects.count() > 0
    assert Prescription.objects.count() == quota.prescriptions
    assert Fine.objects.count() == len(quota.fines)
    fined = Fine.objects.aggregate(total=Sum("amount_tenge"))["total"]
    assert fined == quota.fines_tenge
    assert all(
        f.amount_tenge == int(f.amount_mci * value_on("monthly_calculation_index", f.imposed_on))
        for f in Fine.objects.all()
    )
    assert all(2018 <= i.inspected_on.year <= 2023 for i in Inspection.objects.all())
    assert not Prescription.objects.filter(status="open").exists()
    assert control_synthesise(region_code="71", scale=0.05) == 0  # loaded already
