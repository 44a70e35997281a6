"""The holder's own password: changed when signed in; reset by a person with a one-time code;
and the demonstration's outbox, where that code can be read in place of a phone."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from inclusio.core import accounts, notices
from inclusio.core.errors import DomainError, ErrorCode
from inclusio.core.http import add_domain_error
from inclusio.core.models import User
from inclusio.web.forms import PasswordChangeForm, ResetCodeForm, ResetRequestForm
from inclusio.web.throttle import (
    clear_login_failures,
    client_address,
    login_refused,
    record_login_failure,
)
from inclusio.web.views import TOO_MANY_REQUESTS, _refusal_message

# The session key of the user name or IIN a reset code was asked for, between the two steps.
RESET_FOR = "inclusio_password_reset_for"
# Where each refusal of the services is shown on the forms.
FIELD_OF_ERROR = {
    ErrorCode.PASSWORD_CURRENT_WRONG: "current_password",
    ErrorCode.PASSWORD_UNCHANGED: "new_password",
    ErrorCode.PASSWORD_NOT_ACCEPTED: "new_password",
    ErrorCode.RESET_CODE_WRONG: "code",
    ErrorCode.RESET_CODE_USED: "code",
    ErrorCode.RESET_CODE_EXPIRED: "code",
    ErrorCode.RESET_CODE_VOIDED: "code",
}
# The refusals that may be someone guessing: they count toward the sign-in throttle.
GUESSES = {ErrorCode.PASSWORD_CURRENT_WRONG, ErrorCode.RESET_CODE_WRONG}


def _show_refusal(form: PasswordChangeForm | ResetCodeForm, error: DomainError) -> None:
    add_domain_error(form, error, FIELD_OF_ERROR.get(ErrorCode(error.code)))


@sensitive_post_parameters("current_password", "new_password", "new_password_again")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        username, address = request.user.get_username(), client_address(request)
        if login_refused(username, address):
            form.add_error(None, _refusal_message())
            status = TOO_MANY_REQUESTS
        else:
            try:
                account = accounts.account_password_change(
                    account=request.user,
                    current_password=form.cleaned_data["current_password"],
                    new_password=form.cleaned_data["new_password"],
                )
            except DomainError as error:
                if error.code in GUESSES:
                    record_login_failure(username, address)
                _show_refusal(form, error)
                status = error.status
            else:
                # This session goes on with the new password; every other one has ended.
                update_session_auth_hash(request, account)
                messages.success(
                    request,
                    _("Your password is changed. Everywhere else your account was signed out."),
                )
                return redirect("web:home")
    elif form.is_bound:
        status = 422
    return render(request, "web/password_change.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """First step: the user name or IIN. The answer is the same whether or not an account that
    may be reset this way exists, so the page tells nobody who is registered."""
    if request.user.is_authenticated:
        return redirect("web:password_change")
    form = ResetRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        identifier = form.cleaned_data["identifier"].strip()
        address = client_address(request)
        if login_refused(identifier, address):
            form.add_error(None, _refusal_message())
            status = TOO_MANY_REQUESTS
        else:
            # Each request counts like a failed sign-in: one address cannot have codes sent to
            # account after account.
            record_login_failure(identifier, address)
            accounts.password_reset_code_send(actor=request.user, identifier=identifier)
            request.session[RESET_FOR] = identifier
            return redirect("web:password_reset_code")
    elif form.is_bound:
        status = 422
    return render(
        request,
        "web/password_reset.html",
        {"form": form, "outbox": notices.outbox_shown()},
        status=status,
    )


@sensitive_post_parameters("code", "new_password", "new_password_again")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_code(request: HttpRequest) -> HttpResponse:
    """Second step: the code and the new password, twice."""
    if request.user.is_authenticated:
        return redirect("web:password_change")
    identifier = request.session.get(RESET_FOR)
    if not isinstance(identifier, str):
        return redirect("web:password_reset")
    form = ResetCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        address = client_address(request)
        if login_refused(identifier, address):
            form.add_error(None, _refusal_message())
            status = TOO_MANY_REQUESTS
        else:
            try:
                account = accounts.password_reset_with_code(
                    identifier=identifier,
                    code=form.cleaned_data["code"],
                    new_password=form.cleaned_data["new_password"],
                )
            except DomainError as error:
                if error.code in GUESSES:
                    record_login_failure(identifier, address)
                _show_refusal(form, error)
                status = error.status
            else:
                del request.session[RESET_FOR]
                clear_login_failures(identifier, address)
                clear_login_failures(account.get_username(), address)
                messages.success(request, _("Your password is changed. Sign in with it."))
                return redirect("web:login")
    elif form.is_bound:
        status = 422
    context = {
        "form": form,
        "minutes": settings.PASSWORD_RESET_CODE_MINUTES,
        "outbox": notices.outbox_shown(),
    }
    return render(request, "web/password_reset_code.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def outbox(request: HttpRequest) -> HttpResponse:
    """The demonstration's outbox: there only when its backend is configured, which only a
    demonstration or development installation allows."""
    if not notices.outbox_shown():
        raise Http404
    return render(request, "web/outbox.html", {"sent": notices.outbox()})
