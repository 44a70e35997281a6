"""Agencies as clients of the DCI Disability Registry API, and the message ids they sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Disclosure(models.TextChoices):
    """What an agency may receive: the closed list of field groups an administrator grants.

    Data minimisation: an agency that needs only to know whether a status of a category is in
    force is granted ``disabled_status`` and ``category``, and never sees the diagnosis's
    traces (impairments, cause)."""

    DISABLED_STATUS = "disabled_status", _("whether a disability status is in force (yes or no)")
    CATEGORY = "category", _("the category and its validity dates")
    IDENTITY = "identity", _("name, sex and date of birth")
    ADDRESS = "address", _("region and urban or rural residence")
    IMPAIRMENT = "impairment", _("the functional limitations (impairment types and level)")
    CAUSE = "cause", _("the cause of the disability, its onset and the loss of working capacity")
    SUPPORT = "support", _("the assistive products and services of the rehabilitation programme")


class Agency(models.Model):
    """A government agency's system calling the DCI API: its OAuth 2 client credentials, its
    published keys, the purposes it is registered for and what it may receive."""

    name = models.CharField(
        _("agency"), max_length=100, help_text=_("The name persons read in their access log.")
    )
    sender_id = models.CharField(
        _("sender id"),
        max_length=100,
        unique=True,
        help_text=_("The agency's DCI sender_id, also its OAuth 2 client id."),
    )
    # Only a SHA-256 digest: a database leak does not leak a usable secret.
    secret_digest = models.CharField(max_length=64, editable=False)
    jwks = models.JSONField(_("published keys (JWKS)"), default=dict, blank=True)
    jwks_url = models.URLField(_("address of the published keys (JWKS URL)"), blank=True)
    # The asynchronous endpoints answer to this address (docs/dci.md): an agency without one
    # uses the synchronous endpoints only.
    callback_url = models.URLField(
        _("callback address"),
        blank=True,
        help_text=_("Where the answers of asynchronous requests are sent (https://…)."),
    )
    purposes = models.JSONField(_("purposes"), default=list)
    disclosures = models.JSONField(_("what it may receive"), default=list)
    requests_per_minute = models.PositiveIntegerField(_("requests per minute"), default=1200)
    active = models.BooleanField(_("active"), default=True)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency (API client)")
        verbose_name_plural = _("agencies (API clients)")
        permissions = [("manage_agency", "Register agencies as clients of the DCI API")]

    def __str__(self) -> str:
        return f"{self.name} ({self.sender_id})"


class ReceivedMessage(models.Model):
    """A message id an agency sent: a second message with the same id is a replay."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "message_id"], name="one_message_id_per_agency"
            )
        ]
        indexes = [models.Index(fields=["received_at"])]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.message_id}"


# --- the asynchronous half: callbacks through an outbox, subscriptions (docs/dci.md) ----------


class OutboxState(models.TextChoices):
    QUEUED = "queued", _("queued")
    DELIVERED = "delivered", _("delivered")
    DEAD = "dead", _("undeliverable")


class OutboxMessage(models.Model):
    """A callback to an agency, delivered by ``inclusio dci-outbox`` with back-off; after
    ``DCI_OUTBOX_MAX_ATTEMPTS`` failures it is dead until an administrator queues it again.
    The body is kept only until delivered: a delivered row holds no personal data."""

    message_id = models.CharField(max_length=100, unique=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30)
    url = models.URLField(_("address"), max_length=500)
    header = models.JSONField(default=dict)
    message = models.JSONField(default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=OutboxState.choices, default=OutboxState.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # A notification held for a subscription's next scheduled time (its ``frequency``): the
    # changes until then join this one message.
    subscription = models.ForeignKey(
        "Subscription", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("callback to an agency")
        verbose_name_plural = _("callbacks to agencies")
        indexes = [models.Index(fields=["state", "next_try_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.action} {self.message_id}"


class Subscription(models.Model):
    """An agency's subscription to changes of disability status: of one person (by IIN, kept
    even when nobody is registered under it, so that the answer does not tell) or of a
    population (regions and categories; empty means any)."""

    code = models.CharField(max_length=99, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=40)
    reference_id = models.CharField(max_length=100)
    iin = models.CharField(max_length=12, blank=True, db_index=True)
    regions = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    # The agency's filter as it sent it, echoed in the callbacks.
    criteria = models.JSONField(default=dict)
    # EventFrequency: between ``frequency_from`` and ``frequency_until`` the notifications are
    # gathered and sent at the times of the Quartz cron ``frequency`` (interop/schedule.py);
    # outside them, and without a frequency, each change is sent as it happens.
    frequency = models.CharField(max_length=120, blank=True)
    frequency_from = models.DateTimeField(null=True, blank=True)
    frequency_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["active", "iin"], name="subscription_active_iin")]

    def __str__(self) -> str:
        return self.code


# --- signed disability-status attestations (interop/attestations.py) ----------------------------


class Attestation(models.Model):
    """One attestation of a person's disability status the platform signed. Its primary key is
    its index in the public status list (docs/attestations.md); the token itself is not kept:
    whoever holds it shows it, and the list says whether it still holds."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="attestations"
    )
    status = models.ForeignKey(
        "registry.DisabilityStatus", on_delete=models.PROTECT, related_name="+"
    )
    jti = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    with_iin = models.BooleanField(_("IIN shown in clear"), default=False)
    # Kept so that the person can print it again; both are signed statements they hold anyway.
    jws = models.TextField()
    sd_jwt = models.TextField()
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")

    def __str__(self) -> str:
        return f"{self.pk}: {self.person_id}"


class AttestationConsent(models.Model):
    """The person's consent that an agency may obtain attestations of their status."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="attestation_consents"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "agency"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_open_attestation_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.agency_id}"
