"""The payment officer's page: the payment files sent and the bank's status reports imported,
and the form to upload a status report (the same service as ``payments-status-import``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inclusio.core.errors import DomainError, ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.payments import selectors, services
from inclusio.payments.errors import ErrorCode
from inclusio.payments.forms import StatusReportForm


@login_required
@require_http_methods(["GET", "POST"])
def status_reports(request: HttpRequest) -> HttpResponse:
    services.require_payment_officer(request.user)
    form = StatusReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                imported = services.status_report_import(
                    actor=request.user, content=_read(form.cleaned_data["report"])
                )
            except DomainError as exc:
                add_domain_error(form, exc, "report")
                status = exc.status
            else:
                messages.success(
                    request,
                    _(
                        "The status report %(report)s is imported: %(paid)s paid, %(rejected)s "
                        "rejected, %(accepted)s accepted and not yet paid."
                    )
                    % {
                        "report": imported.report.message_id,
                        "paid": imported.paid,
                        "rejected": imported.rejected,
                        "accepted": imported.accepted,
                    },
                )
                return redirect("payments:status_reports")
    return render(
        request,
        "payments/status_reports.html",
        {
            "form": form,
            "reports": selectors.recent_reports(actor=request.user),
            "files": selectors.recent_files(actor=request.user),
        },
        status=status,
    )


def _read(upload: object) -> bytes:
    """The uploaded file's bytes; refused before reading when it is over the limit."""
    if upload is None:
        raise ValidationFailed(
            ErrorCode.STATUS_REPORT_EMPTY, _("No file was chosen. Nothing was imported.")
        )
    limit = settings.PAYMENTS_STATUS_REPORT_MAX_BYTES
    size = getattr(upload, "size", 0) or 0
    if size > limit:
        raise ValidationFailed(
            ErrorCode.STATUS_REPORT_TOO_LARGE,
            _("The status report is larger than %(limit)s MB. Nothing was imported."),
            limit=f"{limit / 1_000_000:g}",
        )
    content: bytes = upload.read()  # type: ignore[attr-defined]
    return content
