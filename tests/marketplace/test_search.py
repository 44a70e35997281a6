"""The catalogue shows verified suppliers' items only, filtered by category, region served and
the state price cap, sorted by price or lead time."""

from __future__ import annotations

import datetime as dt

import pytest

from inclusio.core.errors import NotFound
from inclusio.core.parameters import parameter_value_add
from inclusio.marketplace import selectors, services
from inclusio.marketplace.catalogue import caps_on
from inclusio.marketplace.models import Supplier
from tests.factories import make_user
from tests.marketplace.builders import make_item, make_supplier

pytestmark = pytest.mark.django_db

CAP = 180_000  # the illustrative cap of a manual wheelchair (parameters.json)


def _names(**filters: object) -> list[str]:
    return [item.name for item in selectors.catalogue_search(**filters).page]  # type: ignore[arg-type]


def test_caps_are_dated_parameters_in_force_on_the_day() -> None:
    assert caps_on(dt.date(2024, 1, 1))["wheelchair_manual"] == CAP
    ministry = make_user("minister", "ministry_admin", None)
    parameter_value_add(
        actor=ministry,
        key="price_cap_wheelchair_manual",
        effective=dt.date(2025, 1, 1),
        value=200_000,
        reference="Order of the Minister No. 1 (test)",
        reference_kk="Министрдің № 1 бұйрығы (тест)",
        reference_ru="Приказ Министра № 1 (тест)",
        reason="New cap",
    )
    assert caps_on(dt.date(2024, 12, 31))["wheelchair_manual"] == CAP
    assert caps_on(dt.date(2025, 1, 1))["wheelchair_manual"] == 200_000
    assert caps_on(dt.date(2017, 1, 1)) == {}


def test_only_verified_suppliers_items_are_shown() -> None:
    shown = make_supplier("a", serial=1)
    waiting = make_supplier("b", serial=2, status="pending")
    suspended = make_supplier("c", serial=3, status="suspended")
    refused = make_supplier("d", serial=4, status="refused")
    for supplier in (shown, waiting, suspended, refused):
        make_item(supplier, name=f"Wheelchair of {supplier.representative.username}")
    assert _names() == ["Wheelchair of a"]
    hidden = waiting.items.get()
    with pytest.raises(NotFound):
        selectors.item_shown(hidden.pk)


def test_suspending_takes_the_items_off_and_reinstating_brings_them_back() -> None:
    supplier = make_supplier("a", serial=1)
    make_item(supplier)
    officer = make_user("officer", "district_officer", "71")
    services.supplier_suspend(actor=officer, supplier_id=supplier.pk, reason="Complaints")
    assert _names() == []
    services.supplier_reinstate(actor=officer, supplier_id=supplier.pk)
    assert len(_names()) == 1


def test_filters_by_category_region_served_and_cap() -> None:
    astana = make_supplier("a", serial=1, served=("71",))
    almaty = make_supplier(
        "b", serial=2, region="75", served=("75", "71"), categories=("hearing_aid",)
    )
    make_item(astana, name="under", price=CAP)
    make_item(astana, name="over", price=CAP + 1)
    make_item(almaty, name="hearing", category_code="hearing_aid", price=90_000)
    assert _names(category="wheelchair_manual") == ["under", "over"]
    assert _names(region="75") == ["hearing"]
    assert sorted(_names(region="71")) == ["hearing", "over", "under"]
    assert _names(at_or_under_cap=True) == ["hearing", "under"]
    assert _names(category="wheelchair_manual", at_or_under_cap=True) == ["under"]


def test_sorted_by_price_or_lead_time_and_paged() -> None:
    supplier = make_supplier("a", serial=1)
    for number in range(25):
        make_item(supplier, name=f"n{number}", price=100_000 + number, lead_time_days=30 - number)
    first = selectors.catalogue_search(sort="price").page
    assert first.paginator.count == 25 and len(first) == selectors.PAGE_SIZE
    assert [item.name for item in first][:2] == ["n0", "n1"]
    assert _names(sort="-price")[0] == "n24"
    assert _names(sort="lead_time")[0] == "n24"
    assert [item.name for item in selectors.catalogue_search(page=2).page] == [
        f"n{number}" for number in range(20, 25)
    ]


def test_an_unknown_sort_or_page_falls_back_instead_of_failing() -> None:
    supplier = make_supplier("a", serial=1)
    make_item(supplier)
    assert len(_names(sort="'; drop table", page="x")) == 1


def test_the_registers_worklist_puts_waiting_suppliers_first() -> None:
    officer = make_user("officer", "district_officer", "71")
    make_supplier("a", serial=1)
    make_supplier("b", serial=2, status="pending")
    make_supplier("c", serial=3, status="suspended")
    make_supplier("d", serial=4, status="pending", region="75")
    page = selectors.supplier_register_page(actor=officer)
    assert [s.representative.username for s in page] == ["b", "a", "c"]
    assert selectors.suppliers_waiting(actor=officer) == 1
    ministry = make_user("minister", "ministry_admin", None)
    assert selectors.suppliers_waiting(actor=ministry) == 2
    assert Supplier.objects.count() == 4
