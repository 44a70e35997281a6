"""The benefits pages: the person's offers, awards and decisions; why; runs; payroll."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inclusio.benefits import page_data, selectors, services
from inclusio.benefits.forms import AnswerForm, CorrectedAccountForm, PayrollForm, ReopenForm
from inclusio.benefits.models import Decision, Proposal
from inclusio.core import access
from inclusio.core.appealing import appeal_window
from inclusio.core.errors import Conflict, DomainError, ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import PAYROLL_MANAGE, REFUSAL_REOPEN, SCREENING_VIEW
from inclusio.registry import selectors as registry_selectors
from inclusio.registry.models import Person


def _answer_field(code: str) -> str | None:
    """The field a refusal of the consent belongs to, by its code; others go to the top."""
    return "iban" if code.startswith(("IBAN", "PAYMENT_ACCOUNT", "ACCOUNT")) else None


# --- the person -------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    own = registry_selectors.own_person(request.user)
    page = page_data.benefits_page(actor=request.user, person=own) if own else None
    return _benefits_page(request, page, registry_selectors.represented_persons(request.user))


@login_required
@require_GET
def for_person(request: HttpRequest, iin: str) -> HttpResponse:
    """The benefits of someone the user represents (or, for staff, a person of their region)."""
    person = registry_selectors.person_get(
        actor=request.user, iin=iin, purpose=Purpose.BENEFITS, what=Seen.BENEFITS
    )
    if person.user_id == request.user.pk:
        return redirect("benefits:mine")
    page = page_data.benefits_page(actor=request.user, person=person)
    return _benefits_page(request, page, [])


def _benefits_page(
    request: HttpRequest,
    page: page_data.BenefitsPage | None,
    represented: list[Person],
    account_form: CorrectedAccountForm | None = None,
    status: int = 200,
) -> HttpResponse:
    unread = page is not None and page.answers and any(notice.new for notice in page.notices)
    return render(
        request,
        "benefits/mine.html",
        {
            "page": page,
            "represented": represented,
            "unread": unread,
            "account_form": account_form or CorrectedAccountForm(),
        },
        status=status,
    )


@login_required
@require_POST
def payment_account(request: HttpRequest, iin: str) -> HttpResponse:
    """A corrected bank account, given by the person or their representative on the benefits
    page after the bank returned a payment; the held payments go in the next payment file."""
    person = registry_selectors.person_get(
        actor=request.user, iin=iin, purpose=Purpose.BENEFITS, what=Seen.BENEFITS
    )
    form = CorrectedAccountForm(request.POST)
    if form.is_valid():
        try:
            services.payment_account_give(
                actor=request.user, person_id=person.pk, iban=form.cleaned_data["iban"]
            )
        except ValidationFailed as exc:
            add_domain_error(form, exc, "iban")
        else:
            messages.success(
                request,
                _("The account is saved: the returned payments will be paid to it."),
            )
            if person.user_id == request.user.pk:
                return redirect("benefits:mine")
            return redirect("benefits:for_person", iin)
    page = page_data.benefits_page(actor=request.user, person=person)
    own = person.user_id == request.user.pk
    represented = registry_selectors.represented_persons(request.user) if own else []
    return _benefits_page(request, page, represented, form, 422)


@login_required
@require_POST
def messages_read(request: HttpRequest, iin: str) -> HttpResponse:
    """'Mark as read': a POST, because it writes (and is audited); opening a page writes
    nothing. Answering an offer reads its messages too."""
    services.messages_mark_read(actor=request.user, person_iin=iin)
    person = registry_selectors.own_person(request.user)
    if person is not None and person.iin == iin:
        return redirect("benefits:mine")
    return redirect("benefits:for_person", iin)


def _answered(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    """A second answer to an offer: the first one stands; show it."""
    decision = Decision.objects.filter(proposal=proposal, withdrawn_at__isnull=True).first()
    if decision is None:
        messages.info(request, _("This offer is no longer open: nothing was changed."))
        return redirect("benefits:offer", proposal.pk)
    messages.info(
        request,
        _("You already answered this offer on %(day)s. Your answer stands.")
        % {"day": page_data.date_text(decision.decided_at)},
    )
    return redirect("benefits:decision", decision.pk)


@login_required
@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get(actor=request.user, proposal_id=proposal_id)
    person = proposal.person
    pending = proposal.status == Proposal.Status.PENDING
    can_answer = pending and page_data.may_answer(request.user, person)
    pays_money = bool(proposal.programme.cash and proposal.amount_kzt)
    account = (
        selectors.payment_account_current(actor=request.user, person=person)
        if can_answer and pays_money
        else None
    )
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        pays_money=pays_money,
        has_account=account is not None,
    )
    if request.method == "POST":
        if not pending:
            return _answered(request, proposal)
        if not can_answer:
            messages.error(request, _("Only the person or their representative can answer."))
            return redirect("benefits:offer", proposal.pk)
        if form.is_valid():
            if form.cleaned_data["answer"] == AnswerForm.REFUSE:
                # A refusal is asked once more on a page of its own; nothing is written yet.
                return redirect("benefits:offer_refuse", proposal.pk)
            try:
                decision = services.proposal_accept(
                    actor=request.user,
                    proposal_id=proposal.pk,
                    payment_account=form.cleaned_data.get("iban") or None,
                )
            except DomainError as exc:
                add_domain_error(form, exc, _answer_field(exc.code))
            else:
                messages.success(request, _("Thank you. Your consent is recorded."))
                return redirect("benefits:decision", decision.pk)
    answered = (
        None
        if pending
        else Decision.objects.filter(proposal=proposal, withdrawn_at__isnull=True).first()
    )
    return render(
        request,
        "benefits/offer.html",
        {
            "proposal": proposal,
            "title": proposal.programme.title_in(page_data.reader_language()),
            "amount": page_data.amount_text(proposal.amount_kzt, proposal.programme, proposal.rate),
            "group": page_data.group_choice(proposal),
            "closed": page_data.group_closed(proposal),
            "previous_amount": page_data.monthly_text(proposal.previous_amount_kzt)
            if proposal.previous_amount_kzt is not None
            else "",
            "offered": page_data.date_text(proposal.created_at),
            "pending": pending,
            "can_answer": can_answer,
            "pays_money": pays_money,
            "form": form,
            "account": page_data.account_text(account.iban) if account else "",
            "decision": answered,
            "decided": page_data.date_text(answered.decided_at) if answered else "",
            "own": person.user_id == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_refuse(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """'Do you refuse?': the refusal is written only when confirmed here (a POST)."""
    proposal = selectors.proposal_get(actor=request.user, proposal_id=proposal_id)
    if proposal.status != Proposal.Status.PENDING:
        return _answered(request, proposal)
    if not page_data.may_answer(request.user, proposal.person):
        messages.error(request, _("Only the person or their representative can answer."))
        return redirect("benefits:offer", proposal.pk)
    if request.method == "POST":
        decision = services.proposal_refuse(actor=request.user, proposal_id=proposal.pk)
        messages.success(request, _("Your refusal is recorded."))
        return redirect("benefits:decision", decision.pk)
    return render(
        request,
        "benefits/refuse.html",
        {
            "proposal": proposal,
            "title": proposal.programme.title_in(page_data.reader_language()),
            "own": proposal.person.user_id == request.user.pk,
            "days": settings.REFUSAL_WITHDRAWAL_DAYS,
        },
    )


@login_required
@require_GET
def offer_why(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get(actor=request.user, proposal_id=proposal_id)
    return render(
        request,
        "benefits/why.html",
        {
            "why": page_data.why(proposal, actor=request.user),
            "person": proposal.person,
            "proposal": proposal,
        },
    )


def _reconsidering(request: HttpRequest, found: Decision) -> dict[str, object]:
    """What the decision page offers for a refusal still standing: the person may withdraw it
    within the period; an officer of the region may reopen it with a reason."""
    if found.outcome != Decision.Outcome.REFUSED or found.withdrawn_at is not None:
        return {}
    until = services.refusal_withdrawable_until(found)
    return {
        "can_withdraw": page_data.may_answer(request.user, found.person)
        and timezone.now() <= until,
        "withdraw_until": page_data.date_text(until),
        "can_reopen": access.may(request.user, REFUSAL_REOPEN, found.person.region_id),
    }


@login_required
@require_GET
def decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    found = selectors.decision_get(actor=request.user, decision_id=decision_id)
    return _decision_page(request, found, ReopenForm())


def _decision_page(
    request: HttpRequest, found: Decision, reopen_form: ReopenForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "benefits/decision.html",
        {
            **_reconsidering(request, found),
            "reopen_form": reopen_form,
            "withdrawn": page_data.date_text(found.withdrawn_at) if found.withdrawn_at else "",
            "decision": found,
            "title": found.programme.title_in(page_data.reader_language()),
            "outcome": page_data.decision_outcome(found),
            "amount": page_data.amount_text(
                found.amount_kzt, found.programme, found.explanation.get("rate")
            ),
            "amount_is_money": found.amount_kzt is not None,
            "one_off": found.programme.one_off,
            **page_data.group_decided(found),
            "decided": page_data.date_text(found.decided_at),
            "person": found.person,
            "own": found.person.user_id == request.user.pk,
            "appeal_window": appeal_window("benefit_decision", found.pk, found.decided_at)
            if found.withdrawn_at is None and page_data.may_answer(request.user, found.person)
            else None,
        },
        status=status,
    )


@login_required
@require_POST
def decision_withdraw(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The person (or their representative) withdraws a refusal: the offer waits again."""
    proposal = services.proposal_refusal_withdraw(actor=request.user, decision_id=decision_id)
    messages.success(
        request, _("Your refusal is withdrawn. The offer waits for your answer again.")
    )
    return redirect("benefits:offer", proposal.pk)


@login_required
@require_POST
def decision_reopen(request: HttpRequest, decision_id: int) -> HttpResponse:
    """An officer reopens a refusal at the person's request, with the reason."""
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            proposal = services.proposal_refusal_reopen(
                actor=request.user, decision_id=decision_id, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as exc:
            add_domain_error(form, exc, "reason")
        else:
            messages.success(request, _("The refusal is reopened: the offer waits for an answer."))
            return redirect("benefits:offer", proposal.pk)
    found = selectors.decision_get(actor=request.user, decision_id=decision_id)
    if not access.may(request.user, REFUSAL_REOPEN, found.person.region_id):
        raise access.not_yours()
    return _decision_page(request, found, form, status=422)


@login_required
@require_GET
def decision_why(request: HttpRequest, decision_id: int) -> HttpResponse:
    found = selectors.decision_get(actor=request.user, decision_id=decision_id)
    return render(
        request,
        "benefits/why.html",
        {
            "why": page_data.why(found, actor=request.user),
            "person": found.person,
            "decision": found,
        },
    )


# --- staff: screening runs ----------------------------------------------------------------------


@login_required
@permission_required(SCREENING_VIEW, raise_exception=True)
@require_GET
def runs(request: HttpRequest) -> HttpResponse:
    seen = selectors.runs_list(actor=request.user)
    rows = [
        {
            "view": view,
            "date": page_data.date_text(view.run.screening_date),
            "duration": page_data.duration_text(view.run.seconds),
            "totals": page_data.run_totals(view),
        }
        for view in seen
    ]
    region = seen[0].region_code if seen else None
    return render(
        request,
        "benefits/runs.html",
        {"rows": rows, "region_name": page_data.region_name(region)},
    )


@login_required
@permission_required(SCREENING_VIEW, raise_exception=True)
@require_GET
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    view = selectors.run_get(actor=request.user, run_id=run_id)
    return render(
        request,
        "benefits/run.html",
        {
            "view": view,
            "date": page_data.date_text(view.run.screening_date),
            "started": view.run.started_at,
            "duration": page_data.duration_text(view.run.seconds),
            "totals": page_data.run_totals(view),
            "programmes": page_data.run_programme_counts(view),
            "region_name": page_data.region_name(view.region_code),
        },
    )


# --- ministry: payroll ----------------------------------------------------------------------------


@login_required
@permission_required(PAYROLL_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def payrolls(request: HttpRequest) -> HttpResponse:
    form = PayrollForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            month = form.cleaned_data["month"]
            try:
                services.payroll_create(actor=request.user, month=month)
            except DomainError as exc:
                add_domain_error(form, exc, "month")
                status = exc.status
            else:
                messages.success(
                    request,
                    _("The payroll for %(month)s is ready.")
                    % {"month": page_data.month_text(month)},
                )
                return redirect("benefits:payrolls")
    return _payrolls_page(request, form, status)


def _payrolls_page(
    request: HttpRequest,
    form: PayrollForm,
    status: int = 200,
    refusal: DomainError | None = None,
) -> HttpResponse:
    return render(
        request,
        "benefits/payrolls.html",
        {
            "form": form,
            "payrolls": page_data.payrolls_list(actor=request.user),
            # A refused approval or download: its message and the code to quote, on the page.
            "refusal": {"message": refusal.message, "code": refusal.code} if refusal else None,
        },
        status=status,
    )


# The approval and the download answer anyone without the national payroll permission with the
# service's refusal (NOT_MINISTRY: its message and code) rather than a bare 403: an officer of a
# region who tries learns why, in their language.
@login_required
@require_POST
def payroll_approve(request: HttpRequest, payroll_id: int) -> HttpResponse:
    """The second person's approval (four eyes), by a button on the payroll page."""
    try:
        payroll = services.payroll_approve(actor=request.user, payroll_id=payroll_id)
    except (ValidationFailed, Conflict) as exc:
        return _payrolls_page(request, PayrollForm(), exc.status, refusal=exc)
    messages.success(
        request,
        _("The payroll for %(month)s is approved; its payment file can now be produced.")
        % {"month": page_data.month_text(payroll.month)},
    )
    return redirect("benefits:payrolls")


@login_required
@never_cache
@require_POST
def payment_file(request: HttpRequest, payroll_id: int) -> HttpResponse:
    """The payment file, downloaded by a POST (a button on the payroll page), not by a link.

    Each download is recorded in the audit trail and in the access log of everyone in the file,
    so it must not happen on its own: a GET could be replayed from the history, prefetched by
    the browser or followed by a link checker, and its address would sit in logs. A POST also
    carries the CSRF token, and a signed one-time link would add a token store for no gain,
    since the person who asks is the one who downloads. The browser saves the answer as a file
    and stays on the page (``Content-Disposition: attachment``); ``never_cache`` keeps the
    names and accounts out of every cache (``Cache-Control: no-store``).
    """
    try:
        produced = services.payment_file_produce(actor=request.user, payroll_id=payroll_id)
    except (ValidationFailed, Conflict) as exc:
        return _payrolls_page(request, PayrollForm(), exc.status, refusal=exc)
    response = HttpResponse(produced.content, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{produced.name}"'
    return response
