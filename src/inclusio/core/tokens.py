"""Bearer tokens for other agencies' systems. Only a SHA-256 digest is kept, so a database leak
does not leak usable tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from inclusio.core.audit import Actor, record_write
from inclusio.core.models import ApiToken, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_issue(*, actor: Actor, user: User, name: str) -> str:
    """Create a token for ``user``; the clear token is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    issued = ApiToken.objects.create(user=user, name=name, digest=_digest(token))
    record_write(
        actor=actor,
        action="api_token_issue",
        entity="account",
        entity_id=user.pk,
        data={"token": issued.pk, "name": name},
    )
    return token


def _cache_key(digest: str) -> str:
    return f"inclusio:token:{digest}"


def user_for_token(token: str) -> User | None:
    """The active account of a valid token. Agencies call many times a second with the same
    token, so the answer is kept for AUTH_CACHE_SECONDS; a revocation in another process takes
    effect within that time, in this one at once."""
    digest = _digest(token)
    user: User | None = cache.get(_cache_key(digest))
    if user is None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest, revoked__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        user = found.user
        cache.set(_cache_key(digest), user, settings.AUTH_CACHE_SECONDS)
    return user


def api_token_revoke(*, actor: Actor, token_id: int) -> None:
    for digest in ApiToken.objects.filter(pk=token_id).values_list("digest", flat=True):
        cache.delete(_cache_key(digest))
    ApiToken.objects.filter(pk=token_id, revoked__isnull=True).update(revoked=timezone.now())
    record_write(
        actor=actor, action="api_token_revoke", entity="api_token", entity_id=token_id, data={}
    )


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
