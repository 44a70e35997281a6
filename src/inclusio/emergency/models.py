"""Homes of persons with limited mobility, as rescuers need them, and the dispatchers' lookups.

A residence rests on one of two bases. **The law**: the platform compiles, from the registry,
the home of every person whose current disability status records limited mobility — address,
floor, apartment, place on the map and the limitations rescuers must know of (moving, seeing,
hearing, understanding). **The person's consent** adds what only they can tell: the entrance
code, a wheelchair, being bedridden, equipment such as oxygen, living alone, a contact and a
carer. Consent can be withdrawn at any time; then the consent fields are emptied and only the
legal minimum stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region
from inclusio.registry.models import Person

# What consent adds, emptied when it is withdrawn (the legal minimum is everything else).
CONSENT_FIELDS = (
    "entrance_code",
    "uses_wheelchair",
    "bedridden",
    "equipment",
    "lives_alone",
    "contact_name",
    "contact_phone",
    "carer_name",
    "carer_phone",
)
# What the registry gives under the law, refreshed by each compilation.
LAW_LIMITATIONS = ("limited_mobility", "blind", "deaf", "intellectual_disability")

# What rescuers must know of a home, the most urgent first: the field and its plain words.
NEEDS = (
    ("bedridden", _("bedridden")),
    ("uses_wheelchair", _("uses a wheelchair")),
    ("limited_mobility", _("cannot leave without help")),
    ("blind", _("blind or low vision")),
    ("deaf", _("deaf or hard of hearing: will not hear an alarm or a call")),
    ("intellectual_disability", _("intellectual or psychosocial disability")),
    ("lives_alone", _("lives alone")),
)


class Residence(models.Model):
    class Basis(models.TextChoices):
        LAW = "law", _("compiled from the registry under the law")
        CONSENT = "consent", _("completed with the person's consent")

    # The person's IIN, set on the homes a dispatcher's lookup reads (with them, for the access
    # log: emergency.services), as the ORM's annotate sets a value; not a column.
    person_iin: str

    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="emergency_residence",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        db_index=False,  # served by residence_region_place
    )
    address = models.CharField(_("address"), max_length=300)
    # The address in lower case, for the dispatcher's search by address in every alphabet.
    address_folded = models.CharField(max_length=300, editable=False)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    apartment = models.CharField(_("apartment"), max_length=10, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    # Under the law, from the current disability status.
    limited_mobility = models.BooleanField(_("cannot leave without help"), default=True)
    blind = models.BooleanField(_("blind or low vision"), default=False)
    deaf = models.BooleanField(_("deaf or hard of hearing"), default=False)
    intellectual_disability = models.BooleanField(
        _("intellectual or psychosocial disability"), default=False
    )
    # With the person's consent.
    entrance_code = models.CharField(_("entrance code"), max_length=20, blank=True)
    uses_wheelchair = models.BooleanField(_("uses a wheelchair"), default=False)
    bedridden = models.BooleanField(_("bedridden"), default=False)
    equipment = models.CharField(
        _("equipment rescuers must know of (oxygen, ventilator …)"), max_length=200, blank=True
    )
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact person's phone"), max_length=20, blank=True)
    carer_name = models.CharField(_("carer"), max_length=150, blank=True)
    carer_phone = models.CharField(_("carer's phone"), max_length=20, blank=True)
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    # How an officer recorded the last giving or withdrawal of consent ("" when the person or
    # their representative did it on their pages); the person reads it.
    consent_recorded_how = models.CharField(
        _("how consent was recorded"), max_length=500, blank=True
    )
    compiled_at = models.DateTimeField(_("compiled from the registry"))
    # The day the home entered the registry (``compiled_at`` moves with each refresh): the
    # snapshot's residences file counts the homes kept on a day by it.
    recorded_on = models.DateField(_("recorded"))
    updated_at = models.DateTimeField(_("last changed"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")
        permissions = [("lookup_residences", _("Look up residences at an incident"))]
        indexes = [
            # A lookup by radius reads a box of latitudes in one region, then checks distance.
            models.Index(fields=["region", "latitude", "longitude"], name="residence_region_place"),
            # A national dispatcher's lookup reads a box of latitudes across regions.
            models.Index(fields=["latitude", "longitude"], name="residence_place"),
            models.Index(
                fields=["region", "address_folded"],
                name="residence_region_address",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="residence_place_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.region_id}"

    @property
    def basis(self) -> Basis:
        return self.Basis.CONSENT if self.consent_given_at else self.Basis.LAW

    def needs(self) -> list[str]:
        """What rescuers must know, in plain words, the most urgent first."""
        said = [str(label) for field, label in NEEDS if getattr(self, field)]
        if self.equipment:
            said.append(str(_("equipment: %(equipment)s") % {"equipment": self.equipment}))
        return said

    def need_codes(self) -> list[str]:
        """The same as codes (the names of the fields), for the dispatch systems' API."""
        return [field for field, _label in NEEDS if getattr(self, field)]


class Flag(models.TextChoices):
    """Why a lookup is shown to the auditor."""

    OUTSIDE_AREA = "outside_area", _("the place is outside the dispatcher's region")
    MANY_INCIDENTS = "many_incidents", _("the dispatcher looked up many incidents within an hour")


class Lookup(models.Model):
    """A dispatcher's lookup: what was asked, for which incident, and whether the auditor should
    look at it. The persons found are in their own access logs, not here."""

    class Mode(models.TextChoices):
        PLACE = "place", _("by place and radius")
        ADDRESS = "address", _("by address")

    dispatcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatcher"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    incident = models.CharField(_("incident number"), max_length=32)
    at = models.DateTimeField(_("when"))
    mode = models.CharField(_("how"), max_length=8, choices=Mode.choices)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    radius_m = models.PositiveIntegerField(_("radius, metres"), null=True, blank=True)
    address = models.CharField(_("address searched"), max_length=300, blank=True)
    found = models.PositiveIntegerField(_("residences found"))
    # Why the auditor should look at it (codes of Flag; none when nothing is unusual).
    flags = models.JSONField(_("unusual"), default=list, blank=True)
    flagged = models.BooleanField(_("for the auditor"), default=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("dispatcher's lookup")
        verbose_name_plural = _("dispatchers' lookups")
        indexes = [
            models.Index(fields=["dispatcher", "at"], name="lookup_dispatcher_at"),
            models.Index(fields=["at"], condition=Q(flagged=True), name="lookup_flagged_at"),
        ]

    def __str__(self) -> str:
        return f"{self.incident} {self.at:%Y-%m-%d %H:%M}"

    @property
    def flag_labels(self) -> list[str]:
        return [str(Flag(code).label) for code in self.flags if code in Flag.values]


class DispatcherToken(models.Model):
    """A dispatcher's API token, for the dispatch centre's own system (CAD) to look up homes as
    that dispatcher: created and revoked by the dispatcher; only the SHA-256 digest is kept."""

    dispatcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatcher"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatcher's API token")
        verbose_name_plural = _("dispatchers' API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """An emergency officer's alert to the persons with hearing or vision impairment in an area:
    the area as drawn, the text in each language, and how many it was sent to. Who received it
    is in ``AlertMessage`` (one row per person) and in each person's access log."""

    class Area(models.TextChoices):
        CIRCLE = "circle", _("a circle (centre and radius)")
        POLYGON = "polygon", _("a polygon (its corners)")
        LOCALITIES = "localities", _("whole localities")

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("emergency officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The officer's region when sent (None: a national officer); recipients are of it only.
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField(_("sent"))
    area = models.CharField(_("area"), max_length=10, choices=Area.choices)
    # circle: {"latitude", "longitude", "radius_m"}; polygon: {"points": [[lat, lon], …]};
    # localities: {"regions": [code, …]}.
    geometry = models.JSONField(_("the area as drawn"))
    text_kk = models.CharField(_("text in Kazakh"), max_length=480, blank=True)
    text_ru = models.CharField(_("text in Russian"), max_length=480, blank=True)
    text_en = models.CharField(_("text in English"), max_length=480, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("emergency alert")
        verbose_name_plural = _("emergency alerts")
        permissions = [("send_alerts", _("Send emergency alerts to persons in an area"))]
        indexes = [models.Index(fields=["officer", "at"], name="alert_officer_at")]

    def __str__(self) -> str:
        return f"{self.pk} {self.at:%Y-%m-%d %H:%M}"

    def text_in(self, language: str) -> str:
        text: str = getattr(self, f"text_{language}", "")
        return text


class AlertMessage(models.Model):
    """One person's copy of an alert, in their language, and where its delivery stands. The
    local backend (``emergency/messaging.py``) delivers it to the person's pages; an SMS
    gateway adapter moves it through sent to delivered or failed."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.PROTECT, related_name="messages"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="emergency_alerts",
        db_index=False,  # served by alert_message_person
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    state = models.CharField(_("delivery"), max_length=9, choices=State.choices)
    created_at = models.DateTimeField(_("queued"))
    updated_at = models.DateTimeField(_("last changed"))
    # The gateway's reference for its delivery reports ("" for the local backend).
    gateway_ref = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert message")
        verbose_name_plural = _("alert messages")
        indexes = [
            models.Index(fields=["person", "created_at"], name="alert_message_person"),
            models.Index(fields=["alert", "state"], name="alert_message_state"),
            models.Index(
                fields=["gateway_ref"], condition=~Q(gateway_ref=""), name="alert_message_ref"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["alert", "person"], name="alert_message_once"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.person_id} {self.state}"

    @property
    def text(self) -> str:
        return self.alert.text_in(self.language)
