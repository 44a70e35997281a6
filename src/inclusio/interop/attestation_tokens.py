"""The formats of the signed disability-status attestations (docs/attestations.md), without the
database: building them from claims, and verifying them offline with a JWKS.

* the attestation: a compact JWS (``typ: inclusio-attestation+jwt``) of the claims;
* the same statement as an SD-JWT (RFC 9901, ``typ: dc+sd-jwt``) whose IIN, cause and diagnosis
  group are selectively disclosable: ``<issuer JWT>~<disclosure>~…~``, no key binding;
* the status list: an IETF Token Status List (draft-ietf-oauth-status-list) as a signed JWT
  (``typ: statuslist+jwt``), one bit per attestation, 1 when revoked.

No maintained Python package implements RFC 9901 on joserfc (``sd-jwt`` of the OpenWallet
Foundation builds on jwcrypto and pins its own JOSE stack), so the disclosures are built here:
they are a salt, a name and a value, base64url-encoded, and a SHA-256 digest of each in ``_sd``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from inclusio.interop import keys

ATTESTATION_TYPE = "inclusio-attestation+jwt"
SD_JWT_TYPE = "dc+sd-jwt"
STATUS_LIST_TYPE = "statuslist+jwt"
VCT = "urn:inclusio:kz:disability-status:1"
# The claims an SD-JWT may disclose one by one; everything else is always shown.
DISCLOSABLE = ("iin", "cause", "diagnosis_group")
REVOKED = 1


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


# --- building (signed with the platform's current key) -------------------------------------------


def sign_attestation(claims: Mapping[str, Any]) -> str:
    return keys.sign_typed({"typ": ATTESTATION_TYPE}, _json(dict(claims)))


def disclosure(name: str, value: Any) -> str:
    """One disclosure: a fresh 128-bit salt, the claim's name and value (RFC 9901, 4.2.1)."""
    return b64url(_json([b64url(secrets.token_bytes(16)), name, value]))


def digest(encoded: str) -> str:
    return b64url(hashlib.sha256(encoded.encode("ascii")).digest())


def sign_sd_jwt(claims: Mapping[str, Any], disclosable: Mapping[str, Any]) -> str:
    """The issuer-signed SD-JWT with every disclosure: ``claims`` always shown, each of
    ``disclosable`` hidden behind its digest. The holder drops the disclosures they do not show."""
    disclosures = [disclosure(name, value) for name, value in disclosable.items()]
    payload = {
        **claims,
        "_sd": sorted(digest(each) for each in disclosures),
        "_sd_alg": "sha-256",
    }
    issuer_jwt = keys.sign_typed({"typ": SD_JWT_TYPE}, _json(payload))
    return "~".join([issuer_jwt, *disclosures]) + "~"


def present(sd_jwt: str, show: Collection[str]) -> str:
    """The SD-JWT with only the disclosures of the claims named in ``show``."""
    issuer_jwt, *disclosures = sd_jwt.rstrip("~").split("~")
    kept = [each for each in disclosures if _disclosed(each)[0] in show]
    return "~".join([issuer_jwt, *kept]) + "~"


def status_list_bytes(revoked: Collection[int], size: int) -> bytes:
    """One bit per index, the lowest bit of each byte first (the draft's ordering)."""
    bits = bytearray((size + 7) // 8)
    for index in revoked:
        bits[index // 8] |= 1 << (index % 8)
    return bytes(bits)


def sign_status_list(
    uri: str, revoked: Collection[int], size: int, issued_at: int, ttl: int
) -> str:
    payload = {
        "sub": uri,
        "iat": issued_at,
        "ttl": ttl,
        "status_list": {"bits": 1, "lst": b64url(zlib.compress(status_list_bytes(revoked, size)))},
    }
    return keys.sign_typed({"typ": STATUS_LIST_TYPE}, _json(payload))


# --- verifying offline ---------------------------------------------------------------------------


class Unverifiable(Exception):
    """The text is no attestation of ours, or its signature does not hold."""


@dataclass
class Verified:
    """What a verified attestation states: ``claims`` with the disclosed ones in, and which of
    the selectively disclosable claims were shown."""

    kind: str  # "jws" or "sd-jwt"
    kid: str
    claims: dict[str, Any]
    disclosed: list[str] = field(default_factory=list)


def _disclosed(encoded: str) -> tuple[str, Any]:
    try:
        value = json.loads(b64url_decode(encoded))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Unverifiable("disclosure") from None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(isinstance(part, str) for part in value[:2])
    ):
        raise Unverifiable("disclosure")
    return value[1], value[2]


def _verified_jws(token: str, jwks: Mapping[str, Any], typ: str) -> tuple[str, dict[str, Any]]:
    try:
        keyset = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
        found = jws.deserialize_compact(token, keyset, algorithms=keys.ALGORITHMS)
        claims = json.loads(found.payload)
    except (JoseError, ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise Unverifiable("signature") from None
    header = found.protected
    if header.get("typ") != typ or not isinstance(claims, dict):
        raise Unverifiable("type")
    return str(header.get("kid")), claims


def verify(text: str, jwks: Mapping[str, Any]) -> Verified:
    """The claims of an attestation (a JWS or an SD-JWT presentation) whose signature holds
    under one of ``jwks``; Unverifiable otherwise, or when a disclosure was not signed for."""
    text = text.strip()
    if "~" not in text:
        kid, claims = _verified_jws(text, jwks, ATTESTATION_TYPE)
        return Verified("jws", kid, claims, [name for name in DISCLOSABLE if name in claims])
    issuer_jwt, *disclosures = text.rstrip("~").split("~") if text.endswith("~") else ["", ""]
    if not issuer_jwt:
        # A key-binding JWT after the last tilde: this platform issues none, so none is accepted.
        raise Unverifiable("format")
    kid, payload = _verified_jws(issuer_jwt, jwks, SD_JWT_TYPE)
    signed_for = payload.pop("_sd", [])
    if payload.pop("_sd_alg", None) != "sha-256" or not isinstance(signed_for, list):
        raise Unverifiable("format")
    disclosed: list[str] = []
    for encoded in disclosures:
        name, value = _disclosed(encoded)
        if digest(encoded) not in signed_for or name in payload or name in disclosed:
            raise Unverifiable("disclosure")
        payload[name] = value
        disclosed.append(name)
    return Verified("sd-jwt", kid, payload, disclosed)


def status_of(status_list: str, jwks: Mapping[str, Any], uri: str, index: int) -> int:
    """The status (0 valid, 1 revoked) at ``index`` of a signed status list for ``uri``."""
    _kid, payload = _verified_jws(status_list.strip(), jwks, STATUS_LIST_TYPE)
    listed = payload.get("status_list")
    if payload.get("sub") != uri or not isinstance(listed, dict) or listed.get("bits") != 1:
        raise Unverifiable("status list")
    try:
        bits = zlib.decompress(b64url_decode(str(listed.get("lst"))))
    except (zlib.error, ValueError, binascii.Error):
        raise Unverifiable("status list") from None
    if not 0 <= index < len(bits) * 8:
        raise Unverifiable("status list")
    return (bits[index // 8] >> (index % 8)) & 1
