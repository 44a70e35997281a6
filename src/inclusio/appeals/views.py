"""Pages of appeals: the person's list of appeals with each step, the appeal form reached from
the decision's own page, one appeal's page (for the person: its steps and the decision; for
the deciding body: taking it up and the decide form), and the body's worklist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inclusio.appeals import selectors, services
from inclusio.appeals.decisions import contested
from inclusio.appeals.forms import (
    AppealForm,
    BenefitRemedyForm,
    DecideForm,
    HousingRemedyForm,
    MseRemedyForm,
    OrderRemedyForm,
    PlacementRemedyForm,
)
from inclusio.appeals.models import Appeal, Kind
from inclusio.core import access
from inclusio.core.appealing import appeal_window
from inclusio.core.errors import DomainError
from inclusio.core.http import add_domain_error


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    appeals = selectors.appeals_mine(actor=request.user)
    return render(request, "appeals/mine.html", {"appeals": appeals})


@login_required
def new(request: HttpRequest, kind: str, decision_id: int) -> HttpResponse:
    if kind not in Kind.values:
        raise access.not_yours()
    form = AppealForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["attachment"]
            uploads = (
                [services.Upload(form.cleaned_data["attachment_title"], upload)] if upload else []
            )
            try:
                appeal = services.appeal_file(
                    actor=request.user,
                    kind=kind,
                    decision_id=decision_id,
                    grounds=form.cleaned_data["grounds"],
                    attachments=uploads,
                )
            except DomainError as exc:
                if exc.status not in (409, 422):
                    raise
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Your appeal is filed. It must be decided by %(day)s.")
                    % {"day": appeal.deadline.isoformat()},
                )
                return redirect("appeals:appeal", appeal_id=appeal.pk)
    # Read for the page only: filing reads (and checks) the decision itself.
    found = selectors.contested_for_filing(actor=request.user, kind=kind, decision_id=decision_id)
    context = {
        "form": form,
        "kind": Kind(kind),
        "contested": found,
        "period_days": appeal_window(kind, decision_id, found.decided_on).days,
    }
    return render(request, "appeals/new.html", context, status=status)


_REMEDY_FORMS: dict[str, type[DecideForm]] = {
    Kind.MSE_DECISION: MseRemedyForm,
    Kind.BENEFIT_DECISION: BenefitRemedyForm,
    Kind.HOUSING_POSITION: HousingRemedyForm,
    Kind.ORDER_DISPUTE: OrderRemedyForm,
    Kind.SOCIAL_PLACEMENT: PlacementRemedyForm,
}


def _decide_form(appeal: Appeal, data: Any = None) -> DecideForm:
    return _REMEDY_FORMS.get(appeal.kind, DecideForm)(data)


def _appeal_page(
    request: HttpRequest,
    appeal_id: int,
    *,
    decide_form: DecideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    appeal = selectors.appeal_get(actor=request.user, appeal_id=appeal_id)
    decider = selectors.may_decide(request.user, appeal)
    own = access.may_act_for(request.user, appeal.person)
    found = contested(appeal.kind, appeal.decision_id)
    context = {
        "appeal": appeal,
        "steps": list(appeal.steps.all()),
        "attachments": list(appeal.attachments.all()),
        "contested_url": found.url if found and (own or decider) else "",
        "own": own,
        "decider": decider,
        "decide_form": decide_form
        or (_decide_form(appeal) if decider and appeal.is_open else None),
    }
    return render(request, "appeals/appeal.html", context, status=status)


@login_required
def appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    return _appeal_page(request, appeal_id)


@login_required
@require_POST
def take_up(request: HttpRequest, appeal_id: int) -> HttpResponse:
    services.appeal_take_up(actor=request.user, appeal_id=appeal_id)
    messages.success(request, _("The appeal is under review. The person sees it on its page."))
    return redirect("appeals:appeal", appeal_id=appeal_id)


@login_required
@require_POST
def decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = selectors.appeal_get(actor=request.user, appeal_id=appeal_id)
    form = _decide_form(appeal, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        remedy = services.Remedy(
            category=data.get("category") or "",
            disability_cause=data.get("disability_cause") or "",
            amount_kzt=data.get("amount_kzt"),
            from_day=data.get("from_day"),
            registered_on=data.get("registered_on"),
            order_remedy=data.get("order_remedy") or "",
        )
        try:
            services.appeal_decide(
                actor=request.user,
                appeal_id=appeal_id,
                outcome=data["outcome"],
                reasons=data["reasons"],
                remedy=remedy,
            )
        except DomainError as exc:
            if exc.status not in (409, 422):
                raise
            add_domain_error(form, exc)
            return _appeal_page(request, appeal_id, decide_form=form, status=exc.status)
        messages.success(request, _("The appeal is decided. The person is told on its page."))
        return redirect("appeals:appeal", appeal_id=appeal_id)
    return _appeal_page(request, appeal_id, decide_form=form, status=422)


@login_required
@require_POST
def withdraw(request: HttpRequest, appeal_id: int) -> HttpResponse:
    services.appeal_withdraw(actor=request.user, appeal_id=appeal_id)
    messages.success(request, _("Your appeal is withdrawn."))
    return redirect("appeals:appeal", appeal_id=appeal_id)


@login_required
def attachment(request: HttpRequest, appeal_id: int, attachment_id: int) -> FileResponse:
    """A document of the appeal, for those who may read the appeal, served as the type found on
    upload and never as anything a browser would run."""
    appeal = selectors.appeal_get(actor=request.user, appeal_id=appeal_id)
    found = appeal.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise access.not_yours()
    response = FileResponse(
        default_storage.open(found.file.name or ""), content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
