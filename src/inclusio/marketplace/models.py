"""Suppliers of the Social Services Portal and their catalogue.

A supplier is an organisation (BIN) that a representative's account registers and an officer
verifies; only a verified supplier's items are shown. Items are goods sold from stock by the
unit, services priced by the hour, or sanatorium treatment by the course with places on dates.
Prices are whole tenge. A voucher is what the state pays for one item of a person's
rehabilitation programme; an order buys an item with it, and a confirmed order is paid to the
supplier through the payments module (purpose ``supplier_order``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
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


class Voucher(models.Model):
    """What the state pays for one item of a person's programme: ``quantity`` units at up to
    ``cap_per_unit`` tenge each (the category's price cap in force when it was issued), between
    ``valid_from`` and ``valid_until``. ``spent`` counts the units of orders not cancelled; a
    revision of the programme replaces its vouchers (orders under way finish on the old one)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("valid")
        REPLACED = "replaced", _("replaced by a revised programme")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="vouchers")
    programme_item = models.OneToOneField(
        "rehabilitation.ProgrammeItem", on_delete=models.PROTECT, related_name="voucher"
    )
    category = models.CharField(_("category"), max_length=40)
    code = models.CharField(_("voucher code"), max_length=14, unique=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    spent = models.PositiveIntegerField(_("used"), default=0)
    cap_per_unit = models.PositiveIntegerField(_("state pays per unit, up to, tenge"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.ACTIVE)
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["valid_from", "id"]
        indexes = [models.Index(fields=["person", "state"], name="mkt_voucher_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(spent__lte=F("quantity")), name="marketplace_voucher_never_overspent"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="marketplace_voucher_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="marketplace_voucher_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def left(self) -> int:
        return self.quantity - self.spent


class Order(models.Model):
    """An item bought with a voucher. Per unit the state pays ``state_per_unit`` (at most the
    voucher's cap) and the person ``co_payment_per_unit``; together they are the price."""

    class State(models.TextChoices):
        PLACED = "placed", _("placed, waiting for the supplier")
        ACCEPTED = "accepted", _("accepted by the supplier")
        SHIPPED = "shipped", _("on its way")
        SCHEDULED = "scheduled", _("scheduled")
        DELIVERED = "delivered", _("delivered, waiting for your confirmation")
        CONFIRMED = "confirmed", _("received")
        DISPUTED = "disputed", _("disputed, an officer decides")
        RETURNED = "returned", _("returned, the voucher is yours again")
        OFFERED_BACK = "offered_back", _("cancelled: the supplier was suspended")

    OPEN = ("placed", "accepted", "shipped", "scheduled", "delivered", "disputed")
    # Not yet delivered: past its due date, such an order is overdue.
    UNDELIVERED = ("placed", "accepted", "shipped", "scheduled")

    class Complaint(models.TextChoices):
        RETURN = "return", _("return")
        DISPUTE = "dispute", _("dispute")

    # The item's category, set on the orders a supplier's step reads (marketplace.orders) as the
    # ORM's annotate sets a value; not a column.
    item_category: str

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="orders")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="orders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    # The person's region: officers see the orders of their region.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.PositiveIntegerField(_("price per unit, tenge"))
    state_per_unit = models.PositiveIntegerField(_("the state pays per unit, tenge"))
    co_payment_per_unit = models.PositiveIntegerField(_("you pay per unit, tenge"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLACED)
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(_("placed"))
    due_by = models.DateField(_("due by"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An officer confirming on the person's behalf says why; the person reads it.
    confirmation_reason = models.TextField(_("why an officer confirmed"), blank=True)
    complaint = models.CharField(
        _("complaint"), max_length=7, choices=Complaint.choices, blank=True
    )
    complaint_reason = models.TextField(_("what went wrong"), blank=True)
    resolution = models.TextField(_("officer's decision"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(_("why cancelled"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["supplier", "state"], name="mkt_order_supplier"),
            models.Index(fields=["region", "state", "due_by"], name="mkt_order_region"),
            models.Index(fields=["state", "confirmed_at"], name="mkt_order_confirmed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state_per_unit__gt=0) | Q(co_payment_per_unit__gt=0),
                name="marketplace_order_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(unit_price=F("state_per_unit") + F("co_payment_per_unit")),
                name="marketplace_order_cap_plus_co_payment_is_price",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="marketplace_order_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="marketplace_order_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "placed",
                        "accepted",
                        "shipped",
                        "scheduled",
                        "delivered",
                        "confirmed",
                        "disputed",
                        "returned",
                        "offered_back",
                    ]
                ),
                name="marketplace_order_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Order')} {self.pk}"

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def state_total(self) -> int:
        return self.state_per_unit * self.quantity

    @property
    def co_payment_total(self) -> int:
        return self.co_payment_per_unit * self.quantity


# --- the in-shop till and the supplier API (till.py, api.py, idempotency.py) -------------------


class ShopSale(models.Model):
    """A sale at a supplier's till paid with a voucher. Recorded, it reserves its quantity on
    the voucher (``spent``) and the item's stock until the person confirms it (in their pages,
    or by reading out a one-time code sent to their phone) or it expires and gives them back.
    Confirmed, it becomes a confirmed ``order``: paid to the supplier and counted in the
    programme like any received order."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the person's confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        EXPIRED = "expired", _("expired unconfirmed, the voucher is whole again")
        CANCELLED = (
            "cancelled",
            _("cancelled: the supplier was suspended, the voucher is whole again"),
        )

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="shop_sales")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="shop_sales")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="shop_sales")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.PositiveIntegerField(_("price per unit, tenge"))
    state_per_unit = models.PositiveIntegerField(_("the state pays per unit, tenge"))
    co_payment_per_unit = models.PositiveIntegerField(_("you pay per unit, tenge"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))
    expires_at = models.DateTimeField(_("expires"))
    # The one-time code's SHA-256 (with the sale's id); the code itself is never stored here.
    code_digest = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="shop_sale"
    )

    class Meta:
        verbose_name = _("in-shop sale")
        verbose_name_plural = _("in-shop sales")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["state", "expires_at"], name="mkt_sale_pending"),
            models.Index(fields=["voucher", "state"], name="mkt_sale_voucher"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price=F("state_per_unit") + F("co_payment_per_unit")),
                name="marketplace_sale_cap_plus_co_payment_is_price",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="marketplace_sale_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "confirmed", "expired", "cancelled"]),
                name="marketplace_sale_state_known",
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | Q(order__isnull=False),
                name="marketplace_sale_confirmed_has_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('In-shop sale')} {self.pk}"

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def co_payment_total(self) -> int:
        return self.co_payment_per_unit * self.quantity


class SaleCodeMessage(models.Model):
    """A one-time sale code as the local messaging backend "sends" it: kept so that the
    person's pages show it in development and demonstrations, where no phone gateway is."""

    sale = models.ForeignKey(ShopSale, on_delete=models.CASCADE, related_name="code_messages")
    phone = models.CharField(max_length=30)
    code = models.CharField(max_length=6)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sale_id} {self.sent_at:%H:%M}"


class SupplierToken(models.Model):
    """A supplier's API token: created and revoked by its representative; only the SHA-256
    digest is kept."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class IdempotentRequest(models.Model):
    """The first answer to a supplier's POST under an ``Idempotency-Key``: the same key replays
    it; the same key with another request is refused."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    operation = models.CharField(max_length=60)
    request_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "key"], name="marketplace_idempotency_key_once"
            ),
        ]

    def __str__(self) -> str:
        return self.key


# Services by the hour and sanatorium stays by date (the "hours" part): their own module.
from inclusio.marketplace.hour_models import (  # noqa: E402, F401
    SanatoriumStay,
    SessionBooking,
    SessionSlot,
    Timesheet,
    TimesheetDay,
)
