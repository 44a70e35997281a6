"""Suppliers of the Social Services Portal and their catalogue.

A supplier is an organisation (BIN) that a representative's account registers and an officer
verifies; only a verified supplier's items are shown. Items are goods sold from stock by the
unit, services priced by the hour, or sanatorium treatment by the course with places on dates.
Prices are whole tenge. Vouchers, orders and payments will refer to items and suppliers.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region, User


class Supplier(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused")
        SUSPENDED = "suspended", _("Suspended")

    bin = models.CharField(_("BIN"), max_length=12, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=300)
    # The region of the registered office: its officers verify and suspend the supplier.
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    regions_served = models.ManyToManyField(
        Region, verbose_name=_("regions served"), related_name="suppliers_serving"
    )
    categories = models.JSONField(_("categories supplied"), default=list)
    iban = models.CharField(_("bank account (IBAN)"), max_length=34)
    phone = models.CharField(_("contact phone"), max_length=30)
    address = models.CharField(_("address"), max_length=300)
    representative = models.OneToOneField(
        User, verbose_name=_("representative"), on_delete=models.PROTECT, related_name="supplier"
    )
    status = models.CharField(
        _("state"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        permissions = [
            ("manage_own_supplier", _("Register a supplier and manage its catalogue")),
            ("verify_supplier", _("Verify, refuse, suspend and reinstate suppliers")),
        ]
        indexes = [models.Index(fields=["region", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "verified", "refused", "suspended"]),
                name="marketplace_supplier_status_known",
            ),
            models.CheckConstraint(
                condition=Q(bin__regex=r"^[0-9]{12}$"), name="marketplace_supplier_bin_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name


class Item(models.Model):
    """A catalogue entry: its price is per the category's unit (piece, pair, hour, course)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="items")
    category = models.CharField(_("category"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    price = models.PositiveIntegerField(_("price, tenge"))
    description = models.TextField(_("description"))
    accessible_kk = models.TextField(_("plain-language description in Kazakh"))
    accessible_ru = models.TextField(_("plain-language description in Russian"))
    accessible_en = models.TextField(_("plain-language description in English"))
    lead_time_days = models.PositiveSmallIntegerField(_("lead time, days"))
    # Goods only: services and sanatoriums are limited by hours and places, not stock.
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        # The search filters by category and sorts by price or lead time; it counts a region's
        # matches from the items of the suppliers serving it, in an index that holds every
        # column the filters read, so the table itself is never visited to count.
        indexes = [
            models.Index(
                fields=["supplier", "category", "price", "lead_time_days"],
                name="mkt_item_supplier_filters",
            ),
            models.Index(fields=["category", "price", "id"], name="mkt_item_category_price"),
            models.Index(
                fields=["category", "lead_time_days", "id"], name="mkt_item_category_lead"
            ),
            models.Index(fields=["price", "id"], name="mkt_item_price"),
            models.Index(fields=["lead_time_days", "id"], name="mkt_item_lead"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gt=0), name="marketplace_item_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__gte=0),
                name="marketplace_item_stock_not_negative",
            ),
            *(
                models.CheckConstraint(
                    condition=~Q(**{field: ""}), name=f"marketplace_item_{field}_given"
                )
                for field in ("accessible_kk", "accessible_ru", "accessible_en")
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ItemPhoto(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="marketplace/photos/%Y/%m/")
    content_type = models.CharField(max_length=20)
    size_bytes = models.PositiveIntegerField()
    alt_text = models.CharField(_("text alternative"), max_length=300)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""), name="marketplace_photo_alt_text_given"
            ),
        ]

    def __str__(self) -> str:
        return self.alt_text


class SanatoriumPlaces(models.Model):
    """How many places a sanatorium offers for stays starting on a day."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="places")
    day = models.DateField(_("date"))
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("places on a date")
        verbose_name_plural = _("places on dates")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["item", "day"], name="marketplace_places_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.places}"
