"""Citizens' barrier reports: a signed-in person reports a barrier at a facility (text, an
optional photo with its text alternative); the facility region's inspector accepts it with a
note, which requests an unplanned inspection, or rejects it with a reason; the reporter follows
it in their pages.

Reports are rate-limited per person and per facility (counted from the reports kept, so a burst
is refused however many servers answer it); a refused report writes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inclusio.accessibility import control, photos
from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.models import BarrierReport, Facility, ReportStatus
from inclusio.core.access import may
from inclusio.core.audit import Actor, record_write
from inclusio.core.errors import AccessDenied, Conflict, NotFound, RateLimited, ValidationFailed
from inclusio.core.models import User
from inclusio.core.roles import ACCESSIBILITY_RECORD
from inclusio.core.worklists import Worklist, page_of

# A person reports at most this many barriers a day, and a facility takes at most this many
# reports an hour (a crowd at one door says the same thing; the inspector reads one of them).
PER_PERSON_PER_DAY = 5
PER_FACILITY_PER_HOUR = 10
TEXT_LONGEST = 2000


def _signed_in(actor: Actor) -> User:
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    raise AccessDenied(
        ErrorCode.REPORTER_NOT_SIGNED_IN, _("Sign in to report a barrier at a facility.")
    )


def _text(value: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(
            ErrorCode.REPORT_TEXT_MISSING, _("Say what the barrier is and where it is.")
        )
    if len(text) > TEXT_LONGEST or "\x00" in text:
        raise ValidationFailed(
            ErrorCode.TEXT_TOO_LONG,
            _("The %(what)s is longer than %(limit)d characters."),
            what=_("description of the barrier"),
            limit=TEXT_LONGEST,
        )
    return text


def _within_the_rate(reporter: User, facility: Facility) -> None:
    now = timezone.now()
    if (
        BarrierReport.objects.filter(
            reporter=reporter, reported_at__gte=now - dt.timedelta(days=1)
        ).count()
        >= PER_PERSON_PER_DAY
    ):
        raise RateLimited(
            ErrorCode.REPORTS_TOO_MANY,
            _("You have sent %(count)d reports today, the most a day. Try again tomorrow."),
            retry_after=24 * 3600,
            count=PER_PERSON_PER_DAY,
        )
    if (
        BarrierReport.objects.filter(
            facility=facility, reported_at__gte=now - dt.timedelta(hours=1)
        ).count()
        >= PER_FACILITY_PER_HOUR
    ):
        raise RateLimited(
            ErrorCode.REPORTS_TOO_MANY,
            _(
                "This facility has had many reports in the last hour; the inspector will read "
                "them. Try again in an hour if yours says something new."
            ),
            retry_after=3600,
        )


def report_submit(
    *,
    actor: Actor,
    facility_id: int,
    text: str,
    photo: UploadedFile | None = None,
    photo_alt_text: str = "",
) -> BarrierReport:
    """A signed-in person reports a barrier at a facility."""
    reporter = _signed_in(actor)
    text = _text(text)
    described = None
    if photo is not None:
        described = (photos.alt_text(photo_alt_text), *photos.photo_type(photo))
    saved = ""
    try:
        with transaction.atomic():
            facility = Facility.objects.filter(pk=facility_id).first()
            if facility is None:
                raise NotFound(ErrorCode.FACILITY_NOT_FOUND, _("No such facility."))
            # The reporter's row is locked so that two reports sent at once count one another.
            User.objects.select_for_update().filter(pk=reporter.pk).first()
            _within_the_rate(reporter, facility)
            report = BarrierReport(
                facility=facility, region_id=facility.region_id, reporter=reporter, text=text
            )
            if photo is not None and described is not None:
                alt, content_type, extension = described
                name = f"accessibility/reports/{facility.pk}/{secrets.token_hex(16)}.{extension}"
                saved = default_storage.save(name, photo)
                report.photo, report.photo_type, report.photo_alt_text = saved, content_type, alt
            report.save()
            record_write(
                actor=actor,
                action="barrier_report_submit",
                entity="accessibility_barrier_report",
                entity_id=report.pk,
                data={"facility": facility.pk, "photo": bool(saved)},
            )
    except Exception:
        if saved:
            default_storage.delete(saved)
        raise
    return report


def _to_moderate(actor: Actor, report_id: int) -> tuple[BarrierReport, User]:
    if not (isinstance(actor, User) and actor.is_authenticated) or not actor.has_perm(
        ACCESSIBILITY_RECORD
    ):
        raise AccessDenied(
            ErrorCode.NOT_AN_INSPECTOR,
            _("Only an accessibility inspector of the facility's region may do this."),
        )
    try:
        found = (
            BarrierReport.objects.select_for_update()
            .select_related("facility")
            .filter(pk=int(report_id))
            .first()
        )
    except (TypeError, ValueError):
        found = None
    if found is None or not may(actor, ACCESSIBILITY_RECORD, found.region_id):
        raise NotFound(ErrorCode.REPORT_NOT_FOUND, _("No such report, or not in your region."))
    if found.status != ReportStatus.WAITING:
        raise Conflict(ErrorCode.REPORT_MODERATED, _("The report has been moderated already."))
    return found, actor


def _answer(value: str, missing: str | Promise) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValidationFailed(ErrorCode.REASON_MISSING, missing)
    if len(text) > 1000 or "\x00" in text:
        raise ValidationFailed(
            ErrorCode.TEXT_TOO_LONG,
            _("The %(what)s is longer than %(limit)d characters."),
            what=_("answer"),
            limit=1000,
        )
    return text


def report_accept(*, actor: Actor, report_id: int, note: str) -> BarrierReport:
    """Accept a report with a note to the reporter: an unplanned inspection of the facility is
    requested, due within a month."""
    note = _answer(note, _("Write a note to the reporter: what happens next."))
    with transaction.atomic():
        report, moderator = _to_moderate(actor, report_id)
        today = timezone.localdate()
        report.request = control.inspection_request(
            actor=actor, facility=report.facility, reason=note[:500], day=today
        )
        report.status, report.answer, report.moderator = ReportStatus.ACCEPTED, note, moderator
        report.moderated_at = timezone.now()
        report.save()
        record_write(
            actor=actor,
            action="barrier_report_accept",
            entity="accessibility_barrier_report",
            entity_id=report.pk,
            data={"request": report.request.pk, "facility": report.facility_id},
        )
    return report


def report_reject(*, actor: Actor, report_id: int, reason: str) -> BarrierReport:
    """Reject a report, with the reason the reporter reads."""
    reason = _answer(reason, _("Give the reason, for the reporter."))
    with transaction.atomic():
        report, moderator = _to_moderate(actor, report_id)
        report.status, report.answer, report.moderator = ReportStatus.REJECTED, reason, moderator
        report.moderated_at = timezone.now()
        report.save()
        record_write(
            actor=actor,
            action="barrier_report_reject",
            entity="accessibility_barrier_report",
            entity_id=report.pk,
            data={"facility": report.facility_id},
        )
    return report


# --- reads --------------------------------------------------------------------------------------


def reports_of(actor: Actor) -> QuerySet[BarrierReport]:
    """The reporter's own reports, newest first, with the inspection each requested."""
    reporter = _signed_in(actor)
    return BarrierReport.objects.filter(reporter=reporter).select_related(
        "facility", "request__inspection"
    )


def reports_to_moderate(actor: Actor) -> QuerySet[BarrierReport]:
    """Reports waiting for the inspector of their region, oldest first."""
    if not (isinstance(actor, User) and actor.is_authenticated) or not actor.has_perm(
        ACCESSIBILITY_RECORD
    ):
        raise AccessDenied(
            ErrorCode.NOT_AN_INSPECTOR,
            _("Only an accessibility inspector of the facility's region may do this."),
        )
    rows = BarrierReport.objects.filter(status=ReportStatus.WAITING)
    if actor.region_id is not None:
        rows = rows.filter(region_id=actor.region_id)
    return rows.select_related("facility").order_by("reported_at", "id")


def report_photo(actor: Actor, report_id: int) -> BarrierReport:
    """A report whose photo the actor may see: the reporter's own, or one of the inspector's
    region."""
    found = BarrierReport.objects.filter(pk=report_id).exclude(photo="").first()
    if found is None or not (
        (isinstance(actor, User) and actor.is_authenticated and found.reporter_id == actor.pk)
        or may(actor, ACCESSIBILITY_RECORD, found.region_id)
    ):
        raise NotFound(ErrorCode.REPORT_NOT_FOUND, _("No such report, or not in your region."))
    return found


def worklist_barrier_reports(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the inspector: barrier reports of the region waiting for moderation."""
    found = page_of(reports_to_moderate(actor), page)
    return Worklist(
        key="barrier_reports",
        title=_("Barrier reports to moderate"),
        description=_("Accept a report to request an inspection, or reject it with a reason."),
        template="accessibility/control/worklist_reports.html",
        page=found,
        rows=list(found.object_list),
        empty=_("No barrier report is waiting."),
    )


def report_waiting(actor: Actor, report_id: int) -> BarrierReport:
    """A report of the inspector's region waiting for moderation (an unknown one, another
    region's and a moderated one answer alike)."""
    found = reports_to_moderate(actor).filter(pk=report_id).first()
    if found is None:
        raise NotFound(ErrorCode.REPORT_NOT_FOUND, _("No such report, or not in your region."))
    return found
