"""State control of accessibility: the region's plan of inspections by half-year, inspections
(each records an assessment of the facility, so the ratings follow), prescriptions arising from
failed findings with their deadlines and follow-up, and fines in MCI with their amount in tenge.

Writes are an inspector's of the facility's region (the platform's own for the synthetic set);
reads are the region's inspectors' and officers' (the ministry's for every region). A facility,
inspection, prescription or fine of another region answers as an unknown one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.accessibility.criteria import MEETS, NOT_APPLICABLE, NOT_MET, PARTLY, criteria
from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.models import (
    Facility,
    Fine,
    Inspection,
    InspectionKind,
    PlannedInspection,
    Prescription,
    PrescriptionStatus,
)
from inclusio.accessibility.selectors import name_field
from inclusio.accessibility.services import assessment_record
from inclusio.core.access import may
from inclusio.core.audit import Actor, SystemActor, account_of, changes, record_write
from inclusio.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from inclusio.core.models import User
from inclusio.core.parameters import parameter_on
from inclusio.core.roles import ACCESSIBILITY_CONTROL_VIEW, ACCESSIBILITY_RECORD
from inclusio.core.worklists import Worklist, page_of

MCI = "monthly_calculation_index"
# A fine under the Code of Administrative Offences is tens to hundreds of MCI; more than this
# is a slip of the keyboard, not a fine.
FINE_MOST_MCI = Decimal(10_000)
# A prescription's deadline: after the inspection, and within two years of it.
DEADLINE_LONGEST = dt.timedelta(days=730)
# An inspection requested outside the plan (an accepted barrier report) is due within a month.
REQUEST_DUE_WITHIN = dt.timedelta(days=30)


# --- who ----------------------------------------------------------------------------------------


def _inspector(actor: Actor, region_code: str) -> bool:
    return isinstance(actor, SystemActor) or may(actor, ACCESSIBILITY_RECORD, region_code)


def _require_inspector(actor: Actor) -> None:
    if isinstance(actor, SystemActor) or (
        isinstance(actor, User) and actor.is_authenticated and actor.has_perm(ACCESSIBILITY_RECORD)
    ):
        return
    raise AccessDenied(
        ErrorCode.NOT_AN_INSPECTOR,
        _("Only an accessibility inspector of the facility's region may do this."),
    )


def _require_reader(actor: Actor) -> str | None:
    """The region whose state control the actor sees (None: every region)."""
    if isinstance(actor, SystemActor):
        return None
    if (
        isinstance(actor, User)
        and actor.is_authenticated
        and actor.has_perm(ACCESSIBILITY_CONTROL_VIEW)
    ):
        return actor.region_id
    raise AccessDenied(
        ErrorCode.NOT_AN_INSPECTOR,
        _("Only the region's accessibility inspectors and officers see its state control."),
    )


def _in_scope[M: (PlannedInspection, Inspection, Prescription, Fine)](
    actor: Actor, rows: QuerySet[M]
) -> QuerySet[M]:
    region = _require_reader(actor)
    return rows if region is None else rows.filter(region_id=region)


# --- checks -------------------------------------------------------------------------------------


def half_year_end(year: int, half: int) -> dt.date:
    return dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)


def half_year_of(day: dt.date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def _checked_half(year: Any, half: Any) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, half = int(year), int(half)
    except (TypeError, ValueError):
        year, half = 0, 0
    if half not in (1, 2) or not (2018 <= year <= today.year + 1):
        raise ValidationFailed(
            ErrorCode.PLAN_HALF_INVALID,
            _("Choose a half-year from 2018 to next year: the year, and the first or second half."),
        )
    return year, half


def _reason(value: Any) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValidationFailed(ErrorCode.REASON_MISSING, _("Give the reason."))
    if len(text) > 500 or "\x00" in text:
        raise ValidationFailed(
            ErrorCode.TEXT_TOO_LONG,
            _("The %(what)s is longer than %(limit)d characters."),
            what=_("reason"),
            limit=500,
        )
    return text


def _checked_deadline(deadline: Any, after: dt.date) -> dt.date:
    if not isinstance(deadline, dt.date) or not (after < deadline <= after + DEADLINE_LONGEST):
        raise ValidationFailed(
            ErrorCode.DEADLINE_INVALID,
            _("Give a deadline after %(day)s and within two years of it."),
            day=after.isoformat(),
        )
    return deadline


def failed(results: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The criteria an inspection found failing, in the standard's order: those not met, and
    the mandatory ones met only in part (a facility is adapted when every mandatory criterion
    holds, so each of these is something to put right)."""
    known = criteria()
    return [
        code
        for code, criterion in known.items()
        if results[code]["state"] == NOT_MET
        or (criterion.mandatory and results[code]["state"] == PARTLY)
    ]


# --- the plan -----------------------------------------------------------------------------------


def _facility(actor: Actor, facility_id: Any) -> Facility:
    try:
        found = Facility.objects.filter(pk=int(facility_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None or not _inspector(actor, found.region_id):
        raise NotFound(ErrorCode.FACILITY_NOT_FOUND, _("No such facility, or not in your region."))
    return found


def plan_add(*, actor: Actor, facility_id: int, year: int, half: int) -> PlannedInspection:
    """Put a facility of the inspector's region into the plan of a half-year (once)."""
    _require_inspector(actor)
    year, half = _checked_half(year, half)
    with transaction.atomic():
        facility = _facility(actor, facility_id)
        if PlannedInspection.objects.filter(
            facility=facility, year=year, half=half, kind=InspectionKind.PLANNED
        ).exists():
            raise Conflict(
                ErrorCode.PLAN_ALREADY_HOLDS,
                _("The plan of this half-year already holds an inspection of the facility."),
            )
        planned = PlannedInspection.objects.create(
            facility=facility,
            region_id=facility.region_id,
            kind=InspectionKind.PLANNED,
            year=year,
            half=half,
            due=half_year_end(year, half),
            added_by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="inspection_plan_add",
            entity="accessibility_planned_inspection",
            entity_id=planned.pk,
            data=changes({}, {"facility": facility.pk, "year": year, "half": half}, personal=()),
        )
    return planned


def inspection_request(
    *, actor: Actor, facility: Facility, reason: str, day: dt.date
) -> PlannedInspection:
    """An unplanned inspection requested (by an accepted barrier report), due within a month;
    called inside the caller's transaction, which audits it."""
    year, half = half_year_of(day)
    return PlannedInspection.objects.create(
        facility=facility,
        region_id=facility.region_id,
        kind=InspectionKind.UNPLANNED,
        year=year,
        half=half,
        due=day + REQUEST_DUE_WITHIN,
        reason=_reason(reason),
        added_by=account_of(actor),
    )


# --- inspections --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    inspection: Inspection
    issued: list[Prescription]
    fulfilled: list[Prescription]
    not_fulfilled: list[Prescription]


def inspection_record(
    *,
    actor: Actor,
    facility_id: int,
    inspected_on: dt.date,
    results: Mapping[str, Mapping[str, Any]],
    planned_id: int | None = None,
    deadline: dt.date | None = None,
    note: str = "",
) -> Recorded:
    """Record an inspection: its findings are an assessment of the facility (the ratings follow
    it); the facility's open prescriptions are followed up — fulfilled when their criterion now
    holds, not fulfilled when it still fails past the deadline (an open one still within its
    deadline stays open) — and each failed criterion without an open prescription gets one, due
    by ``deadline``. A planned inspection is marked done; without one it is unplanned."""
    _require_inspector(actor)
    with transaction.atomic():
        planned: PlannedInspection | None = None
        if planned_id not in (None, ""):
            try:
                planned = (
                    PlannedInspection.objects.select_for_update()
                    .filter(pk=int(str(planned_id)), facility_id=facility_id)
                    .first()
                )
            except (TypeError, ValueError):
                planned = None
            if planned is None or not _inspector(actor, planned.region_id):
                raise NotFound(
                    ErrorCode.PLANNED_INSPECTION_NOT_FOUND,
                    _("No such inspection in the plan, or not in your region."),
                )
            if Inspection.objects.filter(planned=planned).exists():
                raise Conflict(
                    ErrorCode.PLANNED_INSPECTION_DONE,
                    _("This inspection of the plan has already been recorded."),
                )
        assessment = assessment_record(
            actor=actor,
            facility_id=facility_id,
            assessed_on=inspected_on,
            results=results,
            note=note,
        )
        checked = assessment.results
        failing = failed(checked)
        open_ones = list(
            Prescription.objects.select_for_update().filter(
                facility_id=facility_id, status=PrescriptionStatus.OPEN
            )
        )
        still_open = {p.criterion for p in open_ones}
        to_issue = [code for code in failing if code not in still_open]
        facility = assessment.facility
        inspection = Inspection.objects.create(
            facility=facility,
            region_id=facility.region_id,
            planned=planned,
            kind=InspectionKind.PLANNED
            if planned is not None and planned.kind == InspectionKind.PLANNED
            else InspectionKind.UNPLANNED,
            inspector=account_of(actor),
            inspected_on=inspected_on,
            assessment=assessment,
        )
        fulfilled: list[Prescription] = []
        not_fulfilled: list[Prescription] = []
        for prescription in open_ones:
            state = checked[prescription.criterion]["state"]
            if state in (MEETS, NOT_APPLICABLE) or prescription.criterion not in failing:
                prescription.status = PrescriptionStatus.FULFILLED
                fulfilled.append(prescription)
            elif prescription.deadline < inspected_on:
                prescription.status = PrescriptionStatus.NOT_FULFILLED
                not_fulfilled.append(prescription)
                # Still failing: the owner is told again, with a new deadline.
                to_issue.append(prescription.criterion)
            else:
                continue
            prescription.followed_up_by = inspection
            prescription.save(update_fields=["status", "followed_up_by"])
        due = _checked_deadline(deadline, inspected_on) if to_issue else inspected_on
        issued = Prescription.objects.bulk_create(
            Prescription(
                inspection=inspection,
                facility=facility,
                region_id=facility.region_id,
                criterion=code,
                deadline=due,
            )
            for code in to_issue
        )
        record_write(
            actor=actor,
            action="inspection_record",
            entity="accessibility_inspection",
            entity_id=inspection.pk,
            data={
                "facility": facility.pk,
                "assessment": assessment.pk,
                "kind": inspection.kind,
                "planned": planned.pk if planned else None,
                "issued": to_issue,
                "fulfilled": [p.pk for p in fulfilled],
                "not_fulfilled": [p.pk for p in not_fulfilled],
            },
        )
    return Recorded(inspection, issued, fulfilled, not_fulfilled)


# --- prescriptions ------------------------------------------------------------------------------


def prescription_extend(
    *, actor: Actor, prescription_id: int, deadline: dt.date, reason: str
) -> Prescription:
    """Give an open prescription a later deadline, with the reason (the owner's works under
    way, a season when building stops …)."""
    _require_inspector(actor)
    reason = _reason(reason)
    with transaction.atomic():
        try:
            found = Prescription.objects.select_for_update().filter(pk=int(prescription_id)).first()
        except (TypeError, ValueError):
            found = None
        if found is None or not _inspector(actor, found.region_id):
            raise NotFound(
                ErrorCode.PRESCRIPTION_NOT_FOUND, _("No such prescription, or not in your region.")
            )
        if found.status != PrescriptionStatus.OPEN:
            raise Conflict(
                ErrorCode.PRESCRIPTION_SETTLED,
                _("The prescription has been followed up already; it cannot be extended."),
            )
        inspected_on = found.inspection.inspected_on
        new = _checked_deadline(deadline, max(found.deadline, inspected_on))
        before = {"deadline": found.deadline, "extension_reason": found.extension_reason}
        found.deadline, found.extension_reason = new, reason
        found.save(update_fields=["deadline", "extension_reason"])
        record_write(
            actor=actor,
            action="prescription_extend",
            entity="accessibility_prescription",
            entity_id=found.pk,
            data=changes(before, {"deadline": new, "extension_reason": reason}, personal=()),
        )
    return found


# --- fines --------------------------------------------------------------------------------------


def _amount_mci(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if (
        not amount.is_finite()
        or amount <= 0
        or amount > FINE_MOST_MCI
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise ValidationFailed(
            ErrorCode.FINE_AMOUNT_INVALID,
            _("Give the fine in MCI: a number above 0 and at most %(most)s, e.g. 50 or 12.5."),
            most=f"{FINE_MOST_MCI:,}".replace(",", " "),
        )
    return amount


def fine_impose(
    *,
    actor: Actor,
    inspection_id: int,
    amount_mci: Any,
    imposed_on: dt.date,
    prescription_id: int | None = None,
) -> Fine:
    """A fine on the owner after an inspection (for a prescription not fulfilled, if named), in
    MCI; its amount in tenge at the MCI in force on the day, rounded to the tenge."""
    _require_inspector(actor)
    amount = _amount_mci(amount_mci)
    with transaction.atomic():
        try:
            inspection = Inspection.objects.filter(pk=int(inspection_id)).first()
        except (TypeError, ValueError):
            inspection = None
        if inspection is None or not _inspector(actor, inspection.region_id):
            raise NotFound(
                ErrorCode.INSPECTION_NOT_FOUND, _("No such inspection, or not in your region.")
            )
        if not isinstance(imposed_on, dt.date) or not (
            inspection.inspected_on <= imposed_on <= timezone.localdate()
        ):
            raise ValidationFailed(
                ErrorCode.DEADLINE_INVALID,
                _("Give the day the fine was imposed: from the inspection's day to today."),
            )
        prescription = None
        if prescription_id not in (None, ""):
            try:
                prescription = Prescription.objects.filter(
                    pk=int(str(prescription_id)), facility_id=inspection.facility_id
                ).first()
            except (TypeError, ValueError):
                prescription = None
            if prescription is None:
                raise NotFound(
                    ErrorCode.PRESCRIPTION_NOT_FOUND,
                    _("No such prescription, or not in your region."),
                )
        mci = parameter_on(MCI, imposed_on).value
        tenge = int((amount * mci).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        fine = Fine.objects.create(
            inspection=inspection,
            prescription=prescription,
            region_id=inspection.region_id,
            imposed_on=imposed_on,
            amount_mci=amount,
            mci_tenge=int(mci),
            amount_tenge=tenge,
        )
        record_write(
            actor=actor,
            action="fine_impose",
            entity="accessibility_fine",
            entity_id=fine.pk,
            data=changes(
                {},
                {
                    "inspection": inspection.pk,
                    "prescription": prescription.pk if prescription else None,
                    "amount_mci": str(amount),
                    "amount_tenge": tenge,
                    "imposed_on": imposed_on,
                },
                personal=(),
            ),
        )
    return fine


def fine_paid(*, actor: Actor, fine_id: int, paid_on: dt.date) -> Fine:
    """Mark a fine paid on a day (from the day it was imposed to today)."""
    _require_inspector(actor)
    with transaction.atomic():
        try:
            fine = Fine.objects.select_for_update().filter(pk=int(fine_id)).first()
        except (TypeError, ValueError):
            fine = None
        if fine is None or not _inspector(actor, fine.region_id):
            raise NotFound(ErrorCode.FINE_NOT_FOUND, _("No such fine, or not in your region."))
        if fine.paid_on is not None:
            raise Conflict(ErrorCode.FINE_ALREADY_PAID, _("The fine is marked paid already."))
        if not isinstance(paid_on, dt.date) or not (
            fine.imposed_on <= paid_on <= timezone.localdate()
        ):
            raise ValidationFailed(
                ErrorCode.DEADLINE_INVALID,
                _("Give the day of payment: from the day the fine was imposed to today."),
            )
        fine.paid_on = paid_on
        fine.save(update_fields=["paid_on"])
        record_write(
            actor=actor,
            action="fine_paid",
            entity="accessibility_fine",
            entity_id=fine.pk,
            data=changes({"paid_on": None}, {"paid_on": paid_on}, personal=()),
        )
    return fine


# --- reads --------------------------------------------------------------------------------------


def plan_of(actor: Actor, year: int, half: int) -> QuerySet[PlannedInspection]:
    """The region's plan of a half-year (planned and requested inspections), with what each
    inspection recorded."""
    rows = PlannedInspection.objects.filter(year=year, half=half)
    return (
        _in_scope(actor, rows)
        .select_related("facility", "inspection", "barrier_report")
        .order_by("due", "id")
    )


PLAN_CANDIDATES_SHOWN = 20


def plan_candidates(actor: Actor, text: str, year: int, half: int) -> list[Facility]:
    """Facilities of the inspector's region whose name (in any language), address or number
    holds ``text``, not yet in the plan of the half-year: the inspector who does not know a
    facility's number finds it here. At most ``PLAN_CANDIDATES_SHOWN``, by name."""
    _require_inspector(actor)
    text = text.replace("\x00", "").strip()[:100]
    if not text:
        return []
    matches = (
        Q(name_kk__icontains=text)
        | Q(name_ru__icontains=text)
        | Q(name_en__icontains=text)
        | Q(address__icontains=text)
    )
    if text.isascii() and text.isdigit() and len(text) <= 18:  # "²" is a digit, not a number
        matches |= Q(pk=int(text))
    planned = PlannedInspection.objects.filter(year=year, half=half, kind=InspectionKind.PLANNED)
    rows = Facility.objects.filter(matches).exclude(pk__in=planned.values("facility_id"))
    if isinstance(actor, User) and actor.region_id is not None:  # a national account: all
        rows = rows.filter(region_id=actor.region_id)
    return list(rows.order_by(name_field(), "id")[:PLAN_CANDIDATES_SHOWN])


def due_inspections(actor: Actor) -> QuerySet[PlannedInspection]:
    """Inspections of the plan (and requested ones) not yet recorded, the earliest due first."""
    rows = PlannedInspection.objects.filter(inspection__isnull=True)
    return _in_scope(actor, rows).select_related("facility").order_by("due", "id")


def overdue_prescriptions(actor: Actor, today: dt.date | None = None) -> QuerySet[Prescription]:
    """Open prescriptions past their deadline, in the actor's region (every region for the
    ministry), the longest overdue first."""
    today = today or timezone.localdate()
    rows = Prescription.objects.filter(status=PrescriptionStatus.OPEN, deadline__lt=today)
    return _in_scope(actor, rows).select_related("facility", "inspection").order_by("deadline")


def prescriptions(actor: Actor, status: str = "") -> QuerySet[Prescription]:
    rows = Prescription.objects.all()
    if status in PrescriptionStatus.values:
        rows = rows.filter(status=status)
    return (
        _in_scope(actor, rows)
        .select_related("facility", "inspection", "followed_up_by")
        .order_by("deadline", "id")
    )


def fines(actor: Actor) -> QuerySet[Fine]:
    return _in_scope(actor, Fine.objects.all()).select_related(
        "inspection__facility", "prescription"
    )


def inspection_get(actor: Actor, inspection_id: int) -> Inspection:
    found = (
        _in_scope(actor, Inspection.objects.filter(pk=inspection_id))
        .select_related("facility", "assessment", "planned")
        .first()
    )
    if found is None:
        raise NotFound(
            ErrorCode.INSPECTION_NOT_FOUND, _("No such inspection, or not in your region.")
        )
    return found


# --- the inspector's worklists ------------------------------------------------------------------


def worklist_inspections_due(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the inspector: inspections of the plan, and requested ones, not yet recorded."""
    found = page_of(due_inspections(actor), page)
    return Worklist(
        key="inspections_due",
        title=_("Inspections due"),
        description=_("Planned for the half-year, or requested by an accepted barrier report."),
        template="accessibility/control/worklist_due.html",
        page=found,
        rows=list(found.object_list),
        empty=_("No inspection is waiting."),
    )


def worklist_accessibility_prescriptions_overdue(
    *, actor: Actor, page: str | int | None = 1
) -> Worklist:
    """For the inspector and the region's officers: prescriptions past their deadline."""
    found = page_of(overdue_prescriptions(actor), page)
    return Worklist(
        key="accessibility_prescriptions_overdue",
        title=_("Overdue accessibility prescriptions"),
        description=_("Past their deadline and not yet followed up by an inspection."),
        template="accessibility/control/worklist_overdue.html",
        page=found,
        rows=list(found.object_list),
        empty=_("No prescription is overdue."),
    )


# --- what the pages open ------------------------------------------------------------------------


def facility_for_inspection(actor: Actor, facility_id: int) -> Facility:
    """A facility the inspector may inspect (of their region)."""
    _require_inspector(actor)
    return _facility(actor, facility_id)


def planned_for(actor: Actor, facility: Facility, planned_id: Any) -> PlannedInspection:
    """The plan's inspection of the facility, not yet recorded."""
    try:
        found = PlannedInspection.objects.filter(
            pk=int(planned_id), facility=facility, inspection__isnull=True
        ).first()
    except (TypeError, ValueError):
        found = None
    if found is None or not _inspector(actor, found.region_id):
        raise NotFound(
            ErrorCode.PLANNED_INSPECTION_NOT_FOUND,
            _("No such inspection in the plan, or not in your region."),
        )
    return found


def prescription_get(actor: Actor, prescription_id: int) -> Prescription:
    found = (
        _in_scope(actor, Prescription.objects.filter(pk=prescription_id))
        .select_related("facility", "inspection", "followed_up_by")
        .first()
    )
    if found is None:
        raise NotFound(
            ErrorCode.PRESCRIPTION_NOT_FOUND, _("No such prescription, or not in your region.")
        )
    return found


# --- the synthetic history ----------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryFine:
    amount_mci: Decimal
    imposed_on: dt.date
    prescription: int | None  # the index of its inspection's prescription, if for one


@dataclass(frozen=True)
class HistoryInspection:
    """An inspection of the past (the synthetic 2018–2023), recorded without its findings:
    its prescriptions ((criterion, fulfilled)) already settled, its fines."""

    facility_id: int
    inspected_on: dt.date
    planned: bool
    prescriptions: list[tuple[str, bool]]
    fines: list[HistoryFine]


def history_load(*, actor: Actor, rows: list[HistoryInspection]) -> int:
    """Load past inspections with their prescriptions and fines in bulk (the synthetic set):
    the platform's work only, one transaction and one audit event; a fine's tenge at the MCI
    in force on its day."""
    if not isinstance(actor, SystemActor):
        raise AccessDenied(
            ErrorCode.NOT_AN_INSPECTOR, _("Only the platform loads the history of inspections.")
        )
    if not rows:
        return 0
    regions = dict(
        Facility.objects.filter(pk__in={r.facility_id for r in rows}).values_list("pk", "region_id")
    )
    mci: dict[dt.date, Decimal] = {}
    with transaction.atomic():
        inspections = Inspection.objects.bulk_create(
            Inspection(
                facility_id=row.facility_id,
                region_id=regions[row.facility_id],
                kind=InspectionKind.PLANNED if row.planned else InspectionKind.UNPLANNED,
                inspected_on=row.inspected_on,
            )
            for row in rows
        )
        given: list[list[Prescription]] = []
        for row, inspection in zip(rows, inspections, strict=True):
            given.append(
                [
                    Prescription(
                        inspection=inspection,
                        facility_id=row.facility_id,
                        region_id=inspection.region_id,
                        criterion=criterion,
                        deadline=row.inspected_on + dt.timedelta(days=90),
                        status=PrescriptionStatus.FULFILLED
                        if fulfilled
                        else PrescriptionStatus.NOT_FULFILLED,
                    )
                    for criterion, fulfilled in row.prescriptions
                ]
            )
        Prescription.objects.bulk_create([p for ones in given for p in ones])
        fines: list[Fine] = []
        for row, inspection, ones in zip(rows, inspections, given, strict=True):
            for fine in row.fines:
                if fine.imposed_on not in mci:
                    mci[fine.imposed_on] = parameter_on(MCI, fine.imposed_on).value
                value = mci[fine.imposed_on]
                fines.append(
                    Fine(
                        inspection=inspection,
                        prescription=ones[fine.prescription]
                        if fine.prescription is not None
                        else None,
                        region_id=inspection.region_id,
                        imposed_on=fine.imposed_on,
                        amount_mci=fine.amount_mci,
                        mci_tenge=int(value),
                        amount_tenge=int(
                            (fine.amount_mci * value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
                        ),
                        paid_on=fine.imposed_on + dt.timedelta(days=30),
                    )
                )
        Fine.objects.bulk_create(fines)
        record_write(
            actor=actor,
            action="inspection_history_load",
            entity="accessibility_inspection",
            entity_id=f"{inspections[0].pk}-{inspections[-1].pk}",
            data={
                "inspections": len(inspections),
                "prescriptions": sum(len(ones) for ones in given),
                "fines": len(fines),
            },
        )
    return len(inspections)
