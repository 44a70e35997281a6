"""The demo's portal: the region's suppliers and the country's 104 sanatoriums, prices on both
sides of the caps, loaded once however often the demo is set up."""

from __future__ import annotations

import pytest
from django.utils import timezone

from inclusio.marketplace import selectors
from inclusio.marketplace.catalogue import caps_on
from inclusio.marketplace.models import Item, Supplier
from inclusio.synthetic.marketplace import (
    NATIONAL_SANATORIUMS,
    REGIONAL_SUPPLIERS,
    load_demo_marketplace,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_region_gets_its_suppliers_and_the_country_its_sanatoriums() -> None:
    account = make_user("supplier", "supplier", "71")
    added = load_demo_marketplace("71", demo_account=account)
    assert added == REGIONAL_SUPPLIERS + NATIONAL_SANATORIUMS
    assert load_demo_marketplace("71", demo_account=account) == 0
    sanatoriums = Item.objects.filter(category="sanatorium_treatment")
    assert sanatoriums.count() == NATIONAL_SANATORIUMS
    assert (
        Supplier.objects.filter(items__category="sanatorium_treatment")
        .values("region")
        .distinct()
        .count()
        == 20
    )
    # The demo login represents a verified supplier of the region with items to manage.
    own = Supplier.objects.get(representative=account)
    assert own.status == Supplier.Status.VERIFIED and own.items.exists()
    # Waiting and suspended ones for the officer's register.
    assert set(Supplier.objects.values_list("status", flat=True)) == {
        "verified",
        "pending",
        "suspended",
    }
    # Goods over several categories, priced on both sides of their caps.
    caps = caps_on(timezone.localdate())
    goods = Item.objects.exclude(category="sanatorium_treatment")
    assert goods.values("category").distinct().count() >= 8
    over = [item for item in goods if item.price > caps[item.category]]
    assert 0 < len(over) < goods.count() / 2
    # And a person of the region finds them.
    found = selectors.catalogue_search(region="71").page.paginator.count
    assert found > NATIONAL_SANATORIUMS
