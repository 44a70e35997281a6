"""Pages of the in-shop till: the supplier's till (check a voucher code, record a sale, type the
one-time code the person reads out), the person's (or representative's) confirmation of a
pending sale, and the supplier's API tokens. Thin — parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from inclusio.core import submissions
from inclusio.core.errors import DomainError
from inclusio.core.http import add_domain_error
from inclusio.core.roles import SUPPLIER_MANAGE
from inclusio.marketplace import services, till, tokens
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import Item, Supplier


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Voucher code"),
        max_length=40,
        help_text=gettext_lazy(
            "As on the person's voucher or under its QR code: 12 letters and digits."
        ),
    )


class SaleForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    item = forms.TypedChoiceField(label=gettext_lazy("Item"), coerce=int)
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1, initial=1)
    unit_price = forms.IntegerField(label=gettext_lazy("Price per unit, tenge"), min_value=1)

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, f"{i.name} · {i.price} ₸") for i in items]  # type: ignore[attr-defined]


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code the person reads out"),
        max_length=12,
        help_text=gettext_lazy("6 digits, sent to the person's phone."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the system that uses the token"), max_length=100
    )


_SALE_FIELDS: dict[str, str] = {
    ErrorCode.ORDER_QUANTITY_NOT_POSITIVE: "quantity",
    ErrorCode.VOUCHER_SPENT: "quantity",
    ErrorCode.OUT_OF_STOCK: "quantity",
    ErrorCode.PRICE_NOT_POSITIVE: "unit_price",
    ErrorCode.SALE_PRICE_ABOVE_CATALOGUE: "unit_price",
    ErrorCode.ITEM_NOT_YOURS: "item",
    ErrorCode.VOUCHER_CATEGORY: "item",
}


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def till_page(request: HttpRequest) -> HttpResponse:
    """Check a voucher code (a POST: the code is never in an address), then record a sale."""
    supplier = services.own_supplier(request.user)
    check = None
    sale_form = None
    status = 200
    code_form = CodeForm(request.POST if "check" in request.POST else None)
    if "record" in request.POST:
        items = _items_for(supplier, request.POST.get("category", ""))
        sale_form = SaleForm(request.POST, items=items)
        if sale_form.is_valid():
            data = sale_form.cleaned_data

            def record() -> str:
                sale = till.sale_record(
                    actor=request.user,
                    code=data["code"],
                    item_id=data["item"],
                    quantity=data["quantity"],
                    unit_price=data["unit_price"],
                )
                messages.success(request, _("The sale is recorded: the person confirms it now."))
                return reverse("marketplace:till_sale", args=[sale.pk])

            try:
                return submissions.once(request, run=record)
            except DomainError as exc:
                add_domain_error(sale_form, exc, _SALE_FIELDS.get(exc.code))
        status = 422
        code_form = CodeForm(initial={"code": request.POST.get("code", "")})
    elif "check" in request.POST:
        status = 422
        if code_form.is_valid():
            try:
                check = till.voucher_check(actor=request.user, code=code_form.cleaned_data["code"])
                status = 200
                if check.valid:
                    items = _items_for(supplier, check.category)
                    sale_form = SaleForm(
                        initial={
                            "code": check.code,
                            "unit_price": items[0].price if items else None,
                        },
                        items=items,
                    )
            except DomainError as exc:
                add_domain_error(code_form, exc, "code")
    return render(
        request,
        "marketplace/till.html",
        {
            "supplier": supplier,
            "code_form": code_form,
            "check": check,
            "sale_form": sale_form,
            "category": check.category if check else request.POST.get("category", ""),
        },
        status=status,
    )


def _items_for(supplier: Supplier, category: str) -> list[Item]:
    # The category comes back from the page's form: only one the supplier supplies
    # reaches the database (PostgreSQL refuses a NUL in text).
    if category not in supplier.categories:
        return []
    return list(supplier.items.filter(category=category).order_by("name", "pk"))


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def till_sale(request: HttpRequest, sale_id: int) -> HttpResponse:
    """A recorded sale at the till: type the code the person reads out, or send a new one."""
    sale = till.supplier_sale(actor=request.user, sale_id=sale_id)
    form = OneTimeCodeForm(request.POST if "confirm" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "resend" in request.POST:
                if till.sale_code_resend(actor=request.user, sale_id=sale.pk):
                    messages.success(request, _("A new code is sent to the person's phone."))
                else:
                    messages.warning(
                        request,
                        _("The person has no phone in the registry: they confirm in their pages."),
                    )
                return redirect("marketplace:till_sale", sale.pk)
            if form.is_valid():
                till.sale_confirm_by_code(
                    actor=request.user, sale_id=sale.pk, code=form.cleaned_data["code"]
                )
                messages.success(request, _("The sale is confirmed: it will be paid."))
                return redirect("marketplace:till_sale", sale.pk)
        except DomainError as exc:
            add_domain_error(form, exc, "code")
        status = 422
        sale = till.supplier_sale(actor=request.user, sale_id=sale_id)
    return render(
        request, "marketplace/till_sale.html", {"sale": sale, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def sale_page(request: HttpRequest, sale_id: int) -> HttpResponse:
    """The person (or their representative) reads a sale made with their voucher and
    confirms it."""
    sale = till.person_sale(actor=request.user, sale_id=sale_id)
    if request.method == "POST":
        till.sale_confirm(actor=request.user, sale_id=sale.pk)
        messages.success(request, _("You confirmed the purchase."))
        return redirect("marketplace:sale", sale.pk)
    return render(
        request,
        "marketplace/sale.html",
        {"sale": sale, "local_code": till.local_code(sale)},
    )


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The supplier's API tokens: create one (shown once) or revoke one."""
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                _token, created = tokens.supplier_token_create(
                    actor=request.user, name=form.cleaned_data["name"]
                )
                form = TokenForm()
            except DomainError as exc:
                add_domain_error(form, exc, "name")
    return render(
        request,
        "marketplace/tokens.html",
        {"form": form, "created": created, "tokens": tokens.supplier_tokens(actor=request.user)},
        status=status,
    )


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    tokens.supplier_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, _("The token is revoked."))
    return redirect("marketplace:tokens")
