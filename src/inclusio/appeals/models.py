"""Appeals against the decisions the platform records.

An appeal names the decision it contests by kind and id (the deciding app's row), the person,
who filed it (the person or their legal representative), the grounds in plain words and any
attachments. The body that decides it follows from the kind of decision and the person's
region; it must decide by a deadline counted in working days. Each step (filed, taken under
review, decided, withdrawn) is a row of its own, so that the person follows every one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region
from inclusio.core.workdays import is_provisional
from inclusio.registry.models import Person


class Kind(models.TextChoices):
    """The kinds of decision an appeal may contest: a closed list."""

    MSE_DECISION = "mse_decision", _("a decision of medical-social expertise")
    BENEFIT_DECISION = "benefit_decision", _("a decision on a benefit")
    ORDER_DISPUTE = "order_dispute", _("the resolution of a dispute over an order")
    HOUSING_POSITION = "housing_position", _("a decision on the housing waiting list")
    SOCIAL_PLACEMENT = "social_placement", _("a placement in special social services")


class Body(models.TextChoices):
    """Who decides an appeal, in the person's region."""

    MSE = "mse", _("the region's medical-social expertise department (appeals)")
    SOCIAL_PROTECTION = (
        "social_protection",
        _("the region's employment and social programmes department"),
    )
    HOUSING = "housing", _("the housing department of the local executive body")


BODY_OF_KIND = {
    Kind.MSE_DECISION: Body.MSE,
    Kind.BENEFIT_DECISION: Body.SOCIAL_PROTECTION,
    Kind.ORDER_DISPUTE: Body.SOCIAL_PROTECTION,
    Kind.SOCIAL_PLACEMENT: Body.SOCIAL_PROTECTION,
    Kind.HOUSING_POSITION: Body.HOUSING,
}


class State(models.TextChoices):
    FILED = "filed", _("filed")
    UNDER_REVIEW = "under_review", _("under review")
    GRANTED = "granted", _("granted")
    PARTLY_GRANTED = "partly_granted", _("partly granted")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_STATES = (State.FILED, State.UNDER_REVIEW)
DECIDED_STATES = (State.GRANTED, State.PARTLY_GRANTED, State.REFUSED)


class Appeal(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="appeals"
    )
    # The person's region when they filed: the body of that region decides.
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    body = models.CharField(_("deciding body"), max_length=17, choices=Body.choices)
    kind = models.CharField(_("decision contested"), max_length=16, choices=Kind.choices)
    decision_id = models.PositiveBigIntegerField(_("decision"))
    decided_on = models.DateField(_("day of the decision contested"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    by_representative = models.BooleanField(_("filed by the legal representative"), default=False)
    grounds = models.TextField(_("grounds"))
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    deadline = models.DateField(_("decide by"))
    state = models.CharField(_("state"), max_length=14, choices=State.choices, default=State.FILED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reasons = models.TextField(_("reasons for the decision"), blank=True)
    # What carrying out a granted appeal changed, by the deciding app's ids (the new award, the
    # new disability status): the person's page links to them.
    carried_out = models.JSONField(_("carried out"), default=dict, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-id"]
        permissions = [
            ("decide_mse_appeal", "Can decide appeals against MSE decisions"),
            ("decide_social_appeal", "Can decide appeals against social-protection decisions"),
            ("decide_housing_appeal", "Can decide appeals against housing decisions"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "decision_id"],
                condition=Q(state__in=["filed", "under_review"]),
                name="one_open_appeal_per_decision",
            )
        ]
        indexes = [
            # The body's worklist: open appeals of a region, the earliest deadline first.
            models.Index(
                fields=["region", "body", "deadline"],
                condition=Q(state__in=["filed", "under_review"]),
                name="appeal_open_by_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.decision_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def deadline_provisional(self) -> bool:
        """The deadline was counted without the moving holidays of its year, not yet set."""
        return is_provisional(self.deadline)

    @property
    def overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()


class Step(models.Model):
    """One step of an appeal, as the person follows it."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="steps")
    state = models.CharField(_("state"), max_length=14, choices=State.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,  # the platform's own step (the demonstration's data)
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("appeal step")
        verbose_name_plural = _("appeal steps")

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.state}"


class Attachment(models.Model):
    """A document the appeal is filed with: a PDF or an image."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="appeals/attachments/%Y/%m/")
    title = models.CharField(_("title"), max_length=200)
    content_type = models.CharField(_("type"), max_length=30)
    size_bytes = models.PositiveIntegerField(_("size, bytes"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title
