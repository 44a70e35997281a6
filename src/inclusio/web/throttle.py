"""Login throttling, keyed so that nobody can lock another person out.

A failure is a wrong password, a wrong second-factor code or a wrong enrolment code. Two
counts pause signing in, each over the last ``LOGIN_FAILURE_WINDOW_SECONDS``:

- one account from one address (``LOGIN_FAILURE_LIMIT``): guessing one password from here;
- one address, any accounts (``LOGIN_ADDRESS_FAILURE_LIMIT``): trying many accounts from here.

No count covers one account from every address: failures spread over many addresses would then
lock the holder out, from anywhere, by someone who knows only the user name. While paused, a
login is refused before the password is checked, so guessing gains nothing during the pause.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from inclusio.core.models import LoginFailure


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy (``TRUSTED_PROXIES``).

    Then X-Forwarded-For is read from the right, where each proxy appended the address that
    connected to it, and the first address that is not a trusted proxy is the client. What lies
    to its left was written by the client and may be anything, so it is never read. A hop that
    is not an address ends the walk at the last trusted proxy.
    """
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    client = remote
    if _trusted(remote):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break
            client = address
            if not _trusted(address):
                break
    return str(client)


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_refused(username: str, address: str | None) -> bool:
    """True when this account from this address, or this address, has used up its failures."""
    recent = LoginFailure.objects.filter(at__gte=_window_start(), address=address)
    if recent.filter(username=username[:150]).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    return recent.count() >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def record_login_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], address=address)
    # Failures older than the window no longer count; drop them so the table stays small.
    LoginFailure.objects.filter(at__lt=_window_start()).delete()


def clear_login_failures(username: str, address: str | None) -> None:
    """After a complete sign-in, the account's slips from this address are forgiven.

    The address's failures at other accounts stay: otherwise anyone holding one valid account
    could reset the address limit by signing in to it between guesses at other accounts.
    """
    LoginFailure.objects.filter(username=username[:150], address=address).delete()
