"""Employers and their job quotas, quota vacancies, placements, special workplaces with their
wage subsidy, and the employment support measures (seed §123–124).

An employer's quota is ``quota_pct`` % of its jobs without the hazardous ones (heavy, harmful or
dangerous work is excluded by law), the percentage a dated parameter of the employer's region and
size (``quota.py``). A placement counts against the quota while it lasts. A special workplace is
subsidised for three years from its first month: 70 %, 65 % and 60 % of the wage; each month is
paid once, through the payments module.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region
from inclusio.registry.models import FUNCTIONAL_LIMITATIONS, Limitation, Person


class Employer(models.Model):
    bin = models.CharField(_("BIN"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    headcount = models.PositiveIntegerField(_("jobs (headcount)"))
    hazardous_jobs = models.PositiveIntegerField(
        _("heavy, harmful or dangerous jobs"),
        default=0,
        help_text=_("Excluded from the quota by law."),
    )
    iban = models.CharField(
        _("IBAN"), max_length=34, blank=True, help_text=_("Where subsidies are paid.")
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        permissions = [
            ("manage_employment", _("Manage employers, quota vacancies, placements, subsidies"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hazardous_jobs__lte=F("headcount")),
                name="employer_hazardous_within_headcount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.bin})"

    @property
    def quota_base(self) -> int:
        return self.headcount - self.hazardous_jobs


class Vacancy(models.Model):
    """A job offered against the quota. ``needs_<limitation>`` says the work needs the function
    unimpaired (a driver needs vision): a person whose status records that limitation is not
    shown it. A vacancy that needs none suits everyone."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        FILLED = "filled", _("filled")
        WITHDRAWN = "withdrawn", _("withdrawn")

    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="vacancies"
    )
    title = models.CharField(_("job"), max_length=200)
    description = models.TextField(_("what the work is"), blank=True, max_length=2000)
    wage_kzt = models.PositiveIntegerField(_("monthly wage, KZT"))
    needs_mobility = models.BooleanField(_("needs moving about without help"), default=False)
    needs_vision = models.BooleanField(_("needs sight"), default=False)
    needs_hearing = models.BooleanField(_("needs hearing"), default=False)
    needs_speech = models.BooleanField(_("needs speech"), default=False)
    needs_intellectual = models.BooleanField(
        _("needs complex reasoning without support"), default=False
    )
    needs_psychosocial = models.BooleanField(
        _("needs work under stress without support"), default=False
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="open")
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("quota vacancy")
        verbose_name_plural = _("quota vacancies")
        indexes = [models.Index(fields=["state", "employer"], name="vacancy_state_employer")]

    def __str__(self) -> str:
        return self.title

    @property
    def needs(self) -> list[str]:
        return [
            str(Limitation(name).label)
            for name in FUNCTIONAL_LIMITATIONS
            if getattr(self, f"needs_{name}")
        ]


class Placement(models.Model):
    """A person with a disability placed in a job by the employment centre."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="placements"
    )
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="placements"
    )
    vacancy = models.OneToOneField(
        Vacancy,
        verbose_name=_("quota vacancy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placement",
    )
    started = models.DateField(_("started"))
    ended = models.DateField(_("ended"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-started", "-id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        indexes = [models.Index(fields=["employer", "started"], name="placement_employer_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended__isnull=True) | Q(ended__gte=F("started")),
                name="placement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.employer_id} ({self.started})"


class SpecialWorkplace(models.Model):
    """A workplace equipped for a person's limitations; the employer is reimbursed the equipment
    and paid a share of the wage for three years from ``first_month``."""

    placement = models.OneToOneField(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.PROTECT,
        related_name="special_workplace",
    )
    first_month = models.DateField(_("first subsidised month"))
    monthly_wage_kzt = models.PositiveIntegerField(_("monthly wage, KZT"))
    equipment_kzt = models.PositiveIntegerField(_("equipment cost, KZT"), default=0)
    created_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-first_month", "-id"]
        verbose_name = _("special workplace")
        verbose_name_plural = _("special workplaces")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_month__day=1), name="workplace_first_month_is_a_month"
            ),
            models.CheckConstraint(
                condition=Q(monthly_wage_kzt__gt=0), name="workplace_wage_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} from {self.first_month:%Y-%m}"


class SubsidyMonth(models.Model):
    """One month of a special workplace's wage subsidy, computed and sent to be paid once."""

    workplace = models.ForeignKey(
        SpecialWorkplace,
        verbose_name=_("special workplace"),
        on_delete=models.PROTECT,
        related_name="subsidy_months",
    )
    month = models.DateField(_("month"))
    year_of_subsidy = models.PositiveSmallIntegerField(_("year of the subsidy"))
    wage_kzt = models.PositiveIntegerField(_("wage, KZT"))
    rate_pct = models.DecimalField(_("rate, %"), max_digits=6, decimal_places=2)
    amount_kzt = models.PositiveIntegerField(_("subsidy, KZT"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["month"]
        verbose_name = _("subsidy month")
        verbose_name_plural = _("subsidy months")
        constraints = [
            models.UniqueConstraint(fields=["workplace", "month"], name="subsidy_month_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="subsidy_month_is_a_month"),
            models.CheckConstraint(
                condition=Q(year_of_subsidy__gte=1, year_of_subsidy__lte=3),
                name="subsidy_within_three_years",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workplace_id} {self.month:%Y-%m}: {self.amount_kzt}"


class SupportMeasure(models.Model):
    """A person covered by one of the employment support measures (seed §124)."""

    class Kind(models.TextChoices):
        PERMANENT_JOB = "permanent_job", _("permanent job")
        YOUTH_PRACTICE = "youth_practice", _("youth practice")
        SOCIAL_WORKPLACE = "social_workplace", _("social workplace")
        PUBLIC_WORKS = "public_works", _("public works")
        FIRST_JOB = "first_job", _("first job")
        SILVER_AGE = "silver_age", _("silver age")
        GENERATIONAL_CONTRACT = "generational_contract", _("generational contract")
        SHORT_TRAINING = "short_training", _("short-term training")
        BUSINESS_TRAINING = "business_training", _("business training (Start Business)")
        GRANT = "grant", _("grant for a business idea")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="support_measures"
    )
    kind = models.CharField(_("measure"), max_length=24, choices=Kind.choices)
    started = models.DateField(_("started"))

    class Meta:
        ordering = ["-started", "-id"]
        verbose_name = _("support measure")
        verbose_name_plural = _("support measures")
        indexes = [models.Index(fields=["kind", "started"], name="support_kind_started")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.kind}"
