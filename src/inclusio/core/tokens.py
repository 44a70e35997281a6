"""Bearer tokens for other agencies' systems. Only a SHA-256 digest is kept, so a database leak
does not leak usable tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from inclusio.core.access import Agency, purposes_valid
from inclusio.core.audit import Actor, record_write
from inclusio.core.errors import ErrorCode, ValidationFailed
from inclusio.core.models import ApiToken, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_issue(
    *, actor: Actor, user: User, name: str, agency: str, purposes: Sequence[str]
) -> str:
    """Create a token for ``user``, the system of ``agency`` (the name persons read in their
    access log), registered for ``purposes``; the clear token is returned once, never stored."""
    chosen = purposes_valid(purposes)
    if not agency.strip():
        raise ValidationFailed(
            ErrorCode.AGENCY_REQUIRED, _("Give the name of the agency the token is for.")
        )
    token = secrets.token_urlsafe(32)
    issued = ApiToken.objects.create(
        user=user,
        name=name,
        agency=agency.strip(),
        purposes=[str(p) for p in chosen],
        digest=_digest(token),
    )
    record_write(
        actor=actor,
        action="api_token_issue",
        entity="account",
        entity_id=user.pk,
        data={"token": issued.pk, "name": name, "purposes": issued.purposes},
    )
    return token


def _cache_key(digest: str) -> str:
    return f"inclusio:token:{digest}"


def user_for_token(token: str) -> tuple[User, Agency] | None:
    """The active account of a valid token and the agency behind it. Agencies call many times
    a second with the same token, so the answer is kept for AUTH_CACHE_SECONDS; a revocation in
    another process takes effect within that time, in this one at once."""
    digest = _digest(token)
    found: tuple[User, Agency] | None = cache.get(_cache_key(digest))
    if found is None:
        issued = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest, revoked__isnull=True, user__is_active=True)
            .first()
        )
        if issued is None:
            return None
        found = (
            issued.user,
            Agency(token_id=issued.pk, name=issued.agency, purposes=tuple(issued.purposes)),
        )
        cache.set(_cache_key(digest), found, settings.AUTH_CACHE_SECONDS)
    return found


def api_token_revoke(*, actor: Actor, token_id: int) -> None:
    for digest in ApiToken.objects.filter(pk=token_id).values_list("digest", flat=True):
        cache.delete(_cache_key(digest))
    ApiToken.objects.filter(pk=token_id, revoked__isnull=True).update(revoked=timezone.now())
    record_write(
        actor=actor, action="api_token_revoke", entity="api_token", entity_id=token_id, data={}
    )


class BearerToken(HttpBearer):
    """``request.user`` becomes the token's account and ``request.auth`` its Agency."""

    def authenticate(self, request: HttpRequest, token: str) -> Agency | None:
        found = user_for_token(token)
        if found is None:
            return None
        request.user, agency = found
        return agency
