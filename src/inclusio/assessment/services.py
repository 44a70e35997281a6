"""Writes of the medical-social expertise: filing referrals and deciding them.

A decision and the registry update it causes are one transaction: either the person's status
changes and the referral is decided, or nothing happens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.assessment.errors import ErrorCode
from inclusio.assessment.models import Decision, Referral, ReferralDocument
from inclusio.core import access
from inclusio.core.access import require
from inclusio.core.audit import SYSTEM, Actor, account_of, changes, record_write
from inclusio.core.errors import Conflict, ValidationFailed
from inclusio.core.identifiers import validate_bin
from inclusio.core.models import User
from inclusio.core.roles import REFERRAL_DECIDE, REFERRAL_FILE
from inclusio.registry.models import Category, Cause, DisabilityStatus, Person
from inclusio.registry.population import population_record
from inclusio.registry.services import current_status, disability_status_record, person_create
from inclusio.rehabilitation.services import Prescribed, programme_close, programme_issue


def decision_deadline(filed: dt.date, working_days: int | None = None) -> dt.date:
    """The day by which the MSE must decide: N working days (Monday–Friday) after filing."""
    remaining = settings.MSE_DECISION_DAYS if working_days is None else working_days
    day = filed
    while remaining > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


# The largest size the register keeps (its column is a 32-bit integer): about 2 GB.
MAX_DOCUMENT_BYTES = 2_147_483_647


@dataclass(frozen=True)
class DocumentMeta:
    title: str
    issued_on: dt.date
    file_name: str
    sha256: str
    size_bytes: int


def check_document_size(size_bytes: int) -> None:
    """Refuse a size the register cannot keep (the referral form checks it first, too)."""
    if not 1 <= size_bytes <= MAX_DOCUMENT_BYTES:
        raise ValidationFailed(
            ErrorCode.DOCUMENT_SIZE,
            _("A document's size must be from 1 to %(limit)s bytes; %(size)s given."),
            limit=MAX_DOCUMENT_BYTES,
            size=size_bytes,
        )


def _check_document(doc: DocumentMeta) -> None:
    digest = doc.sha256.lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValidationFailed(
            ErrorCode.DOCUMENT_DIGEST,
            _("A document digest must be 64 hexadecimal characters (SHA-256)."),
        )
    if not doc.title.strip() or not doc.file_name.strip():
        raise ValidationFailed(
            ErrorCode.DOCUMENT_INCOMPLETE, _("A document needs a title and a file name.")
        )
    check_document_size(doc.size_bytes)


def referral_file(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    mode: str,
    organisation_name: str,
    organisation_bin: str,
    diagnosis_code: str,
    clinical_summary: str = "",
    documents: Iterable[DocumentMeta] = (),
) -> Referral:
    """A medical organisation refers a person to the MSE; the platform itself (SYSTEM) opens
    only the in-absentia re-examinations that fall due (``reexamination_referrals_open``)."""
    scheduled = kind == Referral.Kind.REEXAMINATION and mode == Referral.Mode.IN_ABSENTIA
    if not (actor is SYSTEM and scheduled):
        require(
            actor,
            REFERRAL_FILE,
            region_code=person.region_id,
            person_iin=person.iin,
            what="referral_file",
        )
    if kind not in Referral.Kind.values:
        raise ValidationFailed(ErrorCode.REFERRAL_KIND, _("Unknown kind of referral."))
    if mode not in Referral.Mode.values:
        raise ValidationFailed(ErrorCode.REFERRAL_MODE, _("Unknown form of examination."))
    organisation_bin = validate_bin(organisation_bin)
    diagnosis_code = diagnosis_code.strip().upper()
    if not diagnosis_code:
        raise ValidationFailed(ErrorCode.DIAGNOSIS_REQUIRED, _("The diagnosis code is required."))
    documents = list(documents)
    for doc in documents:
        _check_document(doc)
    now = timezone.now()
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                person=person,
                region_id=person.region_id,
                kind=kind,
                mode=mode,
                organisation_name=organisation_name.strip(),
                organisation_bin=organisation_bin,
                diagnosis_code=diagnosis_code,
                clinical_summary=clinical_summary,
                filed_by=account_of(actor),
                filed_at=now,
                deadline=decision_deadline(timezone.localdate(now)),
            )
            ReferralDocument.objects.bulk_create(
                ReferralDocument(
                    referral=referral,
                    title=d.title,
                    issued_on=d.issued_on,
                    file_name=d.file_name,
                    sha256=d.sha256.lower(),
                    size_bytes=d.size_bytes,
                )
                for d in documents
            )
            record_write(
                actor=actor,
                action="referral_file",
                entity="referral",
                entity_id=referral.pk,
                data={
                    "person": person.iin,
                    "kind": kind,
                    "mode": mode,
                    "organisation_bin": organisation_bin,
                    "documents": len(documents),
                    # A diagnosis is health data: the trail that is never erased keeps a digest.
                    **changes({}, {"diagnosis": diagnosis_code}, personal={"diagnosis"}),
                },
            )
    except IntegrityError:
        raise Conflict(
            ErrorCode.REFERRAL_ALREADY_OPEN,
            _("This person already has a referral waiting for a decision."),
        ) from None
    return referral


def referral_decide(
    *,
    actor: Actor,
    referral: Referral,
    outcome: str,
    rationale: str,
    category: str = "",
    cause: str = "",
    valid_from: dt.date | None = None,
    reexamination_date: dt.date | None = None,
    limitations: Iterable[str] = (),
    work_capacity_loss_pct: int | None = None,
    prescription: Sequence[Prescribed] = (),
) -> Decision:
    """Decide a referral, update the registry and issue the rehabilitation programme it
    prescribes, in the same transaction. A refusal prescribes nothing (refused if it tries);
    a refusal that ends a status ends the programme that followed it."""
    require(
        actor,
        REFERRAL_DECIDE,
        region_code=referral.region_id,
        person_iin=referral.person.iin,
        what="referral_decide",
    )
    assert isinstance(actor, User)  # require() let only a signed-in account through
    if outcome not in Decision.Outcome.values:
        raise ValidationFailed(ErrorCode.OUTCOME_UNKNOWN, _("Unknown outcome."))
    if not rationale.strip():
        raise ValidationFailed(
            ErrorCode.RATIONALE_REQUIRED, _("Give the reasons for the decision.")
        )
    today = timezone.localdate()
    valid_from = valid_from or today
    with transaction.atomic():
        locked = Referral.objects.select_for_update().select_related("person").get(pk=referral.pk)
        if locked.state == Referral.State.DECIDED:
            raise Conflict(
                ErrorCode.REFERRAL_ALREADY_DECIDED, _("This referral is already decided.")
            )
        person = locked.person
        current = current_status(person)
        if current is not None and current.ended:
            current = None
        status: DisabilityStatus | None
        if outcome == Decision.Outcome.ESTABLISH:
            if current is not None:
                raise ValidationFailed(
                    ErrorCode.STATUS_ALREADY_ESTABLISHED,
                    _(
                        "The person already has a disability status: extend it or change the "
                        "category instead."
                    ),
                )
            if not category or not cause:
                raise ValidationFailed(
                    ErrorCode.CATEGORY_REQUIRED, _("Give the category and the cause.")
                )
            status = disability_status_record(
                actor=actor,
                person=person,
                category=category,
                cause=cause,
                valid_from=valid_from,
                reexamination_date=reexamination_date,
                limitations=limitations,
                work_capacity_loss_pct=work_capacity_loss_pct,
            )
        elif outcome in (Decision.Outcome.EXTEND, Decision.Outcome.CHANGE_CATEGORY):
            if current is None:
                raise ValidationFailed(
                    ErrorCode.NO_STATUS_TO_CHANGE,
                    _("The person has no disability status to extend or change."),
                )
            if outcome == Decision.Outcome.CHANGE_CATEGORY and (
                not category or category == current.category
            ):
                raise ValidationFailed(
                    ErrorCode.CATEGORY_UNCHANGED, _("Choose a different category.")
                )
            status = disability_status_record(
                actor=actor,
                person=person,
                category=category
                if outcome == Decision.Outcome.CHANGE_CATEGORY
                else current.category,
                cause=cause or current.cause,
                valid_from=valid_from,
                reexamination_date=reexamination_date,
                limitations=limitations or current.limitations,
                work_capacity_loss_pct=work_capacity_loss_pct
                if work_capacity_loss_pct is not None
                else current.work_capacity_loss_pct,
            )
        else:  # refuse
            status = None
            if current is not None:
                # A refusal at re-examination ends the status: recorded as a final row so the
                # history shows when and why it ended.
                status = disability_status_record(
                    actor=actor,
                    person=person,
                    category=current.category,
                    cause=current.cause,
                    valid_from=max(valid_from, current.valid_from),
                    reexamination_date=None,
                    limitations=current.limitations,
                    work_capacity_loss_pct=current.work_capacity_loss_pct,
                    ended=True,
                )
        if prescription:
            programme_issue(
                actor=actor,
                person=person,
                status=status,
                prescription=prescription,
            )
        elif outcome == Decision.Outcome.REFUSE and status is not None:
            programme_close(actor=actor, person=person, day=status.valid_from)
        decision = Decision.objects.create(
            referral=locked,
            outcome=outcome,
            category=status.category if status else "",
            cause=status.cause if status else "",
            rationale=rationale.strip(),
            decided_by=actor,
            decided_at=timezone.now(),
            resulting_status=status,
        )
        locked.state = Referral.State.DECIDED
        locked.save(update_fields=["state"])
        record_write(
            actor=actor,
            action="referral_decide",
            entity="referral",
            entity_id=locked.pk,
            data={
                "person": person.iin,
                "outcome": outcome,
                "status": status.pk if status else None,
                "programme_items": len(prescription),
            },
        )
    referral.state = locked.state
    return decision


def decision_revise_on_appeal(
    *,
    actor: Actor,
    decision_id: int,
    category: str,
    cause: str,
    disability_cause: str = "",
) -> DisabilityStatus:
    """An MSE decision revised on appeal (``cause`` names the appeal): the person's disability
    status takes ``category`` from the day of the decision contested (or of their current
    status, if later), in place of what the decision gave or refused. An MSE specialist of the
    person's region revises; the decision itself stays as it was taken, and the trail names
    the appeal that changed its effect."""
    decision = Decision.objects.select_related("referral__person").filter(pk=decision_id).first()
    if decision is None:
        raise access.not_yours()
    person = decision.referral.person
    require(
        actor,
        REFERRAL_DECIDE,
        region_code=person.region_id,
        person_iin=person.iin,
        what="referral_decide",
    )
    if category not in Category.values:
        raise ValidationFailed(ErrorCode.CATEGORY_REQUIRED, _("Give the category and the cause."))
    with transaction.atomic():
        current = current_status(person)
        if current is not None and current.ended:
            current = None
        if current is not None and current.category == category:
            raise ValidationFailed(ErrorCode.CATEGORY_UNCHANGED, _("Choose a different category."))
        chosen_cause = disability_cause or (current.cause if current else decision.cause)
        if chosen_cause not in Cause.values:
            raise ValidationFailed(
                ErrorCode.CATEGORY_REQUIRED, _("Give the category and the cause.")
            )
        decided_on = timezone.localdate(decision.decided_at)
        status = disability_status_record(
            actor=actor,
            person=person,
            category=category,
            cause=chosen_cause,
            valid_from=max(decided_on, current.valid_from) if current else decided_on,
            reexamination_date=current.reexamination_date if current else None,
            limitations=current.limitations if current else (),
            work_capacity_loss_pct=current.work_capacity_loss_pct if current else None,
        )
        record_write(
            actor=actor,
            action="mse_decision_revise_on_appeal",
            entity="referral",
            entity_id=decision.referral_id,
            data={
                "cause": cause,
                "decision": decision.pk,
                "status": status.pk,
                **changes(
                    {"category": current.category if current else ""},
                    {"category": category},
                    personal={"category"},
                ),
            },
        )
    return status


def reexamination_referrals_open(*, today: dt.date | None = None, days: int | None = None) -> int:
    """Open an in-absentia re-examination referral for every status due within ``days``, and
    for every status whose re-examination date has already passed without one (a registry
    imported late, or days the job did not run): those are the most urgent.

    Nobody applies: the platform refers on the person's behalf. Persons who already have a
    referral waiting are left alone, so running this daily is safe.
    """
    today = today or timezone.localdate()
    days = settings.REEXAMINATION_NOTICE_DAYS if days is None else days
    due = (
        DisabilityStatus.objects.filter(
            superseded_at__isnull=True,
            ended=False,
            reexamination_date__lte=today + dt.timedelta(days=days),
        )
        .exclude(person__referrals__state=Referral.State.QUEUED)
        .select_related("person")
    )
    opened = 0
    for status in due.iterator(chunk_size=2000):
        due_on = status.reexamination_date
        assert due_on is not None  # the query reads only statuses with a date
        try:
            referral_file(
                actor=SYSTEM,
                person=status.person,
                kind=Referral.Kind.REEXAMINATION,
                mode=Referral.Mode.IN_ABSENTIA,
                organisation_name=str(_("Inclusio (scheduled re-examination)")),
                organisation_bin=PLATFORM_BIN,
                diagnosis_code="Z02.7",
                clinical_summary=str(_reexamination_summary(due_on, today)),
            )
        except Conflict:
            continue  # a referral was filed meanwhile
        opened += 1
    return opened


def _reexamination_summary(due: dt.date, today: dt.date) -> str:
    if due < today:
        return _("Re-examination was due on %(day)s and is overdue.") % {"day": due}
    return _("Re-examination due on %(day)s.") % {"day": due}


# The platform's own organisation number in re-examination referrals it opens itself:
# a syntactically valid BIN reserved for the system (check digit holds), not a real company.
PLATFORM_BIN = "000000000000"


@dataclass(frozen=True)
class NewPerson:
    """Someone not yet in the registry, as the referring doctor gives them (from the population
    register's record or by hand)."""

    iin: str
    surname: str
    given_name: str
    patronymic: str
    birth_date: dt.date
    sex: str
    urban: bool


def referral_file_registering(
    *,
    actor: Actor,
    new_person: NewPerson,
    kind: str,
    mode: str,
    organisation_name: str,
    organisation_bin: str,
    diagnosis_code: str,
    clinical_summary: str = "",
    documents: Iterable[DocumentMeta] = (),
) -> Referral:
    """Refer someone not yet registered: register them and file the referral in one
    transaction, so that a refused referral leaves no person behind.

    The person belongs to the region the population register gives, or else to the doctor's;
    the birth date and sex must agree with the IIN, as at any registration.
    """
    record = population_record(actor=actor, iin=new_person.iin)
    region_code = (record.region_code if record else None) or getattr(actor, "region_id", None)
    if not region_code:
        raise ValidationFailed(
            ErrorCode.PERSON_REGION_UNKNOWN,
            _(
                "The population register does not hold this IIN and your account has no "
                "region: the person's district office registers them first."
            ),
        )
    with transaction.atomic():
        person = person_create(
            actor=actor,
            permission=REFERRAL_FILE,
            iin=new_person.iin,
            surname=new_person.surname,
            given_name=new_person.given_name,
            patronymic=new_person.patronymic,
            birth_date=new_person.birth_date,
            sex=new_person.sex,
            region_code=region_code,
            urban=new_person.urban,
        )
        return referral_file(
            actor=actor,
            person=person,
            kind=kind,
            mode=mode,
            organisation_name=organisation_name,
            organisation_bin=organisation_bin,
            diagnosis_code=diagnosis_code,
            clinical_summary=clinical_summary,
            documents=documents,
        )
