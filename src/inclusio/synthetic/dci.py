"""The DCI server in the demo: one agency, registered with keys made at demo time, and one
attestation of the demo person's status, so that a signed request and an offline verification
can be tried against ``make demo`` (docs/dci.md, "Trying it on the demo").

The agency's private key and client secret are written to a folder under ``var/`` (never in
the repository), readable by its owner only; each run makes new ones and puts them in force,
so that the folder and the registered agency always agree.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from joserfc.jwk import KeySet, OKPKey

from inclusio.core.audit import SYSTEM
from inclusio.interop import attestations, services
from inclusio.interop.models import Agency, Attestation, Disclosure
from inclusio.registry.models import Person

DEMO_AGENCY = "demo-agency.gov.kz"
DEMO_AGENCY_NAME = "Demo agency (not a real agency)"


@dataclass(frozen=True)
class DemoDci:
    agency: Agency
    credentials: Path
    attestation: Path | None  # the demo person's attestation, as a file to verify


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def load_demo_dci(folder: Path, server: str) -> DemoDci:
    """Register (or renew) the demo agency, write its credentials to ``folder``, and issue the
    demo person's attestation with their consent that the agency may obtain them."""
    key = OKPKey.generate_key("Ed25519", private=True)
    key.ensure_kid()
    public = dict(KeySet([key]).as_dict(private=False))
    grants = list(Disclosure.values)
    with transaction.atomic():
        agency = Agency.objects.filter(sender_id=DEMO_AGENCY).first()
        if agency is None:
            agency, secret = services.agency_register(
                actor=SYSTEM,
                name=DEMO_AGENCY_NAME,
                sender_id=DEMO_AGENCY,
                purposes=["status_verification"],
                disclosures=grants,
                jwks=public,
            )
        else:
            agency = services.agency_update(
                actor=SYSTEM,
                agency_id=agency.pk,
                name=DEMO_AGENCY_NAME,
                purposes=["status_verification"],
                disclosures=grants,
                jwks=public,
                jwks_url="",
                requests_per_minute=agency.requests_per_minute,
                active=True,
            )
            secret = services.agency_secret_issue(actor=SYSTEM, agency_id=agency.pk)
    credentials = folder / "agency.json"
    _write_private(
        credentials,
        json.dumps(
            {
                "server": server.rstrip("/"),
                "client_id": DEMO_AGENCY,
                "client_secret": secret,
                "private_jwk": key.as_dict(private=True),
            },
            indent=2,
        ),
    )
    # The demo person's account (``inclusio demo-accounts``), which issues as the person would.
    linked = Person.objects.filter(user__username="person").select_related("user").first()
    if linked is None or linked.user is None:
        return DemoDci(agency=agency, credentials=credentials, attestation=None)
    account = linked.user
    if not linked.attestation_consents.filter(agency=agency, withdrawn_at__isnull=True).exists():
        attestations.consent_give(actor=account, iin=linked.iin, agency_id=agency.pk)
    attestation = Attestation.objects.filter(person=linked, revoked_at__isnull=True).first()
    if attestation is None:
        attestation = attestations.attestation_issue(actor=account, iin=linked.iin)
    token = folder / "attestation.jws"
    _write_private(token, attestation.jws)
    return DemoDci(agency=agency, credentials=credentials, attestation=token)
