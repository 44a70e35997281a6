"""Reads of vouchers and orders. A person (or their representative) reads their wallet and
orders; an officer those of persons of their region, logged in the person's access log; a
supplier only its own orders, and of the person only what delivery needs — name, address,
phone — never the disability's category, cause or diagnosis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import segno
from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inclusio.core import access
from inclusio.core.audit import Actor, batched
from inclusio.core.errors import NotFound
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import PERSON_MANAGE, SUPPLIER_MANAGE
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.marketplace.catalogue import categories
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import Order, Supplier, Voucher
from inclusio.payments.models import Transfer
from inclusio.registry.models import Person

STEPS = ("placed", "accepted", "shipped", "delivered", "confirmed")


def qr_svg(code: str) -> SafeString:
    """The voucher's code as an inline SVG QR code for a shop's scanner; the code is printed
    beside it, so the image names itself and adds nothing a screen reader needs."""
    svg = segno.make(code, micro=False).svg_inline(scale=4, border=2, title=code)
    label = escape(_("QR code of voucher %(code)s") % {"code": code})
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S308 — segno's own markup; the label is escaped


@dataclass(frozen=True)
class Wallet:
    person: Person
    vouchers: list[tuple[Voucher, str, SafeString]]  # voucher, category name, QR code
    orders: list[Order]

    @property
    def offered_back(self) -> list[Order]:
        """Orders a suspended supplier left, on vouchers still in force: the person is told
        at the top of the wallet to choose another supplier."""
        active = {voucher.pk for voucher, _name, _qr in self.vouchers}
        return [
            o for o in self.orders if o.state == Order.State.OFFERED_BACK and o.voucher_id in active
        ]


def wallet(*, actor: Actor, person: Person) -> Wallet:
    """The person's vouchers in force (with their QR codes) and orders, newest first."""
    access.see(
        actor,
        person,
        what=Seen.REHABILITATION_PROGRAMME,
        purpose=Purpose.REHABILITATION,
        permission=PERSON_MANAGE,
    )
    known = categories()
    vouchers = Voucher.objects.filter(person=person, state=Voucher.State.ACTIVE)
    return Wallet(
        person=person,
        vouchers=[(v, known[v.category].name, qr_svg(v.code)) for v in vouchers],
        orders=list(
            Order.objects.filter(voucher__person=person).select_related("item", "supplier")
        ),
    )


def vouchers_for_item(*, actor: Actor, person: Person, category: str) -> list[Voucher]:
    """The person's vouchers in force today that an item of ``category`` can be ordered with."""
    if not access.may_act_for(actor, person):
        return []
    return vouchers_in_force(person, [category])


def vouchers_in_force(person: Person, category_codes: list[str]) -> list[Voucher]:
    """The person's vouchers of ``category_codes`` in force today with something left. The
    caller has let the reader in."""
    today = timezone.localdate()
    return [
        v
        for v in Voucher.objects.filter(
            person=person,
            category__in=category_codes,
            state=Voucher.State.ACTIVE,
            valid_from__lte=today,
            valid_until__gte=today,
        )
        if v.left > 0
    ]


@dataclass(frozen=True)
class OrderView:
    order: Order
    viewer: str  # "person", "officer" or "supplier"
    category_name: str
    steps: list[tuple[str, bool]]  # each step of the way and whether it is done
    paid: Transfer | None


def _steps(order: Order) -> list[tuple[str, bool]]:
    reached = {
        "placed": True,
        "accepted": order.accepted_at is not None,
        "shipped": order.shipped_at is not None or order.scheduled_for is not None,
        "delivered": order.delivered_at is not None,
        "confirmed": order.confirmed_at is not None,
    }
    return [(step, reached[step]) for step in STEPS]


def order_view(*, actor: Actor, order_id: int) -> OrderView:
    """The order as its reader may see it; anyone else answers as for an unknown order."""
    order = (
        Order.objects.select_related("item", "supplier", "voucher__person", "confirmed_by")
        .filter(pk=order_id)
        .first()
    )
    unknown = NotFound(ErrorCode.ORDER_NOT_FOUND, _("No such order, or not yours."))
    if order is None:
        raise unknown
    person = order.voucher.person
    if order.supplier.representative_id == getattr(actor, "pk", None):
        log_delivery_read(actor, [person.iin])
        viewer = "supplier"
    elif access.may_act_for(actor, person):
        viewer = "person"
    elif access.may(actor, PERSON_MANAGE, order.region_id):
        access.see(
            actor,
            person,
            what=Seen.REHABILITATION_PROGRAMME,
            purpose=Purpose.REHABILITATION,
            permission=PERSON_MANAGE,
        )
        viewer = "officer"
    else:
        raise unknown
    paid = (
        Transfer.objects.filter(purpose_kind=Transfer.Purpose.SUPPLIER_ORDER, purpose_id=order.pk)
        .order_by("-id")
        .first()
    )
    return OrderView(order, viewer, categories()[order.item.category].name, _steps(order), paid)


@dataclass(frozen=True)
class Delivery:
    """What a supplier sees of an order: the item and where to bring it, nothing more."""

    order_id: int
    state: str
    state_label: str
    item: str
    quantity: int
    name: str
    address: str
    phone: str
    due_by: dt.date
    scheduled_for: dt.date | None


DELIVERY_FIELDS = (
    "pk",
    "state",
    "quantity",
    "due_by",
    "scheduled_for",
    "item__name",
    "voucher__person__surname",
    "voucher__person__given_name",
    "voucher__person__address",
    "voucher__person__phone",
    "voucher__person__iin",  # for the person's access log only; never shown to the supplier
)


def log_delivery_read(actor: Actor, person_iins: list[str]) -> None:
    """A supplier reads, of the persons it delivers to, only name, address and phone; the query
    scopes it to its own orders, and each person still sees the read in their access log."""
    with batched():  # a dashboard of many orders: one append to the log, not one per person
        access.log_bulk_read(
            actor,
            list(dict.fromkeys(person_iins)),
            what=Seen.REHABILITATION_PROGRAMME,
            purpose=Purpose.REHABILITATION,
        )


def delivery_of(row: dict[str, Any]) -> Delivery:
    return Delivery(
        order_id=row["pk"],
        state=row["state"],
        state_label=str(Order.State(row["state"]).label),
        item=row["item__name"],
        quantity=row["quantity"],
        name=f"{row['voucher__person__surname']} {row['voucher__person__given_name']}",
        address=row["voucher__person__address"],
        phone=row["voucher__person__phone"],
        due_by=row["due_by"],
        scheduled_for=row["scheduled_for"],
    )


def supplier_deliveries(
    supplier: Supplier, *, actor: Actor, open_only: bool = True
) -> list[Delivery]:
    """The supplier's orders, read column by column so nothing but delivery details leaves
    the database; each person read is logged for them."""
    rows: QuerySet[Order] = Order.objects.filter(supplier=supplier)
    if open_only:
        rows = rows.filter(state__in=Order.OPEN)
    found = list(rows.order_by("due_by", "pk").values(*DELIVERY_FIELDS)[:200])
    log_delivery_read(actor, [r["voucher__person__iin"] for r in found])
    return [delivery_of(r) for r in found]


def supplier_payments(supplier: Supplier) -> list[Transfer]:
    ids = Order.objects.filter(supplier=supplier).values("pk")
    return list(
        Transfer.objects.filter(
            purpose_kind=Transfer.Purpose.SUPPLIER_ORDER, purpose_id__in=ids
        ).order_by("-id")[:100]
    )


# --- officers -----------------------------------------------------------------------------------


def _region_orders(actor: Actor) -> QuerySet[Order]:
    officer = require_permission(actor, PERSON_MANAGE)
    rows = Order.objects.select_related("item", "supplier")
    if officer.region_id is not None:
        rows = rows.filter(region_id=officer.region_id)
    return rows


def _orders_worklist(
    key: str,
    rows: QuerySet[Order],
    page: str | int | None,
    *,
    title: Promise,
    description: Promise,
    empty: Promise,
) -> Worklist:
    found = page_of(rows, page)
    return Worklist(
        key=key,
        title=title,
        description=description,
        template="marketplace/worklist_orders.html",
        page=found,
        rows=list(found.object_list),
        empty=empty,
    )


def worklist_orders_overdue(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """Orders of the officer's region past their due date and not yet delivered."""
    rows = _region_orders(actor).filter(
        state__in=Order.UNDELIVERED, due_by__lt=timezone.localdate()
    )
    return _orders_worklist(
        "orders_overdue",
        rows.order_by("due_by", "pk"),
        page,
        title=gettext_lazy("Overdue orders"),
        description=gettext_lazy("Orders past their due date: call the supplier."),
        empty=gettext_lazy("No order of your region is overdue."),
    )


def worklist_orders_disputed(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """Returns and disputes of the officer's region waiting for a decision."""
    rows = _region_orders(actor).filter(state=Order.State.DISPUTED)
    return _orders_worklist(
        "orders_disputed",
        rows.order_by("placed_at", "pk"),
        page,
        title=gettext_lazy("Returns and disputes"),
        description=gettext_lazy("Read both sides and decide each one."),
        empty=gettext_lazy("No return or dispute waits for you."),
    )


def worklist_supplier_orders(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """The supplier's orders still to accept, deliver or schedule, the earliest due first."""
    account = require_permission(actor, SUPPLIER_MANAGE)
    rows = Order.objects.select_related("item", "supplier").filter(
        supplier__representative=account, state__in=Order.UNDELIVERED
    )
    return _orders_worklist(
        "supplier_orders",
        rows.order_by("due_by", "pk"),
        page,
        title=gettext_lazy("Orders to handle"),
        description=gettext_lazy(
            "Accept each new order, then deliver or schedule it by its due date."
        ),
        empty=gettext_lazy("No order waits for you."),
    )


@dataclass(frozen=True)
class Performance:
    supplier: str
    orders: int
    confirmed: int
    overdue: int
    disputed: int
    rating: float | None
    # Delivered after the date due, or not delivered and past it: the share of the orders.
    late_percent: float = 0.0


def supplier_performance(*, actor: Actor) -> list[Performance]:
    """Per supplier, its orders from persons of the officer's region: how many, received,
    overdue, disputed, and the persons' mean rating."""
    today = timezone.localdate()
    rows = (
        _region_orders(actor)
        .values("supplier__legal_name")
        .annotate(
            orders=Count("pk"),
            confirmed=Count("pk", filter=Q(state="confirmed")),
            overdue=Count(
                "pk",
                filter=Q(state__in=Order.UNDELIVERED, due_by__lt=today),
            ),
            disputed=Count("pk", filter=Q(complaint__gt="")),
            rating=Avg("rating"),
            late=Count(
                "pk",
                filter=Q(state__in=Order.UNDELIVERED, due_by__lt=today)
                | Q(delivered_at__date__gt=F("due_by")),
            ),
        )
        .order_by("supplier__legal_name")
    )
    return [
        Performance(
            r["supplier__legal_name"],
            r["orders"],
            r["confirmed"],
            r["overdue"],
            r["disputed"],
            round(r["rating"], 1) if r["rating"] is not None else None,
            round(100 * r["late"] / r["orders"], 1) if r["orders"] else 0.0,
        )
        for r in rows
    ]
