"""The DCI server's `/registry/sync/disabled` for one person, signatures included, under steady
load: the agency's request signed with its key and verified against its JWKS, the answer signed
with the platform's key, the message id remembered and the read written to the access log.

Needs a loaded registry in the database named by INCLUSIO_DATABASE_URL (bench/run.py loads the
national one into a throwaway PostgreSQL first). Serves the platform with gunicorn in production
settings and sends pre-signed messages at a fixed rate (open loop, ``http_load.py``).

    python bench/bench_dci_disabled.py [--rate 200] [--seconds 60] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lookup import setup_django
from http_load import Request, open_loop, percentile, serving

P95_TARGET_MS = 20.0
PATH = "/dci/v1.0.0/registry/sync/disabled"


def signed_bodies(count: int) -> tuple[str, list[bytes]]:
    """An agency registered for the benchmark, its token, and ``count`` signed messages."""
    import datetime as dt

    from joserfc.jwk import KeySet, OKPKey

    from inclusio.core.audit import SYSTEM
    from inclusio.interop import keys, services
    from inclusio.interop.dci import signed_content
    from inclusio.interop.models import Agency
    from inclusio.registry.models import DisabilityStatus

    key = OKPKey.generate_key("Ed25519", private=True)
    key.ensure_kid()
    sender = f"bench-{uuid.uuid4().hex[:8]}.gov.kz"
    Agency.objects.filter(sender_id__startswith="bench-").update(active=False)
    _agency, secret = services.agency_register(
        actor=SYSTEM,
        name="Benchmark agency",
        sender_id=sender,
        purposes=["status_verification"],
        disclosures=["disabled_status"],
        jwks=KeySet([key]).as_dict(private=False),
        requests_per_minute=1_000_000,
    )
    issued = services.token_issue(sender, secret)
    assert issued is not None
    iins = list(
        DisabilityStatus.objects.filter(superseded_at__isnull=True)
        .order_by("?")
        .values_list("person__iin", flat=True)[:50_000]
    )
    if not iins:
        sys.exit("the registry is empty: load a snapshot first (bench/run.py does)")
    bodies = []
    sent_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for index in range(count):
        header = {
            "version": "1.0.0",
            "message_id": uuid.uuid4().hex,
            "message_ts": sent_at,
            "action": "search",
            "sender_id": sender,
            "total_count": 1,
        }
        message = {
            "transaction_id": f"bench-{index}",
            "disabled_criteria": {
                "query_type": "idtype-value",
                "query": {"type": "UIN", "value": iins[index % len(iins)]},
            },
        }
        signature = keys.sign_detached(signed_content(header, message), key)
        bodies.append(
            json.dumps({"signature": signature, "header": header, "message": message}).encode()
        )
    return str(issued["access_token"]), bodies


def disabled_search(token: str, bodies: list[bytes]) -> Callable[[int], Request]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return lambda index: Request("POST", PATH, body=bodies[index], headers=headers)


def succeeded(body: bytes) -> bool:
    """The signed answer says the search succeeded."""
    try:
        return bool(json.loads(body)["header"]["status"] == "succ")
    except (ValueError, KeyError, TypeError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    args = parser.parse_args()
    # The platform's keys for this run only, shared by this process and the server's.
    os.environ["INCLUSIO_DCI_SIGNING_KEYS_FILE"] = str(
        Path(tempfile.mkdtemp(prefix="inclusio-bench-dci-")) / "keys.json"
    )
    setup_django()
    from inclusio.core.models import AccessEvent
    from inclusio.interop import keys

    keys.rotate()
    warm = int(args.rate * 5)
    token, bodies = signed_bodies(warm + int(args.rate * args.seconds))
    warming, timed = disabled_search(token, bodies[:warm]), disabled_search(token, bodies[warm:])
    with serving(workers=args.workers, threads=args.threads) as port:
        open_loop(port, warm, args.rate, warming, body_check=succeeded)  # connections, caches
        logged_before = AccessEvent.objects.count()
        load = open_loop(port, len(bodies) - warm, args.rate, timed, body_check=succeeded)
        logged = AccessEvent.objects.count() - logged_before
    latencies, errors, wall = load.latencies_ms, load.errors, load.wall_s
    p95 = percentile(latencies, 0.95)
    print(
        f"bench: dci_disabled_requests: {len(latencies)} requests over {wall:.1f} s "
        f"({len(latencies) / wall:.0f} per second, target {args.rate})"
    )
    print(load.cpu_line())
    print(f"bench: dci_disabled_p50: {percentile(latencies, 0.50):.2f} ms")
    print(f"bench: dci_disabled_p95: {p95:.2f} ms (target {P95_TARGET_MS:g})")
    print(f"bench: dci_disabled_p99: {percentile(latencies, 0.99):.2f} ms")
    print(f"bench: dci_disabled_errors: {errors} (target 0)")
    print(f"bench: dci_disabled_access_log_rows: {logged} (target {len(latencies)})")
    ok = p95 <= P95_TARGET_MS and errors == 0 and logged == len(latencies)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
