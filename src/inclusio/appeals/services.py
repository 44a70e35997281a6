"""Writes of appeals: filing one, taking it up, deciding it (and carrying out a granted one
through the deciding app's own services), withdrawing it.

Only the person or their legal representative files or withdraws an appeal; for anyone else the
decision does not exist. Only the body that decides the kind of decision, in the person's region,
takes up and decides it. Each write is one transaction with its step and its audit record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inclusio.appeals.decisions import Contested, contested
from inclusio.appeals.errors import ErrorCode
from inclusio.appeals.models import (
    BODY_OF_KIND,
    OPEN_STATES,
    Appeal,
    Attachment,
    Body,
    Kind,
    State,
    Step,
)
from inclusio.assessment.services import decision_revise_on_appeal
from inclusio.benefits.models import Award
from inclusio.benefits.models import Decision as BenefitDecision
from inclusio.benefits.services import (
    award_assign_on_appeal,
    award_correct_on_appeal,
    award_top_ups,
)
from inclusio.core import access, images, notices
from inclusio.core.appealing import appeal_window
from inclusio.core.audit import SYSTEM, Actor, account_of, changes, record_write
from inclusio.core.errors import Conflict, ValidationFailed
from inclusio.core.models import AccountNotice, Purpose, Seen, User
from inclusio.core.parameters import value_on
from inclusio.core.roles import APPEAL_DECIDE_HOUSING, APPEAL_DECIDE_MSE, APPEAL_DECIDE_SOCIAL
from inclusio.core.workdays import working_days_after
from inclusio.housing.models import Event as HousingEvent
from inclusio.housing.services import registration_restore_on_appeal
from inclusio.marketplace.orders import APPEAL_REMEDIES, order_resolve_on_appeal
from inclusio.socialservices.services import placement_restore_on_appeal

PERMISSION_OF_BODY = {
    Body.MSE: APPEAL_DECIDE_MSE,
    Body.SOCIAL_PROTECTION: APPEAL_DECIDE_SOCIAL,
    Body.HOUSING: APPEAL_DECIDE_HOUSING,
}
GROUNDS_LONGEST = 5000
REASONS_LONGEST = 5000
ATTACHMENTS_MOST = 5
LARGEST_ATTACHMENT = 5 * 1024 * 1024
PDF_SIGNATURE = b"%PDF-"
TITLE_LONGEST = 200

_IMAGE_REFUSALS = images.PhotoRefusals(
    too_large=images.Refusal(
        ErrorCode.APPEAL_ATTACHMENT_TOO_LARGE,
        _("An attachment is too large: at most %(limit)s MB."),
    ),
    wrong_type=images.Refusal(
        ErrorCode.APPEAL_ATTACHMENT_TYPE,
        _("Attach a PDF document or a JPEG, PNG or WebP image."),
    ),
    alt_text_missing=images.Refusal(
        ErrorCode.APPEAL_ATTACHMENT_TYPE, _("Give each attachment a title.")
    ),
    alt_text_too_long=images.Refusal(
        ErrorCode.APPEAL_ATTACHMENT_TYPE,
        _("An attachment's title is too long: at most %(limit)s characters."),
    ),
)


@dataclass(frozen=True)
class Upload:
    title: str
    file: UploadedFile


def decision_deadline(filed: dt.date) -> dt.date:
    """The day by which the body must decide an appeal filed on ``filed``."""
    return working_days_after(filed, int(value_on("appeal_decision_working_days", filed)))


@dataclass(frozen=True)
class Recounted:
    open: int  # the open appeals whose deadlines were counted again
    moved: int  # those whose deadline changed


def appeal_deadlines_recount(*, actor: Actor = SYSTEM) -> Recounted:
    """Count the deadline of every open appeal again from the day it was filed, by the
    country's holidays as they stand now. Run when a year's moving holidays are added to the
    country's file: a deadline counted before, without them (provisional), moves to the true
    day, which can only be later. Each deadline that moves is recorded in the audit trail and
    told to the person; one that stands is not written. A second run moves nothing."""
    moved = 0
    appeals = Appeal.objects.filter(state__in=OPEN_STATES).select_related("person")
    with transaction.atomic():
        for appeal in appeals.select_for_update(of=("self",)).order_by("id"):
            counted = decision_deadline(timezone.localdate(appeal.filed_at))
            if counted == appeal.deadline:
                continue
            was, appeal.deadline = appeal.deadline, counted
            appeal.save(update_fields=["deadline"])
            moved += 1
            record_write(
                actor=actor,
                action="appeal_deadline_recount",
                entity="appeal",
                entity_id=appeal.pk,
                data={
                    "person": appeal.person.iin,
                    "deadline": [was.isoformat(), counted.isoformat()],
                },
            )
            _tell(appeal, AccountNotice.Kind.APPEAL_DEADLINE_MOVED, deadline=counted.isoformat())
        total = appeals.count()
    return Recounted(open=total, moved=moved)


def _attachment_type(upload: Upload) -> tuple[str, str]:
    """(content type, title) of an acceptable attachment; ValidationFailed otherwise."""
    title = images.alt_text(upload.title, _IMAGE_REFUSALS)[:TITLE_LONGEST]
    size = upload.file.size or 0
    if size > LARGEST_ATTACHMENT:
        raise ValidationFailed(
            ErrorCode.APPEAL_ATTACHMENT_TOO_LARGE,
            _("An attachment is too large: at most %(limit)s MB."),
            limit=LARGEST_ATTACHMENT // (1024 * 1024),
        )
    upload.file.seek(0)
    head = upload.file.read(len(PDF_SIGNATURE))
    upload.file.seek(0)
    if head == PDF_SIGNATURE:
        return "application/pdf", title
    content_type, _extension = images.photo_type(upload.file, _IMAGE_REFUSALS)
    return content_type, title


def _grounds(text: str) -> str:
    grounds = str(text or "").strip()
    if not grounds:
        raise ValidationFailed(
            ErrorCode.APPEAL_GROUNDS_MISSING,
            _("Say in your own words why the decision is wrong."),
        )
    if len(grounds) > GROUNDS_LONGEST:
        raise ValidationFailed(
            ErrorCode.APPEAL_GROUNDS_TOO_LONG,
            _("The grounds are too long: at most %(limit)s characters."),
            limit=GROUNDS_LONGEST,
        )
    return grounds


def _contested_for(actor: Actor, kind: str, decision_id: int) -> Contested:
    """The decision, if the actor may appeal it (the person or their representative); the
    answer for one they may not is the answer for one that does not exist."""
    if kind not in Kind.values:
        raise ValidationFailed(ErrorCode.APPEAL_KIND_UNKNOWN, _("Unknown kind of decision."))
    found = contested(kind, decision_id)
    if found is None:
        raise access.not_yours()
    if not access.may_act_for(actor, found.person):
        if isinstance(actor, User) and actor.is_authenticated:
            access.log_refusal(actor, found.person.iin, what=Seen.APPEAL, purpose=Purpose.APPEALS)
        raise access.not_yours()
    return found


def _too_late(found: Contested, kind: str, decision_id: int) -> None:
    window = appeal_window(kind, decision_id, found.decided_on)
    days, last = window.days, window.last_day
    if not window.open:
        raise ValidationFailed(
            ErrorCode.APPEAL_TOO_LATE_COURT_OPEN,
            _(
                "The period of %(days)s days for appealing against this decision ended on "
                "%(day)s. The decision can still be challenged in court: an administrative "
                "claim to the court of your district."
            ),
            days=days,
            day=last.isoformat(),
        )


def _already_open() -> Conflict:
    return Conflict(
        ErrorCode.APPEAL_ALREADY_OPEN,
        _("An appeal against this decision is already open: follow it on its page."),
    )


def appeal_file(
    *,
    actor: Actor,
    kind: str,
    decision_id: int,
    grounds: str,
    attachments: Sequence[Upload] = (),
) -> Appeal:
    """The person (or their representative) appeals against a decision within the appeal
    period; the body of the person's region must decide within the statutory working days."""
    found = _contested_for(actor, kind, decision_id)
    assert isinstance(actor, User)  # may_act_for let only a signed-in account through
    text = _grounds(grounds)
    if len(attachments) > ATTACHMENTS_MOST:
        raise ValidationFailed(
            ErrorCode.APPEAL_ATTACHMENTS_TOO_MANY,
            _("Attach at most %(limit)s documents."),
            limit=ATTACHMENTS_MOST,
        )
    checked = [(upload, *_attachment_type(upload)) for upload in attachments]
    today = timezone.localdate()
    _too_late(found, kind, decision_id)
    if found.cannot_grant:
        raise ValidationFailed(ErrorCode.APPEAL_NOTHING_TO_GRANT, found.cannot_grant)
    person = found.person
    if Appeal.objects.filter(kind=kind, decision_id=decision_id, state__in=OPEN_STATES).exists():
        raise _already_open()
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                person=person,
                region_id=person.region_id,
                body=BODY_OF_KIND[Kind(kind)],
                kind=kind,
                decision_id=decision_id,
                decided_on=found.decided_on,
                filed_by=actor,
                by_representative=person.user_id != actor.pk,
                grounds=text,
                deadline=decision_deadline(today),
            )
            Step.objects.create(appeal=appeal, state=State.FILED, by=actor)
            for upload, content_type, title in checked:
                Attachment.objects.create(
                    appeal=appeal,
                    file=upload.file,
                    title=title,
                    content_type=content_type,
                    size_bytes=upload.file.size or 0,
                )
            record_write(
                actor=actor,
                action="appeal_file",
                entity="appeal",
                entity_id=appeal.pk,
                data={
                    "person": person.iin,
                    "kind": kind,
                    "decision": decision_id,
                    "body": appeal.body,
                    "region": appeal.region_id,
                    "deadline": appeal.deadline.isoformat(),
                    "by_representative": appeal.by_representative,
                    "attachments": len(checked),
                    # The grounds speak of the person's circumstances: a digest only.
                    **changes({}, {"grounds": text}, personal={"grounds"}),
                },
            )
            _tell(appeal, AccountNotice.Kind.APPEAL_FILED, deadline=appeal.deadline.isoformat())
    except IntegrityError:  # filed at the same moment by someone else (the representative)
        raise _already_open() from None
    return appeal


def _deciding(actor: Actor, appeal_id: int) -> Appeal:
    """The appeal, locked, if the actor's body decides it in its region; else not found."""
    appeal = (
        Appeal.objects.select_for_update().select_related("person").filter(pk=appeal_id).first()
    )
    if appeal is None:
        raise access.not_yours()
    if not access.may(actor, PERMISSION_OF_BODY[Body(appeal.body)], appeal.region_id):
        if isinstance(actor, User) and actor.is_authenticated:
            access.log_refusal(actor, appeal.person.iin, what=Seen.APPEAL, purpose=Purpose.APPEALS)
        raise access.not_yours()
    return appeal


def _closed(appeal: Appeal) -> Conflict:
    return Conflict(
        ErrorCode.APPEAL_CLOSED,
        _("This appeal is no longer open (%(state)s)."),
        state=appeal.get_state_display(),
    )


def appeal_take_up(*, actor: Actor, appeal_id: int) -> Appeal:
    """An officer of the deciding body starts reviewing a filed appeal: the person sees it."""
    with transaction.atomic():
        appeal = _deciding(actor, appeal_id)
        if appeal.state != State.FILED:
            raise _closed(appeal)
        appeal.state = State.UNDER_REVIEW
        appeal.save(update_fields=["state"])
        Step.objects.create(appeal=appeal, state=State.UNDER_REVIEW, by=account_of(actor))
        record_write(
            actor=actor,
            action="appeal_take_up",
            entity="appeal",
            entity_id=appeal.pk,
            data={"person": appeal.person.iin, "state": appeal.state},
        )
    return appeal


def _tell(appeal: Appeal, kind: str, **parameters: object) -> None:
    """Tell the person, and the representative who filed for them, outside the platform (the
    notice backend; in each one's own language), inside the step's transaction."""
    recipients = dict.fromkeys((appeal.person.user_id, appeal.filed_by_id))
    notices.tell_each(
        [recipient for recipient in recipients if recipient is not None],
        kind,
        appeal=appeal.pk,
        **parameters,
    )


@dataclass(frozen=True)
class Remedy:
    """What a granted appeal changes in the decision contested, as the deciding officer gives
    it. An MSE decision: the category (and the cause, when the decision gave none). A benefit
    refused: the amount, when granted only in part; a benefit ended or its amount: the day from
    which it is paid (``from_day``) and the amount (needed for an amount, optional for an
    ending). A housing decision: the registration date the appeal establishes (needed unless
    the decision was a removal, which restores the registration with its own date). A dispute
    over an order: ``refund`` or ``redeliver``. A placement ended early: the day it resumes
    (the day after the last day served, when not given)."""

    category: str = ""
    disability_cause: str = ""
    amount_kzt: int | None = None
    from_day: dt.date | None = None
    registered_on: dt.date | None = None
    order_remedy: str = ""


def appeal_decide(
    *, actor: Actor, appeal_id: int, outcome: str, reasons: str, remedy: Remedy | None = None
) -> Appeal:
    """The deciding body grants (wholly or in part) or refuses an appeal, giving its reasons.
    A granted appeal is carried out in the same transaction by the deciding app's own service,
    which names the appeal as the cause in its audit record."""
    if outcome not in (State.GRANTED, State.PARTLY_GRANTED, State.REFUSED):
        raise ValidationFailed(ErrorCode.APPEAL_OUTCOME_UNKNOWN, _("Choose the decision."))
    text = str(reasons or "").strip()
    if not text:
        raise ValidationFailed(
            ErrorCode.APPEAL_REASONS_MISSING, _("Give the reasons for the decision on the appeal.")
        )
    if len(text) > REASONS_LONGEST:
        raise ValidationFailed(
            ErrorCode.APPEAL_GROUNDS_TOO_LONG,
            _("The reasons are too long: at most %(limit)s characters."),
            limit=REASONS_LONGEST,
        )
    remedy = remedy or Remedy()
    with transaction.atomic():
        appeal = _deciding(actor, appeal_id)
        if not appeal.is_open:
            raise _closed(appeal)
        carried = _carry_out(actor, appeal, outcome, remedy) if outcome != State.REFUSED else {}
        appeal.state = outcome
        appeal.reasons = text
        appeal.decided_by = account_of(actor)
        appeal.decided_at = timezone.now()
        appeal.carried_out = carried
        appeal.save(update_fields=["state", "reasons", "decided_by", "decided_at", "carried_out"])
        Step.objects.create(appeal=appeal, state=outcome, by=account_of(actor))
        record_write(
            actor=actor,
            action="appeal_decide",
            entity="appeal",
            entity_id=appeal.pk,
            data={
                "person": appeal.person.iin,
                "outcome": outcome,
                "carried_out": carried,
                "overdue": timezone.localdate(appeal.decided_at) > appeal.deadline,
                **changes({}, {"reasons": text}, personal={"reasons"}),
            },
        )
        _tell(appeal, AccountNotice.Kind.APPEAL_DECIDED, outcome=outcome)
        if carried:
            _tell(appeal, AccountNotice.Kind.APPEAL_CARRIED_OUT)
        if carried.get("top_up_kzt"):
            _tell(appeal, AccountNotice.Kind.APPEAL_TOP_UP, amount_kzt=carried["top_up_kzt"])
    return appeal


def cause_of(appeal: Appeal) -> str:
    """How a deciding app's audit record names the appeal that caused its change."""
    return f"appeal:{appeal.pk}"


def _missing(message: str | Promise) -> ValidationFailed:
    return ValidationFailed(ErrorCode.APPEAL_REMEDY_MISSING, message)


def _carry_out(actor: Actor, appeal: Appeal, outcome: str, remedy: Remedy) -> dict[str, object]:
    """Carry out a granted appeal through the service of the app that took the decision, which
    refuses (and so undoes the whole decision on the appeal) when it no longer stands."""
    cause = cause_of(appeal)
    if appeal.kind == Kind.BENEFIT_DECISION:
        decision = BenefitDecision.objects.filter(pk=appeal.decision_id).first()
        if decision is None or decision.withdrawn_at is not None:
            raise _cannot_carry_out()
        if decision.outcome != BenefitDecision.Outcome.REFUSED:
            return _benefit_corrected(actor, appeal, outcome, remedy, decision)
        if outcome == State.PARTLY_GRANTED and remedy.amount_kzt is None:
            raise _missing(_("Give the monthly amount granted in part."))
        award = award_assign_on_appeal(
            actor=actor,
            decision_id=appeal.decision_id,
            cause=cause,
            amount_kzt=remedy.amount_kzt if outcome == State.PARTLY_GRANTED else None,
        )
        return _with_top_ups({"award": award.pk, "amount_kzt": award.amount_kzt}, award)
    if appeal.kind == Kind.MSE_DECISION:
        if not remedy.category:
            raise _missing(_("Give the disability category the appeal establishes."))
        status = decision_revise_on_appeal(
            actor=actor,
            decision_id=appeal.decision_id,
            category=remedy.category,
            disability_cause=remedy.disability_cause,
            cause=cause,
        )
        return {"status": status.pk}
    if appeal.kind == Kind.HOUSING_POSITION:
        event = HousingEvent.objects.filter(pk=appeal.decision_id).first()
        if event is None:
            raise _cannot_carry_out()
        if event.kind != HousingEvent.Kind.REMOVED and remedy.registered_on is None:
            raise _missing(_("Give the registration date the appeal establishes."))
        registration = registration_restore_on_appeal(
            actor=actor,
            event_id=event.pk,
            cause=cause,
            registered_on=remedy.registered_on,
        )
        return {"registration": registration.pk, "position": registration.position}
    if appeal.kind == Kind.ORDER_DISPUTE:
        if remedy.order_remedy not in APPEAL_REMEDIES:
            raise _missing(_("Choose what the appeal gives: the voucher back, or a new delivery."))
        order = order_resolve_on_appeal(
            actor=actor, order_id=appeal.decision_id, cause=cause, remedy=remedy.order_remedy
        )
        return {"order": order.pk, "remedy": remedy.order_remedy}
    if appeal.kind == Kind.SOCIAL_PLACEMENT:
        choice = placement_restore_on_appeal(
            actor=actor, placement_id=appeal.decision_id, cause=cause, from_day=remedy.from_day
        )
        if choice.placement is not None:
            return {"placement": choice.placement.pk}
        assert choice.waiting is not None
        return {"waiting": choice.waiting.pk, "position": choice.position}
    # Every kind is carried out above by name: a kind added to the list without its own way of
    # being carried out is a programming error, never a grant that changes nothing.
    raise ValueError(f"no way to carry out an appeal of kind {appeal.kind!r}")


def _benefit_corrected(
    actor: Actor, appeal: Appeal, outcome: str, remedy: Remedy, decision: BenefitDecision
) -> dict[str, object]:
    ending = decision.outcome == BenefitDecision.Outcome.ENDED
    if remedy.from_day is None:
        raise _missing(_("Give the day from which the benefit is paid on appeal."))
    if remedy.amount_kzt is None and (not ending or outcome == State.PARTLY_GRANTED):
        raise _missing(_("Give the monthly amount the appeal establishes."))
    award = award_correct_on_appeal(
        actor=actor,
        decision_id=decision.pk,
        cause=cause_of(appeal),
        from_day=remedy.from_day,
        amount_kzt=remedy.amount_kzt,
    )
    return _with_top_ups({"award": award.pk, "amount_kzt": award.amount_kzt}, award)


def _with_top_ups(carried: dict[str, object], award: Award) -> dict[str, object]:
    """``carried`` with the top-ups the appeal owes (the months already paid at the old amount,
    or paid nothing), once, with the next payroll."""
    owed = award_top_ups(decision_id=award.decision_id)
    if owed:
        carried["top_up_kzt"] = sum(owed.values())
        carried["top_up_months"] = sorted(f"{month:%Y-%m}" for month in owed)
    return carried


def _cannot_carry_out() -> Conflict:
    return Conflict(
        ErrorCode.APPEAL_CANNOT_BE_CARRIED_OUT,
        _("The decision contested no longer stands: it was withdrawn or replaced."),
    )


def appeal_withdraw(*, actor: Actor, appeal_id: int) -> Appeal:
    """The person (or their representative) withdraws an open appeal."""
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update().select_related("person").filter(pk=appeal_id).first()
        )
        if appeal is None or not access.may_act_for(actor, appeal.person):
            raise access.not_yours()
        if not appeal.is_open:
            raise _closed(appeal)
        appeal.state = State.WITHDRAWN
        appeal.save(update_fields=["state"])
        Step.objects.create(appeal=appeal, state=State.WITHDRAWN, by=account_of(actor))
        record_write(
            actor=actor,
            action="appeal_withdraw",
            entity="appeal",
            entity_id=appeal.pk,
            data={"person": appeal.person.iin, "state": appeal.state},
        )
    return appeal
