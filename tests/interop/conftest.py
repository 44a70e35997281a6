from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from joserfc.jwk import KeySet, OKPKey

from inclusio.core.audit import SYSTEM
from inclusio.interop import keys, services
from inclusio.interop.dci import signed_content
from inclusio.interop.models import Agency, Disclosure

BASE = "/dci/v1.0.0"
_messages = itertools.count(1)


@pytest.fixture(autouse=True)
def platform_keys(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Each test signs with keys of its own, in a file of its own."""
    settings.DCI_SIGNING_KEYS_FILE = str(tmp_path / "dci_signing_keys.json")
    yield tmp_path / "dci_signing_keys.json"


def new_key() -> OKPKey:
    key = OKPKey.generate_key("Ed25519", private=True)
    key.ensure_kid()
    return key


def public_jwks(*agency_keys: OKPKey) -> dict[str, Any]:
    return dict(KeySet(list(agency_keys)).as_dict(private=False))


def sign(key: OKPKey, header: Any, message: Any) -> str:
    return keys.sign_detached(signed_content(header, message), key)


def now_ts(delta: dt.timedelta = dt.timedelta()) -> str:
    return (dt.datetime.now(dt.UTC) + delta).isoformat(timespec="seconds")


@dataclass
class DciAgency:
    """An agency's system as a test drives it: its key, its credentials, a client."""

    agency: Agency
    secret: str
    key: OKPKey
    client: Client = field(default_factory=Client)
    _token: str | None = None

    def token(self) -> str:
        if self._token is None:
            answer = self.client.post(
                f"{BASE}/oauth2/client/token",
                {
                    "grant_type": "client_credentials",
                    "client_id": self.agency.sender_id,
                    "client_secret": self.secret,
                },
            )
            assert answer.status_code == 200, answer.content
            self._token = answer.json()["access_token"]
        return self._token

    def header(self, **changes: Any) -> dict[str, Any]:
        header = {
            "version": "1.0.0",
            "message_id": f"m-{next(_messages)}-{uuid.uuid4().hex[:6]}",
            "message_ts": now_ts(),
            "action": "search",
            "sender_id": self.agency.sender_id,
            "receiver_id": "registry.inclusio.kz",
            "total_count": 1,
        }
        return {**header, **changes}

    def envelope(
        self, message: Any, *, header: dict[str, Any] | None = None, key: OKPKey | None = None
    ) -> dict[str, Any]:
        header = header or self.header()
        return {
            "signature": sign(key or self.key, header, message),
            "header": header,
            "message": message,
        }

    def post(self, path: str, body: Any, *, token: str | None = None) -> Any:
        return self.client.post(
            f"{BASE}{path}",
            body if isinstance(body, str | bytes) else json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token or self.token()}"},
        )


def register(
    sender_id: str = "esp.gov.kz",
    *,
    name: str = "Employment service",
    disclosures: tuple[str, ...] = tuple(Disclosure.values),
    purposes: tuple[str, ...] = ("status_verification",),
    requests_per_minute: int = 1200,
    callback_url: str = "",
) -> DciAgency:
    key = new_key()
    agency, secret = services.agency_register(
        actor=SYSTEM,
        name=name,
        sender_id=sender_id,
        purposes=purposes,
        disclosures=disclosures,
        jwks=public_jwks(key),
        requests_per_minute=requests_per_minute,
        callback_url=callback_url,
    )
    return DciAgency(agency=agency, secret=secret, key=key)


@pytest.fixture
def full_agency(db: None) -> DciAgency:
    return register()


@pytest.fixture
def minimal_agency(db: None) -> DciAgency:
    """Needs only to know whether a category I or II is in force."""
    return register(
        "transport.gov.kz",
        name="Public transport concessions",
        disclosures=(Disclosure.DISABLED_STATUS, Disclosure.CATEGORY),
    )


def platform_keyset(client: Client) -> KeySet:
    return KeySet.import_key_set(client.get(f"{BASE}/.well-known/jwks.json").json())


def response_verifies(client: Client, body: dict[str, Any]) -> bool:
    return keys.verify_detached(
        body["signature"],
        signed_content(body["header"], body.get("message")),
        platform_keyset(client),
    )
