"""Every write of vouchers, orders and supplier payments (the services of ``services.py`` for
suppliers and their catalogue; these for what persons buy with their programme).

A voucher is issued for each item of a programme in the programme's own transaction
(``rehabilitation.events.programme_issued``). An order moves placed → accepted → shipped or
scheduled → delivered → confirmed; the person (or their representative) places and confirms it,
or an officer of their region confirms it on their behalf with a reason the person reads; a
return or a dispute stops it until an officer decides. Confirmed orders are paid to their
suppliers in a pain.001 file through the payments module, each once.

Each function is keyword-only, runs in one transaction with one audit record and writes nothing
when it refuses. The voucher and the item are locked (``select_for_update``, a row lock on
PostgreSQL) before they are counted, so two orders placed at once can neither spend a voucher
beyond its quantity nor take stock below zero; the database's constraints say the same.

The order of locks. Every writer of the marketplace (here, ``hours.py``, ``till.py`` and the
supplier's suspension) takes its row locks in this one order, each kind by id, all of a kind
before the next kind:

    supplier → orders → vouchers → in-shop sales → items → programme lines → session slots
    → sanatorium places (by item and day) → the trails' chain heads

so no two writers ever wait on each other in a circle (PostgreSQL would fail one of them with a
deadlock error). The last step matters as much as the first: ``record_write`` (and an access
log entry) locks its chain's head row until the transaction ends, so a writer takes every row
lock it needs before its first audit record, or writes its records at its end
(``core.audit.batched``: a booking's order is placed before its slot's or stay's places are
taken). The supplier's row is locked FOR NO KEY UPDATE by its suspension,
which the orders inserted for it (a foreign key's KEY SHARE lock) do not wait for, and FOR
SHARE, first of all, by the placing of an order of its item (orders wait for a suspension, a
suspension for them, placings not for each other). A writer
that learns which rows it needs only from rows it locks later (a booking's slot names its item)
reads them first without a lock: the ids it reads never change. ``test_lock_order`` races the
paths that used to lock in other orders.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core import access, audit
from inclusio.core.audit import SYSTEM, Actor, account_of, record_write
from inclusio.core.durability import atomic_then_flush
from inclusio.core.errors import Conflict, NotFound, ValidationFailed
from inclusio.core.models import Purpose, Seen, User
from inclusio.core.money import format_tenge
from inclusio.core.roles import APPEAL_DECIDE_SOCIAL, PERSON_MANAGE
from inclusio.core.rows import Lock, fetch, fetch_one, update_fields
from inclusio.marketplace.catalogue import caps_on, category
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import Item, Order, ShopSale, Supplier, Voucher
from inclusio.payments import pain001
from inclusio.payments import services as payments
from inclusio.payments.models import PaymentFile, Transfer
from inclusio.registry.models import Person
from inclusio.rehabilitation.models import Line, Programme
from inclusio.rehabilitation.services import fulfilment_record_bought

# Letters and digits nobody confuses when reading a code aloud or from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SUPPLIER_BATCH = "supplier_orders"


def new_voucher_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# --- vouchers -----------------------------------------------------------------------------------


def vouchers_issue(*, actor: Actor, programme: Programme, previous: Programme | None) -> int:
    """One voucher per item of ``programme``: the quantity its lines owe, the category's price
    cap in force today per unit, the programme's term. The vouchers of ``previous`` are
    replaced (orders under way on them finish). A category without a cap in force gets no
    voucher: the state has not said what it pays for it. Runs in the programme's transaction."""
    today = timezone.localdate()
    caps = caps_on(today)
    now = timezone.now()
    with transaction.atomic():
        replaced = 0
        if previous is not None:
            replaced = Voucher.objects.filter(
                programme_item__programme=previous, state=Voucher.State.ACTIVE
            ).update(state=Voucher.State.REPLACED)
        owed_by_item = dict(
            Line.objects.filter(item__programme=programme, withdrawn=False)
            .values("item_id")
            .annotate(owed=Sum("quantity"))
            .values_list("item_id", "owed")
        )
        issued = []
        for item in programme.items.all():
            cap = caps.get(item.category)
            owed = owed_by_item.get(item.pk) or 0
            if not cap or owed <= 0:
                continue
            issued.append(
                Voucher(
                    person_id=programme.person_id,
                    programme_item=item,
                    category=item.category,
                    code=new_voucher_code(),
                    quantity=owed,
                    cap_per_unit=cap,
                    valid_from=programme.valid_from,
                    valid_until=programme.valid_until,
                    issued_at=now,
                )
            )
        Voucher.objects.bulk_create(issued)
        record_write(
            actor=actor,
            action="vouchers_issue",
            entity="rehabilitation_programme",
            entity_id=programme.pk,
            data={
                "vouchers": len(issued),
                "replaced": replaced,
                "categories": sorted(v.category for v in issued),
            },
        )
    return len(issued)


def on_programme_issued(
    sender: Any, *, programme: Programme, previous: Programme | None, actor: Actor, **kwargs: Any
) -> None:
    vouchers_issue(actor=actor, programme=programme, previous=previous)


# --- who ----------------------------------------------------------------------------------------


# The rows a person's step and the placing of an order read by their key, each a statement
# written once (core.rows): the ORM's join of an order, its voucher and its person compiled some
# 150 columns anew on every confirmation, more than the database took to answer it.
_ORDER_BY_ID = '"marketplace_order"."id" = %s'
_VOUCHER_BY_ID = '"marketplace_voucher"."id" = %s'
_PERSON_BY_ID = '"registry_person"."id" = %s'
_ITEM_BY_ID = '"marketplace_item"."id" = %s'
# An item's supplier never changes: read by a subquery, which locks nothing.
_SUPPLIER_OF_ITEM = (
    '"marketplace_supplier"."id" = '
    '(SELECT "supplier_id" FROM "marketplace_item" WHERE "marketplace_item"."id" = %s)'
)


def lock_supplier_of(item_id: int) -> Supplier | None:
    """The item's supplier, locked FOR SHARE before anything else, as every writer takes the
    supplier first: orders of one supplier are placed side by side, and its suspension (FOR NO
    KEY UPDATE) waits for them or they for it. Taken after the voucher and the item, as it once
    was, a suspension holding the supplier and waiting for the item closed a circle."""
    return fetch_one(Supplier, _SUPPLIER_OF_ITEM, [item_id], lock="share")


def _voucher_with_person(voucher_id: int, *, lock: Lock) -> Voucher | None:
    """The voucher (locked as ``lock`` says: its person never is), its person read with it."""
    voucher = fetch_one(Voucher, _VOUCHER_BY_ID, [voucher_id], lock=lock)
    if voucher is not None:
        voucher.person = fetch_one(Person, _PERSON_BY_ID, [voucher.person_id])  # type: ignore[assignment]
    return voucher


def _person_order(actor: Actor, order_id: int, *, lock: bool = True) -> Order:
    """An order of someone the actor is or represents, locked (not its voucher nor its person,
    which it does not write), with its voucher and person; any other answers as unknown."""
    order = fetch_one(Order, _ORDER_BY_ID, [order_id], lock="update" if lock else "")
    if order is not None:
        voucher = _voucher_with_person(order.voucher_id, lock="")
        assert voucher is not None  # a voucher with orders is never deleted (PROTECT)
        order.voucher = voucher
    if order is None or not access.may_act_for(actor, order.voucher.person):
        raise NotFound(ErrorCode.ORDER_NOT_FOUND, _("No such order, or not yours."))
    return order


# An order of the supplier an account represents, with its item's category: every step of a
# supplier reads it, so it is one statement written once (core.rows) — the ORM compiled the
# supplier's and the order's queries anew on each step, a third of the steps' time at 50 orders
# a second. Only the order is locked, not its item.
_SUPPLIER_ORDER = (
    '"marketplace_order"."id" = %s AND "marketplace_order"."supplier_id" IN '
    '(SELECT "id" FROM "marketplace_supplier" WHERE "representative_id" = %s)'
)
_ITEM_CATEGORY = {
    "item_category": '(SELECT "category" FROM "marketplace_item" '
    'WHERE "marketplace_item"."id" = "marketplace_order"."item_id")'
}


def _supplier_order(actor: Actor, order_id: int) -> Order:
    """An order of the supplier the actor represents, locked, its item's category as
    ``item_category``; any other answers as unknown."""
    from inclusio.marketplace.services import own_supplier, supplier_account

    account = supplier_account(actor)
    order = fetch_one(
        Order, _SUPPLIER_ORDER, [order_id, account.pk], extra=_ITEM_CATEGORY, lock="update"
    )
    if order is None:
        own_supplier(account)  # an account of no supplier is told to register first
        raise NotFound(ErrorCode.ORDER_NOT_FOUND, _("No such order, or not yours."))
    return order


def _officer_order(actor: Actor, order_id: int) -> Order:
    """An order of a person of the officer's region (every region for the ministry)."""
    order = (
        Order.objects.select_for_update()
        .select_related("voucher__person")
        .filter(pk=order_id)
        .first()
    )
    if order is None or not access.may(actor, PERSON_MANAGE, order.region_id):
        raise NotFound(ErrorCode.ORDER_NOT_FOUND, _("No such order, or not in your region."))
    return order


def _reason(text: str) -> str:
    reason = str(text or "").strip()[:2000]
    if not reason:
        raise ValidationFailed(
            ErrorCode.ORDER_REASON_REQUIRED, _("Give the reason: the person reads it.")
        )
    return reason


def _state_conflict(order: Order) -> Conflict:
    return Conflict(
        ErrorCode.ORDER_STATE,
        _("This cannot be done to an order in the state “%(state)s”."),
        state=order.get_state_display(),
    )


def _audit(actor: Actor, action: str, order: Order, **data: Any) -> None:
    record_write(
        actor=actor,
        action=action,
        entity="order",
        entity_id=order.pk,
        data={"state": order.state, **data},
    )


# --- placing an order ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """What an order of ``quantity`` of ``item`` with ``voucher`` costs, per unit and in all."""

    unit_price: int
    state_per_unit: int
    co_payment_per_unit: int
    quantity: int

    @property
    def co_payment(self) -> int:
        return self.co_payment_per_unit * self.quantity

    @property
    def state_pays(self) -> int:
        return self.state_per_unit * self.quantity

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity


def quote(voucher: Voucher, item: Item, quantity: int) -> Quote:
    if item.price <= 0:
        raise ValidationFailed(
            ErrorCode.PRICE_NOT_POSITIVE, _("The price must be a whole number of tenge above 0.")
        )
    state = min(item.price, voucher.cap_per_unit)
    return Quote(item.price, state, item.price - state, quantity)


def _check_order(
    actor: Actor, voucher: Voucher | None, item: Item | None, quantity: int, day: dt.date
) -> tuple[Voucher, Item]:
    if voucher is None or not access.may_act_for(actor, voucher.person):
        raise NotFound(ErrorCode.VOUCHER_NOT_FOUND, _("No such voucher, or not yours."))
    if item is None:
        raise NotFound(ErrorCode.ITEM_NOT_YOURS, _("No such item in the catalogue."))
    if voucher.state != Voucher.State.ACTIVE or not (
        voucher.valid_from <= day <= voucher.valid_until
    ):
        raise ValidationFailed(
            ErrorCode.VOUCHER_EXPIRED,
            _("This voucher is not valid today (valid %(start)s to %(end)s)."),
            start=voucher.valid_from.isoformat(),
            end=voucher.valid_until.isoformat(),
        )
    if item.category != voucher.category:
        raise ValidationFailed(
            ErrorCode.VOUCHER_CATEGORY, _("This voucher is for another kind of item.")
        )
    if item.supplier.status != Supplier.Status.VERIFIED:
        raise Conflict(
            ErrorCode.SUPPLIER_SUSPENDED,
            _("This supplier cannot take orders now: choose another one."),
        )
    if not item.supplier.regions_served.filter(code=voucher.person.region_id).exists():
        raise ValidationFailed(
            ErrorCode.SUPPLIER_NOT_SERVING, _("This supplier does not deliver to your region.")
        )
    if quantity <= 0:
        raise ValidationFailed(ErrorCode.ORDER_QUANTITY_NOT_POSITIVE, _("Order 1 or more."))
    if quantity > voucher.left:
        raise Conflict(
            ErrorCode.VOUCHER_SPENT,
            _("Only %(left)s left on this voucher; %(quantity)s asked."),
            left=voucher.left,
            quantity=quantity,
        )
    if item.stock is not None and item.stock < quantity:
        raise Conflict(
            ErrorCode.OUT_OF_STOCK,
            _("Only %(stock)s in stock; %(quantity)s asked."),
            stock=item.stock,
            quantity=quantity,
        )
    return voucher, item


def order_quote(*, actor: Actor, voucher_id: int, item_id: int, quantity: int) -> Quote:
    """What the order would cost, checked as placing it would be, writing nothing."""
    voucher = Voucher.objects.select_related("person").filter(pk=voucher_id).first()
    item = Item.objects.select_related("supplier").filter(pk=item_id).first()
    voucher, item = _check_order(actor, voucher, item, quantity, timezone.localdate())
    return quote(voucher, item, quantity)


def order_place(
    *, actor: Actor, voucher_id: int, item_id: int, quantity: int, co_payment_accepted: int | None
) -> Order:
    """The person (or their representative) orders ``quantity`` of an item with a voucher.
    When the price is above the cap, ``co_payment_accepted`` must be the co-payment shown to
    them, in tenge (a price changed since then is shown again, not charged)."""
    if not isinstance(actor, User):
        raise NotFound(ErrorCode.VOUCHER_NOT_FOUND, _("No such voucher, or not yours."))
    today = timezone.localdate()
    with atomic_then_flush():
        supplier = lock_supplier_of(item_id)
        voucher = _voucher_with_person(voucher_id, lock="update")
        if voucher is not None:
            # In-shop sales left unconfirmed past their hold give their reservation back; the
            # items of those sales and this one are locked together, by id.
            from inclusio.marketplace.till import release_lapsed

            release_lapsed(voucher, items=[item_id])
        item = fetch_one(Item, _ITEM_BY_ID, [item_id], lock="update")
        if item is not None:
            item.supplier = supplier  # type: ignore[assignment]
        voucher, item = _check_order(actor, voucher, item, quantity, today)
        price = quote(voucher, item, quantity)
        if price.co_payment and co_payment_accepted != price.co_payment:
            raise ValidationFailed(
                ErrorCode.CO_PAYMENT_NOT_ACCEPTED,
                _("The price is above the state cap: confirm that you pay %(co_payment)s."),
                co_payment=format_tenge(price.co_payment),
            )
        voucher.spent += quantity
        update_fields(voucher, ["spent"])
        if item.stock is not None:
            item.stock -= quantity
            update_fields(item, ["stock"])
        order = Order.objects.create(
            voucher=voucher,
            item=item,
            supplier=item.supplier,
            region_id=voucher.person.region_id,
            quantity=quantity,
            unit_price=price.unit_price,
            state_per_unit=price.state_per_unit,
            co_payment_per_unit=price.co_payment_per_unit,
            placed_by=actor,
            placed_at=timezone.now(),
            due_by=today + dt.timedelta(days=item.lead_time_days),
        )
        _audit(
            actor,
            "order_place",
            order,
            voucher=voucher.pk,
            item=item.pk,
            quantity=quantity,
            state_pays=price.state_pays,
            co_payment=price.co_payment,
        )
    return order


# --- the supplier's steps -----------------------------------------------------------------------


def _step(
    actor: Actor,
    order_id: int,
    action: str,
    source: tuple[str, ...],
    target: str,
    *,
    goods_only: bool = False,
) -> Order:
    with atomic_then_flush():
        order = _supplier_order(actor, order_id)
        if order.state not in source or (goods_only and not category(order.item_category).goods):
            raise _state_conflict(order)
        order.state = target
        stamp = {"accepted": "accepted_at", "shipped": "shipped_at", "delivered": "delivered_at"}
        fields = ["state"]
        if target in stamp:
            setattr(order, stamp[target], timezone.now())
            fields.append(stamp[target])
        update_fields(order, fields)
        _audit(actor, action, order)
    return order


def order_accept(*, actor: Actor, order_id: int) -> Order:
    return _step(actor, order_id, "order_accept", ("placed",), "accepted")


def order_ship(*, actor: Actor, order_id: int) -> Order:
    """Goods are sent: services and sanatorium stays are scheduled instead."""
    return _step(actor, order_id, "order_ship", ("accepted",), "shipped", goods_only=True)


def order_schedule(*, actor: Actor, order_id: int, day: dt.date | None) -> Order:
    """A service or a sanatorium stay gets its date (today or later)."""
    if day is None or day < timezone.localdate():
        raise ValidationFailed(ErrorCode.SCHEDULE_DATE_INVALID, _("Give a date from today on."))
    with atomic_then_flush():
        order = _supplier_order(actor, order_id)
        if order.state not in ("accepted", "scheduled") or category(order.item_category).goods:
            raise _state_conflict(order)
        order.state = Order.State.SCHEDULED
        order.scheduled_for = day
        order.due_by = day
        order.save(update_fields=["state", "scheduled_for", "due_by"])
        _audit(actor, "order_schedule", order, day=day.isoformat())
    return order


def order_deliver(*, actor: Actor, order_id: int) -> Order:
    return _step(actor, order_id, "order_deliver", ("shipped", "scheduled"), "delivered")


# --- receipt, complaints, rating ----------------------------------------------------------------


def _fulfil(order: Order, day: dt.date) -> int:
    """Count the order in the programme's implementation (rehabilitation's rule: against the
    line owed today, up to what it still owes). ``order.voucher.person`` is read already."""
    return fulfilment_record_bought(
        item=order.voucher.programme_item,
        person=order.voucher.person,
        quantity=order.quantity,
        date=day,
    )


def _confirm(actor: Actor, order: Order, reason: str) -> Order:
    if order.state == Order.State.CONFIRMED:
        raise Conflict(
            ErrorCode.ORDER_ALREADY_CONFIRMED, _("This order's receipt is already confirmed.")
        )
    if order.state not in ("shipped", "scheduled", "delivered"):
        raise _state_conflict(order)
    now = timezone.now()
    order.state = Order.State.CONFIRMED
    order.confirmed_at = now
    order.confirmed_by = account_of(actor)
    order.confirmation_reason = reason
    if order.delivered_at is None:
        order.delivered_at = now
    update_fields(
        order, ["state", "confirmed_at", "confirmed_by", "confirmation_reason", "delivered_at"]
    )
    counted = _fulfil(order, timezone.localdate())
    _audit(actor, "order_confirm", order, on_behalf=bool(reason), fulfilment_counted=counted)
    return order


def order_confirm(*, actor: Actor, order_id: int) -> Order:
    """The person (or representative) confirms receipt: the supplier may then be paid."""
    with atomic_then_flush():
        return _confirm(actor, _person_order(actor, order_id), "")


def order_confirm_on_behalf(*, actor: Actor, order_id: int, reason: str) -> Order:
    """An officer of the person's region confirms receipt for them, saying why."""
    reason = _reason(reason)
    # The read's access-log entry locks its trail's head: written at the end, after the
    # programme line's lock (the one order of locks).
    with atomic_then_flush(), audit.batched():
        order = _officer_order(actor, order_id)
        access.see(
            actor,
            order.voucher.person,
            what=Seen.REHABILITATION_PROGRAMME,
            purpose=Purpose.REHABILITATION,
            permission=PERSON_MANAGE,
        )
        return _confirm(actor, order, reason)


def order_complain(*, actor: Actor, order_id: int, complaint: str, reason: str) -> Order:
    """The person returns what came, or disputes the order: an officer decides."""
    if complaint not in Order.Complaint.values:
        raise ValidationFailed(ErrorCode.ORDER_CHOICE_REQUIRED, _("Choose a return or a dispute."))
    reason = _reason(reason)
    with atomic_then_flush():
        order = _person_order(actor, order_id)
        if order.state not in ("accepted", "shipped", "scheduled", "delivered"):
            raise _state_conflict(order)
        order.state = Order.State.DISPUTED
        order.complaint = complaint
        order.complaint_reason = reason
        order.save(update_fields=["state", "complaint", "complaint_reason"])
        _audit(actor, "order_complain", order, complaint=complaint)
    return order


def lock_vouchers(ids: Iterable[int]) -> dict[int, Voucher]:
    """The vouchers, locked in id order (the order every writer keeps)."""
    return {
        v.pk: v for v in Voucher.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    }


def lock_items(ids: Iterable[int]) -> dict[int, Item]:
    """The items, locked in id order, after the vouchers (the order every writer keeps)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    if len(wanted) > 4:  # a suspension's items, a sale's lapsed ones: rare, any number
        locked = list(Item.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
    else:
        # An order placed locks one item, a sale one or two: a statement for each number of
        # them, written once (core.rows).
        placeholders = ", ".join(["%s"] * len(wanted))
        where = f'"marketplace_item"."id" IN ({placeholders}) ORDER BY "marketplace_item"."id"'
        locked = fetch(Item, where, wanted, lock="update")
    return {item.pk: item for item in locked}


@dataclass(frozen=True)
class Taken:
    """What an order or an in-shop sale holds on a voucher and an item's stock."""

    voucher_id: int
    item_id: int
    quantity: int


def give_back(taken: Sequence[Taken], vouchers: dict[int, Voucher], items: dict[int, Item]) -> None:
    """The quantities return to their vouchers, and goods to their suppliers' stock; the
    caller holds the vouchers' and the items' locks (``lock_vouchers``, ``lock_items``)."""
    for entry in taken:
        vouchers[entry.voucher_id].spent -= entry.quantity
        item = items[entry.item_id]
        if item.stock is not None:
            item.stock += entry.quantity
    Voucher.objects.bulk_update(
        [vouchers[pk] for pk in sorted({t.voucher_id for t in taken})], ["spent"]
    )
    stocked = [
        items[pk] for pk in sorted({t.item_id for t in taken}) if items[pk].stock is not None
    ]
    Item.objects.bulk_update(stocked, ["stock"])


def orders_give_back(undone: Sequence[Order]) -> None:
    """The orders' quantities return to their vouchers and goods to stock, the vouchers then
    the items locked by id. The caller holds the orders' locks."""
    taken = [Taken(o.voucher_id, o.item_id, o.quantity) for o in undone]
    vouchers = lock_vouchers(t.voucher_id for t in taken)
    give_back(taken, vouchers, lock_items(t.item_id for t in taken))


def _undo(order: Order) -> None:
    """The order is undone before its time (a dispute or an appeal decided for the person): the
    voucher's quantity returns and a session booked or a stay ahead gives its place back."""
    from inclusio.marketplace.hours import places_give_back  # hours.py builds on this module

    orders_give_back([order])
    places_give_back([order.pk])


def order_resolve(*, actor: Actor, order_id: int, for_person: bool, reason: str) -> Order:
    """The officer decides a return or dispute: for the person, the order is undone and the
    voucher's quantity returns; for the supplier, the order is delivered and waits for the
    person's confirmation."""
    reason = _reason(reason)
    with atomic_then_flush():
        order = _officer_order(actor, order_id)
        if order.state != Order.State.DISPUTED:
            raise _state_conflict(order)
        if for_person:
            _undo(order)
            order.state = Order.State.RETURNED
        else:
            order.state = Order.State.DELIVERED
            order.delivered_at = order.delivered_at or timezone.now()
        order.resolution = reason
        order.resolved_at = timezone.now()
        order.resolved_by = account_of(actor)
        order.save(
            update_fields=["state", "delivered_at", "resolution", "resolved_at", "resolved_by"]
        )
        _audit(actor, "order_resolve", order, for_person=for_person)
    return order


# The remedies of a granted appeal against a resolution that went for the supplier.
APPEAL_REFUND = "refund"  # the order is undone: its quantity returns to the voucher
APPEAL_REDELIVER = "redeliver"  # the supplier delivers again; paid only once that is confirmed
APPEAL_REMEDIES = (APPEAL_REFUND, APPEAL_REDELIVER)


def order_resolve_on_appeal(*, actor: Actor, order_id: int, cause: str, remedy: str) -> Order:
    """A dispute's resolution for the supplier overturned on appeal (``cause`` names the
    appeal): the order is undone and the voucher's quantity returns (``refund``), or it goes
    back to the supplier to deliver again (``redeliver``). Either way the supplier is not paid
    for what was disputed: only a confirmed order is paid, and once. The social-protection
    appeals body of the person's region decides; for anyone else the order does not exist.
    Refused when the resolution no longer stands: it went for the person, or the receipt was
    confirmed since (the order is counted in the programme and may be paid; undoing that is a
    claim against the supplier, not a step here)."""
    if remedy not in APPEAL_REMEDIES:
        raise ValidationFailed(
            ErrorCode.APPEAL_ORDER_REMEDY,
            _("Choose what the appeal gives: the voucher back, or a new delivery."),
        )
    with transaction.atomic():
        order = (
            Order.objects.select_for_update()
            .select_related("voucher__person")
            .filter(pk=order_id, resolved_at__isnull=False)
            .first()
        )
        if order is None or not (
            actor is SYSTEM or access.may(actor, APPEAL_DECIDE_SOCIAL, order.region_id)
        ):
            raise NotFound(ErrorCode.ORDER_NOT_FOUND, _("No such order, or not in your region."))
        if order.state != Order.State.DELIVERED:
            raise Conflict(
                ErrorCode.APPEAL_ORDER_NOT_STANDING,
                _("The dispute's resolution no longer stands: the order is now “%(state)s”."),
                state=order.get_state_display(),
            )
        if remedy == APPEAL_REFUND:
            _undo(order)
            order.state = Order.State.RETURNED
        else:
            order.state = Order.State.ACCEPTED
            order.delivered_at = None
        order.save(update_fields=["state", "delivered_at"])
        _audit(actor, "order_resolve_on_appeal", order, cause=cause, remedy=remedy)
    return order


def order_rate(*, actor: Actor, order_id: int, stars: int) -> Order:
    """The person rates the supplier of a received order, 1 to 5 stars (changeable)."""
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValidationFailed(ErrorCode.RATING_INVALID, _("Give 1 to 5 stars."))
    with atomic_then_flush():
        order = _person_order(actor, order_id)
        if order.state != Order.State.CONFIRMED:
            raise _state_conflict(order)
        order.rating = stars
        order.save(update_fields=["rating"])
        _audit(actor, "order_rate", order, stars=stars)
    return order


def orders_offer_back(*, actor: Actor, supplier: Supplier) -> int:
    """A suspended supplier's open orders are cancelled and their quantity returns to the
    persons' vouchers; each person reads why on their order. Its in-shop sales still waiting
    for the person's confirmation are cancelled too (``till.sales_cancel``): what they reserved
    returns to the voucher at once, not after the sale's hold, and the persons are told. Runs
    in the suspension's transaction, taking its locks in the module's one order. Returns how
    many orders."""
    from inclusio.marketplace.hours import places_give_back
    from inclusio.marketplace.till import sales_cancel

    with transaction.atomic():
        open_orders = list(
            Order.objects.select_for_update()
            .filter(supplier=supplier, state__in=Order.OPEN)
            .order_by("id")
        )
        # The vouchers of the orders and of the sales waiting (read unlocked: a sale's voucher
        # never changes), locked before the sales themselves.
        waiting = ShopSale.objects.filter(supplier=supplier, state=ShopSale.State.PENDING)
        vouchers = lock_vouchers(
            [o.voucher_id for o in open_orders] + list(waiting.values_list("voucher_id", flat=True))
        )
        sales = list(waiting.select_for_update().filter(voucher_id__in=vouchers).order_by("id"))
        if not open_orders and not sales:
            return 0
        taken = [Taken(o.voucher_id, o.item_id, o.quantity) for o in open_orders] + [
            Taken(s.voucher_id, s.item_id, s.quantity) for s in sales
        ]
        items = lock_items(t.item_id for t in taken)
        released = places_give_back([o.pk for o in open_orders])
        give_back(taken, vouchers, items)
        for order in open_orders:
            order.state = Order.State.OFFERED_BACK
            order.cancel_reason = supplier.status_reason
        Order.objects.bulk_update(open_orders, ["state", "cancel_reason"])
        told = sales_cancel(sales, vouchers)
        record_write(
            actor=actor,
            action="orders_offer_back",
            entity="supplier",
            entity_id=supplier.pk,
            data={
                "orders": [o.pk for o in open_orders],
                "sales": [s.pk for s in sales],
                "told": told,
                **released,
            },
        )
    return len(open_orders)


# --- paying suppliers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierPaymentFile:
    name: str
    content: bytes
    orders: int
    amount_kzt: int


def unpaid_confirmed() -> QuerySet[Order]:
    """Confirmed orders with no payment the bank has not rejected: what the next file pays."""
    live = Transfer.objects.filter(
        purpose_kind=Transfer.Purpose.SUPPLIER_ORDER, purpose_id=OuterRef("pk")
    ).exclude(state=Transfer.State.REJECTED)
    return Order.objects.filter(state=Order.State.CONFIRMED).exclude(Exists(live))


def supplier_payments_send(
    *, actor: Actor, execution: dt.date | None = None, limit: int | None = None
) -> SupplierPaymentFile:
    """Pay every confirmed order not yet paid, each to its supplier's IBAN, in one pain.001
    file; an order is never paid before its receipt is confirmed, and only once (the payments
    module's ``transfer_pays_its_purpose_once``: two runs at once cannot both pay it)."""
    payments.require_payment_officer(actor)
    execution = execution or timezone.localdate()
    with transaction.atomic():
        rows = (
            unpaid_confirmed()
            .select_for_update(of=("self",))
            .select_related("supplier", "item")
            .order_by("id")
        )
        orders = list(rows[:limit] if limit else rows)
        if not orders:
            raise Conflict(ErrorCode.NOTHING_TO_PAY, _("No confirmed order waits for payment."))
        tries: dict[int, int] = {}
        for purpose_id in Transfer.objects.filter(
            purpose_kind=Transfer.Purpose.SUPPLIER_ORDER, purpose_id__in=[o.pk for o in orders]
        ).values_list("purpose_id", flat=True):
            tries[purpose_id] = tries.get(purpose_id, 0) + 1
        transfers = payments.transfers_queue(
            actor=actor,
            payments=[
                payments.Queued(
                    purpose_kind=Transfer.Purpose.SUPPLIER_ORDER,
                    purpose_id=o.pk,
                    payer="portal",
                    payee_reference=o.supplier.bin,
                    amount_kzt=o.state_total,
                    iban=o.supplier.iban,
                    # Sent again after a rejection, a new id: the bank's report on the first
                    # must never be read as about the second.
                    end_to_end_id=f"MKT-{o.pk}" + (f"-{tries[o.pk] + 1}" if o.pk in tries else ""),
                )
                for o in orders
            ],
        )
        by_id = {o.pk: o for o in orders}
        number = PaymentFile.objects.filter(batch_kind=SUPPLIER_BATCH).count() + 1
        stamp = timezone.now().strftime("%Y%m%d%H%M%S")
        sent, content = payments.file_send(
            actor=actor,
            transfers=transfers,
            message_id=f"INC-MKT-{stamp}-{number}",
            batch_kind=SUPPLIER_BATCH,
            batch_id=number,
            execution=execution,
            line_of=lambda t: _line(t, by_id[t.purpose_id]),
        )
        amount = sum(t.amount_kzt for t in transfers)
        record_write(
            actor=actor,
            action="supplier_payments_send",
            entity="payment_file",
            entity_id=sent.message_id,
            data={"orders": len(orders), "amount_kzt": amount},
        )
    return SupplierPaymentFile(
        name=f"inclusio-suppliers-{sent.message_id}.xml",
        content=content,
        orders=len(orders),
        amount_kzt=amount,
    )


def _line(transfer: Transfer, order: Order) -> pain001.Line:
    return pain001.Line(
        end_to_end_id=transfer.end_to_end_id,
        amount_kzt=transfer.amount_kzt,
        payee_name=order.supplier.legal_name,
        payee_id=order.supplier.bin,
        payee_scheme="BIN",
        iban=transfer.iban,
        remittance=f"Order {order.pk} {order.item.category} x{order.quantity}",
    )
