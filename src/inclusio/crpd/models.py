"""CRPD monitoring: Washington Group surveys (their aggregates only), indicators entered with
their source, measures taken and the Committee's recommendations, each under an article of the
Convention (``articles.py``). Indicators computed from platform data are not stored: they are
named queries over the snapshot (``figures.py``), computed when shown."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

ARTICLE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(33)]


class Survey(models.Model):
    """A survey or census that asked the Washington Group Short Set; only its aggregates are
    kept (``Prevalence``), never the answers of a respondent."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    file_name = models.CharField(_("file"), max_length=200)
    respondents = models.PositiveIntegerField(_("respondents"))
    undetermined = models.PositiveIntegerField(
        _("respondents without a determined status"),
        help_text=_("Refused or did not know every one of the six questions."),
    )
    weighted = models.BooleanField(_("weighted"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("Washington Group survey")
        verbose_name_plural = _("Washington Group surveys")
        permissions = [
            ("view_crpd_monitoring", _("Read CRPD monitoring and the periodic report")),
            ("enter_crpd_monitoring", _("Enter CRPD indicators, measures and recommendations")),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class Prevalence(models.Model):
    class Dimension(models.TextChoices):
        TOTAL = "total", _("All respondents")
        SEX = "sex", _("Sex")
        AGE_BAND = "age_band", _("Age band")
        REGION = "region", _("Region")
        RESIDENCE = "residence", _("Residence")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="prevalence")
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    category = models.CharField(_("category"), max_length=20)
    respondents = models.PositiveIntegerField(_("respondents with a determined status"))
    identified = models.PositiveIntegerField(_("respondents with a disability"))
    percent = models.DecimalField(_("prevalence, %"), max_digits=4, decimal_places=1)

    class Meta:
        ordering = ["survey", "dimension", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "dimension", "category"], name="prevalence_one_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.category}: {self.percent} %"


class Indicator(models.Model):
    """An indicator an officer entered, with the source it comes from (a computed one is a
    named query in ``figures.py`` instead)."""

    class Kind(models.TextChoices):
        STRUCTURAL = "structural", _("Structural")
        PROCESS = "process", _("Process")
        OUTCOME = "outcome", _("Outcome")

    article = models.PositiveSmallIntegerField(_("article"), validators=ARTICLE_VALIDATORS)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("indicator"), max_length=300)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        ordering = ["article", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(source=""), name="indicator_has_source")
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.value} {self.unit}".strip()

    @property
    def display_value(self) -> str:
        """The value as the reader's language writes it, grouped, without trailing zeros (and
        never in exponent form, which ``normalize`` gives 40000)."""
        value = self.value
        whole = value == value.to_integral_value()
        shown = value.quantize(Decimal(1)) if whole else value.normalize()
        decimals = 0 if whole else max(0, -int(shown.as_tuple().exponent))
        number = number_format(shown, decimals, use_l10n=True, force_grouping=True)
        return f"{number} {self.unit}".strip()


class Measure(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Done")

    article = models.PositiveSmallIntegerField(_("article"), validators=ARTICLE_VALIDATORS)
    text = models.TextField(_("measure"))
    responsible_body = models.CharField(_("responsible body"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("from year"))
    last_year = models.PositiveSmallIntegerField(_("to year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        ordering = ["article", "first_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="measure_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Recommendation(models.Model):
    """A concluding observation of the Committee on the Rights of Persons with Disabilities,
    and the measures that answer it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not yet answered")
        PARTLY = "partly", _("Partly implemented")
        IMPLEMENTED = "implemented", _("Implemented")

    article = models.PositiveSmallIntegerField(_("article"), validators=ARTICLE_VALIDATORS)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    text = models.TextField(_("recommendation"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    measures = models.ManyToManyField(Measure, blank=True, related_name="recommendations")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["article", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.text[:80]}".strip()
