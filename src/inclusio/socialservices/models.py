"""Special social services: the providers, a person's assessed need, their placement with the
provider they chose (or their place on its waiting list), the provider's monthly attendance
records, the per-capita funding that follows the person, and the state social-protection
inspectors' plan, inspections, findings and prescriptions.

Every decision about a person (a need assessed, a placement, a waiting-list entry) is a row
with its own id, the service that decided (``decided_by_service``) and who decided, so that a
later appeal can name it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region


class Kind(models.TextChoices):
    """The kinds of special social service (Social Code): each has its own per-capita norm."""

    RESIDENTIAL = "residential", _("residential care")
    DAY_CARE = "day_care", _("day care")
    REHABILITATION = "rehabilitation", _("rehabilitation centre")
    HOME_CARE = "home_care", _("care at home")
    CRISIS = "crisis", _("crisis centre")


class Provider(models.Model):
    class Ownership(models.TextChoices):
        STATE = "state", _("state")
        PRIVATE = "private", _("private or non-governmental")

    bin = models.CharField(_("BIN"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=300)
    ownership = models.CharField(_("ownership"), max_length=8, choices=Ownership.choices)
    kind = models.CharField(_("kind of service"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300)
    places = models.PositiveIntegerField(_("places"))
    iban = models.CharField(_("bank account (IBAN)"), max_length=34)
    # The provider's own accounts: they confirm its monthly attendance records.
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff accounts"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("provider of special social services")
        verbose_name_plural = _("providers of special social services")
        permissions = [
            ("manage_needs", _("Record a person's need for special social services")),
            ("confirm_attendance", _("Confirm a provider's monthly attendance records")),
            ("inspect_providers", _("Plan and record inspections of providers")),
        ]
        indexes = [models.Index(fields=["region", "kind"], name="ss_provider_region_kind")]
        constraints = [
            models.CheckConstraint(condition=Q(bin__regex=r"^[0-9]{12}$"), name="ss_provider_bin"),
            models.CheckConstraint(
                condition=Q(ownership__in=["state", "private"]), name="ss_provider_ownership"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in Kind]), name="ss_provider_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Licence(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="licences")
    number = models.CharField(_("licence number"), max_length=40)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-valid_from", "id"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="ss_licence_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.valid_from} – {self.valid_until or '…'})"

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Need(models.Model):
    """A person's assessed need for special social services, recorded by a district officer."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="social_service_needs"
    )
    kind = models.CharField(_("kind of service"), max_length=16, choices=Kind.choices)
    hours_per_month = models.PositiveIntegerField(_("volume, hours a month"))
    starts = models.DateField(_("from"))
    ends = models.DateField(_("until"))
    decided_by_service = models.CharField(_("deciding service"), max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts", "-id"]
        verbose_name = _("need for special social services")
        verbose_name_plural = _("needs for special social services")
        constraints = [
            models.CheckConstraint(condition=Q(ends__gte=models.F("starts")), name="ss_need_period")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts} – {self.ends}"


class Placement(models.Model):
    """The person placed with the provider they (or their representative) chose, for the
    need's period."""

    need = models.OneToOneField(Need, on_delete=models.PROTECT, related_name="placement")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="placements")
    starts = models.DateField(_("from"))
    ends = models.DateField(_("until"))
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_by_service = models.CharField(_("deciding service"), max_length=60)
    placed_at = models.DateTimeField(default=timezone.now)
    # Set when the placement ends before the need's period does (``placement_end``): ``ends``
    # is then the last day served, and the need keeps the period that was assessed.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    end_reason = models.TextField(_("why it ended early"), blank=True)

    class Meta:
        ordering = ["-starts", "-id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        indexes = [models.Index(fields=["provider", "starts", "ends"], name="ss_placement_span")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")), name="ss_placement_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.starts} – {self.ends}"


class WaitingEntry(models.Model):
    """A person waiting for a place with the provider they chose. The order is the time the
    choice was made, then the entry's id: first come, first placed (``waiting_position``)."""

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="waiting")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="waiting")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_by_service = models.CharField(_("deciding service"), max_length=60)
    since = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["since", "id"]
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "provider"],
                condition=Q(left_at__isnull=True),
                name="ss_waiting_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.since:%Y-%m-%d}"


class Attendance(models.Model):
    """A month's service record of a placement, confirmed by the provider: the days served."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="attendance")
    month = models.DateField(_("month"))  # its first day
    days = models.PositiveSmallIntegerField(_("days served"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["month", "id"]
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="ss_attendance_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="ss_attendance_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.days}"


class FundingMonth(models.Model):
    """A month's per-capita funding, computed once for the whole country."""

    month = models.DateField(_("month"), unique=True)
    providers = models.PositiveIntegerField(_("providers paid"))
    persons = models.PositiveIntegerField(_("persons served"))
    amount_kzt = models.BigIntegerField(_("amount, KZT"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("funding month")
        verbose_name_plural = _("funding months")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="ss_funding_first_day")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class FundingLine(models.Model):
    """One provider's funding for the month: what the transfer to its IBAN pays."""

    funding = models.ForeignKey(FundingMonth, on_delete=models.PROTECT, related_name="lines")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="funding")
    persons = models.PositiveIntegerField(_("persons served"))
    days = models.PositiveIntegerField(_("days served"))
    amount_kzt = models.BigIntegerField(_("amount, KZT"))

    class Meta:
        ordering = ["funding", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["funding", "provider"], name="ss_funding_line_once"),
            models.CheckConstraint(condition=Q(amount_kzt__gt=0), name="ss_funding_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.amount_kzt}"


class ControlPlan(models.Model):
    """The region's six-monthly preventive-control plan: providers by risk score."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    half_year = models.DateField(_("half-year"))  # 1 January or 1 July
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-half_year", "region"]
        constraints = [
            models.UniqueConstraint(fields=["region", "half_year"], name="ss_plan_once"),
            models.CheckConstraint(
                condition=Q(half_year__day=1, half_year__month__in=[1, 7]),
                name="ss_plan_half_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.half_year}"


class PlanEntry(models.Model):
    plan = models.ForeignKey(ControlPlan, on_delete=models.CASCADE, related_name="entries")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveIntegerField(_("risk score"))
    complaints = models.PositiveIntegerField(_("complaints"))
    incidents = models.PositiveIntegerField(_("incidents"))
    overdue = models.PositiveIntegerField(_("overdue prescriptions"))

    class Meta:
        ordering = ["-score", "provider_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "provider"], name="ss_plan_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.score}"


class Signal(models.Model):
    """A complaint about a provider or an incident it reported: the plan's risk inputs."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("complaint")
        INCIDENT = "incident", _("incident")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="signals")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    received = models.DateField(_("received"))
    # Filed on the platform (``complaint_file``, ``incident_report``); the loaded history has
    # neither text nor author.
    text = models.TextField(_("what happened"), blank=True)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.received}"


class Inspection(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="inspections")
    plan_entry = models.ForeignKey(
        PlanEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.provider_id} {self.held_on}"


class Finding(models.Model):
    """A breach of one of the service standard's requirements (the country's list)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    requirement = models.CharField(_("requirement"), max_length=40)
    note = models.TextField(_("what was found"))

    def __str__(self) -> str:
        return str(self.requirement)


class Prescription(models.Model):
    """An order to remedy a finding by a deadline; the inspector's follow-up closes it."""

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="prescription")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="prescriptions")
    deadline = models.DateField(_("deadline"))
    remedied_on = models.DateField(_("remedied on"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["remedied_on", "deadline"], name="ss_prescription_open")]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.deadline}"


class SocialOrderProject(models.Model):
    """A project of the state social order: a non-governmental organisation paid from a
    region's budget for a year to serve persons (seed §129, §143). Money in whole tenge."""

    class Area(models.TextChoices):
        SPECIAL_SOCIAL_SERVICES = "special_social_services", _("special social services")
        HOME_CARE = "home_care", _("home-based services")
        REHABILITATION = "rehabilitation", _("rehabilitation")
        PSYCHOLOGICAL = "psychological", _("psychological assistance")
        CRISIS = "crisis", _("crisis centre")
        INCLUSION = "inclusion", _("an inclusive society")

    ngo_name = models.CharField(_("organisation"), max_length=300)
    ngo_bin = models.CharField(_("organisation's BIN"), max_length=12)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("project"), max_length=300)
    area = models.CharField(_("area"), max_length=30, choices=Area.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    budget_kzt = models.PositiveBigIntegerField(_("budget, tenge"))
    persons_covered = models.PositiveIntegerField(_("persons covered"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "ngo_name", "id"]
        verbose_name = _("state social order project")
        verbose_name_plural = _("state social order projects")
        indexes = [models.Index(fields=["region", "year"], name="ss_order_region_year")]
        constraints = [
            models.CheckConstraint(condition=Q(budget_kzt__gt=0), name="ss_order_budget"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.ngo_name}: {self.title}"
