"""Pages of vouchers and orders: the wallet, ordering an item, an order with its steps, and
the officers' supplier-performance table. Thin — parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inclusio.core.appealing import appeal_window
from inclusio.core.errors import DomainError, NotFound, ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import PERSON_MANAGE
from inclusio.marketplace import order_selectors, orders, selectors
from inclusio.marketplace.catalogue import category
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.order_forms import (
    ComplaintForm,
    OrderForm,
    RateForm,
    ReasonForm,
    ResolveForm,
    ScheduleForm,
)
from inclusio.registry import selectors as registry_selectors
from inclusio.registry.models import Person


@login_required
@require_GET
def wallet_mine(request: HttpRequest) -> HttpResponse:
    """My vouchers and orders, and links to the wallets of those I represent."""
    own = registry_selectors.own_person(request.user)
    view = order_selectors.wallet(actor=request.user, person=own) if own else None
    represented = registry_selectors.represented_persons(request.user)
    return render(
        request,
        "marketplace/wallet.html",
        {"view": view, "represented": represented, "own": True},
    )


@login_required
@require_GET
def wallet_for(request: HttpRequest, iin: str) -> HttpResponse:
    """The wallet of someone the user represents, or (an officer) of a person of their region."""
    person = registry_selectors.person_get(
        actor=request.user,
        iin=iin,
        purpose=Purpose.REHABILITATION,
        what=Seen.REHABILITATION_PROGRAMME,
        permission=PERSON_MANAGE,
    )
    if person.user_id == request.user.pk:
        return redirect("marketplace:wallet")
    view = order_selectors.wallet(actor=request.user, person=person)
    return render(
        request, "marketplace/wallet.html", {"view": view, "represented": [], "own": False}
    )


def _ordering_for(request: HttpRequest) -> list[Person]:
    """The persons the user may order for: themselves and those they represent."""
    own = registry_selectors.own_person(request.user)
    return ([own] if own else []) + registry_selectors.represented_persons(request.user)


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, item_id: int) -> HttpResponse:
    """Order an item within a voucher: first the choice, then the price to confirm — the
    co-payment shown when the price is above the cap — then the order."""
    item = selectors.item_shown(item_id)
    vouchers = [
        v
        for person in _ordering_for(request)
        for v in order_selectors.vouchers_for_item(
            actor=request.user, person=person, category=item.category
        )
    ]
    form = OrderForm(request.POST or None, vouchers=vouchers)
    price = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                price = orders.order_quote(
                    actor=request.user,
                    voucher_id=data["voucher"],
                    item_id=item.pk,
                    quantity=data["quantity"],
                )
                if data["confirm"]:
                    order = orders.order_place(
                        actor=request.user,
                        voucher_id=data["voucher"],
                        item_id=item.pk,
                        quantity=data["quantity"],
                        co_payment_accepted=data["co_payment"],
                    )
                    messages.success(request, _("Your order is placed: the supplier is told."))
                    return redirect("marketplace:order", order.pk)
                status = 200
            except DomainError as exc:
                field = (
                    "quantity"
                    if exc.code
                    in (
                        ErrorCode.ORDER_QUANTITY_NOT_POSITIVE,
                        ErrorCode.VOUCHER_SPENT,
                        ErrorCode.OUT_OF_STOCK,
                    )
                    else None
                )
                add_domain_error(form, exc, field)
                price = None
    return render(
        request,
        "marketplace/order_new.html",
        {"item": item, "of": category(item.category), "form": form, "price": price},
        status=status,
    )


def _forms(view: order_selectors.OrderView, data: Any = None, which: str = "") -> dict[str, Any]:
    """The forms the reader may use on the order, the one just sent bound to what was sent."""
    state, viewer = view.order.state, view.viewer
    of = category(view.order.item.category)
    shown: dict[str, Any] = {}

    def form(name: str, cls: type[forms.Form]) -> None:
        shown[name] = cls(data if which == name else None)

    if viewer == "supplier" and state == "accepted" and not of.goods:
        form("schedule", ScheduleForm)
    if viewer == "person" and state in ("accepted", "shipped", "scheduled", "delivered"):
        form("complain", ComplaintForm)
    if viewer == "person" and state == "confirmed":
        form("rate", RateForm)
    if viewer == "officer" and state in ("shipped", "scheduled", "delivered"):
        form("behalf", ReasonForm)
    if viewer == "officer" and state == "disputed":
        form("resolve", ResolveForm)
    return shown


def _buttons(view: order_selectors.OrderView) -> list[tuple[str, str]]:
    """One-click steps: (action, label)."""
    state, viewer = view.order.state, view.viewer
    goods = category(view.order.item.category).goods
    buttons: list[tuple[str, str]] = []
    if viewer == "supplier":
        if state == "placed":
            buttons.append(("accept", _("Accept the order")))
        if state == "accepted" and goods:
            buttons.append(("ship", _("Mark as shipped")))
        if state in ("shipped", "scheduled"):
            buttons.append(("deliver", _("Mark as delivered")))
    if viewer == "person" and state in ("shipped", "scheduled", "delivered"):
        buttons.append(("confirm", _("I received it")))
    return buttons


def _order_page(
    request: HttpRequest,
    order_id: int,
    data: Any = None,
    which: str = "",
    status: int = 200,
    error: DomainError | None = None,
) -> HttpResponse:
    view = order_selectors.order_view(actor=request.user, order_id=order_id)
    shown = _forms(view, data, which)
    if error is not None and which in shown:
        shown[which].is_valid()
        add_domain_error(
            shown[which], error, "reason" if error.code == ErrorCode.ORDER_REASON_REQUIRED else None
        )
    return render(
        request,
        "marketplace/order.html",
        {
            "view": view,
            "order": view.order,
            "forms": shown,
            "buttons": _buttons(view),
            "error": error if which not in shown else None,
            # The dispute's resolution is a decision the person may appeal.
            "appeal_window": appeal_window("order_dispute", view.order.pk, view.order.resolved_at)
            if view.viewer == "person" and view.order.resolved_at
            else None,
        },
        status=status,
    )


@login_required
@require_GET
def order_page(request: HttpRequest, order_id: int) -> HttpResponse:
    return _order_page(request, order_id)


DONE = {
    "accept": gettext_lazy("The order is accepted."),
    "ship": gettext_lazy("The order is marked as shipped."),
    "schedule": gettext_lazy("The date is set; the person is told."),
    "deliver": gettext_lazy("The order is marked as delivered; the person confirms receipt."),
    "confirm": gettext_lazy("Thank you: the receipt is confirmed and the supplier will be paid."),
    "complain": gettext_lazy("Your complaint is sent: an officer decides."),
    "rate": gettext_lazy("Thank you for your rating."),
    "behalf": gettext_lazy(
        "The receipt is confirmed on the person's behalf; they read your reason."
    ),
    "resolve": gettext_lazy("The decision is recorded."),
}


def _act(request: HttpRequest, order_id: int, action: str) -> None:
    user, post = request.user, request.POST
    if action == "accept":
        orders.order_accept(actor=user, order_id=order_id)
    elif action == "ship":
        orders.order_ship(actor=user, order_id=order_id)
    elif action == "deliver":
        orders.order_deliver(actor=user, order_id=order_id)
    elif action == "confirm":
        orders.order_confirm(actor=user, order_id=order_id)
    elif action == "schedule":
        form = ScheduleForm(post)
        day = form.cleaned_data["day"] if form.is_valid() else None
        orders.order_schedule(actor=user, order_id=order_id, day=day)
    elif action == "complain":
        complaint = ComplaintForm(post)
        complaint.is_valid()
        orders.order_complain(
            actor=user,
            order_id=order_id,
            complaint=str(complaint.cleaned_data.get("complaint", "")),
            reason=str(complaint.cleaned_data.get("reason", "")),
        )
    elif action == "rate":
        rate = RateForm(post)
        stars = rate.cleaned_data["stars"] if rate.is_valid() else 0
        orders.order_rate(actor=user, order_id=order_id, stars=stars)
    elif action == "behalf":
        behalf = ReasonForm(post)
        behalf.is_valid()
        orders.order_confirm_on_behalf(
            actor=user, order_id=order_id, reason=str(behalf.cleaned_data.get("reason", ""))
        )
    elif action == "resolve":
        resolve = ResolveForm(post)
        resolve.is_valid()
        decision = resolve.cleaned_data.get("decision")
        if decision not in ("person", "supplier"):
            raise ValidationFailed(ErrorCode.ORDER_CHOICE_REQUIRED, _("Choose a decision."))
        orders.order_resolve(
            actor=user,
            order_id=order_id,
            for_person=decision == "person",
            reason=str(resolve.cleaned_data.get("reason", "")),
        )
    else:
        raise NotFound(ErrorCode.ORDER_NOT_FOUND, _("No such order, or not yours."))


@login_required
@require_POST
def order_act(request: HttpRequest, order_id: int, action: str) -> HttpResponseBase:
    """One step of the order by whoever may take it; a refusal shows the order again with
    the reason and changes nothing."""
    try:
        _act(request, order_id, action)
    except NotFound:
        raise
    except DomainError as exc:
        return _order_page(request, order_id, request.POST, action, exc.status, exc)
    messages.success(request, str(DONE[action]))
    return redirect("marketplace:order", order_id)


@login_required
@require_GET
def performance(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "marketplace/performance.html",
        {"rows": order_selectors.supplier_performance(actor=request.user)},
    )
