"""Middleware of the web layer: the staff second factor, staff idle sign-out, no caching.

- The second factor's device is read on every request (django_otp), its read written once.
- Staff finish signing in with a second factor before they reach any page.
- Staff are signed out after ``STAFF_IDLE_SECONDS`` without a request.
- No answer to a signed-in user, and no API answer, may be kept by a browser or a proxy cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.models import Device

from inclusio.core.roles import is_staff_role
from inclusio.core.rows import fetch_one

# The session key of the time (epoch seconds) of a staff member's last request.
LAST_SEEN = "inclusio_last_seen"
# The last-seen time is written back at most this often, so a page with many requests does not
# write the session each time; the idle limit is then exact to within this many seconds.
LAST_SEEN_RESOLUTION = 60

# Pages an unverified staff member must still reach: the steps of signing in and out, and the
# language switch (so the second-factor page can be read in their language).
OPEN_VIEW_NAMES = frozenset(
    {"web:login", "web:logout", "web:second_factor", "web:second_factor_enrol", "set_language"}
)
# The API authenticates each request with its own token, never with the web session's factor.
OPEN_PATH_PREFIXES = ("/api/", "/i18n/")


class OTPMiddleware(DjangoOTPMiddleware):
    """django_otp's middleware, reading the session's device without the query compiler
    (core.rows): it runs on every request of a signed-in staff member. Which device, and the
    checks on it (its account, confirmed), are django_otp's own."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        try:
            label, number = self._normalize_persistent_id(persistent_id).rsplit("/", 1)
            model = apps.get_model(label)
            if not issubclass(model, Device):
                return None
            return fetch_one(model, '"id" = %s', [int(number)])
        except (ValueError, LookupError):
            return None


def second_factor_pending(user: Any) -> bool:
    """True for a signed-in staff member who has not yet proved the second factor.

    ``user.is_verified`` comes from django_otp's OTPMiddleware, which must run before this.
    """
    return bool(
        settings.STAFF_SECOND_FACTOR_REQUIRED
        and user.is_authenticated
        and not user.is_verified()
        and is_staff_role(user)
    )


def second_factor_url(next_url: str | None) -> str:
    url = reverse("web:second_factor")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Whether the factor is pending first: a verified account's request (nearly all of them)
        # then resolves no address.
        if second_factor_pending(request.user) and not self._is_open(request):
            return HttpResponseRedirect(second_factor_url(request.get_full_path()))
        return self.get_response(request)

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        if request.path_info.startswith(OPEN_PATH_PREFIXES):
            return True
        if request.path.startswith(str(settings.STATIC_URL)):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in OPEN_VIEW_NAMES


def start_staff_session(request: HttpRequest) -> None:
    """Mark a staff member's new session: from now on it ends after the idle limit.

    Marked once at sign-in, so that no request has to look up the account's roles again.
    """
    request.session[LAST_SEEN] = int(time.time())
    request.session.set_expiry(settings.STAFF_IDLE_SECONDS)


class StaffIdleTimeoutMiddleware:
    """Sign staff out after ``STAFF_IDLE_SECONDS`` without a request.

    A staff session reaches every person of a region; left open on an office computer it is
    somebody else's. Persons' sessions keep Django's length (``SESSION_COOKIE_AGE``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        last_seen = request.session.get(LAST_SEEN)
        if last_seen is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - last_seen > settings.STAFF_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("You were signed out after a time without activity."))
                login = reverse("web:login")
                return HttpResponseRedirect(f"{login}?{urlencode({'next': request.path})}")
            if now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
                # The stored session and its cookie end with the idle limit too.
                request.session.set_expiry(settings.STAFF_IDLE_SECONDS)
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer to a signed-in user and every API answer.

    The rule is deliberately wider than "pages with personal data": which page shows whose
    data changes as the platform grows, and a page kept in a shared computer's cache or a proxy
    is read by the next user. Anonymous pages (the sign-in form, the public ones) and static
    files (answered by WhiteNoise before this) may still be cached.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith("/api/") or request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
