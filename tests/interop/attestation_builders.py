"""An attestation and an agency's consent of one person, for the sweeps of every page."""

from __future__ import annotations

from inclusio.interop import attestations
from inclusio.registry.models import Person
from tests.interop.conftest import register


def attestation_world(person: Person) -> dict[str, str]:
    """Issued by the person, who also lets an agency obtain attestations; the ids the pages'
    addresses take."""
    assert person.user is not None
    agency = register("attest.sweep.gov.kz", name="Sweep agency")
    consent = attestations.consent_give(
        actor=person.user, iin=person.iin, agency_id=agency.agency.pk
    )
    attestation = attestations.attestation_issue(actor=person.user, iin=person.iin)
    return {
        "attestation_id": str(attestation.pk),
        "consent_id": str(consent.pk),
        "agency_id": str(agency.agency.pk),
    }
