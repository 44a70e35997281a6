"""Two processes at once on PostgreSQL: two persons booking the last place of a session, or
of a sanatorium's dates, get it once; the slot is never overbooked and places never go below
zero."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from inclusio.marketplace import hours
from inclusio.marketplace.hour_models import SessionSlot
from inclusio.marketplace.models import Order, SanatoriumPlaces, Voucher
from inclusio.rehabilitation.services import Prescribed
from tests.marketplace.builders import make_item, make_supplier
from tests.marketplace.orders_builders import person_with_vouchers
from tests.marketplace.test_hours import service
from tests.marketplace.test_orders_concurrency import _race

PRESCRIPTION = [Prescribed("sign_language", 120), Prescribed("sanatorium_treatment", 1)]


@pytest.fixture
def two_persons(transactional_db: None) -> list[tuple[object, dict[str, Voucher]]]:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    found = []
    for name in ("dana", "erlan"):
        account, person = person_with_vouchers(name, PRESCRIPTION)
        found.append((account, {v.category: v for v in Voucher.objects.filter(person=person)}))
    return found


def test_two_bookings_of_the_last_place_at_once(two_persons: list) -> None:  # type: ignore[type-arg]
    supplier = make_supplier("hours_supplier", serial=7)
    item = make_item(supplier, **service("sign_language", 3000))
    slot = hours.slot_publish(
        actor=supplier.representative,
        item_id=item.pk,
        starts=timezone.now() + dt.timedelta(days=2),
        hours=2,
        capacity=1,
    )
    turn = iter(two_persons)

    def book() -> None:
        account, vouchers = next(turn)
        hours.session_book(actor=account, slot_id=slot.pk, voucher_id=vouchers["sign_language"].pk)

    assert _race(book) == ["SLOT_FULL", "done"]
    assert SessionSlot.objects.get(pk=slot.pk).booked == 1
    assert Order.objects.count() == 1


def test_two_stays_on_the_last_places_at_once(two_persons: list) -> None:  # type: ignore[type-arg]
    supplier = make_supplier("hours_supplier", serial=7)
    item = make_item(supplier, **service("sanatorium_treatment", 250_000))
    first = timezone.localdate() + dt.timedelta(days=5)
    SanatoriumPlaces.objects.bulk_create(
        SanatoriumPlaces(item=item, day=first + dt.timedelta(days=n), places=1) for n in range(7)
    )
    turn = iter(two_persons)

    def book() -> None:
        account, vouchers = next(turn)
        hours.stay_book(
            actor=account,
            voucher_id=vouchers["sanatorium_treatment"].pk,
            item_id=item.pk,
            first_day=first,
            days=7,
        )

    assert _race(book) == ["SANATORIUM_FULL", "done"]
    assert set(SanatoriumPlaces.objects.values_list("places", flat=True)) == {0}
    assert Order.objects.count() == 1
