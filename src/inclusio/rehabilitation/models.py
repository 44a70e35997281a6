"""Individual habilitation and rehabilitation programmes (IPR): what the medical-social
expertise prescribes to a person, and what of it the person has received.

A programme's items are cut into lines, each one delivery owed: an aid or a sanatorium course
for the whole programme, a month's hygiene products, a calendar year's hours. Lines carry the
year they count in and how much of them was fulfilled, so the implementation rate is one
aggregate over lines (docs/rehabilitation.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region
from inclusio.registry.models import DisabilityStatus, Person


class Programme(models.Model):
    class Source(models.TextChoices):
        DECISION = "decision", _("issued with a decision of the medical-social expertise")
        REVISION = "revision", _("revised by the medical-social expertise")
        SYNTHETIC = "synthetic", _("synthetic data")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="rehabilitation_programmes",
    )
    # The person's region when issued: the lines' region, which the regional rate counts by.
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    status = models.ForeignKey(
        DisabilityStatus,
        verbose_name=_("disability status"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The status whose term the programme follows."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    source = models.CharField(_("source"), max_length=9, choices=Source.choices)
    reason = models.TextField(_("reason"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"))
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("rehabilitation programme")
        verbose_name_plural = _("rehabilitation programmes")
        permissions = [
            ("revise_programme", _("Revise individual rehabilitation programmes")),
            ("view_implementation_rate", _("See the implementation rate of programmes")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_programme_per_person",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="programme_valid_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Rehabilitation programme')} {self.pk} — {self.person}"


class ProgrammeItem(models.Model):
    """One category prescribed: ``amount`` is what the specialist wrote — a quantity for the
    whole programme (aids, courses), items a day (hygiene products), hours a year (services)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("category"), max_length=40)
    amount = models.PositiveIntegerField(_("amount"))

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "category"], name="one_item_per_category"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="item_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category} × {self.amount}"


class Line(models.Model):
    """One delivery owed under an item, counted in the year it starts."""

    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="lines")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    starts = models.DateField(_("from"))
    ends = models.DateField(_("until"))
    year = models.PositiveSmallIntegerField(_("year"))
    quantity = models.PositiveIntegerField(_("prescribed"))
    fulfilled = models.PositiveIntegerField(_("fulfilled"), default=0)
    # Cut off by a revision or an ended status: kept for the history, counted nowhere.
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("programme line")
        verbose_name_plural = _("programme lines")
        ordering = ["starts", "id"]
        indexes = [models.Index(fields=["year", "region", "withdrawn"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(fulfilled__lte=F("quantity")), name="line_never_over_fulfilled"
            ),
            models.CheckConstraint(condition=Q(ends__gte=F("starts")), name="line_dates_order"),
        ]

    def __str__(self) -> str:
        return f"{self.item.category} {self.starts}–{self.ends}: {self.fulfilled}/{self.quantity}"


class Fulfilment(models.Model):
    class Source(models.TextChoices):
        MARKETPLACE = "marketplace", _("an order confirmed on the Social Services Portal")
        OFFICER = "officer", _("recorded by a social-protection officer")
        SYNTHETIC = "synthetic", _("synthetic data")

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="fulfilments")
    quantity = models.PositiveIntegerField(_("quantity"))
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=11, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("fulfilment")
        verbose_name_plural = _("fulfilments")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="fulfilment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.quantity} on {self.date}"
