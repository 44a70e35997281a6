"""The portal's pages: thin — parse, call one selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inclusio.core.errors import DomainError, NotFound
from inclusio.core.http import add_domain_error
from inclusio.core.roles import SUPPLIER_MANAGE, SUPPLIER_VERIFY
from inclusio.marketplace import order_selectors, selectors, services
from inclusio.marketplace.catalogue import categories, category
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.forms import (
    CatalogueSearchForm,
    DecisionForm,
    ItemForm,
    PhotoForm,
    PlacesForm,
    SupplierRegisterForm,
)
from inclusio.marketplace.models import Item, ItemPhoto, Supplier
from inclusio.registry.selectors import own_person

# --- persons and representatives: the catalogue ---------------------------------------------


def _home_region(user: Any) -> str:
    person = own_person(user)
    if person is not None:
        return str(person.region_id)
    return str(getattr(user, "region_id", None) or "")


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Search the catalogue; the region served is the viewer's own until they choose."""
    data = request.GET.copy()
    if "region" not in data:
        data["region"] = _home_region(request.user)
    form = CatalogueSearchForm(data)
    filters = form.filters()
    result = selectors.catalogue_search(**filters, page=request.GET.get("page"))
    page = result.page
    known = categories()
    return render(
        request,
        "marketplace/catalogue.html",
        {
            "form": form,
            "page": page,
            "items": [
                (item, result.caps.get(item.category), known[item.category]) for item in page
            ],
            "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "free_on": filters["free_on"],
        },
    )


@login_required
@require_GET
def item_page(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_shown(item_id)
    of = category(item.category)
    cap = selectors.caps_on_today().get(item.category)
    return render(
        request,
        "marketplace/item.html",
        {
            "item": item,
            "of": of,
            "cap": cap,
            "places": selectors.places_ahead(item) if of.sanatorium else [],
            "accessible": selectors.accessible_description(item),
        },
    )


@login_required
@require_GET
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    """A photo of a shown item, or of the viewer's own item (a supplier checking it), served
    as the image type found on upload and never as anything a browser would run."""
    found = ItemPhoto.objects.select_related("item__supplier").filter(pk=photo_id).first()
    if found is None or not (
        found.item.supplier.status == Supplier.Status.VERIFIED
        or found.item.supplier.representative_id == request.user.pk
    ):
        raise NotFound(ErrorCode.ITEM_NOT_YOURS, _("No such item in the catalogue."))
    response = FileResponse(
        default_storage.open(found.file.name or ""), content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- suppliers: their own record and catalogue -------------------------------------------------


def _supplier_of(request: HttpRequest) -> Supplier | None:
    return Supplier.objects.filter(representative_id=request.user.pk).first()


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    supplier = _supplier_of(request)
    if supplier is None:
        return redirect("marketplace:supplier_register")
    known = categories()
    return render(
        request,
        "marketplace/dashboard.html",
        {
            "supplier": supplier,
            "items": [(item, known[item.category]) for item in selectors.supplier_items(supplier)],
            "supplied": _names(supplier.categories),
            "kinds": {known[code].kind for code in supplier.categories if code in known},
            "regions": supplier.regions_served.order_by("code"),
            "deliveries": order_selectors.supplier_deliveries(supplier, actor=request.user),
            "payments": order_selectors.supplier_payments(supplier),
        },
    )


def _names(codes: list[str]) -> list[str]:
    known = categories()
    return [known[code].name for code in codes if code in known]


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def supplier_register(request: HttpRequest) -> HttpResponse:
    """Register the organisation; after a refusal, register it again with corrected details."""
    supplier = _supplier_of(request)
    if supplier is not None and supplier.status != Supplier.Status.REFUSED:
        return redirect("marketplace:dashboard")
    initial: dict[str, Any] = {}
    if supplier is not None:
        initial = {
            "bin": supplier.bin,
            "legal_name": supplier.legal_name,
            "regions_served": list(supplier.regions_served.values_list("code", flat=True)),
            "categories": supplier.categories,
            "iban": supplier.iban,
            "phone": supplier.phone,
            "address": supplier.address,
        }
    form = SupplierRegisterForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.supplier_register(actor=request.user, **data)
            except DomainError as exc:
                add_domain_error(form, exc, _field(exc.code, REGISTER_FIELDS, form))
            else:
                messages.success(
                    request, _("Registered. An officer will verify your organisation.")
                )
                return redirect("marketplace:dashboard")
    return render(
        request,
        "marketplace/supplier_register.html",
        {"form": form, "supplier": supplier},
        status=status,
    )


REGISTER_FIELDS: dict[str, str] = {
    "BIN": "bin",
    "IBAN": "iban",
    ErrorCode.CATEGORIES_MISSING: "categories",
    ErrorCode.REGIONS_MISSING: "regions_served",
}
ITEM_FIELDS: dict[str, str] = {
    ErrorCode.CATALOGUE_CATEGORY_UNKNOWN: "category",
    ErrorCode.CATEGORY_NOT_SUPPLIED: "category",
    ErrorCode.PRICE_NOT_POSITIVE: "price",
    ErrorCode.LEAD_TIME_INVALID: "lead_time_days",
    ErrorCode.STOCK_NEGATIVE: "stock",
    ErrorCode.ALT_TEXT_MISSING: "alt_text",
    ErrorCode.PHOTO_TYPE: "photo",
    ErrorCode.PHOTO_TOO_LARGE: "photo",
    ErrorCode.PLACES_INVALID: "places",
}


def _field(code: str, fields: dict[str, str], form: Any) -> str | None:
    field = fields.get(code) or fields.get(code.split("_")[0])
    return field if field in form.fields else None


def _item_data(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data.get("name", ""),
        "price": data.get("price"),
        "description": data.get("description", ""),
        "accessible": {
            language: data.get(f"accessible_{language}", "") for language in ("kk", "ru", "en")
        },
        "lead_time_days": data.get("lead_time_days"),
        "stock": data.get("stock"),
    }


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    supplier = services.own_supplier(request.user)
    form = ItemForm(request.POST or None, supplied=supplier.categories)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                item = services.item_create(
                    actor=request.user,
                    category_code=form.cleaned_data.get("category", ""),
                    **_item_data(form.cleaned_data),
                )
            except DomainError as exc:
                add_domain_error(form, exc, _field(exc.code, ITEM_FIELDS, form))
            else:
                messages.success(request, _("The item is in your catalogue."))
                return redirect("marketplace:item_edit", item.pk)
    return render(request, "marketplace/item_new.html", {"form": form}, status=status)


def _own_item(request: HttpRequest, item_id: int) -> Item:
    supplier = services.own_supplier(request.user)
    item = supplier.items.filter(pk=item_id).first()
    if item is None:
        raise NotFound(ErrorCode.ITEM_NOT_YOURS, _("No such item in your catalogue."))
    return item


def _item_edit_page(
    request: HttpRequest,
    item: Item,
    *,
    form: ItemForm | None = None,
    photo_form: PhotoForm | None = None,
    places_form: PlacesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    of = category(item.category)
    if form is None:
        initial = {
            field: getattr(item, field)
            for field in (
                "name",
                "price",
                "description",
                "accessible_kk",
                "accessible_ru",
                "accessible_en",
                "lead_time_days",
                "stock",
            )
        }
        form = ItemForm(initial=initial, supplied=[item.category], of=of)
    return render(
        request,
        "marketplace/item_edit.html",
        {
            "item": item,
            "of": of,
            "form": form,
            "photo_form": photo_form or PhotoForm(),
            "places_form": places_form or PlacesForm(),
            "photos": item.photos.all(),
            "places": selectors.places_ahead(item, days=365) if of.sanatorium else [],
            "cap": selectors.caps_on_today().get(item.category),
        },
        status=status,
    )


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _own_item(request, item_id)
    if request.method == "GET":
        return _item_edit_page(request, item)
    form = ItemForm(request.POST, supplied=[item.category], of=category(item.category))
    if form.is_valid():
        try:
            services.item_update(
                actor=request.user, item_id=item.pk, **_item_data(form.cleaned_data)
            )
        except DomainError as exc:
            add_domain_error(form, exc, _field(exc.code, ITEM_FIELDS, form))
        else:
            messages.success(request, _("The item is saved."))
            return redirect("marketplace:item_edit", item.pk)
    return _item_edit_page(request, item, form=form, status=422)


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_POST
def item_photo_add(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _own_item(request, item_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.item_photo_add(
                actor=request.user,
                item_id=item.pk,
                upload=form.cleaned_data["photo"],
                alt_text=form.cleaned_data.get("alt_text", ""),
            )
        except DomainError as exc:
            add_domain_error(form, exc, _field(exc.code, ITEM_FIELDS, form))
        else:
            messages.success(request, _("The photo is added."))
            return redirect("marketplace:item_edit", item.pk)
    return _item_edit_page(request, item, photo_form=form, status=422)


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_POST
def item_places_set(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _own_item(request, item_id)
    form = PlacesForm(request.POST)
    if form.is_valid():
        try:
            services.sanatorium_places_set(
                actor=request.user,
                item_id=item.pk,
                day=form.cleaned_data["day"],
                places=form.cleaned_data["places"],
            )
        except DomainError as exc:
            add_domain_error(form, exc, _field(exc.code, ITEM_FIELDS, form))
        else:
            messages.success(request, _("The places are saved."))
            return redirect("marketplace:item_edit", item.pk)
    return _item_edit_page(request, item, places_form=form, status=422)


# --- officers: the register of suppliers -------------------------------------------------------


@login_required
@permission_required(SUPPLIER_VERIFY, raise_exception=True)
@require_GET
def supplier_list(request: HttpRequest) -> HttpResponse:
    page = selectors.supplier_register_page(actor=request.user, page=request.GET.get("page"))
    return render(
        request,
        "marketplace/supplier_list.html",
        {
            "page": page,
            "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "waiting": selectors.suppliers_waiting(actor=request.user),
        },
    )


# The decisions an officer may take on a supplier in each state.
ALLOWED = {
    Supplier.Status.PENDING: ["verify", "refuse"],
    Supplier.Status.VERIFIED: ["suspend"],
    Supplier.Status.SUSPENDED: ["reinstate"],
    Supplier.Status.REFUSED: [],
}
DECISIONS: dict[str, Callable[..., Supplier]] = {
    "verify": services.supplier_verify,
    "refuse": services.supplier_refuse,
    "suspend": services.supplier_suspend,
    "reinstate": services.supplier_reinstate,
}
DECIDED = {
    "verify": gettext_lazy("The supplier is verified: its items are shown."),
    "refuse": gettext_lazy("The supplier is refused; it reads your reason."),
    "suspend": gettext_lazy("The supplier is suspended: its items are no longer shown."),
    "reinstate": gettext_lazy("The supplier is reinstated: its items are shown again."),
}


@login_required
@permission_required(SUPPLIER_VERIFY, raise_exception=True)
@require_http_methods(["GET", "POST"])
def supplier_review(request: HttpRequest, supplier_id: int) -> HttpResponse:
    supplier = services.officer_supplier(request.user, supplier_id)
    allowed = ALLOWED[Supplier.Status(supplier.status)]
    form = DecisionForm(request.POST or None, allowed=allowed)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            action = form.cleaned_data["action"]
            try:
                if action == "verify":
                    services.supplier_verify(actor=request.user, supplier_id=supplier.pk)
                else:
                    DECISIONS[action](
                        actor=request.user,
                        supplier_id=supplier.pk,
                        reason=form.cleaned_data.get("reason", ""),
                    )
            except DomainError as exc:
                field = "reason" if exc.code == ErrorCode.DECISION_REASON_REQUIRED else None
                add_domain_error(form, exc, field)
            else:
                messages.success(request, str(DECIDED[action]))
                return redirect("marketplace:supplier_review", supplier.pk)
    return render(
        request,
        "marketplace/supplier_review.html",
        {
            "supplier": supplier,
            "form": form if allowed else None,
            "supplied": _names(supplier.categories),
            "regions": supplier.regions_served.order_by("code"),
            "items": supplier.items.count(),
        },
        status=status,
    )
