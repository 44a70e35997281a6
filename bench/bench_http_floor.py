"""The floor under ``bench_dci_disabled.py``: what an answer costs on this machine when the
server does (almost) nothing, with the same gunicorn set-up (processes × threads of gthread) and
the same open-loop sender (``http_load.open_loop``), so that the DCI lookup's p95 and CPU a
request can be read against what no code of ours can go below.

Four servers, one after the other, each at ``--rate`` for ``--seconds`` after a warm-up
(``floor_app.py``):

- ``bare``: a WSGI callable answering a fixed JSON body;
- ``bare_signed``: the same with the lookup's signature work — the agency's detached JWS over
  the canonical header and message verified (Ed25519), the answer signed with the platform's
  key — through the platform's own ``interop.keys`` functions;
- ``django`` and ``django_signed``: the same two as Django views reached through
  ``core.http.ApiShortcutMiddleware`` as the DCI's views are (production settings).

No database work: the figures are the HTTP server's, Python's and the sender's. Each line is
printed as ``bench: floor_<server>_<figure>: …`` with the CPU a request split between the
server's processes and the sender (``http_load.Load.cpu_line``) and the load average.

    python bench/bench_http_floor.py [--rate 200] [--seconds 30] [--only bare,django]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dci_disabled import succeeded
from http_load import Request, open_loop, percentile, serving

DJANGO = "django.core.wsgi:get_wsgi_application()"
SERVERS = {
    # name: (gunicorn's application, path, whether its answer is signed)
    "bare": ("floor_app:bare", "/floor/fixed", False),
    "bare_signed": ("floor_app:bare_signed", "/floor/signed", True),
    "django": (DJANGO, "/floor/fixed", False),
    "django_signed": (DJANGO, "/floor/signed", True),
}


def keys_and_bodies(count: int) -> tuple[dict[str, str], list[bytes]]:
    """The servers' keys (the agency's public JWKS, the platform's private key) and ``count``
    messages shaped as the DCI bench's, each signed with the agency's key."""
    from joserfc.jwk import KeySet, OKPKey

    from inclusio.interop import keys
    from inclusio.interop.dci import signed_content

    agency = OKPKey.generate_key("Ed25519", private=True)
    agency.ensure_kid()
    platform = OKPKey.generate_key("Ed25519", private=True)
    platform.ensure_kid()
    environment = {
        "FLOOR_AGENCY_JWKS": json.dumps(KeySet([agency]).as_dict(private=False)),
        "FLOOR_PLATFORM_KEY": json.dumps(platform.as_dict(private=True)),
        "DJANGO_SETTINGS_MODULE": "floor_settings",
    }
    sent_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    bodies = []
    for index in range(count):
        header = {
            "version": "1.0.0",
            "message_id": uuid.uuid4().hex,
            "message_ts": sent_at,
            "action": "search",
            "sender_id": "floor.gov.kz",
            "total_count": 1,
        }
        message = {
            "transaction_id": f"floor-{index}",
            "disabled_criteria": {
                "query_type": "idtype-value",
                "query": {"type": "UIN", "value": f"{index:012d}"},
            },
        }
        signature = keys.sign_detached(signed_content(header, message), agency)
        bodies.append(
            json.dumps({"signature": signature, "header": header, "message": message}).encode()
        )
    return environment, bodies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    parser.add_argument("--only", default="", help=f"comma-separated: {', '.join(SERVERS)}")
    args = parser.parse_args()
    import django

    from inprocess import production_environment

    production_environment()  # the keys' functions read the platform's settings
    django.setup()
    warm = args.rate * 3
    timed = int(args.rate * args.seconds)
    environment, bodies = keys_and_bodies(warm + timed)
    headers = {"Content-Type": "application/json"}
    chosen = [name for name in SERVERS if not args.only or name in args.only.split(",")]
    for name in chosen:
        app, path, signed = SERVERS[name]
        check = succeeded if signed else None

        def request(index: int, offset: int = 0, path: str = path) -> Request:
            return Request("POST", path, body=bodies[offset + index], headers=headers)

        with serving(
            workers=args.workers, threads=args.threads, app=app, environment=environment
        ) as port:
            open_loop(port, warm, args.rate, request, body_check=check)
            load = open_loop(port, timed, args.rate, lambda i: request(i, warm), body_check=check)
        latencies = load.latencies_ms
        print(
            f"bench: floor_{name}_rate: {load.achieved_rate:.0f} per second "
            f"(asked {args.rate}, {args.workers} processes x {args.threads} threads)"
        )
        print(load.cpu_line())
        print(
            f"bench: floor_{name}_p50: {percentile(latencies, 0.50):.2f} ms; "
            f"p95: {percentile(latencies, 0.95):.2f} ms; p99: {percentile(latencies, 0.99):.2f} ms"
        )
        print(f"bench: floor_{name}_errors: {load.errors} (target 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
