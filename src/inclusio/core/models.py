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
    reference = models.CharField(_("legal reference"), max_length=300)
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


class ChainHead(models.Model):
    """The last hash of each append-only chain; locking this row orders the appends."""

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


# Labels for the stored codes of what was read and why, shown to the person in their language.
ACCESS_LABELS = {
    "person_card": _("registry record"),
    "person_record": _("registry record"),
    "search_result": _("registry search result"),
    "disability_status": _("disability status, requested by an agency"),
    "referral": _("referral to medical-social expertise"),
    "referral_queue": _("referral queue of the expertise"),
    "referral_file": _("filing a referral"),
    "referral_decide": _("decision on a referral"),
    "access_log": _("access log"),
    "person_create": _("registration"),
    "person_update": _("correction of the record"),
    "care_link_create": _("registration of a carer"),
    "registry search": _("search in the registry"),
    "person card": _("opening the record"),
    "own record": _("own record"),
    "access log": _("reading the access log"),
    "medical-social expertise": _("medical-social expertise"),
    "disability status verification": _("verification of disability status"),
}


class AccessEvent(ChainedRecord):
    """One read of a person's data by someone other than the person: who, whose, what, why."""

    CHAIN = "access"

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("shown")
        DENIED = "denied", _("refused")

    person_iin = models.CharField(_("whose data"), max_length=12, db_index=True)
    what = models.CharField(_("what was read"), max_length=64)
    purpose = models.CharField(_("why"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    channel = models.CharField(_("channel"), max_length=8, default="web")

    class Meta:
        ordering = ["id"]
        verbose_name = _("access event")
        verbose_name_plural = _("access log")
        permissions = [("view_access_log", _("Read the access log of every person"))]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.what} {self.person_iin}"

    @property
    def what_label(self) -> str:
        return str(ACCESS_LABELS.get(self.what, self.what))

    @property
    def purpose_label(self) -> str:
        return str(ACCESS_LABELS.get(self.purpose, self.purpose))

    def hashed_fields(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "person_iin": self.person_iin,
            "what": self.what,
            "purpose": self.purpose,
            "outcome": self.outcome,
            "channel": self.channel,
        }


class LoginFailure(models.Model):
    """A failed login, kept for throttling; pruned after the window passes."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}"


class ApiToken(models.Model):
    """A bearer token for another agency's system; only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    revoked = models.DateTimeField(null=True, blank=True)

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
