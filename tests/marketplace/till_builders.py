"""A person with vouchers and a phone, a shop selling wheelchairs, and a sale at its till."""

from __future__ import annotations

from inclusio.core.models import User
from inclusio.marketplace import till, tokens
from inclusio.marketplace.models import (
    Item,
    SaleCodeMessage,
    ShopSale,
    Supplier,
    SupplierToken,
    Voucher,
)
from inclusio.registry.models import Person
from tests.marketplace.orders_builders import person_with_vouchers, shop, wheelchair_voucher

PHONE = "+77011234567"


def holder(username: str = "dana") -> tuple[User, Person, Voucher]:
    account, person = person_with_vouchers(username)
    person.phone = PHONE
    person.save(update_fields=["phone"])
    return account, person, wheelchair_voucher(person)


def counter(username: str = "supplier_a", serial: int = 1, **item: object) -> tuple[Supplier, Item]:
    return shop(username, serial, **item)


def sold(supplier: Supplier, item: Item, voucher: Voucher, **changes: object) -> ShopSale:
    values: dict[str, object] = {"quantity": 1, "unit_price": item.price, **changes}
    return till.sale_record(
        actor=supplier.representative,
        code=voucher.code,
        item_id=item.pk,
        quantity=values["quantity"],  # type: ignore[arg-type]
        unit_price=values["unit_price"],  # type: ignore[arg-type]
    )


def code_sent(sale: ShopSale) -> str:
    return SaleCodeMessage.objects.filter(sale=sale).latest("sent_at", "id").code


def a_sale_and_token(serial: int = 93) -> tuple[ShopSale, SupplierToken]:
    """A pending in-shop sale at a shop of its own, and that shop's API token: the sweeps'."""
    _, _, voucher = holder(f"till_holder_{serial}")
    supplier, item = counter(f"till_supplier_{serial}", serial)
    token, _ = tokens.supplier_token_create(actor=supplier.representative, name="sweep")
    return sold(supplier, item, voucher), token
