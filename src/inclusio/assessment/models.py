"""Medical-social expertise (MSE): referrals from medical organisations, decided in absentia."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region
from inclusio.registry.models import Category, Cause, DisabilityStatus, Person


class Referral(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", _("initial examination")
        REEXAMINATION = "reexamination", _("re-examination")
        REVIEW = "review", _("review of the category")

    class Mode(models.TextChoices):
        IN_ABSENTIA = "in_absentia", _("in absentia (from documents)")
        IN_PERSON = "in_person", _("in person")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for a decision")
        DECIDED = "decided", _("decided")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="referrals"
    )
    # The person's region when filed: the queue and the officers' scope follow it.
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    mode = models.CharField(_("examination"), max_length=11, choices=Mode.choices)
    state = models.CharField(_("state"), max_length=7, choices=State.choices, default=State.QUEUED)
    organisation_name = models.CharField(_("medical organisation"), max_length=200)
    organisation_bin = models.CharField(_("organisation BIN"), max_length=12)
    diagnosis_code = models.CharField(_("diagnosis (ICD-10)"), max_length=8)
    clinical_summary = models.TextField(_("clinical summary"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the platform opened the referral itself (re-examination)."),
    )
    filed_at = models.DateTimeField(_("filed"))
    deadline = models.DateField(_("decide by"))

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        permissions = [
            ("file_referral", _("File a referral for medical-social expertise")),
            ("view_referral_queue", _("See the referral queue of one's scope")),
            ("decide_referral", _("Decide referrals")),
        ]
        indexes = [models.Index(fields=["region", "state", "deadline"])]
        constraints = [
            # At most one referral per person waits at a time: a second would race the first.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state="queued"),
                name="one_open_referral_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{_('Referral')} {self.pk} — {self.person}"


class ReferralDocument(models.Model):
    """Metadata of a document attached to a referral; the file itself stays in the medical
    organisation's system and is identified by its digest."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size_bytes = models.PositiveIntegerField(_("size, bytes"))

    class Meta:
        verbose_name = _("referral document")
        verbose_name_plural = _("referral documents")

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    class Outcome(models.TextChoices):
        ESTABLISH = "establish", _("establish disability")
        EXTEND = "extend", _("extend the current status")
        CHANGE_CATEGORY = "change_category", _("change the category")
        REFUSE = "refuse", _("refuse (disability not established)")

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices)
    category = models.CharField(_("category"), max_length=5, choices=Category.choices, blank=True)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices, blank=True)
    rationale = models.TextField(_("rationale"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"))
    resulting_status = models.OneToOneField(
        DisabilityStatus,
        verbose_name=_("resulting status"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.referral}"
