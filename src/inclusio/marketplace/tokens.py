"""Suppliers' API tokens: the representative creates and revokes them in the dashboard; only a
SHA-256 digest is kept, and the clear token is shown once. A call with a token acts as the
supplier's representative, through the same services as the pages."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core import api_tokens
from inclusio.core.audit import Actor, record_write
from inclusio.core.errors import ErrorCode, NotFound, ValidationFailed
from inclusio.core.models import User
from inclusio.marketplace.models import SupplierToken
from inclusio.marketplace.services import own_supplier

# Told apart from the agencies' tokens at a glance (and by secret scanners).
PREFIX = "inc_sup_"

KIND = "supplier"


def supplier_token_create(*, actor: Actor, name: str) -> tuple[SupplierToken, str]:
    """A new token for the actor's supplier; the clear token is returned once, never stored."""
    supplier = own_supplier(actor)
    name = str(name or "").strip()[:100]
    if not name:
        raise ValidationFailed(
            ErrorCode.TOKEN_NAME_REQUIRED, _("Name the token after the system that uses it.")
        )
    clear, digest = api_tokens.new_token(PREFIX)
    with transaction.atomic():
        token = SupplierToken.objects.create(
            supplier=supplier, name=name, digest=digest, created_at=timezone.now()
        )
        record_write(
            actor=actor,
            action="supplier_token_create",
            entity="supplier",
            entity_id=supplier.pk,
            data={"token": token.pk, "name": name},
        )
    return token, clear


def supplier_token_revoke(*, actor: Actor, token_id: int) -> SupplierToken:
    supplier = own_supplier(actor)
    with transaction.atomic():
        token = (
            SupplierToken.objects.select_for_update()
            .filter(pk=token_id, supplier=supplier, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise NotFound(ErrorCode.TOKEN_NOT_FOUND, _("No such token, or not yours."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_write(
            actor=actor,
            action="supplier_token_revoke",
            entity="supplier",
            entity_id=supplier.pk,
            data={"token": token.pk},
        )
    api_tokens.forget(KIND, token.digest)
    return token


def supplier_tokens(*, actor: Actor) -> list[SupplierToken]:
    return list(SupplierToken.objects.filter(supplier=own_supplier(actor)))


def representative_for_token(clear: str) -> User | None:
    """The active representative account of a live token's supplier (kept for
    AUTH_CACHE_SECONDS: ``core.api_tokens``)."""
    return api_tokens.account_for(clear, prefix=PREFIX, kind=KIND, live_account=_representative)


def _representative(digest: str) -> User | None:
    token = (
        SupplierToken.objects.select_related("supplier__representative")
        .filter(digest=digest, revoked_at__isnull=True, supplier__representative__is_active=True)
        .first()
    )
    return None if token is None else token.supplier.representative
