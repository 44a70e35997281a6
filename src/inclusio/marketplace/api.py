"""The supplier API: a supplier's own system lists its orders, accepts and delivers them,
checks voucher codes, records in-shop sales and reads its payments, through the same services
as the pages. Authentication by the supplier's token (``Authorization: Bearer inc_sup_…``,
created in the dashboard); every POST honours an ``Idempotency-Key`` header."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema, Status

from inclusio.api_errors import ERROR_RESPONSES, ErrorOut
from inclusio.core.api_tokens import AccountBearer
from inclusio.core.models import User
from inclusio.marketplace import idempotency, order_selectors, orders, services, till
from inclusio.marketplace.catalogue import category
from inclusio.marketplace.models import Order, ShopSale, Supplier
from inclusio.marketplace.tokens import representative_for_token

# ``request.user`` becomes the supplier's representative: the services' actor.
router = Router(tags=["marketplace"], auth=AccountBearer(representative_for_token))
ERRORS: dict[int, Any] = dict.fromkeys(ERROR_RESPONSES, ErrorOut)


class OrderOut(Schema):
    id: int
    state: str
    item: str
    quantity: int
    deliver_to: str
    address: str
    phone: str
    due_by: dt.date
    scheduled_for: dt.date | None


class DeliverIn(Schema):
    # "delivered" hands goods over (shipping them first when only accepted); "scheduled" gives
    # a service or a sanatorium stay its date.
    outcome: Literal["delivered", "scheduled"] = "delivered"
    day: dt.date | None = None


class OrderStateOut(Schema):
    id: int
    state: str
    scheduled_for: dt.date | None


class VoucherCheckIn(Schema):
    code: str


class VoucherCheckOut(Schema):
    code: str
    status: str
    message: str
    category: str
    left: int
    cap_per_unit: int
    valid_until: dt.date


class SaleIn(Schema):
    code: str
    item_id: int
    quantity: int
    unit_price: int


class SaleOut(Schema):
    id: int
    state: str
    item_id: int
    quantity: int
    unit_price: int
    state_per_unit: int
    co_payment_per_unit: int
    expires_at: dt.datetime
    code_sent: bool
    order_id: int | None


class SaleConfirmIn(Schema):
    code: str


class PaymentOut(Schema):
    order_id: int
    end_to_end_id: str
    amount_kzt: int
    state: str


def _supplier(request: HttpRequest) -> Supplier:
    return services.own_supplier(request.user)


def _order_state(order: Order) -> dict[str, Any]:
    return OrderStateOut(
        id=order.pk, state=order.state, scheduled_for=order.scheduled_for
    ).model_dump(mode="json")


def _sale(sale: ShopSale) -> dict[str, Any]:
    return SaleOut(
        id=sale.pk,
        state=sale.state,
        item_id=sale.item_id,
        quantity=sale.quantity,
        unit_price=sale.unit_price,
        state_per_unit=sale.state_per_unit,
        co_payment_per_unit=sale.co_payment_per_unit,
        expires_at=sale.expires_at,
        code_sent=bool(sale.code_digest),
        order_id=sale.order_id,
    ).model_dump(mode="json")


@router.get(
    "/orders",
    response={200: list[OrderOut], **ERRORS},
    operation_id="marketplace_orders_list",
    summary="The supplier's orders",
    description="The supplier's own orders (open ones unless `open_only=false`), with only "
    "what delivery needs of the person: name, address, phone.",
)
def orders_list(request: HttpRequest, open_only: bool = True) -> list[OrderOut]:
    found = order_selectors.supplier_deliveries(
        _supplier(request), actor=request.user, open_only=open_only
    )
    return [
        OrderOut(
            id=d.order_id,
            state=d.state,
            item=d.item,
            quantity=d.quantity,
            deliver_to=d.name,
            address=d.address,
            phone=d.phone,
            due_by=d.due_by,
            scheduled_for=d.scheduled_for,
        )
        for d in found
    ]


@router.post(
    "/orders/{order_id}/accept",
    response={200: OrderStateOut, **ERRORS},
    operation_id="marketplace_order_accept",
    summary="Accept an order",
)
def order_accept(request: HttpRequest, order_id: int) -> Status[Any]:
    return idempotency.once(
        request,
        supplier=lambda: _supplier(request),
        operation="marketplace_order_accept",
        payload={"order_id": order_id},
        run=lambda: (200, _order_state(orders.order_accept(actor=request.user, order_id=order_id))),
    )


def _deliver(actor: User, order_id: int, body: DeliverIn) -> Order:
    if body.outcome == "scheduled":
        return orders.order_schedule(actor=actor, order_id=order_id, day=body.day)
    with transaction.atomic():
        order = Order.objects.select_related("item").filter(pk=order_id).first()
        if (
            order is not None
            and order.state == Order.State.ACCEPTED
            and category(order.item.category).goods
        ):
            orders.order_ship(actor=actor, order_id=order_id)
        return orders.order_deliver(actor=actor, order_id=order_id)


@router.post(
    "/orders/{order_id}/deliver",
    response={200: OrderStateOut, **ERRORS},
    operation_id="marketplace_order_deliver",
    summary="Deliver an order, or schedule a service",
    description="`outcome=delivered`: the goods or the service were handed over (goods only "
    "accepted are shipped on the way); `outcome=scheduled` with `day`: a service or a "
    "sanatorium stay gets its date.",
)
def order_deliver(request: HttpRequest, order_id: int, body: DeliverIn) -> Status[Any]:
    assert isinstance(request.user, User)
    actor = request.user
    return idempotency.once(
        request,
        supplier=lambda: _supplier(request),
        operation="marketplace_order_deliver",
        payload={"order_id": order_id, **body.model_dump(mode="json")},
        run=lambda: (200, _order_state(_deliver(actor, order_id, body))),
    )


@router.post(
    "/vouchers/check",
    response={200: VoucherCheckOut, **ERRORS},
    operation_id="marketplace_voucher_check",
    summary="Check a voucher code at the till",
    description="Whether the voucher can pay at this supplier today (`status` is `valid` or "
    "the code of why not), what is left and the state's cap per unit; nothing about the "
    "person. A POST, so that the code is never in an address or a log of addresses.",
)
def voucher_check(request: HttpRequest, body: VoucherCheckIn) -> Status[Any]:
    def run() -> tuple[int, Any]:
        found = till.voucher_check(actor=request.user, code=body.code)
        return 200, VoucherCheckOut(
            code=found.code,
            status=found.status,
            message=found.message,
            category=found.category,
            left=found.left,
            cap_per_unit=found.cap_per_unit,
            valid_until=found.valid_until,
        ).model_dump(mode="json")

    return idempotency.once(
        request,
        supplier=lambda: _supplier(request),
        operation="marketplace_voucher_check",
        payload=body.model_dump(mode="json"),
        run=run,
    )


@router.post(
    "/sales",
    response={201: SaleOut, **ERRORS},
    operation_id="marketplace_sale_create",
    summary="Record an in-shop sale",
    description="Reserves the quantity on the voucher and sends the person a one-time code; "
    "the sale is paid once the person confirms it.",
)
def sale_create(request: HttpRequest, body: SaleIn) -> Status[Any]:
    return idempotency.once(
        request,
        supplier=lambda: _supplier(request),
        operation="marketplace_sale_create",
        payload=body.model_dump(mode="json"),
        run=lambda: (
            201,
            _sale(
                till.sale_record(
                    actor=request.user,
                    code=body.code,
                    item_id=body.item_id,
                    quantity=body.quantity,
                    unit_price=body.unit_price,
                )
            ),
        ),
    )


@router.post(
    "/sales/{sale_id}/confirm",
    response={200: SaleOut, **ERRORS},
    operation_id="marketplace_sale_confirm",
    summary="Confirm a sale with the person's one-time code",
)
def sale_confirm(request: HttpRequest, sale_id: int, body: SaleConfirmIn) -> Status[Any]:
    return idempotency.once(
        request,
        supplier=lambda: _supplier(request),
        operation="marketplace_sale_confirm",
        payload={"sale_id": sale_id, **body.model_dump(mode="json")},
        run=lambda: (
            200,
            _sale(till.sale_confirm_by_code(actor=request.user, sale_id=sale_id, code=body.code)),
        ),
    )


@router.get(
    "/payments",
    response={200: list[PaymentOut], **ERRORS},
    operation_id="marketplace_payments_list",
    summary="The supplier's payments",
    description="The latest 100 transfers paying the supplier's confirmed orders.",
)
def payments_list(request: HttpRequest) -> list[PaymentOut]:
    return [
        PaymentOut(
            order_id=t.purpose_id,
            end_to_end_id=t.end_to_end_id,
            amount_kzt=t.amount_kzt,
            state=t.state,
        )
        for t in order_selectors.supplier_payments(_supplier(request))
    ]
