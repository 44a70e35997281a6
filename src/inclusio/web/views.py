"""Home, sign-in (password, then a second factor for staff), sign-out, the admin's door."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.core.accounts import enrolment_code_check, second_factor_confirm
from inclusio.core.models import User
from inclusio.core.notices import recent_notices
from inclusio.core.roles import is_staff_role, roles_of
from inclusio.web.audit import audit_summary
from inclusio.web.forms import CodeForm, EnrolmentCodeForm, LoginForm
from inclusio.web.middleware import (
    second_factor_pending,
    second_factor_url,
    start_staff_session,
)
from inclusio.web.throttle import (
    clear_login_failures,
    client_address,
    login_refused,
    record_login_failure,
)
from inclusio.web.worklists import worklists_for

# 429 tells scripts and proxies that the pause is about rate, not about the credentials.
TOO_MANY_REQUESTS = 429


# The session key saying which account proved its enrolment code and may now set up an app.
ENROLMENT_ALLOWED = "inclusio_enrolment_allowed"


def home(request: HttpRequest) -> HttpResponse:
    """The start page; signed in, the account's worklists: what each of its roles has to do."""
    if not request.user.is_authenticated:
        return render(request, "web/home.html")
    return render(
        request,
        "web/home.html",
        {
            "roles": roles_of(request.user),
            "notices": recent_notices(request.user.pk),
            "worklists": worklists_for(request),
            "audit": audit_summary(request.user),
        },
    )


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """Where Django's admin sends whoever it does not let in.

    Its own sign-in form would bypass the throttle and the second factor, so the signed-out go
    to ours; a signed-in account without back-office rights is refused here, where sending it
    to the sign-in page would send it straight back to the admin, and round again.
    """
    if request.user.is_authenticated:
        raise PermissionDenied
    login = reverse("web:login")
    return redirect(f"{login}?{request.META['QUERY_STRING']}" if request.GET else login)


def _refusal_message() -> str:
    minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
    return ngettext(
        "Too many failed sign-in attempts. Signing in is paused for up to %(minutes)d minute.",
        "Too many failed sign-in attempts. Signing in is paused for up to %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _safe_next(request: HttpRequest) -> str | None:
    """The page to return to after signing in, if it is one of ours."""
    next_url = request.POST.get("next") or request.GET.get("next")
    # A path of this site only: "x" would pass the host check and then be taken by redirect()
    # for the name of a view.
    if (
        next_url
        and next_url.startswith("/")
        and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return next_url
    return None


def _finish_sign_in(request: HttpRequest, next_url: str | None) -> HttpResponse:
    clear_login_failures(request.user.get_username(), client_address(request))
    return redirect(next_url or reverse("web:home"))


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        if second_factor_pending(request.user):
            return redirect(second_factor_url(next_url))
        return redirect(next_url or reverse("web:home"))

    form = LoginForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        username = form.cleaned_data["username"]
        address = client_address(request)
        if login_refused(username, address):
            # Refused before the password is looked at, so guessing during the pause is useless.
            form.add_error(None, _refusal_message())
            status = TOO_MANY_REQUESTS
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                record_login_failure(username, address)
                # One message for an unknown user and a wrong password: no hint which it was.
                form.add_error(None, _("The username or the password is not right."))
            else:
                auth_login(request, user)
                if is_staff_role(user):
                    start_staff_session(request)
                    if settings.STAFF_SECOND_FACTOR_REQUIRED:
                        return redirect(second_factor_url(next_url))
                return _finish_sign_in(request, next_url)
    return render(request, "web/login.html", {"form": form}, status=status)


def _check_code(
    request: HttpRequest, form: CodeForm, device: TOTPDevice
) -> tuple[TOTPDevice | None, int]:
    """The device if the form's code is right, and the status for showing the form again.

    Wrong codes count toward the same throttle as wrong passwords.
    """
    username = request.user.get_username()
    address = client_address(request)
    if login_refused(username, address):
        form.add_error(None, _refusal_message())
        return None, TOO_MANY_REQUESTS
    verified = django_otp.verify_token(
        request.user, device.persistent_id, form.cleaned_data["code"]
    )
    if verified is None:
        record_login_failure(username, address)
        form.add_error("code", _("That code is not right. Enter the code your app shows now."))
    return verified, 200


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if not second_factor_pending(request.user):
        return redirect(next_url or reverse("web:home"))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        enrol_url = reverse("web:second_factor_enrol")
        return redirect(f"{enrol_url}?{urlencode({'next': next_url})}" if next_url else enrol_url)

    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        verified, status = _check_code(request, form, device)
        if verified is not None:
            django_otp.login(request, verified)
            request.session.cycle_key()
            return _finish_sign_in(request, next_url)
    return render(request, "web/second_factor.html", {"form": form}, status=status)


def _grouped(secret: str) -> str:
    """ABCD EFGH …: easier to read aloud and to type from a screen reader."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _account(request: HttpRequest) -> User:
    """The signed-in account, on the pages only a signed-in account reaches."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _enrolment_code_step(request: HttpRequest, next_url: str | None) -> HttpResponse:
    """First step of setting up an app: the one-time code an administrator handed over.

    The key is shown only after it, so a stolen password alone neither shows the key nor
    confirms a device. Wrong codes count toward the sign-in throttle and use up the code's tries.
    """
    form = EnrolmentCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        username = request.user.get_username()
        address = client_address(request)
        if login_refused(username, address):
            form.add_error(None, _refusal_message())
            status = TOO_MANY_REQUESTS
        elif enrolment_code_check(
            account=_account(request), code=form.cleaned_data["enrolment_code"]
        ):
            request.session[ENROLMENT_ALLOWED] = request.user.pk
            # A device begun before the code was proved is not trusted: start afresh.
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            enrol_url = reverse("web:second_factor_enrol")
            return redirect(
                f"{enrol_url}?{urlencode({'next': next_url})}" if next_url else enrol_url
            )
        else:
            record_login_failure(username, address)
            form.add_error(
                "enrolment_code",
                _(
                    "That enrolment code is not right, or it has expired or been used up. "
                    "Check it, or ask your administrator for a new one."
                ),
            )
            status = 422
    return render(request, "web/enrol_code.html", {"form": form}, status=status)


@sensitive_post_parameters("code", "enrolment_code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if not second_factor_pending(request.user):
        return redirect(next_url or reverse("web:home"))
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(second_factor_url(next_url))
    if request.session.get(ENROLMENT_ALLOWED) != request.user.pk:
        return _enrolment_code_step(request, next_url)

    # The same unconfirmed device across visits, so reloading the page keeps the QR code valid.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Inclusio", confirmed=False)

    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        verified, status = _check_code(request, form, device)
        if verified is not None:
            second_factor_confirm(account=_account(request), device=verified)
            del request.session[ENROLMENT_ALLOWED]
            django_otp.login(request, verified)
            request.session.cycle_key()
            messages.success(request, _("Your authenticator app is set up."))
            return _finish_sign_in(request, next_url)

    # A data: PNG in an <img>: the content security policy allows data: images, nothing has to
    # be fetched, and alt gives screen readers the text alternative.
    qr_code = segno.make(device.config_url, error="m").png_data_uri(scale=5, border=4)
    secret = _grouped(b32encode(device.bin_key).decode().rstrip("="))
    context = {"form": form, "qr_code": qr_code, "secret": secret}
    return render(request, "web/enrol.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("web:home")
