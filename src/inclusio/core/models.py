from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio.core.roles import ROLE_BY_CODE


class Region(models.Model):
    """A first-level administrative unit; code = the first two digits of its KATO code."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_kk = models.CharField(_("name in Kazakh"), max_length=100)
    name_ru = models.CharField(_("name in Russian"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    is_city = models.BooleanField(_("city of republican significance"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "kk")[:2]
        return str(getattr(self, f"name_{language}", None) or self.name_en)


class User(AbstractUser):
    """An account: a staff member, a person, a representative or another agency's system.

    ``region`` scopes a staff member to one region; empty means national scope (ministry,
    auditor, statistician). Roles are Django groups (see core/roles.py).
    """

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=settings.LANGUAGES, default="kk"
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    @property
    def is_national(self) -> bool:
        return self.region_id is None


class DatedParameter(models.Model):
    """A value of a shared legal parameter (subsistence minimum, MCI …), in force from
    ``effective`` until the next.

    A row is never changed or removed (``inclusio.core.parameters`` is the only writer): a new
    value is a new row, and a correction of a value is a new row for the same date with the next
    ``revision``, the corrected one staying as history. In force on a day: the latest revision
    of the latest effective date on or before it.
    """

    key = models.CharField(_("parameter"), max_length=64)
    effective = models.DateField(_("takes effect"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    # The legal reference in each language: ``reference`` is the English text (a row entered
    # before the three were kept has only that one; the seeding fills the others).
    reference = models.CharField(_("legal reference (English)"), max_length=300)
    reference_kk = models.CharField(
        _("legal reference (Kazakh)"), max_length=300, blank=True, default=""
    )
    reference_ru = models.CharField(
        _("legal reference (Russian)"), max_length=300, blank=True, default=""
    )
    reason = models.TextField(_("reason"), max_length=1000)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        ordering = ["key", "effective", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective", "revision"], name="parameter_revision_once"
            ),
            models.CheckConstraint(condition=models.Q(revision__gte=1), name="parameter_revision"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="parameter_not_negative"),
        ]
        verbose_name = _("dated parameter")
        verbose_name_plural = _("dated parameters")
        permissions = [
            ("manage_dated_parameters", _("Enter and correct the values of dated parameters"))
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.effective} ({self.revision}): {self.value}"

    @property
    def references(self) -> dict[str, str]:
        """The legal reference per language; a language without its own text reads the English."""
        return {
            "kk": self.reference_kk or self.reference,
            "ru": self.reference_ru or self.reference,
            "en": self.reference,
        }

    def reference_in(self, language: str) -> str:
        return self.references.get((language or "kk")[:2], self.reference)


class ChainHead(models.Model):
    """The last hash of one strand of an append-only chain; locking this row orders the strand's
    appends. The first strand's head is named as the chain ("access"), the others after it
    ("access.3"): core/audit.py, "Strands"."""

    chain = models.CharField(max_length=16, primary_key=True)
    last_hash = models.CharField(max_length=64)
    length = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.chain}: {self.length} rows"


class ChainedRecord(models.Model):
    """A row of an append-only, hash-chained log: each row's hash covers the previous one."""

    CHAIN: str = ""

    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    actor_name = models.CharField(_("who (name)"), max_length=150)
    # Which of the chain's strands the row is linked into (core/audit.py, "Strands"). Not
    # hashed: a row moved to another strand breaks the links of both.
    strand = models.PositiveSmallIntegerField(default=0)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        abstract = True

    def hashed_fields(self) -> dict[str, Any]:
        raise NotImplementedError


class AuditEvent(ChainedRecord):
    """One write: what happened to which record, by whom, with which data."""

    CHAIN = "audit"

    action = models.CharField(_("action"), max_length=64)
    entity = models.CharField(_("record type"), max_length=64)
    entity_id = models.CharField(_("record"), max_length=64)
    data = models.JSONField(_("data"), default=dict)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        permissions = [("view_audit_trail", _("Read the audit trail and verify its chain"))]
        indexes = [models.Index(fields=["entity", "entity_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.entity}"

    def hashed_fields(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "data": self.data,
        }


class Reader(models.TextChoices):
    """Who read a person's data, by kind; the person's access log filters on it."""

    REPRESENTATIVE = "representative", _("your legal representative")
    STAFF = "staff", _("a staff member")
    FAMILY = "family", _("a family member or carer, on their own record")
    AGENCY = "agency", _("another agency's system")
    SYSTEM = "system", _("the platform itself")
    OTHER = "other", _("another account, without a right to your data")


class Seen(models.TextChoices):
    """What was read (or attempted): the closed set of things the access log names."""

    REGISTRY_RECORD = "registry_record", _("your registry record")
    SEARCH_RESULT = "search_result", _("your name in the results of a registry search")
    FAMILY_CARD = (
        "family_card",
        _("your name on the record of a family member or of someone you care for"),
    )
    DISABILITY_STATUS = "disability_status", _("your disability status")
    BENEFITS = "benefits", _("your benefits: offers, payments, decisions and messages")
    BENEFIT_OFFER = "benefit_offer", _("an offer of a benefit to you")
    BENEFIT_DECISION = "benefit_decision", _("a decision on your benefit")
    BENEFIT_ANSWER = "benefit_answer", _("answering an offer of a benefit for you")
    PAYMENT_ACCOUNT = "payment_account", _("the bank account your benefits are paid to")
    PAYMENT_FILE = (
        "payment_file",
        _("your name, IIN and bank account in a payment file sent to the treasury"),
    )
    REFERRAL = "referral", _("your referral to medical-social expertise")
    REFERRAL_QUEUE = "referral_queue", _("your place in the queue of medical-social expertise")
    REFERRAL_FILE = "referral_file", _("referring you to medical-social expertise")
    REFERRAL_DECIDE = "referral_decide", _("deciding your referral")
    REHABILITATION_PROGRAMME = (
        "rehabilitation_programme",
        _("your individual rehabilitation programme: its items, what you received, its history"),
    )
    ACCESS_LOG = "access_log", _("this access log")
    RECORD_CHANGE = "record_change", _("a change to your registry record")
    ACCOUNT = (
        "account",
        _("your account: its roles, its password, its second factor or its access"),
    )
    EMERGENCY_RESIDENCE = (
        "emergency_residence",
        _("what rescuers need to know about your home (the emergency dispatchers' registry)"),
    )
    EMERGENCY_ALERT = (
        "emergency_alert",
        _("your place, language and hearing or vision impairment, to send you an emergency alert"),
    )
    EMPLOYMENT = (
        "employment",
        _("your employment record: quota vacancies offered to you, placements, support measures"),
    )
    HOUSING_LIST = (
        "housing_list",
        _("your registration on the housing waiting list: your place, its reason, its history"),
    )
    SOCIAL_SERVICES = (
        "social_services",
        _("your special social services: your assessed need, placement and attendance"),
    )
    APPEAL = "appeal", _("your appeal against a decision, and the decision it contests")


class Purpose(models.TextChoices):
    """Why: the closed list of purposes. An API token carries the purposes its agency is
    registered for; each staff role has its own (core/access.py)."""

    REPRESENTATION = "representation", _("acting for you as your legal representative")
    REGISTRY = "registry", _("keeping the registry of persons with disabilities")
    EXPERTISE = "expertise", _("medical-social expertise")
    BENEFITS = "benefits", _("deciding and paying benefits")
    AUDIT = "audit", _("checking who accessed personal data (audit)")
    STATUS_VERIFICATION = (
        "status_verification",
        _("verifying your disability status for a service or benefit of that agency"),
    )
    FAMILY_RECORD = "family_record", _("showing the family on the record of a family member")
    REHABILITATION = "rehabilitation", _("carrying out your individual rehabilitation programme")
    PLATFORM = "platform", _("the platform's own work (screening, reminders)")
    ACCOUNTS = "accounts", _("administering accounts, at the holder's request or for security")
    EMERGENCY = "emergency", _("responding to an emergency at your address (fire service, 112)")
    EMERGENCY_ALERT = (
        "emergency_alert",
        _("warning you of an emergency in your area (an emergency alert)"),
    )
    EMPLOYMENT = "employment", _("helping you find and keep work (employment centre)")
    HOUSING = "housing", _("keeping the housing waiting list and allocating housing")
    SOCIAL_SERVICES = "social_services", _("providing special social services to you")
    APPEALS = "appeals", _("reviewing your appeal against a decision")


# Codes written before the closed lists existed (rows of the chain are never rewritten): what
# each old code meant, in today's terms. A code not here is shown as "not recorded".
LEGACY_SEEN = {
    "person_card": Seen.REGISTRY_RECORD,
    "person_record": Seen.REGISTRY_RECORD,
    "benefit_offers": Seen.BENEFITS,
    "benefit_awards": Seen.BENEFITS,
    "benefit_decisions": Seen.BENEFITS,
    "benefit_messages": Seen.BENEFITS,
    "benefit_proposal": Seen.BENEFIT_OFFER,
    "person_create": Seen.RECORD_CHANGE,
    "person_update": Seen.RECORD_CHANGE,
    "care_link_create": Seen.RECORD_CHANGE,
    "family_create": Seen.RECORD_CHANGE,
}
LEGACY_PURPOSES = {
    "registry search": Purpose.REGISTRY,
    "person card": Purpose.REGISTRY,
    "medical-social expertise": Purpose.EXPERTISE,
    "disability status verification": Purpose.STATUS_VERIFICATION,
    "benefit consent": Purpose.BENEFITS,
    "access log": Purpose.AUDIT,
}


class AccessEvent(ChainedRecord):
    """One read of a person's data by someone other than the person: who, whose, what, why.

    ``reader``, ``office``, ``office_region`` and ``agency`` came after the first rows were
    written; they enter a row's hash only when set, so the earlier rows still verify.
    """

    CHAIN = "access"

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("shown")
        DENIED = "denied", _("refused")

    person_iin = models.CharField(_("whose data"), max_length=12, db_index=True)
    what = models.CharField(_("what was read"), max_length=64)
    purpose = models.CharField(_("why"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    channel = models.CharField(_("channel"), max_length=8, default="web")
    reader = models.CharField(
        _("kind of reader"), max_length=16, choices=Reader.choices, blank=True, default=""
    )
    # The staff member's office when they read: their role's code and their region ("" when
    # national); for an agency's system, the agency's name as registered with its token.
    office = models.CharField(_("role"), max_length=32, blank=True, default="")
    office_region = models.CharField(_("region of the role"), max_length=2, blank=True, default="")
    agency = models.CharField(_("agency"), max_length=100, blank=True, default="")
    # The case the read was made for, when the purpose has one: an emergency's incident number.
    case = models.CharField(_("case"), max_length=40, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("access event")
        verbose_name_plural = _("access log")
        permissions = [("view_access_log", _("Read the access log of every person"))]
        indexes = [models.Index(fields=["person_iin", "at"], name="access_person_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.what} {self.person_iin}"

    @property
    def what_label(self) -> str:
        seen = self.what if self.what in Seen.values else LEGACY_SEEN.get(self.what)
        return str(Seen(seen).label) if seen else str(_("data not recorded in the closed list"))

    @property
    def purpose_label(self) -> str:
        if self.purpose in Purpose.values:
            label = str(Purpose(self.purpose).label)
            if self.case:
                return str(
                    _("%(purpose)s: incident %(case)s") % {"purpose": label, "case": self.case}
                )
            return label
        legacy = LEGACY_PURPOSES.get(self.purpose)
        return str(legacy.label) if legacy else str(_("no purpose was recorded"))

    def hashed_fields(self) -> dict[str, Any]:
        fields = {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "person_iin": self.person_iin,
            "what": self.what,
            "purpose": self.purpose,
            "outcome": self.outcome,
            "channel": self.channel,
        }
        later = {
            "reader": self.reader,
            "office": self.office,
            "office_region": self.office_region,
            "agency": self.agency,
            "case": self.case,
        }
        return fields | {key: value for key, value in later.items() if value}


class LoginFailure(models.Model):
    """A failed login, kept for throttling; pruned after the window passes."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}"


class Submission(models.Model):
    """A page form's one-time token, used (core/submissions.py): a second POST with it leads
    to ``target``, the page of what the first created, and writes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=64)
    target = models.CharField(max_length=500)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key} -> {self.target}"


class ApiToken(models.Model):
    """A bearer token for another agency's system; only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    revoked = models.DateTimeField(null=True, blank=True)
    # Shown to the persons whose data the token reads ("State Pension Fund").
    agency = models.CharField(_("agency"), max_length=100)
    # The purposes (Purpose codes) the agency is registered for; a call names one of them.
    purposes = models.JSONField(_("purposes"), default=list)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name


class AccountNotice(models.Model):
    """A notice to an account holder about their account, kept by the local notice backend.

    No text is stored: the kind is rendered when read, in the reader's language.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Your account was created by an administrator.")
        ROLE_GRANTED = "role_granted", _("An administrator gave your account a role.")
        ROLE_REVOKED = "role_revoked", _("An administrator took a role from your account.")
        PASSWORD_RESET = "password_reset", _("An administrator reset your password.")
        SECOND_FACTOR_RESET = (
            "second_factor_reset",
            _("An administrator reset your second factor (authenticator app)."),
        )
        SECOND_FACTOR_ENROLLED = (
            "second_factor_enrolled",
            _("A new authenticator app was set up for your account."),
        )
        DEACTIVATED = "deactivated", _("An administrator deactivated your account.")
        PASSWORD_CHANGED = "password_changed", _("Your password was changed.")
        RESET_CODE_SENT = (
            "reset_code_sent",
            _("A code to reset your password was sent to you."),
        )
        PASSWORD_RESET_BY_CODE = (
            "password_reset_by_code",
            _("Your password was reset with a one-time code."),
        )
        # An appeal's steps, told to the person (and to the representative who filed it).
        APPEAL_FILED = (
            "appeal_filed",
            _("Your appeal is filed. Follow it on the appeals page of your account."),
        )
        APPEAL_DECIDED = (
            "appeal_decided",
            _("Your appeal is decided. Read the decision and its reasons on the appeal's page."),
        )
        APPEAL_CARRIED_OUT = (
            "appeal_carried_out",
            _("The decision on your appeal is carried out: the decision contested is changed."),
        )
        # A shop's sale with the person's voucher, cancelled unconfirmed by the supplier's
        # suspension: told to the person and their representatives.
        SALE_CANCELLED = (
            "sale_cancelled",
            _(
                "A sale in a shop with your voucher was cancelled: the supplier was suspended. "
                "What it reserved is back on your voucher; buy from another supplier."
            ),
        )
        APPEAL_DEADLINE_MOVED = (
            "appeal_deadline_moved",
            _(
                "The day by which your appeal must be decided was counted again with this "
                "year's public holidays: see it on the appeal's page."
            ),
        )
        APPEAL_TOP_UP = (
            "appeal_top_up",
            _(
                "On your appeal, the difference for the months already paid at the old amount "
                "is paid with the next payroll."
            ),
        )

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="account_notices",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("sent"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("account notice")
        verbose_name_plural = _("account notices")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind}"

    @property
    def role_title(self) -> str:
        """The title of the role given or taken, in the reader's language; empty otherwise."""
        role = ROLE_BY_CODE.get(self.parameters.get("role", ""))
        return str(role.title) if role else ""


class EnrolmentCode(models.Model):
    """The one-time code an administrator hands over with a reset second factor.

    Only a digest is kept. Setting up an authenticator app needs the password and this code,
    so a stolen password alone is not enough to enrol a device of the thief's.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_code"
    )
    digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    tries_left = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")

    def __str__(self) -> str:
        return f"enrolment code of account {self.user_id}"


class PasswordResetCode(models.Model):
    """The one-time code a person asked for to reset their password; one per account at a time.

    Only a digest is kept. A used code is kept, marked used, until the next one replaces it, so
    that entering it again is refused as used rather than as wrong.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_reset_code"
    )
    digest = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    tries_left = models.PositiveSmallIntegerField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")

    def __str__(self) -> str:
        return f"password reset code of account {self.user_id}"


class OutboxMessage(models.Model):
    """A message with a one-time code, as the demonstration's outbox backend "sends" it.

    Written only by ``notices.DemoOutboxBackend``, which only a demonstration installation may
    use: the code is kept in clear so that the outbox page can show it in place of a phone.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AccountNotice.Kind.choices)
    code = models.CharField(_("code"), max_length=12)
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(_("sent"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind}"
