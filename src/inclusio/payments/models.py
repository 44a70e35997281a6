"""Payments: each line of a payment file is a :class:`Transfer`, in one of four states.

``queued`` (to be paid) → ``sent`` (in a :class:`PaymentFile` given to the bank) → ``paid`` or
``rejected`` (the bank's status report, :class:`StatusReport`, said so, with its reason).

What a transfer pays is named by a *purpose*: a kind and the id of the thing paid in the app
that owns it (a benefit payment of an award for a month; later, a marketplace order). Not a
foreign key per kind: this module sits below the apps that pay (benefits, marketplace) in the
import layers, so it may not name their models; a new kind of payment is one more choice, not a
column and a migration here. What a foreign key would give, the owning app keeps: it reaches its
transfers through the purpose, and the database still holds the invariant that matters — one
live transfer per thing paid (``transfer_pays_its_purpose_once``: every transfer but a rejected
one counts, so a rejected payment may be paid again to a corrected account, and never twice).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.payments.reasons import reason_text


class PaymentFile(models.Model):
    """A credit transfer file produced for the bank (ISO 20022 pain.001): its message id is
    what the bank's status report refers to. The file itself is not kept (it names every
    payee); its SHA-256 is, and its transfers."""

    message_id = models.CharField(_("message id"), max_length=35, unique=True)
    schema = models.CharField(_("format"), max_length=20)
    batch_kind = models.CharField(
        _("batch kind"), max_length=20, help_text=_("What the file pays, e.g. a payroll.")
    )
    batch_id = models.BigIntegerField(_("batch id"))
    transfers_count = models.PositiveIntegerField(_("payments"))
    amount_kzt = models.BigIntegerField(_("amount, KZT"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("produced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("produced"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment file")
        verbose_name_plural = _("payment files")
        indexes = [models.Index(fields=["batch_kind", "batch_id"], name="payment_file_batch")]

    def __str__(self) -> str:
        return self.message_id


class StatusReport(models.Model):
    """A bank's status report (ISO 20022 pain.002) imported: each is imported once."""

    message_id = models.CharField(_("message id"), max_length=35, unique=True)
    schema = models.CharField(_("format"), max_length=20)
    original_message_id = models.CharField(_("payment file"), max_length=35)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    paid = models.PositiveIntegerField(_("paid"))
    rejected = models.PositiveIntegerField(_("rejected"))
    accepted = models.PositiveIntegerField(_("accepted, not yet paid"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")

    def __str__(self) -> str:
        return self.message_id


class Transfer(models.Model):
    """A payment: one line of a payment file."""

    class Purpose(models.TextChoices):
        BENEFIT = "benefit", _("a benefit payment")
        BENEFIT_TOP_UP = (
            "benefit_top_up",
            _("the difference owed on appeal for a month of a benefit already paid"),
        )
        SUPPLIER_ORDER = "supplier_order", _("a supplier's order on the Social Services Portal")
        WAGE_SUBSIDY = "wage_subsidy", _("a month of a special workplace's wage subsidy")
        WORKPLACE_EQUIPMENT = "equipment", _("the equipment of a special workplace")
        SOCIAL_SERVICE = (
            "social_service",
            _("a provider's per-capita funding of special social services for a month"),
        )

    class State(models.TextChoices):
        QUEUED = "queued", _("to be paid")
        SENT = "sent", _("sent to the bank")
        PAID = "paid", _("paid")
        REJECTED = "rejected", _("rejected by the bank")

    purpose_kind = models.CharField(_("what is paid"), max_length=20, choices=Purpose.choices)
    purpose_id = models.BigIntegerField(_("id of what is paid"))
    payer = models.CharField(
        _("payer"), max_length=100, help_text=_("The programme (or portal) that pays.")
    )
    payee_reference = models.CharField(
        _("payee"), max_length=35, help_text=_("The payee's IIN or BIN.")
    )
    amount_kzt = models.BigIntegerField(_("amount, KZT"))
    iban = models.CharField(_("IBAN"), max_length=34)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, unique=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    file = models.ForeignKey(
        PaymentFile,
        verbose_name=_("payment file"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
    )
    report = models.ForeignKey(
        StatusReport,
        verbose_name=_("status report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
    )
    bank_status = models.CharField(
        _("bank's status"), max_length=4, blank=True, help_text=_("ACCP, ACSC or RJCT.")
    )
    reason_code = models.CharField(_("reason code"), max_length=4, blank=True)
    reason_detail = models.CharField(_("bank's words"), max_length=210, blank=True)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    settled_at = models.DateTimeField(_("paid or rejected"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose_kind", "purpose_id"],
                condition=~Q(state="rejected"),
                name="transfer_pays_its_purpose_once",
            ),
            models.CheckConstraint(condition=Q(amount_kzt__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(
                condition=Q(state__in=["queued"], file__isnull=True)
                | Q(state__in=["sent", "paid", "rejected"], file__isnull=False),
                name="transfer_sent_in_a_file",
            ),
        ]
        indexes = [models.Index(fields=["purpose_kind", "purpose_id"], name="transfer_purpose")]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} {self.state}"

    @property
    def reason(self) -> str:
        """The rejection's reason in plain words, in the reader's language."""
        return reason_text(self.reason_code) if self.state == self.State.REJECTED else ""
