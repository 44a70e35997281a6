"""Suppliers and items built through the portal's services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inclusio.core.audit import SYSTEM
from inclusio.core.models import Region
from inclusio.marketplace import services
from inclusio.marketplace.models import Item, Supplier
from inclusio.synthetic.marketplace import make_bin, make_iban
from tests.factories import make_user

ACCESSIBLE = {
    "kk": "Қолмен жүргізілетін арба, жеңіл.",
    "ru": "Лёгкая кресло-коляска с ручным приводом.",
    "en": "A light manual wheelchair.",
}
GOOD: dict[str, Any] = {
    "category_code": "wheelchair_manual",
    "name": "Кресло-коляска Лёгкая",
    "price": 150_000,
    "description": "Складная, ширина сиденья 46 см.",
    "accessible": ACCESSIBLE,
    "lead_time_days": 5,
    "stock": 3,
}


def a_bin(serial: int) -> str:
    return make_bin(serial, dt.date(2015, 3, 1))


def make_supplier(
    username: str,
    *,
    serial: int,
    region: str = "71",
    served: tuple[str, ...] = ("71",),
    categories: tuple[str, ...] = ("wheelchair_manual", "sign_language", "sanatorium_treatment"),
    status: str = "verified",
) -> Supplier:
    account = make_user(username, "supplier", region)
    supplier = services.supplier_register(
        actor=account,
        bin=a_bin(serial),
        legal_name=f"ТОО «Поставщик {serial}»",
        regions_served=list(served),
        categories=list(categories),
        iban=make_iban(serial),
        phone="+7 717 200 00 00",
        address="Астана, пр. Республики, 1",
    )
    if status != "pending":
        supplier.status = status
        supplier.save(update_fields=["status"])
    assert Region.objects.filter(code=region).exists()
    return supplier


def make_item(supplier: Supplier, **changes: Any) -> Item:
    return services.item_create(actor=supplier.representative, **{**GOOD, **changes})


__all__ = ["SYSTEM", "make_item", "make_supplier"]
