"""Dispatchers' API tokens: the dispatch centre's own system (CAD) looks up the homes at an
incident as soon as it is opened, with the token of a dispatcher, who creates and revokes it on
a page of their own. Only a SHA-256 digest is kept; the clear token is shown once. A call with a
token acts as that dispatcher (their region, their allowance, their flags), through the same
service as the lookup page. What it shares with the suppliers' tokens is in
``core.api_tokens``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core import api_tokens
from inclusio.core.audit import Actor, record_write
from inclusio.core.errors import ErrorCode, NotFound, ValidationFailed
from inclusio.core.models import User
from inclusio.emergency.models import DispatcherToken
from inclusio.emergency.services import require_lookup

# Told apart from the suppliers' and the agencies' tokens at a glance (and by secret scanners).
PREFIX = "inc_dsp_"

KIND = "dispatcher"


def dispatcher_token_create(*, actor: Actor, name: str) -> tuple[DispatcherToken, str]:
    """A new token of the dispatcher behind ``actor``; the clear token is returned once, never
    stored."""
    staff = require_lookup(actor)
    name = str(name or "").strip()[:100]
    if not name:
        raise ValidationFailed(
            ErrorCode.TOKEN_NAME_REQUIRED,
            _("Name the token after the dispatch system that uses it."),
            field="name",
        )
    clear, digest = api_tokens.new_token(PREFIX)
    with transaction.atomic():
        token = DispatcherToken.objects.create(
            dispatcher=staff, name=name, digest=digest, created_at=timezone.now()
        )
        record_write(
            actor=staff,
            action="dispatcher_token_create",
            entity="account",
            entity_id=staff.pk,
            data={"token": token.pk, "name": name},
        )
    return token, clear


def dispatcher_token_revoke(*, actor: Actor, token_id: int) -> DispatcherToken:
    """Revoke one of the dispatcher's own live tokens; it stops working at once in this process
    and within AUTH_CACHE_SECONDS in the others."""
    staff = require_lookup(actor)
    with transaction.atomic():
        token = (
            DispatcherToken.objects.select_for_update()
            .filter(pk=token_id, dispatcher=staff, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise NotFound(ErrorCode.TOKEN_NOT_FOUND, _("No such token, or not yours."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_write(
            actor=staff,
            action="dispatcher_token_revoke",
            entity="account",
            entity_id=staff.pk,
            data={"token": token.pk},
        )
    api_tokens.forget(KIND, token.digest)
    return token


def dispatcher_tokens(*, actor: Actor) -> list[DispatcherToken]:
    return list(DispatcherToken.objects.filter(dispatcher=require_lookup(actor)))


def dispatcher_for_token(clear: str) -> User | None:
    """The active account of a live dispatcher's token (kept for AUTH_CACHE_SECONDS:
    ``core.api_tokens``). Whether the account may still look up is the lookup service's to
    say, on every call."""
    return api_tokens.account_for(clear, prefix=PREFIX, kind=KIND, live_account=_dispatcher)


def _dispatcher(digest: str) -> User | None:
    token = (
        DispatcherToken.objects.select_related("dispatcher")
        .filter(digest=digest, revoked_at__isnull=True, dispatcher__is_active=True)
        .first()
    )
    return None if token is None else token.dispatcher
