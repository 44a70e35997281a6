"""Login throttling: too many failures for one account or from one address pause logins.

A failure is a wrong password or a wrong second-factor code. While paused, a login is refused
before the password is even checked, so guessing gains nothing during the pause.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from inclusio.core.models import LoginFailure


def client_address(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded header can be forged by the client unless a trusted proxy
    # rewrites it, and the proxy set-up is the operator's business, not this module's.
    return request.META.get("REMOTE_ADDR") or None


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_refused(username: str, address: str | None) -> bool:
    """True when the account or the address has used up its failures in the window."""
    limit = settings.LOGIN_FAILURE_LIMIT
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    if recent.filter(username=username).count() >= limit:
        return True
    return address is not None and recent.filter(address=address).count() >= limit


def record_login_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], address=address)
    # Failures older than the window no longer count; drop them so the table stays small.
    LoginFailure.objects.filter(at__lt=_window_start()).delete()


def clear_login_failures(username: str) -> None:
    """After a complete sign-in the account's earlier slips are forgiven.

    The address's failures stay: otherwise anyone holding one valid account could reset the
    address limit by signing in to it between guesses at other accounts.
    """
    LoginFailure.objects.filter(username=username).delete()
