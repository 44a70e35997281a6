"""Staff finish signing in with a second factor before they reach any page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from inclusio.core.roles import is_staff_role

# Pages an unverified staff member must still reach: the steps of signing in and out, and the
# language switch (so the second-factor page can be read in their language).
OPEN_VIEW_NAMES = frozenset(
    {"web:login", "web:logout", "web:second_factor", "web:second_factor_enrol", "set_language"}
)
# The API authenticates each request with its own token, never with the web session's factor.
OPEN_PATH_PREFIXES = ("/api/", "/i18n/")


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
        if not self._is_open(request) and second_factor_pending(request.user):
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
