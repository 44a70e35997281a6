"""Services by the hour and sanatorium stays by date (imported by ``models.py``).

Each booking, timesheet and stay rides on an :class:`~inclusio.marketplace.models.Order` of its
own: the order carries the hours or the course on the voucher, the person's confirmation or
dispute, the programme's fulfilment and the supplier's payment, each exactly as for goods. These
tables add what the hour and the date need: a sign-language slot's start, length and capacity;
a personal assistant's hours day by day for a month; the dates a sanatorium stay takes a place.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from inclusio.marketplace.models import Item, Order, SanatoriumPlaces, Supplier, Voucher


class SessionSlot(models.Model):
    """A sign-language session a supplier offers: from ``starts`` for ``hours`` hours, for up
    to ``capacity`` persons (a group session shares the interpreter)."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="slots")
    starts = models.DateTimeField(_("starts"))
    hours = models.PositiveSmallIntegerField(_("hours"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    held_at = models.DateTimeField(_("held"), null=True, blank=True)

    class Meta:
        verbose_name = _("session slot")
        verbose_name_plural = _("session slots")
        ordering = ["starts", "id"]
        indexes = [models.Index(fields=["item", "starts"], name="mkt_slot_item_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="marketplace_slot_never_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=1, hours__lte=12), name="marketplace_slot_hours_range"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="marketplace_slot_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts:%Y-%m-%d %H:%M} ({self.hours})"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class SessionBooking(models.Model):
    """A person's place in a slot; its order holds the hours taken from the voucher."""

    slot = models.ForeignKey(SessionSlot, on_delete=models.PROTECT, related_name="bookings")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="session")
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="+")
    # Kept from the slot so that a person's overlapping bookings are found in one index.
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("session booking")
        verbose_name_plural = _("session bookings")
        indexes = [models.Index(fields=["voucher", "starts"], name="mkt_booking_voucher")]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "voucher"],
                condition=Q(cancelled_at__isnull=True),
                name="marketplace_booking_once_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot} #{self.order_id}"


class Timesheet(models.Model):
    """A personal assistant's hours for one person in one month; submitting it makes its
    order, delivered and waiting for the person's confirmation of the month."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="timesheets")
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="timesheets")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="timesheet")
    month = models.DateField(_("month"))  # its first day
    hours = models.PositiveIntegerField(_("hours"))

    class Meta:
        verbose_name = _("timesheet")
        verbose_name_plural = _("timesheets")
        ordering = ["-month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="marketplace_timesheet_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.hours}"


class TimesheetDay(models.Model):
    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("date"))
    hours = models.PositiveSmallIntegerField(_("hours"))

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["timesheet", "day"], name="marketplace_timesheet_day"),
            models.CheckConstraint(
                condition=Q(hours__gte=1, hours__lte=24), name="marketplace_timesheet_day_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.hours}"


class SanatoriumStay(models.Model):
    """A sanatorium course booked from ``first_day`` for ``days`` days: it holds a place on
    each of them (``SanatoriumPlaces.places`` counts the places still free)."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="stay")
    first_day = models.DateField(_("arrival"))
    days = models.PositiveSmallIntegerField(_("days"))
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sanatorium stay")
        verbose_name_plural = _("sanatorium stays")
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=30), name="marketplace_stay_days_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_day} +{self.days}"


__all__ = [
    "SanatoriumPlaces",
    "SanatoriumStay",
    "SessionBooking",
    "SessionSlot",
    "Timesheet",
    "TimesheetDay",
]
