"""The platform's signing keys: one module that signs what the platform vouches for (DCI
responses and callbacks, access tokens, and later the status attestations) and publishes the
public halves as a JWKS.

The keys are a private JWKS file outside the repository: ``DCI_SIGNING_KEYS_FILE``, a mounted
secret in production, generated under var/ on first use in development. The file holds every
published key and names the current one, which signs. Rotation without downtime: ``rotate``
adds a new current key while the previous stays published, so that what it signed still
verifies; once every verifier has fetched the new JWKS, ``retire`` drops the others. Running
processes see the file's change at their next signature (its modification time is checked).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey

# Ed25519 (the DCI's example names it); verifying also accepts the agencies' ES256 and RS256.
SIGNING_ALGORITHM = "Ed25519"
ALGORITHMS = ["Ed25519", "EdDSA", "ES256", "RS256"]


@dataclass(frozen=True)
class _Loaded:
    path: str
    mtime_ns: int
    current: OKPKey
    keys: KeySet
    # Access tokens these keys verified, with their claims: an agency sends one token with
    # every request for its 15 minutes, and verifying it again costs a signature check. Gone
    # with the keys at their next change (a retired key's tokens verify no more).
    verified: dict[str, dict[str, Any]] = field(default_factory=dict)


# More verified tokens than this in one process empties the memo (a bound, not a design size).
VERIFIED_TOKENS_KEPT = 10_000


_loaded: _Loaded | None = None


def _path() -> Path:
    if not settings.DCI_SIGNING_KEYS_FILE:
        raise ImproperlyConfigured(
            "INCLUSIO_DCI_SIGNING_KEYS_FILE must name the platform's signing keys "
            "(create it with `inclusio dci-keys rotate`)"
        )
    return Path(settings.DCI_SIGNING_KEYS_FILE)


def _new_key() -> OKPKey:
    key = OKPKey.generate_key("Ed25519", private=True)
    key.ensure_kid()
    return key


def _own_file(path: Path) -> Path:
    """A file beside ``path`` that this thread alone writes: the outbox signs from several
    threads of one process, which would otherwise write, link and remove the same file."""
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")


def _write(path: Path, current: str, keys: list[dict[str, Any]]) -> None:
    """Whole or not at all: written to a file of this process, then renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mine = _own_file(path)
    mine.write_text(json.dumps({"current": current, "keys": keys}, indent=1))
    mine.chmod(0o600)
    mine.replace(path)


def _read(path: Path) -> tuple[str, list[dict[str, Any]]]:
    data = json.loads(path.read_text())
    return str(data["current"]), list(data["keys"])


def _load() -> _Loaded:
    global _loaded
    path = _path()
    try:
        mtime = path.stat().st_mtime_ns  # one system call a request: rotation shows at once
    except FileNotFoundError:
        if not settings.DCI_SIGNING_KEYS_GENERATE:
            raise ImproperlyConfigured(f"The platform's signing keys {path} do not exist") from None
        with contextlib.suppress(FileExistsError):  # another process wrote it first
            _write_first(path, _new_key())
        mtime = path.stat().st_mtime_ns
    if _loaded is None or _loaded.path != str(path) or _loaded.mtime_ns != mtime:
        current, keys = _read(path)
        keyset = KeySet.import_key_set({"keys": keys})
        signing = keyset.get_by_kid(current)
        assert isinstance(signing, OKPKey)
        _loaded = _Loaded(str(path), mtime, signing, keyset)
    return _loaded


def _write_first(path: Path, key: OKPKey) -> None:
    """The first key of a development installation; several processes may start at once, and
    the one whose file is linked first wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mine = _own_file(path)
    mine.write_text(json.dumps({"current": key.kid, "keys": [key.as_dict(private=True)]}))
    mine.chmod(0o600)
    try:
        os.link(mine, path)
    finally:
        mine.unlink()


def current_kid() -> str:
    kid = _load().current.kid
    assert kid is not None
    return kid


def public_jwks() -> dict[str, Any]:
    """Every published key, public halves only: what verifiers fetch."""
    return dict(_load().keys.as_dict(private=False))


def rotate() -> str:
    """Make a new key current; the previous keys stay published. Returns the new key's id.
    The first rotation of an installation creates the file."""
    path = _path()
    keys = _read(path)[1] if path.exists() else []
    key = _new_key()
    assert key.kid is not None
    _write(path, key.kid, [key.as_dict(private=True), *keys])
    return key.kid


def retire() -> list[str]:
    """Stop publishing every key but the current one. Returns the retired keys' ids."""
    path = _path()
    _load()
    current, keys = _read(path)
    _write(path, current, [key for key in keys if key.get("kid") == current])
    return [str(key.get("kid")) for key in keys if key.get("kid") != current]


# The detached Ed25519 signatures of the DCI's messages, the hot path of every request, are
# made and checked here with the key objects' own cryptography keys: joserfc's generic
# machinery (its header registry, its algorithm lookup, its compact parser) cost about three
# times the signature itself. The keys and their policy stay joserfc's (``get_by_kid`` with the
# algorithm, ``get_op_key`` with the key's ``key_ops``); a signature whose protected header
# names anything but the algorithm, the key id and the type, or another algorithm, or a key
# that is not Ed25519, goes through joserfc as before.
_EDDSA = frozenset({"Ed25519", "EdDSA"})
_PLAIN_HEADER = frozenset({"alg", "kid", "typ"})


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _unb64(data: bytes) -> bytes:
    if b"+" in data or b"/" in data or b"=" in data:
        raise binascii.Error("not base64url without padding")
    return base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))


@functools.lru_cache(maxsize=64)
def _protected(kid: str | None) -> bytes:
    """The encoded protected header of a detached signature by the key ``kid``."""
    header = {"alg": SIGNING_ALGORITHM, "kid": kid}
    return _b64(json.dumps(header, separators=(",", ":")).encode())


def sign_detached(payload: bytes, key: OKPKey | None = None) -> str:
    """A compact JWS of ``payload`` with the payload left out (RFC 7515, appendix F): the
    message travels beside its signature. Signed with the platform's current key, or with
    ``key`` (an agency's Ed25519 key: the tests and the benchmarks sign requests with it)."""
    key = key or _load().current
    private = key.get_op_key("sign")
    if not isinstance(private, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"The key {key.kid} is no Ed25519 key: it cannot sign.")
    protected = _protected(key.kid)
    signature = private.sign(protected + b"." + _b64(payload))
    return (protected + b".." + _b64(signature)).decode()


def verify_detached(signature: str, payload: bytes, keys: KeySet) -> bool:
    """True when ``signature`` is a detached compact JWS of ``payload`` by one of ``keys``."""
    try:
        protected, empty, signed = signature.encode("ascii").split(b".")
        header = json.loads(_unb64(protected))
    except (ValueError, binascii.Error, UnicodeError):
        return False  # not a compact JWS, which joserfc refuses too
    plain = (
        not empty
        and isinstance(header, dict)
        and header.keys() <= _PLAIN_HEADER
        and header.get("alg") in _EDDSA
        and all(isinstance(value, str) for value in header.values())
    )
    if plain:
        try:
            key = keys.get_by_kid(header.get("kid"), {"alg": header["alg"]})
        except (JoseError, ValueError):
            return False
        if isinstance(key, OKPKey) and key.curve_name == "Ed25519":
            try:
                public = key.get_op_key("verify")
                assert isinstance(public, Ed25519PublicKey)
                public.verify(_unb64(signed), protected + b"." + _b64(payload))
            except (InvalidSignature, JoseError, ValueError, binascii.Error):
                return False
            return True
    try:
        jws.deserialize_compact(signature, keys, algorithms=ALGORITHMS, payload=payload)
    except (JoseError, ValueError, TypeError):
        return False
    return True


def sign_claims(claims: dict[str, Any]) -> str:
    """A JWT signed with the current key."""
    loaded = _load()
    header = {"alg": SIGNING_ALGORITHM, "kid": loaded.current.kid, "typ": "JWT"}
    return jwt.encode(header, claims, loaded.current, algorithms=ALGORITHMS)


def verify_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWT signed by any published key, or None (expiry is the caller's).
    A token verified once is known by its exact text until the keys change."""
    loaded = _load()
    known = loaded.verified.get(token)
    if known is None:
        try:
            known = dict(jwt.decode(token, loaded.keys, algorithms=[SIGNING_ALGORITHM]).claims)
        except (JoseError, ValueError, TypeError):
            return None
        if len(loaded.verified) >= VERIFIED_TOKENS_KEPT:
            loaded.verified.clear()
        loaded.verified[token] = known
    return dict(known)


@functools.lru_cache(maxsize=256)
def _key_set(published: str) -> KeySet:
    return KeySet.import_key_set(json.loads(published))


def public_key_set(jwks: dict[str, Any]) -> KeySet:
    """An agency's published keys (a JWKS of public keys) ready to verify with; each set is
    read once per process, not for every request signed with it."""
    return _key_set(json.dumps(jwks, sort_keys=True))


def sign_typed(header: dict[str, Any], payload: bytes) -> str:
    """A compact JWS of ``payload`` with the current key, its header given (``typ`` and the
    like; the algorithm and the key id are added): the attestations and their status list."""
    loaded = _load()
    protected = {**header, "alg": SIGNING_ALGORITHM, "kid": loaded.current.kid}
    return jws.serialize_compact(protected, payload, loaded.current, algorithms=ALGORITHMS)
