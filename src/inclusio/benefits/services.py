"""Every write of the benefits app: programmes, screening runs, consent, refusal, payroll.

Each function is keyword-only, runs in one transaction and leaves an audit record. A screening
run writes all its proposals, messages and automatic decisions in a single transaction (see
``screening.py``): it either completes or leaves nothing behind.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio import countries
from inclusio.benefits import pain001, screening
from inclusio.benefits.iban import parse_kz_iban
from inclusio.benefits.models import (
    Award,
    Decision,
    Message,
    Payment,
    PaymentAccount,
    Payroll,
    Programme,
    ProgrammeVersion,
    Proposal,
    ScreeningRun,
)
from inclusio.benefits.selectors import explanation_data
from inclusio.core import access
from inclusio.core.audit import Actor, record_write
from inclusio.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from inclusio.core.models import Purpose, Seen, User
from inclusio.core.roles import PAYROLL_MANAGE, SCREENING_RUN
from inclusio.rules.errors import RuleError
from inclusio.rules.loader import Programme as RuleProgramme
from inclusio.rules.loader import load_programme_text

TEST_SUFFIX = ".test.yaml"
BENEFIT_KINDS = (None, "benefit", "programme")  # a rule file's ``kind``; others are skipped


@dataclass
class LoadReport:
    """What ``programmes_load`` did, file by file."""

    loaded: list[str] = field(default_factory=list)  # programme codes with a new version
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files that are not benefit programmes
    errors: list[str] = field(default_factory=list)  # "file:line: message"; old version stays


def _require_national(actor: Actor, permission: str) -> None:
    """Ministry-level work: a national account with ``permission``. ``None`` is the platform."""
    if actor is None:
        return
    if (
        actor.is_authenticated
        and actor.has_perm(permission)
        and getattr(actor, "region_id", None) is None
    ):
        return
    raise AccessDenied(
        "NOT_MINISTRY", _("Only the ministry may do this: it is outside your role or scope.")
    )


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


# --- programmes ---------------------------------------------------------------------------------


def programmes_directory(country: str | None = None) -> Path:
    return countries.COUNTRIES_DIR / (country or settings.COUNTRY) / "programmes"


def _declared_kind(text: str) -> str | None:
    """The file's top-level ``kind`` (None when absent or unreadable: the loader then says why)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    kind = data.get("kind") if isinstance(data, dict) else None
    return str(kind) if kind is not None else None


def programmes_load(*, actor: Actor = None, directory: Path | None = None) -> LoadReport:
    """Load every programme file (``*.yaml`` but not ``*.test.yaml``) of ``directory`` (default:
    the configured country's programmes folder).

    A file that fails to load is reported with its place and cause, and the version loaded
    before stays active; an unchanged file makes no new version; an assessment file
    (``kind: assessment``) is skipped.
    """
    _require_national(actor, SCREENING_RUN)
    directory = Path(directory) if directory is not None else programmes_directory()
    report = LoadReport()
    for path in sorted(directory.glob("*.yaml")):
        if path.name.endswith(TEST_SUFFIX):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            report.errors.append(f"{path}: {error}")
            continue
        if _declared_kind(text) not in BENEFIT_KINDS:
            report.skipped.append(path.name)
            continue
        try:
            rule = load_programme_text(text, file=str(path))
        except RuleError as error:
            report.errors.append(str(error))
            continue
        except (ValueError, TypeError, yaml.YAMLError) as error:
            report.errors.append(f"{path}: {error}")
            continue
        if _programme_save(actor, rule, text, path):
            report.loaded.append(rule.id)
        else:
            report.unchanged.append(rule.id)
    return report


def _programme_save(actor: Actor, rule: RuleProgramme, text: str, path: Path) -> bool:
    """Record the programme and make this text its version in force; False if already so."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    fields = {
        "title_kk": rule.titles.get("kk", ""),
        "title_ru": rule.titles.get("ru", ""),
        "title_en": rule.titles.get("en", ""),
        "reference": rule.reference,
        "entity": rule.entity,
        "assignment": rule.assignment,
        "cash": rule.amount is not None,
    }
    with transaction.atomic():
        programme, created = Programme.objects.select_for_update().get_or_create(
            code=rule.id, defaults=fields
        )
        active = programme.active_version
        if not created and active is not None and active.sha256 == digest:
            return False
        version, _new = ProgrammeVersion.objects.get_or_create(
            programme=programme,
            sha256=digest,
            defaults={"text": text, "file": str(path)},
        )
        for name, value in fields.items():
            setattr(programme, name, value)
        programme.active_version = version
        programme.save()
        record_write(
            actor=actor,
            action="programme_load",
            entity="programme",
            entity_id=programme.code,
            data={"sha256": digest, "file": path.name, **fields},
        )
    return True


# --- screening ----------------------------------------------------------------------------------


def screening_run(
    *, actor: Actor, snapshot_dir: Path | str, on: dt.date, engine: str = "duckdb"
) -> ScreeningRun:
    """Screen the snapshot on ``on`` and turn the results into proposals.

    Idempotent: the same snapshot (the SHA-256 of its manifest) and date that already has a
    completed run returns that run and writes nothing. Crash-safe: proposals, messages and the
    automatic decisions are written in one transaction; on failure nothing of them remains and
    the run is marked failed (and the error raised again). ``actor`` None is the platform.
    """
    _require_national(actor, SCREENING_RUN)
    return screening.screening_run(actor=actor, snapshot_dir=snapshot_dir, on=on, engine=engine)


# --- consent and refusal ------------------------------------------------------------------------


def _answerable(actor: Actor, proposal_id: int) -> Proposal:
    """The proposal, if ``actor`` is its person or their representative; else AccessDenied
    (logged, committed on its own) and nothing written."""
    proposal = Proposal.objects.select_related("person").filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound("PROPOSAL_NOT_FOUND", _("There is no such proposal."))
    if not access.may_act_for(actor, proposal.person):
        if actor is not None and actor.is_authenticated:
            access.log_refusal(
                actor, proposal.person.iin, what=Seen.BENEFIT_ANSWER, purpose=Purpose.BENEFITS
            )
        raise AccessDenied(
            "NOT_YOUR_PROPOSAL",
            _("Only the person or their legal representative can answer this proposal."),
        )
    return proposal


def _locked(proposal_id: int) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("programme", "version", "run", "award", "person")
        .get(pk=proposal_id)
    )


def proposal_accept(
    *, actor: Actor, proposal_id: int, payment_account: str | None = None
) -> Decision:
    """The person (or their representative) consents to a pending proposal.

    A cash programme needs a payment account: the IBAN given now, or one given before. A second
    consent returns the existing decision and writes nothing.
    """
    found = _answerable(actor, proposal_id)
    iban = parse_kz_iban(payment_account) if payment_account else None
    try:
        with transaction.atomic():
            proposal = _locked(found.pk)
            existing = Decision.objects.filter(proposal=proposal).first()
            if existing is not None:
                return existing
            _require_pending(proposal)
            pays = proposal.programme.cash and proposal.amount_kzt
            if iban is not None:
                account = PaymentAccount.objects.create(
                    person=proposal.person, iban=iban, given_by=_user(actor)
                )
                record_write(
                    actor=actor,
                    action="payment_account_give",
                    entity="person",
                    entity_id=proposal.person.iin,
                    data={"iban": iban, "account": account.pk},
                )
            elif pays and not PaymentAccount.objects.filter(person=proposal.person).exists():
                raise ValidationFailed(
                    "PAYMENT_ACCOUNT_REQUIRED",
                    _("Give the IBAN of the bank account the benefit should be paid to."),
                )
            decision = _decide(proposal, actor, consent=True)
    except IntegrityError:
        existing = Decision.objects.filter(proposal_id=found.pk).first()
        if existing is None:
            raise
        return existing
    return decision


def proposal_refuse(*, actor: Actor, proposal_id: int) -> Decision:
    """The person (or their representative) refuses a pending proposal."""
    found = _answerable(actor, proposal_id)
    try:
        with transaction.atomic():
            proposal = _locked(found.pk)
            existing = Decision.objects.filter(proposal=proposal).first()
            if existing is not None:
                return existing
            _require_pending(proposal)
            decision = _decide(proposal, actor, consent=False)
    except IntegrityError:
        existing = Decision.objects.filter(proposal_id=found.pk).first()
        if existing is None:
            raise
        return existing
    return decision


def _require_pending(proposal: Proposal) -> None:
    if proposal.status != Proposal.Status.PENDING:
        raise Conflict(
            "PROPOSAL_CLOSED",
            _("This proposal no longer waits for an answer (%(status)s)."),
            status=proposal.get_status_display(),
        )


def _decide(proposal: Proposal, actor: Actor, *, consent: bool) -> Decision:
    """The decision on a pending proposal and its effect on the awards (inside a transaction)."""
    by = _user(actor)
    if not consent:
        outcome = Decision.Outcome.REFUSED
    elif proposal.kind == Proposal.Kind.CHANGED:
        outcome = Decision.Outcome.AMOUNT_CHANGED
    else:
        outcome = Decision.Outcome.GRANTED
    decision = Decision.objects.create(
        proposal=proposal,
        person=proposal.person,
        programme=proposal.programme,
        outcome=outcome,
        amount_kzt=proposal.amount_kzt if consent else None,
        decided_by=by,
        explanation=explanation_data(proposal),
    )
    proposal.status = Proposal.Status.ACCEPTED if consent else Proposal.Status.REFUSED
    proposal.save(update_fields=["status"])
    award = None
    if consent:
        on = proposal.run.screening_date
        previous = proposal.award
        if previous is not None and previous.ends is None:
            previous.ends = max(previous.starts, on - dt.timedelta(days=1))
            previous.ended_by = decision
            previous.save(update_fields=["ends", "ended_by"])
        award = Award.objects.create(
            person=proposal.person,
            programme=proposal.programme,
            amount_kzt=proposal.amount_kzt,
            starts=on,
            decision=decision,
        )
    record_write(
        actor=actor,
        action="proposal_accept" if consent else "proposal_refuse",
        entity="person",
        entity_id=proposal.person.iin,
        data={
            "proposal": proposal.pk,
            "programme": proposal.programme.code,
            "decision": decision.pk,
            "outcome": outcome,
            "amount_kzt": decision.amount_kzt,
            "award": award.pk if award else None,
        },
    )
    return decision


def message_mark_read(*, actor: Actor, message_id: int) -> None:
    """The person (or their representative) has read a message; reading again changes nothing."""
    message = Message.objects.select_related("recipient").filter(pk=message_id).first()
    if message is None or not access.may_act_for(actor, message.recipient):
        raise NotFound("MESSAGE_NOT_FOUND", _("There is no such message."))
    if message.read_at is not None:
        return
    with transaction.atomic():
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
        record_write(
            actor=actor,
            action="message_read",
            entity="person",
            entity_id=message.recipient.iin,
            data={"message": message.pk},
        )


# --- payroll ------------------------------------------------------------------------------------


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def payroll_create(*, actor: Actor, month: dt.date) -> Payroll:
    """The month's payroll: one payment per current cash award that covers the month.

    Ministry only. Running it again for the same month adds only the payments of awards that
    had none yet. Awards without a payment account are kept as held, not paid.
    """
    _require_national(actor, PAYROLL_MANAGE)
    first, last = month_bounds(month)
    by = _user(actor)
    with transaction.atomic():
        payroll, _created = Payroll.objects.get_or_create(month=first, defaults={"created_by": by})
        awards = list(
            Award.objects.filter(
                programme__cash=True, ends__isnull=True, starts__lte=last, amount_kzt__gt=0
            )
            .exclude(payments__month=first)
            .order_by("id")
        )
        accounts = _latest_accounts({a.person_id for a in awards})
        payments = [
            Payment(
                payroll=payroll,
                award=award,
                month=first,
                amount_kzt=award.amount_kzt or 0,
                iban=accounts.get(award.person_id, ""),
                status=Payment.Status.SCHEDULED
                if award.person_id in accounts
                else Payment.Status.HELD,
            )
            for award in awards
        ]
        Payment.objects.bulk_create(payments, batch_size=5000)
        if payments:
            record_write(
                actor=actor,
                action="payroll_create",
                entity="payroll",
                entity_id=payroll.pk,
                data={
                    "month": first.isoformat(),
                    "payments": len(payments),
                    "held": sum(p.status == Payment.Status.HELD for p in payments),
                    "amount_kzt": sum(p.amount_kzt for p in payments),
                },
            )
    return payroll


def _latest_accounts(person_ids: set[int]) -> dict[int, str]:
    accounts: dict[int, str] = {}
    ids = sorted(person_ids)
    for start in range(0, len(ids), 5000):
        rows = (
            PaymentAccount.objects.filter(person_id__in=ids[start : start + 5000])
            .order_by("person_id", "given_at", "id")
            .values_list("person_id", "iban")
        )
        accounts.update(dict(rows))  # the latest given wins
    return accounts


def payment_file(payroll: Payroll) -> bytes:
    """The payroll's scheduled payments as an ISO 20022 pain.001.001.09 credit transfer file.

    ValidationFailed when nothing is to be paid: the standard has no empty transfer.
    """
    if not payroll.payments.filter(status=Payment.Status.SCHEDULED).exists():
        raise ValidationFailed(
            "PAYROLL_EMPTY",
            _("The payroll of %(month)s has no payment to make, so there is no payment file."),
            month=f"{payroll.month:%Y-%m}",
        )
    return pain001.credit_transfer(payroll)
