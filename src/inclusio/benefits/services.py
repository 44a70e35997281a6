"""Every write of the benefits app: programmes, screening runs, consent, refusal, payroll.

Each function is keyword-only, runs in one transaction and leaves an audit record. A screening
run writes all its proposals, messages and automatic decisions in a single transaction (see
``screening.py``): it either completes or leaves nothing behind.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Min, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio import countries
from inclusio.benefits import proration, screening, topups
from inclusio.benefits.errors import ErrorCode
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
    TopUp,
    WhatIfRequest,
)
from inclusio.benefits.selectors import explanation_data, group_switch_day
from inclusio.core import access
from inclusio.core.audit import (
    SYSTEM,
    Actor,
    account_of,
    batched,
    changes,
    record_write,
)
from inclusio.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from inclusio.core.models import Purpose, Seen
from inclusio.core.parameters import shared_parameters
from inclusio.core.roles import (
    APPEAL_DECIDE_SOCIAL,
    PAYROLL_MANAGE,
    REFORM_SIMULATE,
    REFUSAL_REOPEN,
    SCREENING_RUN,
)
from inclusio.payments import pain001
from inclusio.payments import services as payments_services
from inclusio.payments.iban import parse_kz_iban
from inclusio.payments.models import PaymentFile as SentFile
from inclusio.payments.models import Transfer
from inclusio.payments.treasury import treasury_account
from inclusio.registry.export import describe
from inclusio.registry.models import Person
from inclusio.rules.errors import RuleError
from inclusio.rules.exclusive import check_groups
from inclusio.rules.loader import Programme as RuleProgramme
from inclusio.rules.loader import load_programme_text, rule_kind
from inclusio.rules.reading import compose, read_text
from inclusio.rules.ruleset import same_id
from inclusio.snapshot.validate import SnapshotError

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
    """Ministry-level work: a national account with ``permission``."""
    if (
        actor.is_authenticated
        and actor.has_perm(permission)
        and getattr(actor, "region_id", None) is None
    ):
        return
    raise AccessDenied(
        ErrorCode.NOT_MINISTRY,
        _("Only the ministry may do this: it is outside your role or scope."),
    )


def _require_platform_or_national(actor: Actor, permission: str) -> None:
    """Work the platform also does on its own, as SYSTEM (loading the programme files, a
    screening run, the monthly payroll and its file), or a national account with
    ``permission``."""
    if actor is SYSTEM:
        return
    _require_national(actor, permission)


# --- programmes ---------------------------------------------------------------------------------


def programmes_directory(country: str | None = None) -> Path:
    return countries.COUNTRIES_DIR / (country or settings.COUNTRY) / "programmes"


def _declared_kind(text: str, file: str) -> str | None:
    """The file's top-level ``kind`` (None when absent or unreadable: the loader then says why)."""
    try:
        return rule_kind(compose(text, file), file)
    except RuleError:
        return None


def programmes_load(*, actor: Actor, directory: Path | None = None) -> LoadReport:
    """Load every programme file (``*.yaml`` but not ``*.test.yaml``) of ``directory`` (default:
    the configured country's programmes folder).

    A file that fails to load is reported with its place and cause, and the version loaded
    before stays active; so are two files with the same id (naming both: which would be in
    force would depend on the order of reading); an unchanged file makes no new version; an
    assessment file (``kind: assessment``) is skipped.
    """
    _require_platform_or_national(actor, SCREENING_RUN)
    directory = Path(directory) if directory is not None else programmes_directory()
    shared = shared_parameters()
    report = LoadReport()
    loaded: list[tuple[RuleProgramme, str, Path]] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name.endswith(TEST_SUFFIX):
            continue
        try:
            text = read_text(path)
            if _declared_kind(text, str(path)) not in BENEFIT_KINDS:
                report.skipped.append(path.name)
                continue
            loaded.append((load_programme_text(text, file=str(path), shared=shared), text, path))
        except RuleError as error:
            report.errors.append(error.text(get_language()))
    files: dict[str, list[RuleProgramme]] = {}
    for rule, _text, _path in loaded:
        files.setdefault(rule.id, []).append(rule)
    # A group whose programmes cannot be one choice (of different entities, or one awarded
    # automatically) is refused whole: none of its programmes is loaded.
    groups: dict[str, list[RuleProgramme]] = {}
    for rule, _text, _path in loaded:
        if rule.exclusive is not None:
            groups.setdefault(rule.exclusive.group, []).append(rule)
    refused_groups = set()
    for group, members in groups.items():
        try:
            check_groups(members)
        except RuleError as error:
            report.errors.append(error.text(get_language()))
            refused_groups.add(group)
    for rule, text, path in loaded:
        others = [other for other in files[rule.id] if other is not rule]
        if rule.exclusive is not None and rule.exclusive.group in refused_groups:
            continue
        if others:
            report.errors.append(same_id(rule, others[0]).text(get_language()))
        elif _programme_save(actor, rule, text, path):
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
        "reference_kk": rule.reference["kk"],
        "reference_ru": rule.reference["ru"],
        "reference_en": rule.reference["en"],
        "entity": rule.entity,
        "assignment": rule.assignment,
        "cash": rule.amount is not None,
        "exclusive_group": rule.exclusive.group if rule.exclusive is not None else "",
        "period": rule.period,
        "proration": rule.proration or "",
    }
    with transaction.atomic():
        programme, created = Programme.objects.select_for_update().get_or_create(
            code=rule.id, defaults=fields
        )
        active = programme.active_version
        same = all(getattr(programme, name) == value for name, value in fields.items())
        if not created and active is not None and active.sha256 == digest and same:
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
    the run is marked failed (and the error raised again).
    """
    _require_platform_or_national(actor, SCREENING_RUN)
    return screening.screening_run(actor=actor, snapshot_dir=snapshot_dir, on=on, engine=engine)


def reform_simulation_record(
    *,
    actor: Actor,
    programme_code: str,
    on: dt.date,
    snapshot_id: str,
    draft: str,
    monthly_change_kzt: int,
) -> None:
    """Record that ``actor`` compared a draft of a programme with the law in force over a
    snapshot of the whole population (the what-if page): who, which draft (its digest), on
    which snapshot and date, and the change in monthly spending it showed."""
    _require_national(actor, REFORM_SIMULATE)
    record_write(
        actor=actor,
        action="reform_simulated",
        entity="programme",
        entity_id=programme_code,
        data={
            "date": on.isoformat(),
            "snapshot": snapshot_id,
            "draft_sha256": hashlib.sha256(draft.encode()).hexdigest(),
            "monthly_change_kzt": monthly_change_kzt,
        },
    )


def what_if_request(
    *,
    actor: Actor,
    programme_code: str,
    on: dt.date,
    draft: str,
    run: ScreeningRun,
) -> WhatIfRequest:
    """Ask for a what-if comparison (the what-if page): recorded, then run by the worker
    (``inclusio whatif-worker``) once the transaction commits, never inside the request."""
    _require_national(actor, REFORM_SIMULATE)
    by = account_of(actor)
    assert by is not None  # a national account, never the platform
    request = WhatIfRequest.objects.create(
        requested_by=by,
        programme_code=programme_code,
        compare_on=on,
        draft=draft,
        run=run,
    )
    record_write(
        actor=actor,
        action="what_if_requested",
        entity="what_if_request",
        entity_id=str(request.pk),
        data={
            "programme": programme_code,
            "date": on.isoformat(),
            "snapshot": run.snapshot_id,
            "draft_sha256": hashlib.sha256(draft.encode()).hexdigest(),
        },
    )
    return request


def what_if_claim() -> WhatIfRequest | None:
    """The oldest waiting request, now running (the worker's; two workers never claim the
    same one: the update only succeeds while it still waits)."""
    while True:
        waiting = WhatIfRequest.objects.filter(status=WhatIfRequest.Status.QUEUED)
        request = waiting.order_by("requested_at", "pk").first()
        if request is None:
            return None
        claimed = WhatIfRequest.objects.filter(
            pk=request.pk, status=WhatIfRequest.Status.QUEUED
        ).update(
            status=WhatIfRequest.Status.RUNNING,
            step=WhatIfRequest.Step.CHECKING,
            started_at=timezone.now(),
        )
        if claimed:
            request.refresh_from_db()
            return request


def what_if_step(request: WhatIfRequest, step: str) -> None:
    """The progress the page shows; bookkeeping of a running request, so not audited."""
    request.step = step
    request.save(update_fields=["step"])


def what_if_finish(request: WhatIfRequest, result: dict[str, Any], monthly_change_kzt: int) -> None:
    """The comparison's result, recorded as the requester's simulation (``reform_simulated``)."""
    with transaction.atomic():
        request.status = WhatIfRequest.Status.DONE
        request.step = WhatIfRequest.Step.FINISHED
        request.finished_at = timezone.now()
        request.result = result
        request.save(update_fields=["status", "step", "finished_at", "result"])
        reform_simulation_record(
            actor=request.requested_by,
            programme_code=request.programme_code,
            on=request.compare_on,
            snapshot_id=request.run.snapshot_id,
            draft=request.draft,
            monthly_change_kzt=monthly_change_kzt,
        )


def what_if_refuse(request: WhatIfRequest, refused: dict[str, Any], technical: str) -> None:
    """Why the comparison could not run: ``refused`` for the page (read in the reader's
    language), ``technical`` for the log."""
    with transaction.atomic():
        request.status = WhatIfRequest.Status.REFUSED
        request.step = WhatIfRequest.Step.FINISHED
        request.finished_at = timezone.now()
        request.result = {"refused": refused}
        request.refusal = technical
        request.save(update_fields=["status", "step", "finished_at", "result", "refusal"])
        record_write(
            actor=SYSTEM,
            action="what_if_refused",
            entity="what_if_request",
            entity_id=str(request.pk),
            data={"kind": refused.get("kind", "")},
        )


# --- consent and refusal ------------------------------------------------------------------------


def _answerable(actor: Actor, proposal_id: int) -> Proposal:
    """The proposal, if ``actor`` is its person or their representative; else AccessDenied
    (logged, committed on its own) and nothing written."""
    proposal = Proposal.objects.select_related("person").filter(pk=proposal_id).first()
    if proposal is None:
        raise access.not_yours()
    if not access.may_act_for(actor, proposal.person):
        if actor.is_authenticated:
            access.log_refusal(
                actor, proposal.person.iin, what=Seen.BENEFIT_ANSWER, purpose=Purpose.BENEFITS
            )
        raise AccessDenied(
            ErrorCode.NOT_YOUR_PROPOSAL,
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

    An offer of an exclusivity group is the person's choice among the group's offers: the
    consent closes the group's other open offers and ends a benefit of the group the person
    holds (``_choose_in_group``), in the same transaction. An offer whose group-mate was chosen
    meanwhile is refused (Conflict ``GROUP_ALREADY_CHOSEN``).
    """
    found = _answerable(actor, proposal_id)
    iban = parse_kz_iban(payment_account) if payment_account else None
    try:
        with transaction.atomic():
            # The group's open offers are locked first, always in the same order, so that two
            # consents to two offers of one group wait for each other instead of both passing.
            mates = _group_locked(found) if found.exclusive_group else []
            proposal = _locked(found.pk)
            existing = _standing(proposal.pk)
            if existing is not None:
                return existing
            if proposal.status == Proposal.Status.EXCLUDED:
                raise Conflict(
                    ErrorCode.GROUP_ALREADY_CHOSEN,
                    _(
                        "Another benefit of this group has already been chosen, so this offer "
                        "is closed. You receive one benefit of the group."
                    ),
                )
            _require_pending(proposal)
            pays = proposal.programme.cash and proposal.amount_kzt
            if iban is not None:
                _account_give(actor, proposal.person, iban)
            elif (
                pays
                and not PaymentAccount.objects.filter(
                    person=proposal.person, rejected_at__isnull=True
                ).exists()
            ):
                raise ValidationFailed(
                    ErrorCode.PAYMENT_ACCOUNT_REQUIRED,
                    _("Give the IBAN of the bank account the benefit should be paid to."),
                )
            decision = _decide(proposal, actor, consent=True)
            if proposal.exclusive_group:
                _choose_in_group(proposal, decision, actor, mates)
    except IntegrityError:
        existing = _standing(found.pk)
        if existing is None:
            raise
        return existing
    return decision


def payment_account_give(*, actor: Actor, person_id: int, iban: str) -> PaymentAccount:
    """The person (or their representative) gives the account their benefits are paid to from
    now on: after the bank rejected the last one, or to change it. The person's held payments
    (no account, or returned by the bank) are scheduled again to it and go in their payroll's
    next payment file."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise access.not_yours()
    if not access.may_act_for(actor, person):
        if actor.is_authenticated:
            access.log_refusal(
                actor, person.iin, what=Seen.PAYMENT_ACCOUNT, purpose=Purpose.BENEFITS
            )
        raise access.not_yours()
    parsed = parse_kz_iban(iban)
    with transaction.atomic():
        return _account_give(actor, person, parsed)


def _account_give(actor: Actor, person: Person, iban: str) -> PaymentAccount:
    """The person's new account ``iban`` (already parsed): their held payments (no account, or
    returned by the bank) are scheduled again to it, and the write is recorded. Inside the
    caller's transaction."""
    account = PaymentAccount.objects.create(person=person, iban=iban, given_by=account_of(actor))
    released = Payment.objects.filter(
        award__person=person, status=Payment.Status.HELD, award__ends__isnull=True
    ).update(status=Payment.Status.SCHEDULED, iban=iban)
    # A top-up owed on appeal is owed whatever has become of the benefit since, except for a
    # month after a death, an emigration or an imprisonment ended the award (an end of a life
    # event is the one with no decision).
    released += (
        TopUp.objects.filter(award__person=person, status=Payment.Status.HELD)
        .exclude(
            award__ends__isnull=False, award__ended_by__isnull=True, month__gt=F("award__ends")
        )
        .update(status=Payment.Status.SCHEDULED, iban=iban)
    )
    record_write(
        actor=actor,
        action="payment_account_give",
        entity="person",
        entity_id=person.iin,
        data={
            "account": account.pk,
            "payments_released": released,
            **changes({}, {"iban": iban}, personal={"iban"}),
        },
    )
    return account


def _group_locked(found: Proposal) -> list[Proposal]:
    """The person's open offers of ``found``'s group, locked in the order of their ids."""
    return list(
        Proposal.objects.select_for_update(of=("self",))
        .select_related("programme")
        .filter(
            person_id=found.person_id,
            exclusive_group=found.exclusive_group,
            status=Proposal.Status.PENDING,
        )
        .order_by("pk")
    )


def _choose_in_group(
    proposal: Proposal, decision: Decision, actor: Actor, mates: list[Proposal]
) -> None:
    """The consent to ``proposal`` is the person's choice in its group: close the group's other
    open offers and end a benefit of another programme of the group the person holds."""
    closed = [mate for mate in mates if mate.pk != proposal.pk]
    for mate in closed:
        mate.status = Proposal.Status.EXCLUDED
        mate.closed_by = decision
    Proposal.objects.bulk_update(closed, ["status", "closed_by"])
    held = list(
        Award.objects.select_for_update(of=("self",))
        .filter(
            person_id=proposal.person_id,
            programme__exclusive_group=proposal.exclusive_group,
            ends__isnull=True,
        )
        .exclude(programme_id=proposal.programme_id)
        .order_by("pk")
    )
    ended = []
    if held:
        starts = group_switch_day(proposal.run.screening_date)
        Award.objects.filter(decision=decision).update(starts=starts)
        for award in held:
            award.ends = max(award.starts, starts - dt.timedelta(days=1))
            award.ended_by = decision
            award.save(update_fields=["ends", "ended_by"])
            ended.append({"award": award.pk, "ends": award.ends.isoformat()})
    if not closed and not ended:
        return  # the group's only offer, and no benefit of it held: nothing else changed
    record_write(
        actor=actor,
        action="offer_group_choose",
        entity="person",
        entity_id=proposal.person.iin,
        data={
            "group": proposal.exclusive_group,
            "proposal": proposal.pk,
            "decision": decision.pk,
            "closed": [mate.pk for mate in closed],
            "ended": ended,
        },
    )


def proposal_refuse(*, actor: Actor, proposal_id: int) -> Decision:
    """The person (or their representative) refuses a pending proposal."""
    found = _answerable(actor, proposal_id)
    try:
        with transaction.atomic():
            proposal = _locked(found.pk)
            existing = _standing(proposal.pk)
            if existing is not None:
                return existing
            _require_pending(proposal)
            decision = _decide(proposal, actor, consent=False)
    except IntegrityError:
        existing = _standing(found.pk)
        if existing is None:
            raise
        return existing
    return decision


def _standing(proposal_id: int) -> Decision | None:
    """The decision that stands on a proposal: not a refusal since withdrawn."""
    return Decision.objects.filter(proposal_id=proposal_id, withdrawn_at__isnull=True).first()


# --- reconsidering a refusal ----------------------------------------------------------------------

REOPENING_REASON_MAX = 1000


def refusal_withdrawable_until(decision: Decision) -> dt.datetime:
    """The last moment the person may withdraw a refusal themselves."""
    return decision.decided_at + dt.timedelta(days=settings.REFUSAL_WITHDRAWAL_DAYS)


def proposal_refusal_withdraw(*, actor: Actor, decision_id: int) -> Proposal:
    """The person (or their representative) withdraws their refusal within
    ``REFUSAL_WITHDRAWAL_DAYS``: the offer waits for their answer again. Later, the district
    office reopens it at their request (``proposal_refusal_reopen``)."""
    decision = _refusal(decision_id)
    if not access.may_act_for(actor, decision.person):
        if actor.is_authenticated:
            access.log_refusal(
                actor, decision.person.iin, what=Seen.BENEFIT_ANSWER, purpose=Purpose.BENEFITS
            )
        raise AccessDenied(
            ErrorCode.NOT_YOUR_PROPOSAL,
            _("Only the person or their legal representative can withdraw this refusal."),
        )
    if timezone.now() > refusal_withdrawable_until(decision):
        raise ValidationFailed(
            ErrorCode.REFUSAL_WITHDRAWAL_TOO_LATE,
            _(
                "A refusal can be withdrawn within %(days)s days. Ask your district "
                "social-protection office to reopen it."
            ),
            days=settings.REFUSAL_WITHDRAWAL_DAYS,
        )
    return _reopen(decision, actor, action="proposal_refusal_withdraw", reason="")


def proposal_refusal_reopen(*, actor: Actor, decision_id: int, reason: str) -> Proposal:
    """An officer of the person's region reopens a refusal at the person's request, saying why:
    the offer waits for the person's answer again. For anyone else the refusal does not exist."""
    decision = _refusal(decision_id)
    if not access.may(actor, REFUSAL_REOPEN, decision.person.region_id):
        if actor.is_authenticated:
            access.log_refusal(
                actor, decision.person.iin, what=Seen.BENEFIT_DECISION, purpose=Purpose.BENEFITS
            )
        raise access.not_yours()
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            ErrorCode.REFUSAL_REOPEN_REASON_MISSING,
            _("Say why the refusal is reopened: what the person asked, and when."),
        )
    if len(reason) > REOPENING_REASON_MAX:
        raise ValidationFailed(
            ErrorCode.REFUSAL_REOPEN_REASON_TOO_LONG,
            _("The reason is too long: at most %(limit)s characters."),
            limit=REOPENING_REASON_MAX,
        )
    return _reopen(decision, actor, action="proposal_refusal_reopen", reason=reason)


def _refusal(decision_id: int) -> Decision:
    decision = (
        Decision.objects.select_related("person", "proposal")
        .filter(pk=decision_id, outcome=Decision.Outcome.REFUSED)
        .first()
    )
    if decision is None:
        raise access.not_yours()
    return decision


def _reopen(decision: Decision, actor: Actor, *, action: str, reason: str) -> Proposal:
    with transaction.atomic():
        proposal = _locked(decision.proposal_id)
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        newer = Proposal.objects.filter(
            person_id=proposal.person_id,
            programme_id=proposal.programme_id,
            status=Proposal.Status.PENDING,
        ).exists()
        if decision.withdrawn_at is not None or proposal.status != Proposal.Status.REFUSED:
            raise Conflict(
                ErrorCode.REFUSAL_NOT_OPEN,
                _("This refusal has already been withdrawn: the offer waits for an answer."),
            )
        if newer:
            raise Conflict(
                ErrorCode.REFUSAL_NOT_OPEN,
                _("A newer offer of this benefit is waiting: answer that one instead."),
            )
        decision.withdrawn_at = timezone.now()
        decision.withdrawn_by = account_of(actor)
        decision.reopening_reason = reason
        decision.save(update_fields=["withdrawn_at", "withdrawn_by", "reopening_reason"])
        proposal.status = Proposal.Status.PENDING
        proposal.save(update_fields=["status"])
        record_write(
            actor=actor,
            action=action,
            entity="person",
            entity_id=proposal.person.iin,
            data={
                "proposal": proposal.pk,
                "programme": proposal.programme.code,
                "decision": decision.pk,
                # The reason may name the person's circumstances: kept on the decision, and
                # here only as a digest.
                **changes({}, {"reason": reason}, personal={"reason"}),
            },
        )
    return proposal


def award_assign_on_appeal(
    *, actor: Actor, decision_id: int, cause: str, amount_kzt: int | None = None
) -> Award:
    """A refusal overturned on appeal (``cause`` names the appeal): the refusal is withdrawn
    and the benefit is granted as the offer proposed it, from the day it would have started,
    or at ``amount_kzt`` when the appeal was granted only in part; the months whose payrolls
    were computed since are owed in full, a top-up each, paid with the next payroll. The
    appeals body of the person's region decides; for anyone else the refusal does not exist."""
    if amount_kzt is not None and amount_kzt < 0:
        raise ValidationFailed(
            ErrorCode.APPEAL_AMOUNT_NEGATIVE, _("The amount cannot be less than zero.")
        )
    with transaction.atomic():
        _lock_programmes(Decision.objects.filter(pk=decision_id).values("programme_id"))
        # The refusal read once, locked after its proposal (the order every write of an
        # answer locks them in).
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("programme", "version", "run", "award", "person")
            .filter(decisions=decision_id)
            .first()
        )
        refusal = (
            Decision.objects.select_for_update()
            .filter(pk=decision_id, outcome=Decision.Outcome.REFUSED)
            .first()
            if proposal is not None
            else None
        )
        if proposal is None or refusal is None:
            raise access.not_yours()
        region = proposal.person.region_id
        if not (actor is SYSTEM or access.may(actor, APPEAL_DECIDE_SOCIAL, region)):
            raise access.not_yours()
        current = Award.objects.filter(
            person_id=proposal.person_id, programme_id=proposal.programme_id, ends__isnull=True
        ).exists()
        if (
            refusal.withdrawn_at is not None
            or proposal.status != Proposal.Status.REFUSED
            or current
        ):
            raise Conflict(
                ErrorCode.APPEAL_REFUSAL_NOT_STANDING,
                _("This refusal no longer stands: the benefit was offered or granted again."),
            )
        amount = proposal.amount_kzt if amount_kzt is None else amount_kzt
        by = account_of(actor)
        refusal.withdrawn_at = timezone.now()
        refusal.withdrawn_by = by
        refusal.reopening_reason = cause
        refusal.save(update_fields=["withdrawn_at", "withdrawn_by", "reopening_reason"])
        granted = Decision.objects.create(
            proposal=proposal,
            person=proposal.person,
            programme=proposal.programme,
            outcome=Decision.Outcome.GRANTED,
            amount_kzt=amount,
            decided_by=by,
            explanation=explanation_data(proposal),
        )
        proposal.status = Proposal.Status.ACCEPTED
        proposal.save(update_fields=["status"])
        award = Award.objects.create(
            person=proposal.person,
            programme=proposal.programme,
            amount_kzt=amount,
            rate=proposal.rate,
            starts=proposal.run.screening_date,
            decision=granted,
        )
        # The months computed since the screening paid the person nothing: owed as for a
        # benefit resumed, each a top-up with the next payroll.
        top_ups = _top_ups_owe(award, proposal.programme, award.starts, cause, resumed=True)
        record_write(
            actor=actor,
            action="award_assign_on_appeal",
            entity="person",
            entity_id=proposal.person.iin,
            data={
                "cause": cause,
                "proposal": proposal.pk,
                "programme": proposal.programme.code,
                "refusal": refusal.pk,
                "decision": granted.pk,
                "award": award.pk,
                "amount_kzt": amount,
                "top_ups": {f"{t.month:%Y-%m}": t.amount_kzt for t in top_ups},
            },
        )
    return award


_CORRECTABLE = (Decision.Outcome.ENDED, Decision.Outcome.GRANTED, Decision.Outcome.AMOUNT_CHANGED)


def award_correct_on_appeal(
    *,
    actor: Actor,
    decision_id: int,
    cause: str,
    from_day: dt.date,
    amount_kzt: int | None = None,
) -> Award:
    """An ending or an amount overturned on appeal (``cause`` names the appeal). An ending: the
    benefit the decision ended resumes from ``from_day`` (after its last day), at its amount or
    at ``amount_kzt``. An amount (a grant or a change): the benefit is paid at ``amount_kzt``
    from ``from_day`` (its own first day or later). The months from ``from_day`` already paid
    at the old amount (or, for a benefit resumed, closed without it) are owed the difference:
    a top-up each (:mod:`inclusio.benefits.topups`), paid with the next payroll, once. The
    decision contested is withdrawn, naming the appeal, and a decision of the appeal's effect
    stands in its place. The appeals body of the person's region decides; for anyone else the
    decision does not exist. Refused when the decision no longer stands: the benefit was
    granted again or changed since."""
    if amount_kzt is not None and amount_kzt < 0:
        raise ValidationFailed(
            ErrorCode.APPEAL_AMOUNT_NEGATIVE, _("The amount cannot be less than zero.")
        )
    not_standing = Conflict(
        ErrorCode.APPEAL_AWARD_NOT_STANDING,
        _("This decision no longer stands: the benefit was granted again or changed since."),
    )
    with transaction.atomic():
        _lock_programmes(Decision.objects.filter(pk=decision_id).values("programme_id"))
        # Read once, locked: what the appeal changes cannot change meanwhile.
        contested = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("person", "programme")
            .filter(pk=decision_id, outcome__in=_CORRECTABLE)
            .first()
        )
        if contested is None:
            raise access.not_yours()
        person = contested.person
        if not (actor is SYSTEM or access.may(actor, APPEAL_DECIDE_SOCIAL, person.region_id)):
            raise access.not_yours()
        ending = contested.outcome == Decision.Outcome.ENDED
        if amount_kzt is None and not ending:
            raise ValidationFailed(
                ErrorCode.APPEAL_AMOUNT_MISSING,
                _("Give the monthly amount the appeal establishes."),
            )
        if contested.withdrawn_at is not None:
            raise not_standing
        current = (
            Award.objects.select_for_update()
            .filter(person_id=contested.person_id, programme_id=contested.programme_id)
            .filter(ends__isnull=True)
            .first()
        )
        if ending:
            before = Award.objects.filter(ended_by=contested).order_by("-ends").first()
            if before is None or current is not None:
                raise not_standing
        else:
            before = Award.objects.filter(decision=contested).first()
            if before is None or current is None or current.pk != before.pk:
                raise not_standing
        assert before is not None
        earliest = before.ends + dt.timedelta(days=1) if before.ends else before.starts
        if from_day < earliest:
            raise ValidationFailed(
                ErrorCode.APPEAL_FROM_DAY,
                _("The benefit can be paid on appeal from %(day)s or later."),
                day=earliest.isoformat(),
            )
        was = before.amount_kzt
        amount = was if amount_kzt is None else amount_kzt
        by = account_of(actor)
        contested.withdrawn_at = timezone.now()
        contested.withdrawn_by = by
        contested.reopening_reason = cause
        contested.save(update_fields=["withdrawn_at", "withdrawn_by", "reopening_reason"])
        standing = Decision.objects.create(
            proposal_id=contested.proposal_id,
            person_id=contested.person_id,
            programme_id=contested.programme_id,
            outcome=Decision.Outcome.GRANTED if ending else Decision.Outcome.AMOUNT_CHANGED,
            amount_kzt=amount,
            decided_by=by,
            explanation=contested.explanation,
        )
        if not ending and from_day == before.starts:
            before.amount_kzt = amount
            before.decision = standing
            before.save(update_fields=["amount_kzt", "decision"])
            award = before
        else:
            if not ending:
                before.ends = from_day - dt.timedelta(days=1)
                before.ended_by = standing
                before.save(update_fields=["ends", "ended_by"])
            award = Award.objects.create(
                person_id=contested.person_id,
                programme_id=contested.programme_id,
                amount_kzt=amount,
                rate=before.rate,
                starts=from_day,
                decision=standing,
            )
        top_ups = _top_ups_owe(award, contested.programme, from_day, cause, resumed=ending)
        record_write(
            actor=actor,
            action="award_correct_on_appeal",
            entity="person",
            entity_id=person.iin,
            data={
                "cause": cause,
                "contested": contested.pk,
                "decision": standing.pk,
                "award": award.pk,
                "from": from_day.isoformat(),
                "amount_kzt": [was, amount],
                "top_ups": {f"{t.month:%Y-%m}": t.amount_kzt for t in top_ups},
            },
        )
    return award


def _lock_programmes(ids: Any) -> None:
    """Lock the programmes' rows (``ids``: a query of their ids), in the order of their ids,
    before any other row: a payroll locks every cash programme's, an appeal's grant the
    programme of the decision it changes. So a payroll computed while a grant changes an
    amount from a past month (or resumes a benefit) waits for it, or the grant waits for the
    payroll: the payroll sees the new amount, or the grant sees the month computed and owes
    its top-up; a month is never paid at the old amount with nothing owed. Payrolls of
    different months wait for each other too (each is computed once a month)."""
    list(
        Programme.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def award_top_ups(*, decision_id: int) -> dict[dt.date, int]:
    """By month, the top-ups owed on appeal by the decision ``decision_id`` (of the appeal's
    effect, as ``award_correct_on_appeal`` made it): what the appeals app tells the person."""
    return dict(
        TopUp.objects.filter(decision_id=decision_id)
        .order_by("month")
        .values_list("month", "amount_kzt")
    )


def _top_ups_owe(
    award: Award, programme: Programme, from_day: dt.date, cause: str, *, resumed: bool
) -> list[TopUp]:
    """The top-ups an appeal owes for the months from ``from_day`` already paid (or, for a
    benefit ``resumed``, closed unpaid) before it set ``award``'s amount; written, each once,
    for the next payroll. Inside the caller's transaction, with the person's current award
    locked."""
    if not programme.cash or not award.amount_kzt:
        return []
    first = from_day.replace(day=1)
    mine = {"award__person_id": award.person_id, "award__programme_id": award.programme_id}
    payments = Payment.objects.filter(**mine, month__gte=first)
    stopped = set(payments.filter(status=Payment.Status.STOPPED).values_list("month", flat=True))
    paid = [
        topups.Paid(month, amount, days, one_off)
        for month, amount, days, one_off in payments.exclude(
            status=Payment.Status.STOPPED
        ).values_list("month", "amount_kzt", "days", "one_off")
    ]
    # Only a benefit resumed was owed the months that paid nothing: an amount corrected from an
    # award's first day (the screening's, weeks before the person accepted) was never owed a
    # month computed before the award existed.
    owed_unpaid = resumed and programme.period != Programme.Period.ONCE
    # Every month whose payroll is computed, approved or not: a payroll computed again never
    # pays the person a month topped up (see ``_payroll_create``), so the top-up is its only pay.
    closed = (
        list(
            Payroll.objects.filter(month__gte=first)
            .exclude(month__in=stopped)
            .values_list("month", flat=True)
        )
        if owed_unpaid
        else []
    )
    by_the_day: list[topups.Eligible] = []
    if closed and programme.proration == Programme.Proration.DAILY:
        # A month paid by the day that paid nothing is owed what its payroll would have paid:
        # the month screened again as the payroll screens it (no eligible day, nothing owed).
        kinds = {programme.pk: (programme.period, programme.proration)}
        for month in sorted(set(closed) - {p.month for p in paid}):
            found = _month_by_the_day([award], kinds, month)[award.pk]
            by_the_day.append(topups.Eligible(month, found.days, found.amount_kzt))
        closed = []
    topped_up = dict(
        TopUp.objects.filter(**mine, month__gte=first)
        .values("month")
        .annotate(total=Sum("amount_kzt"))
        .values_list("month", "total")
    )
    owed = topups.months_owed(
        from_day=from_day,
        new_amount_kzt=award.amount_kzt,
        paid=paid,
        unpaid_closed=closed,
        topped_up=topped_up,
        unpaid_by_the_day=by_the_day,
    )
    if not owed:
        return []
    iban = _latest_accounts({award.person_id}).get(award.person_id, "")
    return TopUp.objects.bulk_create(
        TopUp(
            decision_id=award.decision_id,
            award=award,
            month=month,
            amount_kzt=amount,
            cause=cause,
            iban=iban,
            status=Payment.Status.SCHEDULED if iban else Payment.Status.HELD,
        )
        for month, amount in owed.items()
    )


def _require_pending(proposal: Proposal) -> None:
    if proposal.status != Proposal.Status.PENDING:
        raise Conflict(
            ErrorCode.PROPOSAL_CLOSED,
            _("This proposal no longer waits for an answer (%(status)s)."),
            status=proposal.get_status_display(),
        )


def _decide(proposal: Proposal, actor: Actor, *, consent: bool) -> Decision:
    """The decision on a pending proposal and its effect on the awards (inside a transaction)."""
    by = account_of(actor)
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
            rate=proposal.rate,
            starts=on,
            decision=decision,
        )
    # Answering an offer is reading what was sent about it.
    unread = Message.objects.filter(proposal=proposal, recipient=proposal.person, read_at=None)
    read = list(unread.values_list("pk", flat=True))
    unread.update(read_at=timezone.now())
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
            "messages_read": read,
        },
    )
    return decision


def messages_mark_read(*, actor: Actor, person_iin: str) -> int:
    """The person (or their representative) has read the messages sent to the person; returns
    how many were unread. Anyone else gets the answer of a person who does not exist (the
    attempt is logged for the person); reading again changes nothing."""
    # What is not twelve digits is nobody's IIN (and PostgreSQL refuses some such text, a NUL).
    is_iin = re.fullmatch(r"[0-9]{12}", person_iin) is not None
    person = Person.objects.filter(iin=person_iin).first() if is_iin else None
    if person is None or not access.may_act_for(actor, person):
        if person is not None and actor.is_authenticated:
            access.log_refusal(actor, person.iin, what=Seen.BENEFITS, purpose=Purpose.BENEFITS)
        raise NotFound(ErrorCode.MESSAGE_NOT_FOUND, _("There is no such message."))
    with transaction.atomic():
        unread = Message.objects.select_for_update().filter(recipient=person, read_at=None)
        read = list(unread.values_list("pk", flat=True))
        if not read:
            return 0
        Message.objects.filter(pk__in=read).update(read_at=timezone.now())
        record_write(
            actor=actor,
            action="messages_read",
            entity="person",
            entity_id=person.iin,
            data={"messages": read},
        )
    return len(read)


# --- payroll ------------------------------------------------------------------------------------


def parse_month(text: str) -> dt.date:
    """The first day of the month written ``YYYY-MM`` (the year from 0001); else
    ValidationFailed ``MONTH_FORMAT``."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text.strip())
    if match is None or int(match.group(1)) < 1 or not 1 <= int(match.group(2)) <= 12:
        raise ValidationFailed(
            ErrorCode.MONTH_FORMAT,
            _("Enter the month as a year and month, for example 2024-01."),
        )
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _next_month(day: dt.date) -> dt.date:
    return month_bounds(day)[1] + dt.timedelta(days=1)


def payroll_months() -> tuple[dt.date, dt.date] | None:
    """The open range of payroll months: from the month of the first cash award to next month
    (a later month would pay awards that may end before it); None before any award."""
    first_award = Award.objects.filter(programme__cash=True).aggregate(first=Min("starts"))
    if first_award["first"] is None:
        return None
    return first_award["first"].replace(day=1), _next_month(timezone.localdate())


# Each refusal by the database means that another payroll committed meanwhile: five attempts
# outlast four other payrolls computed at the same moment.
PAYROLL_ATTEMPTS = 5


def payroll_create(*, actor: Actor, month: dt.date) -> Payroll:
    """The month's payroll: one payment per current cash award that covers the month.

    The ministry, or the platform's monthly job; only for a month of the open range
    (:func:`payroll_months`), and only while the treasury account is set. Running it again for
    the same month adds only the payments of awards that had none yet, and writes nothing when
    there are none; once approved, the payroll no longer changes. A month with nothing to pay
    at all is refused and leaves no payroll behind. Awards without a payment account are kept
    as held, not paid.

    A programme paid by the day (``proration: daily``) pays the month the rules engine computes
    for the days the person was eligible (:mod:`inclusio.benefits.proration`), and the payment
    says for how many days; no day, no payment. A one-off grant (``period: once``) is paid in
    the first payroll that finds it, and never again: the database keeps it to one payment,
    so two payrolls computed at once cannot both pay it (the one that loses computes again).
    """
    _require_platform_or_national(actor, PAYROLL_MANAGE)
    first, last = month_bounds(month)
    _check_payroll_month(first)
    treasury_account()
    for _attempt in range(PAYROLL_ATTEMPTS - 1):
        try:
            return _payroll_create(actor, first, last)
        except IntegrityError:
            # Another payroll committed the same month's row or a one-off grant's payment
            # while this one computed: computed again, it sees them.
            continue
    return _payroll_create(actor, first, last)


def _payroll_create(actor: Actor, first: dt.date, last: dt.date) -> Payroll:
    kinds = {
        pk: (period, proration)
        for pk, period, proration in Programme.objects.filter(cash=True).values_list(
            "pk", "period", "proration"
        )
    }
    once = [pk for pk, (period, _p) in kinds.items() if period == Programme.Period.ONCE]
    with transaction.atomic():
        _lock_programmes(Programme.objects.filter(cash=True).values("pk"))
        existing = Payroll.objects.select_for_update().filter(month=first).first()
        if existing is not None and existing.approved_at is not None:
            raise Conflict(
                ErrorCode.PAYROLL_APPROVED,
                _("The payroll of %(month)s is approved and can no longer change."),
                month=f"{first:%Y-%m}",
            )
        # One payment a month per person and programme: an award whose amount changed after
        # this month's payroll was first computed is paid from the next month, not twice.
        paid_this_month = Payment.objects.filter(
            month=first,
            award__person_id=OuterRef("person_id"),
            award__programme_id=OuterRef("programme_id"),
        )
        # A month an appeal topped up in full (a benefit resumed) is paid by its top-up.
        topped_up_this_month = TopUp.objects.filter(
            month=first,
            award__person_id=OuterRef("person_id"),
            award__programme_id=OuterRef("programme_id"),
        )
        due = (
            Award.objects.filter(
                programme__cash=True, ends__isnull=True, starts__lte=last, amount_kzt__gt=0
            )
            .exclude(Exists(paid_this_month))
            .exclude(Exists(topped_up_this_month))
        )
        if once:
            due = due.exclude(programme_id__in=once, payments__isnull=False)
        awards = list(due.order_by("id"))
        by_the_day = _month_by_the_day(awards, kinds, first)
        awards = [a for a in awards if a.pk not in by_the_day or by_the_day[a.pk].amount_kzt > 0]
        # The top-ups owed on appeal since the last payroll go in this one's file.
        owed = list(TopUp.objects.select_for_update().filter(payroll__isnull=True).order_by("id"))
        if not awards and not owed:
            if existing is not None:
                return existing
            raise Conflict(
                ErrorCode.PAYROLL_NOTHING_TO_PAY,
                _("No benefit is to be paid for %(month)s, so no payroll was made."),
                month=f"{first:%Y-%m}",
            )
        payroll = existing or Payroll.objects.create(month=first, created_by=account_of(actor))
        accounts = _latest_accounts({a.person_id for a in awards})
        payments = []
        for award in awards:
            paid = by_the_day.get(award.pk)
            payments.append(
                Payment(
                    payroll=payroll,
                    award=award,
                    month=first,
                    amount_kzt=paid.amount_kzt if paid else award.amount_kzt or 0,
                    days=paid.days if paid else None,
                    one_off=award.programme_id in once,
                    iban=accounts.get(award.person_id, ""),
                    status=Payment.Status.SCHEDULED
                    if award.person_id in accounts
                    else Payment.Status.HELD,
                )
            )
        Payment.objects.bulk_create(payments, batch_size=5000)
        TopUp.objects.filter(pk__in=[t.pk for t in owed]).update(payroll=payroll)
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
                "by_the_day": sum(p.days is not None for p in payments),
                "one_off": sum(p.one_off for p in payments),
                "top_ups": len(owed),
                "top_ups_kzt": sum(t.amount_kzt for t in owed),
            },
        )
    return payroll


def _month_by_the_day(
    awards: list[Award], kinds: dict[int, tuple[str, str]], first: dt.date
) -> dict[int, proration.MonthPaid]:
    """By award id: the month paid by the day, for the awards of ``proration: daily``
    programmes (an award the engine finds no day for gets 0 days and 0 tenge)."""
    prorated = [a for a in awards if kinds[a.programme_id][1] == Programme.Proration.DAILY]
    if not prorated:
        return {}
    snapshot_dir = proration.latest_snapshot()
    if snapshot_dir is None:
        raise Conflict(
            ErrorCode.PAYROLL_BY_THE_DAY_UNAVAILABLE,
            _(
                "A benefit of %(month)s is paid by the day, from the snapshot of the latest "
                "screening, and no screening has completed yet."
            ),
            month=f"{first:%Y-%m}",
        )
    iins = dict(
        Person.objects.filter(pk__in={a.person_id for a in prorated}).values_list("pk", "iin")
    )
    amounts: dict[int, proration.MonthPaid] = {}
    for programme in Programme.objects.filter(pk__in={a.programme_id for a in prorated}):
        mine = [a for a in prorated if a.programme_id == programme.pk]
        try:
            paid = proration.month_paid(
                programme, sorted({iins[a.person_id] for a in mine}), first, snapshot_dir
            )
        except (RuleError, SnapshotError, OSError) as error:
            raise Conflict(
                ErrorCode.PAYROLL_BY_THE_DAY_UNAVAILABLE,
                _("The month of %(programme)s paid by the day could not be computed: %(error)s"),
                programme=programme.title,
                error=(
                    describe(error)
                    if isinstance(error, SnapshotError)
                    else error.text(get_language())
                    if isinstance(error, RuleError)
                    else str(error)
                ),
            ) from error
        for award in mine:
            amounts[award.pk] = paid.get(iins[award.person_id], proration.MonthPaid(0, 0))
    return amounts


def _check_payroll_month(first: dt.date) -> None:
    months = payroll_months()
    latest = _next_month(timezone.localdate())
    if first > latest:
        raise ValidationFailed(
            ErrorCode.PAYROLL_MONTH_AHEAD,
            _("A payroll can be made at most one month ahead: %(latest)s at the latest."),
            latest=f"{latest:%Y-%m}",
        )
    if months is not None and first < months[0]:
        raise ValidationFailed(
            ErrorCode.PAYROLL_MONTH_BEFORE_AWARDS,
            _("No benefit was paid before %(earliest)s: the first payroll month is %(earliest)s."),
            earliest=f"{months[0]:%Y-%m}",
        )


def payroll_approve(*, actor: Actor, payroll_id: int) -> Payroll:
    """A second authorised person approves the payroll as it stands; only then can its payment
    file be produced (four eyes: whoever created it cannot approve it, and the platform's
    monthly job, which may create it, never approves). Both steps are in the audit trail."""
    _require_national(actor, PAYROLL_MANAGE)  # a person: the platform never approves
    approver = account_of(actor)
    with transaction.atomic():
        payroll = Payroll.objects.select_for_update().filter(pk=payroll_id).first()
        if payroll is None:
            raise NotFound(ErrorCode.PAYROLL_NOT_FOUND, _("There is no such payroll."))
        if payroll.approved_at is not None:
            raise Conflict(
                ErrorCode.PAYROLL_APPROVED,
                _("The payroll of %(month)s is already approved."),
                month=f"{payroll.month:%Y-%m}",
            )
        if approver is not None and payroll.created_by_id == approver.pk:
            raise Conflict(
                ErrorCode.PAYROLL_APPROVER_IS_CREATOR,
                _(
                    "You created the payroll of %(month)s, so another person with the payroll "
                    "permission must approve it."
                ),
                month=f"{payroll.month:%Y-%m}",
            )
        scheduled = payroll.payments.filter(status=Payment.Status.SCHEDULED)
        # The top-ups on appeal are lines of the same file: the approval covers their money too.
        top_ups = payroll.top_ups.filter(status=Payment.Status.SCHEDULED)
        payroll.approved_by, payroll.approved_at = approver, timezone.now()
        payroll.save(update_fields=["approved_by", "approved_at"])
        record_write(
            actor=actor,
            action="payroll_approve",
            entity="payroll",
            entity_id=payroll.pk,
            data={
                "month": payroll.month.isoformat(),
                "payments": scheduled.count(),
                "amount_kzt": scheduled.aggregate(total=Sum("amount_kzt"))["total"] or 0,
                "top_ups": top_ups.count(),
                "top_ups_kzt": top_ups.aggregate(total=Sum("amount_kzt"))["total"] or 0,
            },
        )
    return payroll


def _latest_accounts(person_ids: set[int]) -> dict[int, str]:
    accounts: dict[int, str] = {}
    ids = sorted(person_ids)
    for start in range(0, len(ids), 5000):
        rows = (
            PaymentAccount.objects.filter(
                person_id__in=ids[start : start + 5000], rejected_at__isnull=True
            )
            .order_by("person_id", "given_at", "id")
            .values_list("person_id", "iban")
        )
        accounts.update(dict(rows))  # the latest given wins
    return accounts


@dataclass(frozen=True)
class PaymentFile:
    name: str
    content: bytes


def payment_file_produce(*, actor: Actor, payroll_id: int) -> PaymentFile:
    """The payroll's scheduled payments as an ISO 20022 pain.001.001.09 credit transfer file.

    The first production queues one payment record per scheduled payment (``payments``; the
    database pays each once) and sends them in the payroll's file. Producing it again downloads
    that file again, unless payments were scheduled since (a corrected account after the bank
    rejected one): those go in a new file of their own. The payroll row is locked meanwhile, so
    two productions at once make one file.

    It holds the name, IIN and IBAN of everyone paid, so only a national account with the
    payroll permission (or the platform's monthly job) produces it, and every production is
    recorded: in the audit trail, and in the access log of every person in the file. Refused
    when nothing is to be paid: the standard has no empty transfer.
    """
    _require_platform_or_national(actor, PAYROLL_MANAGE)
    payroll = Payroll.objects.filter(pk=payroll_id).first()
    if payroll is None:
        raise NotFound(ErrorCode.PAYROLL_NOT_FOUND, _("There is no such payroll."))
    if payroll.approved_at is None:
        raise Conflict(
            ErrorCode.PAYROLL_NOT_APPROVED,
            _(
                "The payroll of %(month)s is not approved yet: a second person with the payroll "
                "permission approves it before its payment file exists."
            ),
            month=f"{payroll.month:%Y-%m}",
        )
    treasury_account()
    with transaction.atomic():
        Payroll.objects.select_for_update().filter(pk=payroll.pk).first()
        files = SentFile.objects.filter(batch_kind=PAYROLL_BATCH, batch_id=payroll.pk)
        scheduled = list(
            payroll.payments.filter(status=Payment.Status.SCHEDULED)
            .select_related("award__person", "award__programme")
            .order_by("id")
        )
        scheduled_top_ups = list(
            payroll.top_ups.filter(status=Payment.Status.SCHEDULED)
            .select_related("award__person", "award__programme")
            .order_by("id")
        )
        sending, tries = _without_live_transfer(scheduled, Transfer.Purpose.BENEFIT)
        sending_top_ups, top_up_tries = _without_live_transfer(
            scheduled_top_ups, Transfer.Purpose.BENEFIT_TOP_UP
        )
        if sending or sending_top_ups:
            number = files.count() + 1
            transfers = payments_services.transfers_queue(
                actor=actor,
                payments=[_queued(p, tries.get(p.pk, 0)) for p in sending]
                + [_queued_top_up(t, top_up_tries.get(t.pk, 0)) for t in sending_top_ups],
            )
            lines = _Lines(sending, sending_top_ups)
            sent, content = payments_services.file_send(
                actor=actor,
                transfers=transfers,
                message_id=payroll.message_id + (f"-{number}" if number > 1 else ""),
                batch_kind=PAYROLL_BATCH,
                batch_id=payroll.pk,
                execution=payroll.month,
                line_of=lines.line,
            )
        else:
            latest = files.order_by("-created_at", "-id").first()
            if latest is None:
                raise Conflict(
                    ErrorCode.PAYROLL_EMPTY,
                    _(
                        "The payroll of %(month)s has no payment to make, so there is no "
                        "payment file."
                    ),
                    month=f"{payroll.month:%Y-%m}",
                )
            sent = latest
            ids: dict[str, list[int]] = {}
            for kind, purpose_id in latest.transfers.values_list("purpose_kind", "purpose_id"):
                ids.setdefault(kind, []).append(purpose_id)
            lines = _Lines(
                list(
                    Payment.objects.select_related("award__person", "award__programme")
                    .in_bulk(ids.get(Transfer.Purpose.BENEFIT, []))
                    .values()
                ),
                list(
                    TopUp.objects.select_related("award__person", "award__programme")
                    .in_bulk(ids.get(Transfer.Purpose.BENEFIT_TOP_UP, []))
                    .values()
                ),
            )
            content = payments_services.file_content(
                payment_file=latest, execution=payroll.month, line_of=lines.line
            )
        in_file: list[Payment | TopUp] = [*lines.payments.values(), *lines.top_ups.values()]
        # One lock of each chain for the whole file, not one per person paid.
        with batched():
            record_write(
                actor=actor,
                action="payment_file_produce",
                entity="payroll",
                entity_id=payroll.pk,
                data={
                    "month": payroll.month.isoformat(),
                    "message_id": sent.message_id,
                    "payments": len(in_file),
                    "amount_kzt": sum(p.amount_kzt for p in in_file),
                    "sha256": hashlib.sha256(content).hexdigest(),
                },
            )
            access.log_bulk_read(
                actor,
                sorted({p.award.person.iin for p in in_file}),
                what=Seen.PAYMENT_FILE,
                purpose=Purpose.BENEFITS,
            )
    suffix = sent.message_id.removeprefix(payroll.message_id)
    return PaymentFile(name=f"inclusio-payroll-{payroll.month:%Y-%m}{suffix}.xml", content=content)


PAYROLL_BATCH = "payroll"


def _without_live_transfer[Paid: (Payment, TopUp)](
    scheduled: list[Paid], purpose: str
) -> tuple[list[Paid], dict[int, int]]:
    """The payments (of ``purpose``) of ``scheduled`` not yet sent, or sent and rejected by the
    bank; and how many times each of those was sent before."""
    live: set[int] = set()
    tries: dict[int, int] = {}
    ids = [p.pk for p in scheduled]
    for start in range(0, len(ids), 5000):
        rows = Transfer.objects.filter(
            purpose_kind=purpose, purpose_id__in=ids[start : start + 5000]
        ).values_list("purpose_id", "state")
        for purpose_id, state in rows:
            tries[purpose_id] = tries.get(purpose_id, 0) + 1
            if state != Transfer.State.REJECTED:
                live.add(purpose_id)
    return [p for p in scheduled if p.pk not in live], tries


def _queued(payment: Payment, tries: int) -> payments_services.Queued:
    # A payment sent again after a rejection gets a new end-to-end id: the bank's report on
    # the first one must never be read as about the second.
    return payments_services.Queued(
        purpose_kind=Transfer.Purpose.BENEFIT,
        purpose_id=payment.pk,
        payer=payment.award.programme.code,
        payee_reference=payment.award.person.iin,
        amount_kzt=payment.amount_kzt,
        iban=payment.iban,
        end_to_end_id=f"INC-{payment.pk}-{payment.month:%Y%m}" + (f"-{tries + 1}" if tries else ""),
    )


def _queued_top_up(top_up: TopUp, tries: int) -> payments_services.Queued:
    return payments_services.Queued(
        purpose_kind=Transfer.Purpose.BENEFIT_TOP_UP,
        purpose_id=top_up.pk,
        payer=top_up.award.programme.code,
        payee_reference=top_up.award.person.iin,
        amount_kzt=top_up.amount_kzt,
        iban=top_up.iban,
        end_to_end_id=f"INC-T{top_up.pk}-{top_up.month:%Y%m}" + (f"-{tries + 1}" if tries else ""),
    )


class _Lines:
    """The lines of a payroll's file: its payments and the top-ups it pays, by transfer."""

    def __init__(self, payments: list[Payment], top_ups: list[TopUp]) -> None:
        self.payments = {p.pk: p for p in payments}
        self.top_ups = {t.pk: t for t in top_ups}

    def line(self, transfer: Transfer) -> pain001.Line:
        if transfer.purpose_kind == Transfer.Purpose.BENEFIT_TOP_UP:
            top_up = self.top_ups[transfer.purpose_id]
            # The bank's remittance text is in Russian, as for every payment of the file:
            # "доплата" (top-up) tells the person it is the difference for a month paid before.
            return _line(transfer, top_up.award, f"{top_up.month:%Y-%m} доплата")
        payment = self.payments[transfer.purpose_id]
        return _line(transfer, payment.award, f"{payment.month:%Y-%m}")


def _line(transfer: Transfer, award: Award, what: str) -> pain001.Line:
    person, programme = award.person, award.programme
    return pain001.Line(
        end_to_end_id=transfer.end_to_end_id,
        amount_kzt=transfer.amount_kzt,
        payee_name=person.full_name,
        payee_id=person.iin,
        payee_scheme="IIN",
        iban=transfer.iban,
        remittance=f"{programme.code} {what} {programme.title_ru}",
    )
