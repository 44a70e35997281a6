"""The centralised registry: persons, families, care links and disability status with history.

Field names follow the DCI Disability Registry objects where they meet (see dci.py for the
mapping); the database carries the invariants (unique IIN, one current status per person).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years on ``day`` of someone born on ``birth_date``."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def fold_name(name: str) -> str:
    """A name as the search compares it: case folded in every alphabet ("Әсел" and "әсел",
    "Ахметова" and "ахметова" alike). The databases' own case-insensitive matching folds only
    ASCII on SQLite, so the folded names are stored beside the names."""
    return name.casefold()


# The names a search reads, each with its folded copy.
FOLDED_NAMES = {
    "surname": "surname_folded",
    "given_name": "given_name_folded",
    "patronymic": "patronymic_folded",
}


class Person(models.Model):
    iin = models.CharField(_("IIN"), max_length=12, unique=True)
    surname = models.CharField(_("surname"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        db_index=False,  # served by person_region_id
    )
    urban = models.BooleanField(_("urban residence"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=settings.LANGUAGES, default="kk"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Filled on save from the names (fold_name); the search matches these.
    surname_folded = models.CharField(max_length=100, editable=False, default="")
    given_name_folded = models.CharField(max_length=100, editable=False, default="")
    patronymic_folded = models.CharField(max_length=100, editable=False, default="")

    class Meta:
        ordering = ["surname", "given_name", "iin"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        permissions = [
            ("view_person_record", _("Read person records within one's scope")),
            ("manage_person_record", _("Create and correct person records")),
            ("import_registry", _("Import an existing registry")),
        ]
        indexes = [
            # Every regional list joins its rows to the persons of one region: with the id in
            # the index the join reads the index alone, not a heap page per person (the largest
            # region's unanswered offers counted in 2 ms instead of 190 ms).
            models.Index(fields=["region", "id"], name="person_region_id"),
            models.Index(fields=["region", "surname"]),
            # A prefix search (LIKE 'ахмет%') can use these on PostgreSQL whatever the
            # database's collation; SQLite ignores the operator classes.
            models.Index(
                fields=["region", "surname_folded"],
                name="person_region_surname_folded",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["region", "given_name_folded"],
                name="person_region_given_folded",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="person_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="person_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, **kwargs: Any) -> None:
        for name, folded in FOLDED_NAMES.items():
            setattr(self, folded, fold_name(getattr(self, name)))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                *(FOLDED_NAMES[name] for name in update_fields if name in FOLDED_NAMES),
            }
        super().save(**kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)

    def represented_by(self, account_id: int, day: dt.date) -> bool:
        """Whether the account's holder legally represents this person on ``day`` (one query;
        core/access.py asks it)."""
        links = CareLink.objects.filter(carer__user_id=account_id, cared=self)
        for link in links:
            link.cared = self
            if link.represents_on(day):
                return True
        return False


class Family(models.Model):
    class Housing(models.TextChoices):
        OWN = "own", _("own home")
        RENT = "rent", _("rented")
        NONE = "none", _("no housing")

    external_ref = models.BigIntegerField(
        _("reference in the source system"), null=True, blank=True, unique=True
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    urban = models.BooleanField(_("urban residence"))
    housing = models.CharField(_("housing"), max_length=4, choices=Housing.choices)

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self) -> str:
        return f"{_('family')} {self.pk}"


class FamilyMembership(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("head")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        OTHER = "other", _("other member")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="memberships")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(_("role in the family"), max_length=6, choices=Role.choices)

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}"


class CareLink(models.Model):
    """A carer of a person. A parent represents a child under 18; a guardian, and a
    representative by power of attorney, always do (while the link is in force)."""

    class Relation(models.TextChoices):
        PARENT = "parent", _("parent")
        GUARDIAN = "guardian", _("guardian")
        ATTORNEY = "attorney", _("representative by power of attorney")
        OTHER = "other", _("other carer")

    carer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cares_for")
    cared = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="carers")
    relation = models.CharField(_("relation"), max_length=8, choices=Relation.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("care link")
        verbose_name_plural = _("care links")
        constraints = [
            models.UniqueConstraint(fields=["carer", "cared"], name="care_link_once"),
            models.CheckConstraint(
                condition=~Q(carer=models.F("cared")), name="care_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carer} → {self.cared} ({self.get_relation_display()})"

    def represents_on(self, day: dt.date) -> bool:
        if self.since > day or (self.until is not None and self.until < day):
            return False
        if self.relation in (self.Relation.GUARDIAN, self.Relation.ATTORNEY):
            return True
        return self.relation == self.Relation.PARENT and self.cared.age_on(day) < 18


class Category(models.TextChoices):
    GROUP_I = "I", _("group I")
    GROUP_II = "II", _("group II")
    GROUP_III = "III", _("group III")
    CHILD = "child", _("child with a disability")


class Cause(models.TextChoices):
    GENERAL_DISEASE = "general_disease", _("general disease")
    FROM_CHILDHOOD = "from_childhood", _("disability from childhood")
    WORK_INJURY = "work_injury", _("work injury")
    OCCUPATIONAL_DISEASE = "occupational_disease", _("occupational disease")
    MILITARY = "military", _("military service")
    OTHER = "other", _("other cause")


class Limitation(models.TextChoices):
    """Functional limitations; each is a boolean column of DisabilityStatus."""

    MOBILITY = "mobility", _("mobility")
    VISION = "vision", _("vision")
    HEARING = "hearing", _("hearing")
    SPEECH = "speech", _("speech")
    INTELLECTUAL = "intellectual", _("intellectual")
    PSYCHOSOCIAL = "psychosocial", _("psychosocial")


FUNCTIONAL_LIMITATIONS = tuple(Limitation.values)


class DisabilityStatus(models.Model):
    """One established status. A new decision supersedes the current row; rows are never edited,
    so the rows of a person, in order, are the history of their status."""

    class Source(models.TextChoices):
        MSE = "mse", _("medical-social expertise decision")
        IMPORT = "import", _("imported from an earlier registry")
        SYNTHETIC = "synthetic", _("synthetic data")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="statuses")
    category = models.CharField(_("category"), max_length=5, choices=Category.choices)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    work_capacity_loss_pct = models.PositiveSmallIntegerField(
        _("loss of professional working capacity, %"), null=True, blank=True
    )
    mobility = models.BooleanField(_("mobility"), default=False)
    vision = models.BooleanField(_("vision"), default=False)
    hearing = models.BooleanField(_("hearing"), default=False)
    speech = models.BooleanField(_("speech"), default=False)
    intellectual = models.BooleanField(_("intellectual"), default=False)
    psychosocial = models.BooleanField(_("psychosocial"), default=False)
    valid_from = models.DateField(_("valid from"))
    reexamination_date = models.DateField(
        _("re-examination date"),
        null=True,
        blank=True,
        help_text=_("Empty when the status is established indefinitely."),
    )
    ended = models.BooleanField(
        _("disability not established"),
        default=False,
        help_text=_("Set when a decision ends the status (refusal at re-examination)."),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("disability status")
        verbose_name_plural = _("disability statuses")
        indexes = [models.Index(fields=["reexamination_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_status_per_person",
            ),
            models.CheckConstraint(
                condition=Q(work_capacity_loss_pct__isnull=True)
                | Q(work_capacity_loss_pct__lte=100),
                name="status_loss_pct_range",
            ),
            models.CheckConstraint(
                condition=Q(reexamination_date__isnull=True)
                | Q(reexamination_date__gte=models.F("valid_from")),
                name="status_reexamination_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.get_category_display()} ({self.valid_from})"

    @property
    def limitations(self) -> list[str]:
        return [name for name in FUNCTIONAL_LIMITATIONS if getattr(self, name)]

    @property
    def limitation_labels(self) -> list[str]:
        return [str(Limitation(name).label) for name in self.limitations]

    @property
    def valid_today(self) -> bool:
        return self.valid_on(timezone.localdate())

    def valid_on(self, day: dt.date) -> bool:
        return (
            not self.ended
            and self.valid_from <= day
            and (self.reexamination_date is None or self.reexamination_date >= day)
        )


class StatusCalendarAnnouncement(models.Model):
    """A person's status announced as changing on ``day`` by the calendar alone (``inclusio
    registry-status-calendar``). Written in the transaction that sends the event, with what its
    receivers write (the agencies' notifications, revoked attestations): a run stopped half-way
    and run again announces each person of the day once."""

    day = models.DateField(_("day"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    status = models.ForeignKey(DisabilityStatus, on_delete=models.PROTECT, related_name="+")
    announced_at = models.DateTimeField(_("announced"), default=timezone.now)

    class Meta:
        verbose_name = _("status change announced by the calendar")
        verbose_name_plural = _("status changes announced by the calendar")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "person"], name="status_calendar_once_per_person_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.day}"


class PersonRecordChange(models.Model):
    """A correction of a person's record by an officer, with its reason: the history the person
    reads on their own page. Unlike the audit trail, which keeps digests only, it holds the old
    and new values — read by the person, their representative and the officers of their region,
    as the record itself is."""

    class Kind(models.TextChoices):
        DETAILS = "details", _("personal details")
        FAMILY = "family", _("family")
        REPRESENTATION = "representation", _("carers and representatives")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="record_changes")
    kind = models.CharField(_("what changed"), max_length=14, choices=Kind.choices)
    # [{"field": a Person field, "family_member" or "representative", "old": ..., "new": ...}]
    changes = models.JSONField(_("changes"), default=list)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("change to a person's record")
        verbose_name_plural = _("changes to persons' records")
        indexes = [models.Index(fields=["person", "-at"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.get_kind_display()} ({self.at:%Y-%m-%d})"

    def lines(self) -> list[tuple[str, str, str]]:
        """Each change in plain words: what, the old value, the new value ("" when none)."""
        return [
            (_change_label(c["field"]), _change_value(c, "old"), _change_value(c, "new"))
            for c in self.changes
        ]


def _change_label(field: str) -> str:
    if field == "family_member":
        return str(_("family member"))
    if field == "representative":
        return str(_("carer or representative"))
    if field == "urban":
        return str(_("residence"))
    found = Person._meta.get_field(field)
    assert isinstance(found, models.Field)
    return str(found.verbose_name)


def _change_value(change: dict[str, Any], side: str) -> str:
    value = change.get(side)
    if value in (None, ""):
        return ""
    field = change["field"]
    if field == "urban":
        return str(_("urban") if value else _("rural"))
    if field == "preferred_language":
        return str(dict(settings.LANGUAGES).get(str(value), value))
    if field == "family_member":
        role = FamilyMembership.Role(change["role"]).label
        return f"{value} ({role})"
    if field == "representative":
        relation = CareLink.Relation(change["relation"]).label
        if side == "new" and change.get("until"):
            return str(
                _("%(name)s (%(relation)s), until %(day)s")
                % {"name": value, "relation": relation, "day": change["until"]}
            )
        return f"{value} ({relation})"
    return str(value)


class LifeEvent(models.Model):
    """A death, an emigration, an imprisonment or a release, as an officer recorded it from its
    source (a civil-registry record, a border-service notice, a court's sentence). Rows are
    never edited: the rows of a person, in order, are the history of their life events."""

    class Kind(models.TextChoices):
        DEATH = "death", _("death")
        EMIGRATION = "emigration", _("emigration for permanent residence abroad")
        IMPRISONMENT = "imprisonment", _("imprisonment")
        RELEASE = "release", _("release from imprisonment")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="life_events"
    )
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date of the event"))
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("The document the event is recorded from, with its number and date."),
    )
    reason = models.TextField(_("reason"), max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["person", "date", "recorded_at", "id"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["death", "emigration", "imprisonment", "release"]),
                name="life_event_kind",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(kind="death"), name="life_event_one_death"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.kind} {self.date}"


class StatusHistoryStart(models.Model):
    """A load of an earlier registry's status records (``synth-load`` of a snapshot with a
    history, an import), and the day from which the records it brought are complete: every
    status in force on that day or later is held with its earlier periods back to it. The
    export names the latest of these days as the history's first day (``history_from``,
    docs/snapshot.md); rows are never edited."""

    day = models.DateField(_("complete from"))
    source = models.CharField(_("source"), max_length=10, choices=DisabilityStatus.Source.choices)
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("start of the status history")
        verbose_name_plural = _("starts of the status history")

    def __str__(self) -> str:
        return f"{self.source}: {self.day}"
