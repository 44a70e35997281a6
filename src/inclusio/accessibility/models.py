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
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("accessibility assessment")
        verbose_name_plural = _("accessibility assessments")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["facility", "-assessed_on", "-id"], name="access_ass_hist")]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.assessed_on}"


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
