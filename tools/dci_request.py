#!/usr/bin/env python3
"""Send one signed DCI request as an agency would, and check the signed answer.

    .venv/bin/python tools/dci_request.py var/demo-dci/agency.json IIN [--endpoint disabled]

The credentials file is what ``inclusio synth-dci`` writes for the demo agency (the server's
address, the client id and secret, the agency's private Ed25519 key). The tool takes a bearer
token (OAuth 2 client credentials), signs the envelope with a detached JWS over the canonical
JSON of ``{"header", "message"}`` (docs/dci.md, "Signatures and keys"), posts it to
``/registry/sync/<endpoint>``, verifies the answer's signature with the platform's published
keys and prints the answer. Exit code 0 when the answer's signature holds, 1 otherwise.

It is standalone on purpose — joserfc and the standard library only, no import of Inclusio —
so that it shows an agency's developer the whole exchange (the canonical JSON, the detached
signature, the algorithms) in one file they can copy into their own system, and runs against
any server without the platform installed. The tests and the benchmarks sign through
``inclusio.interop.keys.sign_detached`` instead; the tests of ``inclusio synth-dci`` run this
tool against the server, so its copy cannot drift from what the server verifies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey

BASE = "/dci/v1.0.0"
ALGORITHMS = ["Ed25519", "EdDSA", "ES256", "RS256"]


def canonical(header: Any, message: Any) -> bytes:
    content = {"header": header, "message": message}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fetch(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return json.loads(answer.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("credentials", type=Path)
    parser.add_argument("iin")
    parser.add_argument(
        "--endpoint", default="disabled", choices=["disabled", "get-disability-details", "search"]
    )
    args = parser.parse_args()
    agency = json.loads(args.credentials.read_text(encoding="utf-8"))
    server, key = agency["server"], OKPKey.import_key(agency["private_jwk"])
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": agency["client_id"],
            "client_secret": agency["client_secret"],
        }
    ).encode()
    token = fetch(f"{server}{BASE}/oauth2/client/token", form)["access_token"]
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    identifier = {"type": "UIN", "value": args.iin}
    if args.endpoint == "search":
        criteria = {"query_type": "idtype-value", "query": identifier}
        message: dict[str, Any] = {
            "transaction_id": uuid.uuid4().hex,
            "search_request": [
                {"reference_id": "r-1", "timestamp": now, "search_criteria": criteria}
            ],
        }
    else:
        message = {"transaction_id": uuid.uuid4().hex, "disabled_criteria": {"query": identifier}}
    header = {
        "version": "1.0.0",
        "message_id": uuid.uuid4().hex,
        "message_ts": now,
        "action": "search",
        "sender_id": agency["client_id"],
        "total_count": 1,
    }
    compact = jws.serialize_compact(
        {"alg": "Ed25519", "kid": key.kid}, canonical(header, message), key, algorithms=ALGORITHMS
    )
    body = {"signature": jws.detach_content(compact), "header": header, "message": message}
    answer = fetch(
        f"{server}{BASE}/registry/sync/{args.endpoint}",
        json.dumps(body).encode(),
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    print(json.dumps(answer, indent=2, ensure_ascii=False))
    published = KeySet.import_key_set(fetch(f"{server}{BASE}/.well-known/jwks.json"))
    signed = canonical(answer["header"], answer["message"])
    try:
        jws.deserialize_compact(
            answer["signature"], published, algorithms=ALGORITHMS, payload=signed
        )
    except (JoseError, ValueError):
        print("The answer's signature does NOT verify with the platform's keys.", file=sys.stderr)
        return 1
    print("The answer's signature verifies with the platform's published keys.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
