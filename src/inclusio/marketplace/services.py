"""Every write of the Social Services Portal: suppliers register and keep their catalogue;
officers verify, refuse, suspend and reinstate suppliers. Each function is one transaction with
one audit event; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.access import covers_region
from inclusio.core.audit import Actor, account_of, changes, record_write
from inclusio.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from inclusio.core.models import Region, User
from inclusio.core.roles import SUPPLIER_MANAGE, SUPPLIER_VERIFY
from inclusio.marketplace import photos, validation
from inclusio.marketplace.catalogue import category
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import Item, ItemPhoto, SanatoriumPlaces, Supplier
from inclusio.payments.iban import parse_kz_iban

# Business details of the organisation, except the bank account and the phone, which may be a
# person's own: the audit trail keeps those as digests.
PERSONAL_DETAILS = ("iban", "phone")


# --- who ----------------------------------------------------------------------------------------


def supplier_account(actor: Actor) -> User:
    """The actor's account, when it may act for a supplier; refused otherwise."""
    if isinstance(actor, User) and actor.is_authenticated and actor.has_perm(SUPPLIER_MANAGE):
        return actor
    raise AccessDenied(ErrorCode.NOT_A_SUPPLIER, _("Only a supplier's representative may do this."))


def own_supplier(actor: Actor) -> Supplier:
    """The supplier the actor represents; refused when the actor represents none."""
    account = supplier_account(actor)
    found = Supplier.objects.filter(representative=account).first()
    if found is None:
        raise NotFound(
            ErrorCode.SUPPLIER_NOT_REGISTERED, _("Register your organisation as a supplier first.")
        )
    return found


def _own_item(actor: Actor, item_id: int, *, lock: bool = False) -> Item:
    supplier = own_supplier(actor)
    items = Item.objects.select_for_update() if lock else Item.objects.all()
    found = items.filter(pk=item_id, supplier=supplier).first()
    if found is None:
        raise NotFound(ErrorCode.ITEM_NOT_YOURS, _("No such item in your catalogue."))
    return found


def officer_supplier(actor: Actor, supplier_id: int, *, lock: bool = False) -> Supplier:
    """A supplier registered in the officer's region (every region for the ministry); an
    unknown one and one of another region answer alike."""
    if not (isinstance(actor, User) and actor.is_authenticated and actor.has_perm(SUPPLIER_VERIFY)):
        raise AccessDenied(
            ErrorCode.NOT_AN_OFFICER, _("Only a social-protection officer may do this.")
        )
    # FOR NO KEY UPDATE: an order inserted for the supplier (its foreign key's KEY SHARE lock)
    # does not wait for a decision, nor a decision for it.
    rows = Supplier.objects.select_for_update(no_key=True) if lock else Supplier.objects.all()
    found = rows.filter(pk=supplier_id).first()
    if found is None or not covers_region(actor, found.region_id):
        raise NotFound(
            ErrorCode.SUPPLIER_NOT_REGISTERED, _("No such supplier, or not in your region.")
        )
    return found


# --- suppliers ----------------------------------------------------------------------------------


def _details(supplier: Supplier) -> dict[str, Any]:
    return {
        "bin": supplier.bin,
        "legal_name": supplier.legal_name,
        "regions_served": sorted(supplier.regions_served.values_list("code", flat=True)),
        "categories": list(supplier.categories),
        "iban": supplier.iban,
        "phone": supplier.phone,
        "address": supplier.address,
    }


def supplier_register(
    *,
    actor: Actor,
    bin: str,
    legal_name: str,
    regions_served: Sequence[str],
    categories: Sequence[str],
    iban: str,
    phone: str,
    address: str,
) -> Supplier:
    """Register the actor's organisation, to be verified by an officer of the actor's region.

    A supplier that was refused registers again with corrected details: the same record, back
    to waiting for verification.
    """
    account = supplier_account(actor)
    if account.region_id is None:
        raise ValidationFailed(
            ErrorCode.REGIONS_MISSING, _("Your account has no region: ask the ministry to set it.")
        )
    checked = {
        "bin": validation.supplier_bin(bin),
        "legal_name": validation.required_text(legal_name, _("legal name"), 300),
        "categories": validation.category_codes(categories),
        "iban": parse_kz_iban(str(iban)),
        "phone": validation.required_text(phone, _("contact phone"), 30),
        "address": validation.required_text(address, _("address"), 300),
    }
    regions = list(Region.objects.filter(code__in=list(regions_served)).order_by("code"))
    if not regions or len(regions) != len(set(regions_served)):
        raise ValidationFailed(
            ErrorCode.REGIONS_MISSING, _("Choose the regions you serve from the list.")
        )
    with transaction.atomic():
        existing = Supplier.objects.select_for_update().filter(representative=account).first()
        if existing is not None and existing.status != Supplier.Status.REFUSED:
            raise Conflict(ErrorCode.SUPPLIER_EXISTS, _("Your organisation is registered already."))
        before = _details(existing) if existing is not None else {}
        supplier = existing or Supplier(representative=account, region_id=account.region_id)
        for field, value in checked.items():
            setattr(supplier, field, value)
        supplier.status = Supplier.Status.PENDING
        supplier.status_reason = ""
        try:
            with transaction.atomic():
                supplier.save()
        except IntegrityError:
            raise Conflict(
                ErrorCode.BIN_TAKEN, _("An organisation with this BIN is registered already.")
            ) from None
        supplier.regions_served.set(regions)
        record_write(
            actor=actor,
            action="supplier_register" if existing is None else "supplier_register_again",
            entity="supplier",
            entity_id=supplier.pk,
            data=changes(before, _details(supplier), personal=PERSONAL_DETAILS),
        )
    return supplier


# Which state each officer's decision moves a supplier from, and to.
_DECISIONS = {
    "supplier_verify": (Supplier.Status.PENDING, Supplier.Status.VERIFIED),
    "supplier_refuse": (Supplier.Status.PENDING, Supplier.Status.REFUSED),
    "supplier_suspend": (Supplier.Status.VERIFIED, Supplier.Status.SUSPENDED),
    "supplier_reinstate": (Supplier.Status.SUSPENDED, Supplier.Status.VERIFIED),
}


def _decide(
    actor: Actor,
    supplier_id: int,
    action: str,
    reason: str,
    consequences: Callable[[Supplier], None] | None = None,
) -> Supplier:
    """Move the supplier to the decision's state; ``consequences`` then runs in the same
    transaction, before the audit record (which locks the trail's head: every row lock comes
    first, ``orders.py`` says why)."""
    source, target = _DECISIONS[action]
    reason = str(reason or "").strip()
    if action in ("supplier_refuse", "supplier_suspend") and not reason:
        raise ValidationFailed(
            ErrorCode.DECISION_REASON_REQUIRED, _("Give the reason: the supplier reads it.")
        )
    with transaction.atomic():
        supplier = officer_supplier(actor, supplier_id, lock=True)
        if supplier.status != source:
            raise Conflict(
                ErrorCode.SUPPLIER_STATE,
                _("This cannot be done to a supplier in the state “%(state)s”."),
                state=supplier.get_status_display(),
            )
        supplier.status = target
        supplier.status_reason = reason[:2000]
        supplier.status_changed_at = timezone.now()
        supplier.status_changed_by = account_of(actor)
        supplier.save(
            update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"]
        )
        if consequences is not None:
            consequences(supplier)
        record_write(
            actor=actor,
            action=action,
            entity="supplier",
            entity_id=supplier.pk,
            data={"from": source.value, "to": target.value, "reason": supplier.status_reason},
        )
    return supplier


def supplier_verify(*, actor: Actor, supplier_id: int) -> Supplier:
    return _decide(actor, supplier_id, "supplier_verify", "")


def supplier_refuse(*, actor: Actor, supplier_id: int, reason: str) -> Supplier:
    return _decide(actor, supplier_id, "supplier_refuse", reason)


def supplier_suspend(*, actor: Actor, supplier_id: int, reason: str) -> Supplier:
    """Take a verified supplier's items off the catalogue until it is reinstated; its open
    orders are offered back to the persons (their vouchers' quantity returns) and its in-shop
    sales not yet confirmed are cancelled, the persons told (``orders.orders_offer_back``)."""
    from inclusio.marketplace.orders import orders_offer_back

    def offer_back(supplier: Supplier) -> None:
        orders_offer_back(actor=actor, supplier=supplier)

    return _decide(actor, supplier_id, "supplier_suspend", reason, offer_back)


def supplier_reinstate(*, actor: Actor, supplier_id: int, reason: str = "") -> Supplier:
    return _decide(actor, supplier_id, "supplier_reinstate", reason)


# --- the catalogue ------------------------------------------------------------------------------


def _item_values(
    *,
    category_code: str,
    name: str,
    price: Any,
    description: str,
    accessible: Mapping[str, Any],
    lead_time_days: Any,
    stock: Any,
) -> dict[str, Any]:
    of = category(category_code)
    texts = validation.accessible_descriptions(accessible)
    return {
        "category": of.code,
        "name": validation.required_text(name, _("name"), 200),
        "price": validation.price(price),
        "description": validation.required_text(description, _("description"), 4000),
        "accessible_kk": texts["kk"],
        "accessible_ru": texts["ru"],
        "accessible_en": texts["en"],
        "lead_time_days": validation.lead_time(lead_time_days),
        "stock": validation.stock(stock, of),
    }


def _item_snapshot(item: Item) -> dict[str, Any]:
    return {
        field: getattr(item, field)
        for field in (
            "category",
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


def item_create(
    *,
    actor: Actor,
    category_code: str,
    name: str,
    price: Any,
    description: str,
    accessible: Mapping[str, Any],
    lead_time_days: Any,
    stock: Any = None,
) -> Item:
    """A new item in the actor's catalogue, of a category the supplier registered for."""
    supplier = own_supplier(actor)
    values = _item_values(
        category_code=category_code,
        name=name,
        price=price,
        description=description,
        accessible=accessible,
        lead_time_days=lead_time_days,
        stock=stock,
    )
    if values["category"] not in supplier.categories:
        raise ValidationFailed(
            ErrorCode.CATEGORY_NOT_SUPPLIED,
            _("Your organisation is not registered to supply this category."),
        )
    with transaction.atomic():
        item = Item.objects.create(supplier=supplier, **values)
        record_write(
            actor=actor,
            action="item_create",
            entity="catalogue_item",
            entity_id=item.pk,
            data=changes({}, _item_snapshot(item), personal=()),
        )
    return item


def item_update(
    *,
    actor: Actor,
    item_id: int,
    name: str,
    price: Any,
    description: str,
    accessible: Mapping[str, Any],
    lead_time_days: Any,
    stock: Any = None,
) -> Item:
    """Change an item of the actor's catalogue (its category stays)."""
    with transaction.atomic():
        item = _own_item(actor, item_id, lock=True)
        values = _item_values(
            category_code=item.category,
            name=name,
            price=price,
            description=description,
            accessible=accessible,
            lead_time_days=lead_time_days,
            stock=stock,
        )
        before = _item_snapshot(item)
        for field, value in values.items():
            setattr(item, field, value)
        item.save()
        record_write(
            actor=actor,
            action="item_update",
            entity="catalogue_item",
            entity_id=item.pk,
            data=changes(before, _item_snapshot(item), personal=()),
        )
    return item


def item_photo_add(*, actor: Actor, item_id: int, upload: UploadedFile, alt_text: str) -> ItemPhoto:
    """Keep a photo of an item with the text that stands for it for people who cannot see it.

    The file is written through the storage under a name of our own (never the uploader's),
    and removed again if the row cannot be written, so no file is left without its row.
    """
    text = photos.alt_text(alt_text)
    content_type, extension = photos.photo_type(upload)
    item = _own_item(actor, item_id)
    name = f"marketplace/photos/{item.pk}/{secrets.token_hex(16)}.{extension}"
    saved = default_storage.save(name, upload)
    try:
        with transaction.atomic():
            photo = ItemPhoto.objects.create(
                item=item,
                file=saved,
                content_type=content_type,
                size_bytes=upload.size or 0,
                alt_text=text,
            )
            record_write(
                actor=actor,
                action="item_photo_add",
                entity="catalogue_item",
                entity_id=item.pk,
                data={"photo": photo.pk, "content_type": content_type, "alt_text": text},
            )
    except Exception:
        default_storage.delete(saved)
        raise
    return photo


def sanatorium_places_set(
    *, actor: Actor, item_id: int, day: dt.date, places: Any
) -> SanatoriumPlaces:
    """How many places a sanatorium offers for stays starting on ``day`` (a later call for the
    same day replaces the count)."""
    count = validation.whole_number(
        places,
        code=ErrorCode.PLACES_INVALID,
        message=_("The number of places must be a whole number, zero or more; %(value)s given."),
        low=0,
        high=validation.LARGEST_COUNT,
    )
    if not isinstance(day, dt.date) or day < timezone.localdate():
        raise ValidationFailed(
            ErrorCode.PLACES_INVALID, _("Give places for today or a later date.")
        )
    with transaction.atomic():
        item = _own_item(actor, item_id, lock=True)
        if not category(item.category).sanatorium:
            raise ValidationFailed(
                ErrorCode.PLACES_NOT_SANATORIUM, _("Places on dates are for sanatoriums only.")
            )
        row, created = SanatoriumPlaces.objects.update_or_create(
            item=item, day=day, defaults={"places": count}
        )
        record_write(
            actor=actor,
            action="sanatorium_places_set",
            entity="catalogue_item",
            entity_id=item.pk,
            data={"day": day.isoformat(), "places": count, "new": created},
        )
    return row
