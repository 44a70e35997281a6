"""A person with a programme (and so vouchers), a verified supplier with a wheelchair, and the
steps of an order through the services."""

from __future__ import annotations

import datetime as dt

from inclusio.core.audit import SYSTEM
from inclusio.core.models import User
from inclusio.marketplace import orders
from inclusio.marketplace.models import Item, Order, Supplier, Voucher
from inclusio.registry.models import Person
from inclusio.rehabilitation.services import Prescribed, programme_issue
from tests.factories import give_status, make_person, make_user
from tests.marketplace.builders import make_item, make_supplier


def person_with_vouchers(
    username: str = "dana", prescription: list[Prescribed] | None = None
) -> tuple[User, Person]:
    account = make_user(username, "person", None)
    person = make_person(region="71", user=account)
    status = give_status(person, valid_from=dt.date(2025, 1, 1), until=dt.date(2029, 1, 1))
    programme_issue(
        actor=SYSTEM,
        person=person,
        status=status,
        prescription=prescription or [Prescribed("wheelchair_manual", 1), Prescribed("diapers", 3)],
    )
    return account, person


def wheelchair_voucher(person: Person) -> Voucher:
    return Voucher.objects.get(person=person, category="wheelchair_manual", state="active")


def shop(username: str = "supplier_a", serial: int = 1, **item: object) -> tuple[Supplier, Item]:
    supplier = make_supplier(
        username,
        serial=serial,
        categories=("wheelchair_manual", "walking_aid", "sign_language", "sanatorium_treatment"),
    )
    return supplier, make_item(supplier, **item)


def placed(account: User, voucher: Voucher, item: Item) -> Order:
    """One ``item`` ordered by ``account`` with ``voucher``, its co-payment (if any) not yet
    accepted."""
    return orders.order_place(
        actor=account, voucher_id=voucher.pk, item_id=item.pk, quantity=1, co_payment_accepted=None
    )


def delivered(account: User, voucher: Voucher, item: Item) -> Order:
    """An order placed, accepted, shipped and delivered."""
    order = placed(account, voucher, item)
    supplier = item.supplier.representative
    orders.order_accept(actor=supplier, order_id=order.pk)
    orders.order_ship(actor=supplier, order_id=order.pk)
    return orders.order_deliver(actor=supplier, order_id=order.pk)


def an_order(account: User, person: Person, *, serial: int = 90) -> Order:
    """An order placed by ``account`` for ``person`` (who has a status in force), from a new
    verified supplier: the sweeps' order."""
    status = person.statuses.filter(superseded_at__isnull=True).first()
    programme_issue(
        actor=SYSTEM,
        person=person,
        status=status,
        prescription=[Prescribed("wheelchair_manual", 1)],
    )
    _, item = shop(f"supplier_{serial}", serial=serial)
    return placed(account, wheelchair_voucher(person), item)
