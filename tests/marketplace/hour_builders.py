"""A person with sign-language, personal-assistant and sanatorium vouchers, a supplier of all
three, and the small steps the tests of services by the hour share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from inclusio.core.models import User
from inclusio.marketplace import hours
from inclusio.marketplace.hour_models import SessionSlot
from inclusio.marketplace.models import Item, SanatoriumPlaces, Voucher
from inclusio.rehabilitation.services import Prescribed
from tests.marketplace.builders import make_item, make_supplier
from tests.marketplace.orders_builders import person_with_vouchers

PRESCRIPTION = [
    Prescribed("sign_language", 120),
    Prescribed("personal_assistant", 1200),
    Prescribed("sanatorium_treatment", 1),
]


def service(category: str, price: int) -> dict[str, Any]:
    return {
        "category_code": category,
        "name": "Услуга",
        "price": price,
        "description": "Почасовая услуга.",
        "accessible": {"kk": "Қызмет.", "ru": "Услуга.", "en": "A service."},
        "lead_time_days": 0,
        "stock": None,
    }


def hours_cast(
    username: str = "dana", serial: int = 7, supplier: str = "hours_supplier"
) -> dict[str, Any]:
    account, person = person_with_vouchers(username, PRESCRIPTION)
    shop = make_supplier(
        supplier,
        serial=serial,
        categories=("sign_language", "personal_assistant", "sanatorium_treatment"),
    )
    return {
        "account": account,
        "person": person,
        "supplier": shop,
        "rep": shop.representative,
        "sign": make_item(shop, **service("sign_language", 3000)),
        "assist": make_item(shop, **service("personal_assistant", 2000)),
        "sanatorium": make_item(shop, **service("sanatorium_treatment", 250_000)),
        "vouchers": {v.category: v for v in Voucher.objects.filter(person=person)},
    }


def soon(hours_ahead: int = 48) -> dt.datetime:
    return (timezone.now() + dt.timedelta(hours=hours_ahead)).replace(microsecond=0)


def begin(slot: SessionSlot) -> None:
    """The session's time comes: tests move the slot, not the clock."""
    SessionSlot.objects.filter(pk=slot.pk).update(starts=timezone.now() - dt.timedelta(hours=1))


def left(voucher: Voucher) -> int:
    voucher.refresh_from_db()
    return voucher.left


def last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_days(month: dt.date, hours_a_day: int, count: int) -> dict[dt.date, int]:
    return {month + dt.timedelta(days=n): hours_a_day for n in range(count)}


def offer_places(item: Item, first: dt.date, count: int, places: int) -> None:
    SanatoriumPlaces.objects.bulk_create(
        SanatoriumPlaces(item=item, day=first + dt.timedelta(days=n), places=places)
        for n in range(count)
    )


@dataclass(frozen=True)
class HoursWorld:
    person: User
    supplier: User
    known: dict[str, str]  # the URL arguments and form values of the sweeps


def hours_world() -> HoursWorld:
    """The sweeps' services by the hour: a person of Astana with vouchers, a supplier of all
    three kinds with a session ahead (booked by nobody) and a sanatorium with places."""
    cast = hours_cast("sweep_hours_person", serial=78, supplier="sweep_hours_supplier")
    slot = hours.slot_publish(
        actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=1, capacity=2
    )
    stay_day = timezone.localdate() + dt.timedelta(days=10)
    offer_places(cast["sanatorium"], stay_day, 3, 2)
    vouchers = cast["vouchers"]
    return HoursWorld(
        cast["account"],
        cast["rep"],
        {
            "hours_iin": cast["person"].iin,
            "slot_id": str(slot.pk),
            "slot_day": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "sign_item": str(cast["sign"].pk),
            "sign_voucher": str(vouchers["sign_language"].pk),
            "hours_month": last_month().isoformat(),
            "assist_item": str(cast["assist"].pk),
            "assist_code": vouchers["personal_assistant"].code,
            "stay_day": stay_day.isoformat(),
            "stay_item": str(cast["sanatorium"].pk),
            "stay_voucher": str(vouchers["sanatorium_treatment"].pk),
        },
    )
