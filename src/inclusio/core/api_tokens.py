"""What the platform's bearer tokens for outside systems share — a supplier's till and a
dispatch centre's system each call with the token of one account (``marketplace/tokens.py``,
``emergency/tokens.py``).

A token is shown once in clear and kept only as its SHA-256 digest. Resolving one is a hot
path (a till or a dispatch system calls many times a second), so the account a digest resolves
to is cached for ``AUTH_CACHE_SECONDS``, with its groups, which the access log names on every
read; a revocation drops the entry at once in its process and lapses within that time in the
others."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja.security import HttpBearer

from inclusio.core.models import User


def new_token(prefix: str) -> tuple[str, str]:
    """A new clear token starting with ``prefix`` (which tells the kind apart at a glance, and
    to secret scanners), and the digest to keep."""
    clear = prefix + secrets.token_urlsafe(32)
    return clear, digest(clear)


def digest(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


def _cache_key(kind: str, token_digest: str) -> str:
    return f"inclusio:{kind}-token:{token_digest}"


def account_for(
    clear: str, *, prefix: str, kind: str, live_account: Callable[[str], User | None]
) -> User | None:
    """The account a clear token of ``kind`` acts as, or None. ``live_account(digest)`` reads
    the account of a live (not revoked) token whose account is active, or None."""
    if not clear.startswith(prefix):
        return None
    token_digest = digest(clear)
    key = _cache_key(kind, token_digest)
    found: User | None = cache.get(key)
    if found is None:
        found = live_account(token_digest)
        if found is None:
            return None
        prefetch_related_objects([found], "groups")
        cache.set(key, found, settings.AUTH_CACHE_SECONDS)
    return found


def forget(kind: str, token_digest: str) -> None:
    """Drop a revoked token's cached account (in this process at once)."""
    cache.delete(_cache_key(kind, token_digest))


class AccountBearer(HttpBearer):
    """An API router's authentication by one kind of token: ``request.user`` becomes the
    account the token acts as (``resolve``: the kind's ``…_for_token``), the services' actor."""

    def __init__(self, resolve: Callable[[str], User | None]) -> None:
        super().__init__()
        self.resolve = resolve

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = self.resolve(token)
        if found is not None:
            request.user = found
        return found
