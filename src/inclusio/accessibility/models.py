"""Social-infrastructure facilities and their accessibility assessments.

A facility carries its current ratings, copied from its latest assessment so that the map, the
list and the statistics filter on indexed columns; every assessment is kept as history and never
changed. An OpenStreetMap import (``osm.py``) records an assessment of its own source and
keeps the element it matched (``OsmElement``, ``osm_id`` "node/123" or "way/456").
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region, User


class Category(models.TextChoices):
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    CULTURE = "culture", _("Culture")
    SPORT = "sport", _("Sport")
    SOCIAL_SERVICES = "social_services", _("Social services")
    TRANSPORT = "transport", _("Transport")
    GOVERNMENT_SERVICES = "government_services", _("Government services")
    FINANCE = "finance", _("Finance")
    JUSTICE = "justice", _("Justice")
    TRADE_AND_FOOD = "trade_and_food", _("Trade and food")
    OTHER = "other", _("Other")


class Owner(models.TextChoices):
    STATE = "state", _("State")
    PRIVATE = "private", _("Private")


class Rating(models.TextChoices):
    FULLY = "fully", _("Fully accessible")
    PARTIALLY = "partially", _("Partially accessible")
    NOT = "not", _("Not accessible")
    UNASSESSED = "unassessed", _("Not assessed yet")


OSM_BROWSE = "https://www.openstreetmap.org"
# Where OSM asks data users to link their attribution: the copyright and ODbL licence page.
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"


class Facility(models.Model):
    name_kk = models.CharField(_("name in Kazakh"), max_length=300)
    name_ru = models.CharField(_("name in Russian"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    owner = models.CharField(_("owner"), max_length=8, choices=Owner.choices)
    # Blank only for a facility first known from OpenStreetMap, which carries no BIN.
    owner_bin = models.CharField(_("owner's BIN"), max_length=12, blank=True)
    # A court, among the justice facilities: the seed counts courts apart (309 of 398).
    is_court = models.BooleanField(_("court"), default=False)
    address = models.CharField(_("address"), max_length=300)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    osm_id = models.CharField(max_length=30, blank=True)
    # From the latest assessment (none yet: unassessed, not adapted).
    adapted = models.BooleanField(_("adapted"), default=False)
    wheelchair = models.CharField(max_length=10, choices=Rating.choices, default="unassessed")
    vision = models.CharField(max_length=10, choices=Rating.choices, default="unassessed")
    hearing = models.CharField(max_length=10, choices=Rating.choices, default="unassessed")
    intellectual = models.CharField(max_length=10, choices=Rating.choices, default="unassessed")
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        permissions = [
            ("record_assessment", _("Register facilities and record accessibility assessments")),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="access_fac_position"),
            models.Index(fields=["region", "category", "adapted"], name="access_fac_region_cat"),
            models.Index(fields=["category", "adapted"], name="access_fac_cat_adapted"),
            models.Index(fields=["name_ru", "id"], name="access_fac_name_ru"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_bin__regex=r"^([0-9]{12})?$"), name="access_facility_bin_digits"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="access_facility_on_earth",
            ),
            *(
                models.CheckConstraint(
                    condition=~Q(**{field: ""}), name=f"access_facility_{field}_given"
                )
                for field in ("name_kk", "name_ru", "name_en")
            ),
        ]

    def __str__(self) -> str:
        return self.name()

    @property
    def osm_url(self) -> str:
        return f"{OSM_BROWSE}/{self.osm_id}" if self.osm_id else ""

    def name(self, language: str | None = None) -> str:
        language = (language or get_language() or "kk")[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_kk)

    def ratings(self) -> dict[str, str]:
        return {
            "wheelchair": self.wheelchair,
            "vision": self.vision,
            "hearing": self.hearing,
            "intellectual": self.intellectual,
        }


class MapVersion(models.Model):
    """One row whose token changes in the same transaction as every write to the facilities'
    positions, categories, regions or ratings (``mapgrid.map_changed``). Each server process
    keeps the map's copy of the facilities (``mapgrid.py``) and reads this row by its key on
    every map request: a changed token means another process wrote, and the copy is loaded
    again. A random token rather than a counter: a counter could come back to a value it had
    after a rollback or a restored database, with different facilities behind it."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class AssessmentSource(models.TextChoices):
    """Where an assessment comes from: an inspector (or the platform's own load), or tags read
    from OpenStreetMap, which never replace a newer inspection."""

    INSPECTION = "", _("Inspection")
    OPENSTREETMAP = "openstreetmap", _("OpenStreetMap")


class Assessment(models.Model):
    """One assessment against the standard: every criterion's state and measurement
    (``results``: code → ``{"state": …, "value": number or null}``) and the ratings derived
    from them. Never changed: a later assessment is a new row."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    inspector = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    results = models.JSONField()
    ratings = models.JSONField()
    adapted = models.BooleanField(_("adapted"))
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=AssessmentSource.choices, default="", blank=True
    )
    # The OpenStreetMap element whose tags an assessment of that source was read from ("node/123"),
    # kept on the assessment: the facility may later be matched with another element.
    osm_element = models.CharField(max_length=30, blank=True, default="")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("accessibility assessment")
        verbose_name_plural = _("accessibility assessments")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["facility", "-assessed_on", "-id"], name="access_ass_hist")]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.assessed_on}"

    @property
    def osm_url(self) -> str:
        return f"{OSM_BROWSE}/{self.osm_element}" if self.osm_element else ""


class AssessmentPhoto(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="photos")
    criterion = models.CharField(max_length=40)
    file = models.FileField(upload_to="accessibility/photos/")
    content_type = models.CharField(max_length=20)
    size_bytes = models.PositiveIntegerField()
    alt_text = models.CharField(_("text alternative"), max_length=300)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="access_photo_alt_text_given"),
        ]

    def __str__(self) -> str:
        return self.alt_text


# --- OpenStreetMap (the import and export, osm.py) ----------------------------------------------


class OsmElement(models.Model):
    """The OpenStreetMap element a facility was last matched with, as last imported: its tags
    (OSM's current values for the export's comparison) and what an osmChange needs to modify
    it (version, a node's position, a way's nodes)."""

    facility = models.OneToOneField(Facility, on_delete=models.CASCADE, related_name="osm_element")
    version = models.PositiveIntegerField(null=True)
    tags = models.JSONField()
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    way_nodes = models.JSONField(default=list)
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("OpenStreetMap element")
        verbose_name_plural = _("OpenStreetMap elements")

    def __str__(self) -> str:
        return self.facility.osm_id


# --- state control (control.py) -----------------------------------------------------------------


class InspectionKind(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNPLANNED = "unplanned", _("Unplanned")


class PlannedInspection(models.Model):
    """An inspection the region's plan for a half-year holds, or one requested outside the plan
    (by an accepted barrier report); done once an inspection records it."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    # The facility's region, kept for the region's plan and worklists.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=InspectionKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"))
    due = models.DateField(_("due by"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("planned inspection")
        verbose_name_plural = _("planned inspections")
        ordering = ["due", "id"]
        permissions = [
            ("view_state_control", _("See the region's accessibility inspections and fines")),
        ]
        indexes = [models.Index(fields=["region", "year", "half"], name="access_plan_region")]
        constraints = [
            models.CheckConstraint(condition=Q(half__in=(1, 2)), name="access_plan_half"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.year}/{self.half}"


class Inspection(models.Model):
    """An inspection of a facility: its findings are the assessment it recorded."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    planned = models.OneToOneField(
        PlannedInspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=InspectionKind.choices)
    inspector = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inspected_on = models.DateField(_("inspected on"))
    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="inspection"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["region", "inspected_on"], name="access_insp_region")]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.inspected_on}"


class PrescriptionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")


class Prescription(models.Model):
    """What the owner must put right (one failed criterion) by a deadline; settled by the next
    inspection of the facility, which finds the criterion met or not."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="prescriptions"
    )
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField(_("criterion"), max_length=40)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=14, choices=PrescriptionStatus.choices, default="open"
    )
    extension_reason = models.CharField(_("reason for the extension"), max_length=500, blank=True)
    followed_up_by = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="followed_up"
    )

    class Meta:
        verbose_name = _("prescription")
        verbose_name_plural = _("prescriptions")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["region", "status", "deadline"], name="access_presc_due"),
            models.Index(fields=["facility", "status"], name="access_presc_fac"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} {self.deadline}"


class Fine(models.Model):
    """A fine in MCI, with its amount in tenge at the MCI in force on the day it was imposed."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="fines")
    prescription = models.ForeignKey(
        Prescription, on_delete=models.PROTECT, null=True, blank=True, related_name="fines"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    imposed_on = models.DateField(_("imposed on"))
    amount_mci = models.DecimalField(_("amount in MCI"), max_digits=8, decimal_places=2)
    mci_tenge = models.PositiveIntegerField(_("MCI in force, tenge"))
    amount_tenge = models.PositiveBigIntegerField(_("amount, tenge"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("fine")
        verbose_name_plural = _("fines")
        ordering = ["-imposed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_mci__gt=0), name="access_fine_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_mci} MCI"


# --- citizens' barrier reports (barriers.py) ----------------------------------------------------


class ReportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for moderation")
    ACCEPTED = "accepted", _("Accepted: an inspection is requested")
    REJECTED = "rejected", _("Rejected")


class BarrierReport(models.Model):
    """A barrier a signed-in person reports at a facility, moderated by the region's inspector;
    accepted, it requests an unplanned inspection."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("what the barrier is"), max_length=2000)
    photo = models.FileField(upload_to="accessibility/reports/", blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    photo_alt_text = models.CharField(_("text alternative"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default="waiting"
    )
    moderator = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.CharField(_("note or reason"), max_length=1000, blank=True)
    request = models.OneToOneField(
        PlannedInspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="barrier_report",
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("barrier report")
        verbose_name_plural = _("barrier reports")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status"], name="access_report_queue"),
            models.Index(fields=["reporter", "reported_at"], name="access_report_reporter"),
            models.Index(fields=["facility", "reported_at"], name="access_report_facility"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.status}"
