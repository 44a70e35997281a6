"""Housing waiting lists kept by the local executive bodies, and each registration's place.

Localities are not modelled in the registry (a person has a region and a free-text address),
so each region has one list, its ``locality_code`` being the region's two-digit KATO code; a
list per district or town is a row with a longer KATO code, and nothing below assumes there is
only one per region.

A registration's ``position`` is derived: ``services.positions_recompute`` orders each list's
waiting registrations by category priority, then the registration date, then the moment the
registration was recorded, then its number (docs/housing.md), and writes every changed
position and its history in a few set-based statements.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region
from inclusio.housing.categories import categories, name_of
from inclusio.registry.models import Person


class WaitingList(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    locality_code = models.CharField(_("locality (KATO code)"), max_length=9)

    class Meta:
        ordering = ["region", "locality_code"]
        verbose_name = _("housing waiting list")
        verbose_name_plural = _("housing waiting lists")
        permissions = [("manage_waiting_list", _("Manage the housing waiting list"))]
        constraints = [
            models.UniqueConstraint(fields=["region", "locality_code"], name="waiting_list_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.locality_code}"


class Registration(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        HOUSED = "housed", _("housed")
        REMOVED = "removed", _("removed from the list")

    waiting_list = models.ForeignKey(
        WaitingList,
        verbose_name=_("waiting list"),
        on_delete=models.PROTECT,
        related_name="registrations",
        db_index=False,  # served by registration_order
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="housing_registrations",
    )
    # A code of the country's categories (countries/<country>/housing.json), and its priority
    # copied at registration, so that the order is a sort on the row's own columns.
    category = models.CharField(_("priority category"), max_length=40)
    priority = models.PositiveSmallIntegerField(_("priority"))
    # For a category an officer gives (not derived from the registry): the document proving it.
    category_document = models.CharField(_("document"), max_length=300, blank=True)
    registered_on = models.DateField(_("registered on"))
    registered_at = models.DateTimeField(_("recorded"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.WAITING
    )
    position = models.PositiveIntegerField(_("place in the list"), null=True, blank=True)
    # The person's disability status no longer gives the derived category: the officer decides
    # (a status often lapses for weeks before a re-examination), the place is kept until then.
    needs_review = models.BooleanField(_("to be reviewed by the officer"), default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["waiting_list", "position", "id"]
        verbose_name = _("housing registration")
        verbose_name_plural = _("housing registrations")
        indexes = [
            models.Index(
                fields=["waiting_list", "status", "priority", "registered_on", "registered_at"],
                name="registration_order",
            ),
            models.Index(
                fields=["waiting_list", "position"],
                condition=Q(status="waiting"),
                name="registration_position",
            ),
        ]
        constraints = [
            # One waiting registration per person: a second is refused as a duplicate.
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="waiting"), name="registration_one_waiting"
            ),
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(position__isnull=True),
                name="registration_position_only_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.waiting_list_id} {self.status}"

    @property
    def category_name(self) -> str:
        return name_of(self.category)


class Event(models.Model):
    """A registration's history: what happened, the place it gave, the reason and the law."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("registered on the list")
        POSITION = "position", _("place in the list changed")
        CATEGORY = "category", _("priority category changed")
        ALLOCATED = "allocated", _("housing allocated")
        DECLINED = "declined", _("housing offered and declined")
        REMOVED = "removed", _("removed from the list")
        RESTORED = "restored", _("restored to the list on appeal")
        CORRECTED = "corrected", _("registration date corrected on appeal")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("what happened"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    position = models.PositiveIntegerField(_("place in the list"), null=True, blank=True)
    category = models.CharField(_("priority category"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    # An allocation out of the order of the list: the ground in law for it.
    skip_ground = models.CharField(
        _("ground for allocating out of turn"), max_length=500, blank=True
    )
    dwelling = models.CharField(_("dwelling"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
        indexes = [models.Index(fields=["registration", "at"], name="housing_event_history")]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.kind} {self.at:%Y-%m-%d}"

    @property
    def category_name(self) -> str:
        return name_of(self.category) if self.category else ""

    @property
    def reason_shown(self) -> str:
        """The reason, in the reader's language for a category the registry changed (the
        platform's own words, not stored); the officer's words otherwise."""
        if self.kind == self.Kind.CATEGORY and not self.reason:
            return gettext("The disability status in the registry changed.")
        if self.kind in (self.Kind.RESTORED, self.Kind.CORRECTED) and not self.reason:
            return gettext("Your appeal was granted.")
        return self.reason

    @property
    def legal_basis_shown(self) -> str:
        """The legal basis, in the reader's language for the events the platform records from
        a category (stored in English); the officer's words otherwise."""
        if self.kind in (self.Kind.REGISTERED, self.Kind.CATEGORY) and self.category:
            known = categories().get(self.category)
            if known is not None:
                return known.reference
        return self.legal_basis


class Notice(models.Model):
    """Telling the person of a change to their registration that they did not ask for (the
    category re-derived after their disability status changed). Kept for their housing page
    like the benefits' messages; no text is stored, the kind is rendered in the reader's
    language."""

    class Kind(models.TextChoices):
        CATEGORY_CHANGED = (
            "category_changed",
            _(
                "Your disability status changed, and with it your priority category on the "
                "housing list."
            ),
        )
        CATEGORY_LAPSED = (
            "category_lapsed",
            _(
                "Your disability status no longer gives the priority category you are registered "
                "in. The housing officer will review your registration; you keep your place "
                "until then."
            ),
        )

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="housing_notices"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("housing notice")
        verbose_name_plural = _("housing notices")

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"
