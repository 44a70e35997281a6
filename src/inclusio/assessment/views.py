from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inclusio.assessment import selectors, services
from inclusio.assessment.errors import ErrorCode
from inclusio.assessment.forms import DecisionForm, ReferralForm
from inclusio.assessment.models import Referral
from inclusio.assessment.services import NewPerson
from inclusio.core import access
from inclusio.core.appealing import appeal_window
from inclusio.core.errors import DomainError, NotFound, ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import REFERRAL_DECIDE, REFERRAL_FILE, REFERRAL_QUEUE
from inclusio.registry.errors import ErrorCode as RegistryErrorCode
from inclusio.registry.forms import PopulationLookupForm, initial_from_population
from inclusio.registry.population import population_record
from inclusio.registry.selectors import person_get
from inclusio.rehabilitation import selectors as rehabilitation_selectors
from inclusio.rehabilitation.errors import ErrorCode as RehabilitationErrorCode
from inclusio.rehabilitation.forms import ADD_ROW, prescription_formset, with_a_row_more

# Which form field a refusal belongs to, by its code or the code's first word; others show at
# the top of the form.
REFERRAL_ERROR_FIELDS = {
    RegistryErrorCode.IIN_BIRTH_DATE_MISMATCH: "birth_date",
    RegistryErrorCode.IIN_SEX_MISMATCH: "sex",
    RegistryErrorCode.NAME_REQUIRED: "surname",
    "BIN": "organisation_bin",
    "IIN": "iin",
    "PERSON": "iin",
    "DIAGNOSIS": "diagnosis_code",
    ErrorCode.DOCUMENT_SIZE: "document_size_bytes",
    "DOCUMENT": "document_sha256",
}
DECISION_ERROR_FIELDS = {
    "CATEGORY": "category",
    "LOSS": "work_capacity_loss_pct",
    "REEXAMINATION": "reexamination_date",
    "RATIONALE": "rationale",
    "CAUSE": "cause",
}


def _field_for(code: str, fields: dict[str, str]) -> str | None:
    return fields.get(code) or fields.get(code.split("_")[0])


@login_required
@permission_required(REFERRAL_QUEUE, raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessment/queue.html",
        {"referrals": selectors.referral_queue(actor=request.user)},
    )


@login_required
@permission_required(REFERRAL_FILE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    """Refer a person; someone not yet registered is registered with the referral, from the
    population register's record (looked up by GET) or from details typed by hand."""
    asked = request.GET if request.method == "GET" and "lookup-iin" in request.GET else None
    lookup = PopulationLookupForm(asked, prefix="lookup")
    initial: dict[str, Any] = {"iin": request.GET.get("iin", "")}
    record = None
    if asked is not None and lookup.is_valid():
        try:
            record = population_record(actor=request.user, iin=lookup.cleaned_data["iin"])
        except ValidationFailed as exc:
            add_domain_error(lookup, exc, "iin")
        else:
            initial["iin"] = lookup.cleaned_data["iin"].strip()
            if record is not None:
                initial.update(initial_from_population(record))
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        documents = []
        if data["document_title"]:
            documents.append(
                services.DocumentMeta(
                    title=data["document_title"],
                    issued_on=data["document_issued_on"],
                    file_name=data["document_file_name"],
                    sha256=data["document_sha256"],
                    size_bytes=data["document_size_bytes"],
                )
            )
        referral_data = {
            "kind": data["kind"],
            "mode": data["mode"],
            "organisation_name": data["organisation_name"],
            "organisation_bin": data["organisation_bin"],
            "diagnosis_code": data["diagnosis_code"],
            "clinical_summary": data["clinical_summary"],
            "documents": documents,
        }
        try:
            referral = _file(request, data["iin"], form.new_person(), referral_data)
        except DomainError as exc:
            add_domain_error(form, exc, _field_for(exc.code, REFERRAL_ERROR_FIELDS))
        else:
            messages.success(
                request,
                _("Referral %(id)s filed; the expertise will decide by %(day)s.")
                % {"id": referral.pk, "day": referral.deadline.isoformat()},
            )
            return redirect("assessment:referral", referral.pk)
    return render(
        request,
        "assessment/referral_new.html",
        {"form": form, "lookup": lookup, "record": record, "looked_up": asked is not None},
    )


def _file(
    request: HttpRequest, iin: str, new_person: NewPerson | None, referral_data: dict[str, Any]
) -> Referral:
    """File for a registered person the doctor may see; else register the person given with
    the referral. Unknown and out of scope answer alike."""
    try:
        person = person_get(
            actor=request.user, iin=iin, purpose=Purpose.EXPERTISE, what=Seen.REFERRAL_FILE
        )
    except NotFound:
        if new_person is None:
            raise ValidationFailed(
                ErrorCode.PERSON_DETAILS_REQUIRED,
                _(
                    "No such person in the registry, or not yours to see. To refer someone "
                    "not yet registered, give their details under “Not yet in the registry”."
                ),
            ) from None
        return services.referral_file_registering(
            actor=request.user, new_person=new_person, **referral_data
        )
    return services.referral_file(actor=request.user, person=person, **referral_data)


def _decision_form_as_sent(data: Any) -> DecisionForm:
    """The decision form unbound, holding what was sent: shown again after "Add a row", which
    decides nothing and so shows no error yet."""
    initial = {name: data.get(name) for name in DecisionForm.base_fields}
    initial["limitations"] = data.getlist("limitations")
    return DecisionForm(initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    found = selectors.referral_get(actor=request.user, referral_id=referral_id)
    can_decide = found.state == found.State.QUEUED and request.user.has_perm(REFERRAL_DECIDE)
    form = prescription = None
    if can_decide and request.method == "POST" and ADD_ROW in request.POST:
        form, prescription = _decision_form_as_sent(request.POST), with_a_row_more(request.POST)
    elif can_decide:
        form = DecisionForm(request.POST or None)
        prescription = prescription_formset(request.POST or None)
    if request.method == "POST" and ADD_ROW not in request.POST:
        if form is None or prescription is None:
            messages.error(request, _("This referral can no longer be decided."))
            return redirect("assessment:referral", found.pk)
        if form.is_valid() and prescription.sent_valid():
            data = form.cleaned_data
            try:
                services.referral_decide(
                    actor=request.user,
                    referral=found,
                    outcome=data["outcome"],
                    rationale=data["rationale"],
                    category=data["category"],
                    cause=data["cause"],
                    valid_from=data["valid_from"],
                    reexamination_date=data["reexamination_date"],
                    limitations=data["limitations"],
                    work_capacity_loss_pct=data["work_capacity_loss_pct"],
                    prescription=prescription.prescription(),
                )
            except DomainError as exc:
                # A refusal of the prescription as a whole shows at the top of the form.
                field = (
                    None
                    if exc.code in RehabilitationErrorCode
                    else _field_for(exc.code, DECISION_ERROR_FIELDS)
                )
                add_domain_error(form, exc, field)
            else:
                messages.success(request, _("Decision recorded; the registry is updated."))
                return redirect("assessment:referral", found.pk)
    # The expertise sees the programme the person holds beside the referral it decides.
    programme = (
        rehabilitation_selectors.programme_view(
            actor=request.user, person=found.person, purpose=Purpose.EXPERTISE
        )
        if request.user.has_perm(REFERRAL_DECIDE)
        else None
    )
    return render(
        request,
        "assessment/referral.html",
        {
            "referral": found,
            "form": form,
            "prescription": prescription,
            "programme": programme,
            "appeal_window": appeal_window(
                "mse_decision", found.decision.pk, found.decision.decided_at
            )
            if found.state == found.State.DECIDED and access.may_act_for(request.user, found.person)
            else None,
        },
    )
