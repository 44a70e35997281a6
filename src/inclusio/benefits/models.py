"""Proactive benefits: programmes from the rule files, screening runs, proposals, consent,
decisions, awards, messages and the monthly payroll.

A screening run compares the screening results with the current awards and writes proposals
(new, changed amount, ended); the person consents or refuses, or the programme assigns by law;
each decision keeps a frozen copy of its explanation, so what the person was told never changes
when a rule file or a parameter does later.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio.registry.models import Person

# The family well-being levels of the Digital Family Card, most urgent first; an offer's
# priority is the index of its family's level (no level known: after every level).
WELLBEING_LEVELS = ("crisis", "emergency", "unsatisfactory", "satisfactory", "stable")
NO_WELLBEING_PRIORITY = len(WELLBEING_LEVELS)
# A reference written only in bulk by a screening run, not checked row by row by the database
# (see Proposal.run).
BULK_REFERENCE: dict[str, Any] = {"db_constraint": False}


class Programme(models.Model):
    """A benefit programme as its rule file defines it; the rule text lives in its versions."""

    class Entity(models.TextChoices):
        PERSON = "person", _("person")
        FAMILY = "family", _("family")

    class Assignment(models.TextChoices):
        CONSENT = "consent", _("with the person's consent")
        AUTOMATIC = "automatic", _("automatically, by law")

    class Period(models.TextChoices):
        MONTH = "month", _("every month")
        ONCE = "once", _("once: a one-off grant")

    class Proration(models.TextChoices):
        NONE = "", _("the whole month")
        DAILY = "daily", _("by the day")

    code = models.CharField(_("code"), max_length=64, unique=True)
    title_kk = models.CharField(_("title in Kazakh"), max_length=300)
    title_ru = models.CharField(_("title in Russian"), max_length=300)
    title_en = models.CharField(_("title in English"), max_length=300)
    reference_kk = models.CharField(_("legal reference in Kazakh"), max_length=500)
    reference_ru = models.CharField(_("legal reference in Russian"), max_length=500)
    reference_en = models.CharField(_("legal reference in English"), max_length=500)
    entity = models.CharField(_("entity"), max_length=6, choices=Entity.choices)
    assignment = models.CharField(
        _("assignment"), max_length=9, choices=Assignment.choices, default=Assignment.CONSENT
    )
    cash = models.BooleanField(
        _("paid in money"), default=False, help_text=_("False for an entitlement without money.")
    )
    exclusive_group = models.CharField(
        _("exclusivity group"),
        max_length=64,
        blank=True,
        help_text=_("The programmes of one group exclude each other: one at the person's choice."),
    )
    # As the rule file says (``rules.periods``): how often the amount is paid, and whether a
    # month is paid by the day.
    period = models.CharField(_("paid"), max_length=5, choices=Period.choices, default=Period.MONTH)
    proration = models.CharField(
        _("a month is paid"),
        max_length=5,
        choices=Proration.choices,
        default=Proration.NONE,
        blank=True,
    )
    active_version = models.ForeignKey(
        "ProgrammeVersion",
        verbose_name=_("version in force"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("benefit programme")
        verbose_name_plural = _("benefit programmes")

    def __str__(self) -> str:
        return self.title

    @property
    def one_off(self) -> bool:
        return self.period == self.Period.ONCE

    @property
    def title(self) -> str:
        return self.title_in(get_language())

    def title_in(self, language: str | None) -> str:
        language = (language or "kk")[:2]
        return str(getattr(self, f"title_{language}", None) or self.title_en or self.code)

    @property
    def references(self) -> dict[str, str]:
        return {"kk": self.reference_kk, "ru": self.reference_ru, "en": self.reference_en}

    def reference_in(self, language: str | None) -> str:
        language = (language or "kk")[:2]
        return str(getattr(self, f"reference_{language}", None) or self.reference_en)


class ProgrammeVersion(models.Model):
    """One loaded text of a programme's rule file; an unchanged file makes no new version."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="versions"
    )
    file = models.CharField(_("file"), max_length=500)
    text = models.TextField(_("rule text"))
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    class Meta:
        ordering = ["programme", "-loaded_at", "-id"]
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "sha256"], name="programme_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.sha256[:12]}"


class ScreeningRun(models.Model):
    """One screening of a snapshot on a date, and what it changed.

    ``counts``: ``subjects``, ``eligible`` (programme code → count), ``proposals`` (new, changed,
    ended), ``automatic`` (decisions taken on import), ``not_in_registry``, and per region
    ``by_region`` (region code → new, changed, ended) for regional staff.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("failed")

    snapshot_dir = models.CharField(_("snapshot directory"), max_length=500)
    snapshot_id = models.CharField(
        _("snapshot"), max_length=64, help_text=_("SHA-256 of the snapshot's manifest.")
    )
    screening_date = models.DateField(_("screening date"))
    engine = models.CharField(_("engine"), max_length=16)
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.RUNNING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the platform ran it (a scheduled command)."),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("duration, s"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        permissions = [
            ("view_screening_run", _("See screening runs and their counts")),
            ("run_screening", _("Run a screening")),
            ("manage_payroll", _("Create the monthly payroll and its payment file")),
            ("simulate_reform", _("Compare a drafted programme with the law in force")),
            ("reopen_refusal", _("Reopen a refused offer at the person's request")),
        ]
        constraints = [
            # The same snapshot on the same date is screened (completed) once.
            models.UniqueConstraint(
                fields=["snapshot_id", "screening_date"],
                condition=Q(status="completed"),
                name="screening_run_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.screening_date} {self.snapshot_id[:12]} ({self.get_status_display()})"


class Award(models.Model):
    """A benefit a person receives; ``ends`` empty = current. One current award per programme."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="benefit_awards"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="awards",
        **BULK_REFERENCE,  # see Proposal.run
    )
    amount_kzt = models.BigIntegerField(_("monthly amount, KZT"), null=True, blank=True)
    rate = models.DecimalField(
        _("share of the price covered"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("For a benefit that is a rate, not money: 0.5 is half the price."),
    )
    starts = models.DateField(_("from"))
    ends = models.DateField(_("until"), null=True, blank=True)
    decision = models.ForeignKey(
        "Decision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="awards",
        **BULK_REFERENCE,  # see Proposal.run
    )
    ended_by = models.ForeignKey(
        "Decision",
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["person", "programme", "-starts", "-id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=Q(ends__isnull=True),
                name="one_current_award_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="award_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(amount_kzt__isnull=True) | Q(amount_kzt__gte=0),
                name="award_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.programme_id} {self.starts}–{self.ends or ''}"


class Proposal(models.Model):
    """What a screening run proposes for one person and programme, with the reasons."""

    class Kind(models.TextChoices):
        NEW = "new", _("new benefit")
        CHANGED = "changed", _("changed amount")
        ENDED = "ended", _("benefit ends")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the person's answer")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")
        ASSIGNED = "assigned", _("assigned by law")
        SUPERSEDED = "superseded", _("replaced by a later screening")
        WITHDRAWN = "withdrawn", _("withdrawn: no longer applies")
        EXCLUDED = "excluded", _("closed: another benefit of its group was chosen")

    # A national run writes about a million proposals in one transaction. Foreign keys whose
    # lookups another index serves (or that are never looked up from this side) have no index of
    # their own. BULK_REFERENCE marks the references to rows of this app that only the run's
    # set-based write fills, from rows it read in the same transaction (the run, programmes,
    # versions, proposals; none of them is ever deleted): the database does not check them row
    # by row, because PostgreSQL's per-row checks were half the cost of the national write
    # (bench/bench_proposals.py). References to the registry (the person) stay checked.
    run = models.ForeignKey(
        ScreeningRun,
        verbose_name=_("screening run"),
        on_delete=models.PROTECT,
        related_name="proposals",
        db_index=False,  # served by proposal_once_per_run
        **BULK_REFERENCE,
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="proposals",
        db_index=False,
        **BULK_REFERENCE,
    )
    version = models.ForeignKey(
        ProgrammeVersion,
        verbose_name=_("rule version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        **BULK_REFERENCE,
    )
    subject_kind = models.CharField(_("subject kind"), max_length=6)
    subject_id = models.CharField(_("subject"), max_length=20, help_text=_("IIN or family id."))
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="benefit_proposals",
        help_text=_("The person, or for a family programme the head of the family."),
        db_index=False,  # served by proposal_offers
    )
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices)
    amount_kzt = models.BigIntegerField(_("monthly amount, KZT"), null=True, blank=True)
    previous_amount_kzt = models.BigIntegerField(
        _("previous monthly amount, KZT"), null=True, blank=True
    )
    rate = models.DecimalField(
        _("share of the price covered"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    # An offer of a programme in an exclusivity group: the person receives one of the group's
    # benefits. The screening proposes one (the default: the higher) and marks the others, and
    # any offer of a group in which the person already holds a benefit, as alternatives.
    exclusive_group = models.CharField(_("exclusivity group"), max_length=64, blank=True)
    alternative = models.BooleanField(
        _("an alternative"),
        default=False,
        help_text=_("False for the offer proposed by default in its group."),
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # The person's own values the explanation shows ([{name, value}]): what the amount reads,
    # and how many cared persons or members met the per-person conditions.
    inputs = models.JSONField(_("own values"), default=list, blank=True)
    # Who of the cared persons or family members met which per-person condition
    # ([{member: IIN, counted, reasons: [{condition, met}]}], rules.detail); the page shows
    # each one only as far as the person may see them.
    members = models.JSONField(_("persons checked"), default=list, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=NO_WELLBEING_PRIORITY)
    wellbeing = models.CharField(_("family well-being level"), max_length=16, blank=True)
    award = models.ForeignKey(
        Award,
        verbose_name=_("award concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    closed_by = models.ForeignKey(
        "Decision",
        verbose_name=_("closed by the choice of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="closed_offers",
        help_text=_("The consent to another offer of the group that closed this one."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["priority", "created_at", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["person", "status", "priority"], name="proposal_offers")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=Q(status="pending"),
                name="one_pending_proposal_per_programme",
            ),
            models.UniqueConstraint(
                fields=["run", "person", "programme"], name="proposal_once_per_run"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.programme_id} {self.kind} ({self.status})"


class Decision(models.Model):
    """A decision on a proposal; ``explanation`` is frozen at the time of the decision."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused by the person")
        ENDED = "ended", _("ended")
        AMOUNT_CHANGED = "amount_changed", _("amount changed")

    # One decision stands per proposal; a refusal withdrawn by the person (or reopened by an
    # officer at their request) stays as history, and the offer waits for a new answer.
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="decisions"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="benefit_decisions",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="decisions",
        **BULK_REFERENCE,  # see Proposal.run
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    amount_kzt = models.BigIntegerField(_("monthly amount, KZT"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a decision the platform took by law (automatic or ended)."),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    explanation = models.JSONField(_("explanation"), default=dict)
    withdrawn_at = models.DateTimeField(
        _("refusal withdrawn"),
        null=True,
        blank=True,
        help_text=_("When the person withdrew the refusal, or an officer reopened it."),
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopening_reason = models.TextField(
        _("reason for reopening"),
        blank=True,
        # The screening run writes its decisions in SQL, naming only the columns it fills.
        db_default="",
        help_text=_("Why an officer reopened the refusal; empty when the person withdrew it."),
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("benefit decision")
        verbose_name_plural = _("benefit decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_standing_decision_per_proposal",
            )
        ]
        indexes = [
            # The officers' worklist of refusals, latest first, among every decision.
            models.Index(
                fields=["-decided_at", "-id"],
                condition=Q(outcome="refused", withdrawn_at__isnull=True),
                name="decision_refusals",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.programme_id} {self.outcome}"


class PaymentAccount(models.Model):
    """A bank account a person gave for their payments; the latest one given that the bank has
    not rejected is used."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="payment_accounts",
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The bank rejected a payment to this account (its status report, ``payments``): it is no
    # longer paid to, and the person's payments wait for a corrected account.
    rejected_at = models.DateTimeField(_("rejected by the bank"), null=True, blank=True)
    rejection_code = models.CharField(
        _("bank's reason code"), max_length=4, blank=True, db_default=""
    )

    class Meta:
        ordering = ["person", "-given_at", "-id"]
        verbose_name = _("payment account")
        verbose_name_plural = _("payment accounts")

    def __str__(self) -> str:
        return f"{self.person_id} {self.iban}"


class Message(models.Model):
    """A notice to a person, kept by the local messaging backend.

    No text is stored: the kind and parameters are rendered when read, in the reader's language
    (see ``messaging.message_text``).
    """

    class Kind(models.TextChoices):
        OFFER = "offer", _("a benefit is offered")
        CHANGE_OFFERED = "change_offered", _("a new amount is offered")
        GRANTED = "granted", _("a benefit is granted")
        AMOUNT_CHANGED = "amount_changed", _("the amount of a benefit changed")
        ENDED = "ended", _("a benefit ends")

    recipient = models.ForeignKey(
        Person,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="benefit_messages",
        db_index=False,  # served by message_inbox
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        **BULK_REFERENCE,  # see Proposal.run
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["recipient", "read_at"], name="message_inbox")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind}"


class Payroll(models.Model):
    """The payments of one month; created once per month, approved by a second person before
    its payment file exists (four eyes), and unchanged from then on."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("payroll")
        verbose_name_plural = _("payrolls")

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def message_id(self) -> str:
        """The payment file's message id: one per payroll, stable across regenerations."""
        return f"INCLUSIO-{self.month:%Y%m}-{self.pk}"


class Payment(models.Model):
    """One award's payment for one month; held when the person has given no account yet."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("in the payment file")
        HELD = "held", _("held: no payment account")
        STOPPED = "stopped", _("stopped: the right ended (death, emigration or imprisonment)")

    payroll = models.ForeignKey(
        Payroll, verbose_name=_("payroll"), on_delete=models.PROTECT, related_name="payments"
    )
    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="payments"
    )
    month = models.DateField(_("month"))
    amount_kzt = models.BigIntegerField(_("amount, KZT"))
    days = models.PositiveSmallIntegerField(
        _("days of the month paid"),
        null=True,
        blank=True,
        help_text=_("For a benefit paid by the day; empty when the whole month is paid."),
    )
    one_off = models.BooleanField(
        _("one-off grant"),
        default=False,
        help_text=_("The award's only payment: a one-off grant is paid once, never again."),
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    status = models.CharField(_("status"), max_length=9, choices=Status.choices)

    class Meta:
        ordering = ["payroll", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["award", "month"], name="payment_once_per_month"),
            # Whatever month a payroll computes, and however many compute at once, the database
            # keeps a one-off grant to one payment.
            models.UniqueConstraint(
                fields=["award"], condition=Q(one_off=True), name="one_off_paid_once"
            ),
            models.CheckConstraint(condition=Q(amount_kzt__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} {self.month:%Y-%m} {self.amount_kzt}"


class TopUp(models.Model):
    """What an appeal owes for a month already paid at the old amount: the difference between
    the month at the amount the appeal establishes (from the day it gives) and what was paid for
    it, when the appeal corrects an amount or resumes a benefit from a past day. A payment line
    of its own (``payments.Transfer`` of purpose ``benefit_top_up``), paid in the payment file of
    the next payroll computed (``payroll``, set when that payroll takes it up). The database
    keeps one per decision of the appeal's effect and month, so it is owed, and paid, once."""

    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision on appeal"),
        on_delete=models.PROTECT,
        related_name="top_ups",
    )
    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="top_ups"
    )
    month = models.DateField(_("month topped up"), help_text=_("The first day of the month."))
    amount_kzt = models.BigIntegerField(_("amount, KZT"))
    cause = models.CharField(_("cause"), max_length=40, help_text=_("The appeal, e.g. appeal:7."))
    payroll = models.ForeignKey(
        Payroll,
        verbose_name=_("paid with the payroll of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="top_ups",
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    status = models.CharField(_("status"), max_length=9, choices=Payment.Status.choices)
    created_at = models.DateTimeField(_("owed since"), default=timezone.now)

    class Meta:
        ordering = ["award", "month", "id"]
        verbose_name = _("top-up on appeal")
        verbose_name_plural = _("top-ups on appeal")
        constraints = [
            models.UniqueConstraint(fields=["decision", "month"], name="top_up_once_per_month"),
            models.CheckConstraint(condition=Q(amount_kzt__gt=0), name="top_up_amount_positive"),
        ]
        indexes = [
            # The payroll takes up the top-ups no payroll has yet.
            models.Index(
                fields=["id"], condition=Q(payroll__isnull=True), name="top_up_not_taken_up"
            )
        ]

    def __str__(self) -> str:
        return f"{self.award_id} {self.month:%Y-%m} +{self.amount_kzt}"


class WhatIfRequest(models.Model):
    """A what-if comparison asked for on the what-if page and run by a worker
    (``inclusio whatif-worker``), never inside a web request: the draft, the date, the snapshot
    of the screening run it compares over, the step it is at, and then its result or, in plain
    words, why it could not run."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        REFUSED = "refused", _("could not run")

    class Step(models.TextChoices):
        WAITING = "waiting", _("waiting for the worker")
        CHECKING = "checking", _("checking the draft and the programmes in force")
        COMPARING = "comparing", _("comparing over the whole population")
        FINISHED = "finished", _("finished")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    programme_code = models.CharField(_("programme"), max_length=100)
    compare_on = models.DateField(_("date compared on"))
    draft = models.TextField(_("draft"))
    run = models.ForeignKey(
        ScreeningRun, verbose_name=_("screening run"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    step = models.CharField(_("step"), max_length=9, choices=Step.choices, default=Step.WAITING)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The comparison, by region: a list of reform.Difference fields, and its seconds.
    result = models.JSONField(_("result"), default=dict, blank=True)
    refusal = models.TextField(_("why it could not run"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("what-if request")
        verbose_name_plural = _("what-if requests")

    def __str__(self) -> str:
        return f"{self.programme_code} {self.compare_on} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        """How far along: what the page shows beside the step."""
        return {"waiting": 0, "checking": 10, "comparing": 40, "finished": 100}[self.step]
