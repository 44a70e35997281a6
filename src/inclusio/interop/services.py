"""Agencies as API clients: registered by an administrator, authenticated by OAuth 2 client
credentials, their requests verified against their published keys and held to their rate."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
import time
import urllib.request
from collections.abc import Sequence
from http.client import HTTPException
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from inclusio.core.access import purposes_valid
from inclusio.core.audit import Actor, account_of, changes, record_write
from inclusio.core.errors import ValidationFailed
from inclusio.core.rows import fetch_one
from inclusio.interop import keys
from inclusio.interop.dci import Err, Refusal, parse_timestamp
from inclusio.interop.errors import ErrorCode
from inclusio.interop.models import Agency, Disclosure

SENDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{1,99}$")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _public_keys(jwks: Any) -> dict[str, Any]:
    """Uploaded keys: a JWKS of public keys, each with its id (a signature names the key)."""
    try:
        if isinstance(jwks, str):
            jwks = json.loads(jwks)
        keyset = KeySet.import_key_set(jwks)
    except (ValueError, TypeError, KeyError, JoseError):
        raise ValidationFailed(
            ErrorCode.AGENCY_KEYS_INVALID, _("The keys are not a valid JWKS.")
        ) from None
    if not keyset.keys or any(key.kid is None or key.is_private for key in keyset.keys):
        raise ValidationFailed(
            ErrorCode.AGENCY_KEYS_INVALID,
            _("Give the agency's public keys only, each with its key id (kid)."),
        )
    return dict(keyset.as_dict(private=False))


def agency_values_checked(
    *,
    name: str,
    sender_id: str,
    purposes: Sequence[str],
    disclosures: Sequence[str],
    jwks: Any,
    jwks_url: str,
    requests_per_minute: int,
    callback_url: str = "",
) -> dict[str, Any]:
    if not name.strip():
        raise ValidationFailed(
            ErrorCode.AGENCY_NAME_REQUIRED, _("Give the name of the agency persons will read.")
        )
    if not SENDER_ID.match(sender_id):
        raise ValidationFailed(
            ErrorCode.AGENCY_SENDER_ID_INVALID,
            _("The sender id is 2 to 100 letters, digits, dots, dashes or colons."),
        )
    chosen = purposes_valid(purposes)
    granted = list(dict.fromkeys(disclosures))
    if not granted or any(d not in Disclosure.values for d in granted):
        raise ValidationFailed(
            ErrorCode.AGENCY_FIELDS_REQUIRED, _("Choose what the agency may receive.")
        )
    published = _public_keys(jwks) if jwks else {}
    if jwks_url:
        parts = urlsplit(jwks_url)
        if parts.scheme != "https" or not parts.hostname:
            raise ValidationFailed(
                ErrorCode.AGENCY_KEYS_URL_INVALID,
                _("The address of the published keys must be an https:// address."),
            )
    if not published and not jwks_url:
        raise ValidationFailed(
            ErrorCode.AGENCY_KEYS_REQUIRED,
            _("Upload the agency's public keys or give the address where it publishes them."),
        )
    if callback_url:
        callback_url_checked(callback_url)
    if not 1 <= requests_per_minute <= 1_000_000:
        raise ValidationFailed(
            ErrorCode.AGENCY_RATE_INVALID,
            _("The rate is 1 to 1,000,000 requests a minute."),
        )
    return {
        "name": name.strip(),
        "sender_id": sender_id,
        "purposes": [str(p) for p in chosen],
        "disclosures": granted,
        "jwks": published,
        "jwks_url": jwks_url,
        "requests_per_minute": requests_per_minute,
        "callback_url": callback_url,
    }


def callback_url_checked(url: str) -> str:
    """An agency's callback address: https in production (any http in development, where the
    agency's test system listens on the machine)."""
    parts = urlsplit(url)
    schemes = ("https",) if settings.DCI_CALLBACK_HTTPS_ONLY else ("https", "http")
    if parts.scheme not in schemes or not parts.hostname or len(url) > 400:
        raise ValidationFailed(
            ErrorCode.AGENCY_CALLBACK_URL_INVALID,
            _("The callback address must be an https:// address."),
        )
    return url


def agency_register(
    *,
    actor: Actor,
    name: str,
    sender_id: str,
    purposes: Sequence[str],
    disclosures: Sequence[str],
    jwks: Any = None,
    jwks_url: str = "",
    requests_per_minute: int = 1200,
    callback_url: str = "",
) -> tuple[Agency, str]:
    """Register an agency's system; its client secret is returned once, never stored."""
    values = agency_values_checked(
        name=name,
        sender_id=sender_id,
        purposes=purposes,
        disclosures=disclosures,
        jwks=jwks,
        jwks_url=jwks_url,
        requests_per_minute=requests_per_minute,
        callback_url=callback_url,
    )
    secret = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            agency = Agency.objects.create(
                **values, secret_digest=_digest(secret), registered_by=account_of(actor)
            )
            record_write(
                actor=actor,
                action="agency_register",
                entity="agency",
                entity_id=agency.pk,
                data={key: value for key, value in values.items() if key != "jwks"}
                | {"keys": len(values["jwks"].get("keys", []))},
            )
    except IntegrityError:
        raise ValidationFailed(
            ErrorCode.AGENCY_SENDER_ID_TAKEN, _("Another agency has this sender id.")
        ) from None
    return agency, secret


def agency_update(
    *,
    actor: Actor,
    agency_id: int,
    name: str,
    purposes: Sequence[str],
    disclosures: Sequence[str],
    jwks: Any,
    jwks_url: str,
    requests_per_minute: int,
    active: bool,
    callback_url: str = "",
) -> Agency:
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency_id)
        values = agency_values_checked(
            name=name,
            sender_id=agency.sender_id,
            purposes=purposes,
            disclosures=disclosures,
            jwks=jwks,
            jwks_url=jwks_url,
            requests_per_minute=requests_per_minute,
            callback_url=callback_url,
        )
        values["active"] = active
        before = {key: getattr(agency, key) for key in values}
        for key, value in values.items():
            setattr(agency, key, value)
        agency.save()
        plain = {key: value for key, value in values.items() if key != "jwks"}
        data = changes(before, plain, personal=())
        data["keys_replaced"] = before["jwks"] != values["jwks"]
        record_write(
            actor=actor, action="agency_update", entity="agency", entity_id=agency.pk, data=data
        )
    transaction.on_commit(lambda: cache.delete(_keys_cache_key(agency.pk)))
    return agency


def agency_secret_issue(*, actor: Actor, agency_id: int) -> str:
    """A new client secret; the previous stops working at once."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        Agency.objects.filter(pk=agency_id).update(secret_digest=_digest(secret))
        record_write(
            actor=actor, action="agency_secret_issue", entity="agency", entity_id=agency_id, data={}
        )
    return secret


# --- OAuth 2 client credentials ------------------------------------------------------------------


def token_issue(client_id: str, client_secret: str) -> dict[str, Any] | None:
    """An access token for an active agency whose credentials match, or None."""
    agency = Agency.objects.filter(sender_id=client_id, active=True).first()
    if agency is None or not hmac.compare_digest(agency.secret_digest, _digest(client_secret)):
        return None
    now = int(time.time())
    claims = {
        "iss": settings.DCI_SENDER_ID,
        "aud": settings.DCI_SENDER_ID,
        "sub": agency.sender_id,
        "iat": now,
        "exp": now + settings.DCI_TOKEN_SECONDS,
        "jti": secrets.token_hex(8),
    }
    return {
        "access_token": keys.sign_claims(claims),
        "token_type": "Bearer",
        "expires_in": settings.DCI_TOKEN_SECONDS,
    }


# The active agencies this process read lately: sender id → (kept until, on the monotonic
# clock; the agency). Every DCI request reads its agency, which changes a few times a year.
_AGENCIES: dict[str, tuple[float, Agency]] = {}
# More agencies than this in one process empties the memo (a bound, not a design size).
AGENCIES_KEPT = 1000


def _active_agency(sender_id: Any) -> Agency | None:
    """The active agency with ``sender_id``, read without the query compiler (core.rows) and
    kept ``DCI_AGENCY_ROW_SECONDS`` in this process: every DCI request asks it, and the ORM's
    compiling of the same query cost more than its answer. An unknown or inactive sender is
    not kept: it is read again each time."""
    if not isinstance(sender_id, str):
        return None
    now = time.monotonic()
    kept = _AGENCIES.get(sender_id)
    if kept is not None and kept[0] > now:
        return kept[1]
    agency = fetch_one(Agency, '"sender_id" = %s AND "active" = %s', [sender_id, True])
    seconds = settings.DCI_AGENCY_ROW_SECONDS
    if agency is not None and seconds > 0:
        if len(_AGENCIES) >= AGENCIES_KEPT:
            _AGENCIES.clear()
        _AGENCIES[sender_id] = (now + seconds, agency)
    else:
        _AGENCIES.pop(sender_id, None)
    return agency


@receiver(post_save, sender=Agency)
@receiver(post_delete, sender=Agency)
def _agency_changed(sender: type[Agency], instance: Agency, **kwargs: Any) -> None:
    """This process forgets the agency at once when it is saved or deleted here (again at the
    commit, so that a read between the save and the commit is not kept); the other processes
    read it again within ``DCI_AGENCY_ROW_SECONDS``."""
    _AGENCIES.pop(instance.sender_id, None)
    transaction.on_commit(lambda: _AGENCIES.pop(instance.sender_id, None))


def agency_for_token(token: str) -> Agency:
    """The active agency an access token was issued to; a Refusal otherwise."""
    claims = keys.verify_claims(token)
    now = time.time()
    if (
        claims is None
        or claims.get("iss") != settings.DCI_SENDER_ID
        or claims.get("aud") != settings.DCI_SENDER_ID
        or not isinstance(claims.get("exp"), int)
        or claims["exp"] < now
    ):
        raise Refusal(
            401, Err.UNAUTHORIZED, _("Give a valid access token from the token endpoint.")
        )
    agency = _active_agency(claims.get("sub"))
    if agency is None:
        raise Refusal(
            401, Err.UNAUTHORIZED, _("Give a valid access token from the token endpoint.")
        )
    return agency


def rate_counted(agency: Agency) -> None:
    """Fixed one-minute windows in the cache, per agency; 429 when its rate is spent."""
    window = 60
    now = time.time()
    opened = int(now // window)
    key = f"inclusio:dci:rate:{agency.pk}:{opened}"
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1 if cache.add(key, 1, window + 1) else cache.incr(key)
    if count > agency.requests_per_minute:
        seconds = max(1, math.ceil((opened + 1) * window - now))
        raise Refusal(
            429,
            Err.TOO_MANY_REQUESTS,
            _("Too many requests. Wait %(seconds)s seconds and try again.") % {"seconds": seconds},
        )


# --- the agency's published keys -----------------------------------------------------------------


def _keys_cache_key(agency_id: int) -> str:
    return f"inclusio:dci:agency-keys:{agency_id}"


def fetch_jwks(url: str) -> Any:
    """The JSON an agency publishes at ``url`` (outside the machine: tests replace it); whether
    it is a JWKS is for ``_public_keys`` to say."""
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 — https only, checked
        return json.loads(answer.read(1_000_000))


def agency_keys(agency: Agency, kid: str | None) -> KeySet:
    """The agency's public keys: uploaded, or fetched from its JWKS URL and kept a while. A
    signature by a key id not yet seen fetches them again once, so that an agency's rotation
    needs no administrator."""
    if agency.jwks:
        return keys.public_key_set(agency.jwks)
    cache_key = _keys_cache_key(agency.pk)
    known: dict[str, Any] | None = cache.get(cache_key)
    kids = {key.get("kid") for key in (known or {}).get("keys", [])}
    if known is None or (kid is not None and kid not in kids):
        try:
            known = _public_keys(fetch_jwks(agency.jwks_url))
        # A broken answer (cut short, a bad status line) is an HTTPException, not an OSError.
        except (OSError, ValueError, HTTPException, ValidationFailed):
            if known is None:
                raise Refusal(
                    503,
                    Err.SERVICE_UNAVAILABLE,
                    _("Your published keys could not be fetched; try again later."),
                ) from None
        cache.set(cache_key, known, settings.DCI_AGENCY_KEYS_SECONDS)
    assert known is not None
    return keys.public_key_set(known)


def message_age_ok(sent: Any) -> bool:
    """A message sent within the allowed age (and not more than a minute ahead of our clock)."""
    when = parse_timestamp(sent)
    if when is None:
        return False
    age = (timezone.now() - when).total_seconds()
    return -60 <= age <= settings.DCI_MESSAGE_MAX_AGE_SECONDS
