"""Signed attestations of a person's current disability status (docs/attestations.md).

The person, or their legal representative, obtains one on their page; an agency the person has
consented to obtains one through the DCI agency authentication. Each is signed twice over — a
compact JWS and an SD-JWT whose IIN, cause and diagnosis group are selectively disclosable —
and has an index in the public status list; a change of the person's status revokes every
attestation they hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.assessment.models import Decision
from inclusio.core import access
from inclusio.core.audit import SYSTEM, Actor, account_of, record_write
from inclusio.core.errors import AccessDenied, NotFound, ValidationFailed
from inclusio.core.models import Purpose, Seen
from inclusio.interop import attestation_tokens as tokens
from inclusio.interop.errors import ErrorCode
from inclusio.interop.models import Agency, Attestation, AttestationConsent, Disclosure
from inclusio.registry import selectors as registry
from inclusio.registry.models import DisabilityStatus, Person

# How long a verifier may keep the status list before fetching it again.
STATUS_LIST_TTL = 300
# The status list never shrinks below this many entries, so its length tells little.
STATUS_LIST_MIN = 1024


def status_list_uri() -> str:
    return settings.ATTESTATION_ISSUER + reverse("dci:attestation_status_list")


def subject_of(iin: str) -> str:
    """A pseudonym of the person, the same in each of their attestations, that no one without
    the platform's key can turn back into the IIN."""
    key = settings.SECRET_KEY.encode()
    mac = hmac.new(key, f"attestation-subject:{iin}".encode(), hashlib.sha256)
    return f"urn:inclusio:subject:{mac.hexdigest()[:32]}"


def _diagnosis_group(status: DisabilityStatus) -> str | None:
    """The ICD-10 category (the code before the dot) of the referral the status was decided on;
    None for a status imported or synthetic, which has no referral."""
    decision = Decision.objects.filter(resulting_status=status).select_related("referral").first()
    if decision is None:
        return None
    return decision.referral.diagnosis_code.split(".")[0].upper()


def _claims(attestation: Attestation, status: DisabilityStatus) -> dict[str, Any]:
    issued = int(attestation.issued_at.timestamp())
    valid_until = status.reexamination_date
    claims: dict[str, Any] = {
        "iss": settings.ATTESTATION_ISSUER,
        "sub": subject_of(attestation.person.iin),
        "jti": attestation.jti,
        "iat": issued,
        "vct": tokens.VCT,
        "disability_group": status.category,
        "child": status.category == "child",
        "valid_from": status.valid_from.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
        "status": {"status_list": {"idx": attestation.pk, "uri": status_list_uri()}},
    }
    if valid_until is not None:
        # Midnight (UTC) after the last day of validity: the re-examination date still counts.
        end = dt.datetime.combine(valid_until + dt.timedelta(days=1), dt.time(), dt.UTC)
        claims["exp"] = int(end.timestamp())
    return claims


def _signed(
    attestation: Attestation, status: DisabilityStatus, disclosable: set[str]
) -> tuple[str, str]:
    claims = _claims(attestation, status)
    hidden: dict[str, Any] = {}
    if "iin" in disclosable:
        hidden["iin"] = attestation.person.iin
    if "cause" in disclosable:
        hidden["cause"] = status.cause
    group = _diagnosis_group(status) if "diagnosis_group" in disclosable else None
    if group is not None:
        hidden["diagnosis_group"] = group
    whole = {**claims, **({"iin": attestation.person.iin} if attestation.with_iin else {})}
    return tokens.sign_attestation(whole), tokens.sign_sd_jwt(claims, hidden)


def _current_status(person: Person) -> DisabilityStatus:
    status = DisabilityStatus.objects.filter(person=person, superseded_at__isnull=True).first()
    if status is None or not status.valid_today:
        raise ValidationFailed(
            ErrorCode.ATTESTATION_NO_STATUS,
            _("There is no disability status in force today to attest."),
        )
    return status


def _create(
    *,
    actor: Actor,
    person: Person,
    with_iin: bool,
    agency: Agency | None,
    disclosable: set[str],
) -> Attestation:
    with transaction.atomic():
        status = _current_status(person)
        attestation = Attestation.objects.create(
            person=person,
            status=status,
            jti=secrets.token_hex(16),
            issued_by=account_of(actor),
            agency=agency,
            with_iin=with_iin,
        )
        attestation.jws, attestation.sd_jwt = _signed(attestation, status, disclosable)
        attestation.save(update_fields=["jws", "sd_jwt"])
        record_write(
            actor=actor,
            action="attestation_issue",
            entity="attestation",
            entity_id=attestation.pk,
            data={
                "status_id": status.pk,
                "with_iin": with_iin,
                "agency": agency.sender_id if agency is not None else None,
                "disclosable": sorted(disclosable),
            },
        )
    return attestation


def _acting_for(actor: Actor, iin: str) -> Person:
    """The person ``actor`` may act for (themselves, or as legal representative); staff who may
    only see them are refused, anyone else answered as for an unknown IIN."""
    person = registry.person_get(
        actor=actor, iin=iin, what=Seen.DISABILITY_STATUS, purpose=Purpose.REGISTRY
    )
    if not access.may_act_for(actor, person):
        raise AccessDenied(
            ErrorCode.ATTESTATION_NO_CONSENT,
            _("Only the person or their legal representative may obtain an attestation."),
        )
    return person


def attestation_issue(*, actor: Actor, iin: str, with_iin: bool = False) -> Attestation:
    """An attestation of the person's current status, for the person or their representative.
    The JWS names the IIN only when ``with_iin``; the SD-JWT holds it as a disclosure."""
    person = _acting_for(actor, iin)
    return _create(
        actor=actor,
        person=person,
        with_iin=with_iin,
        agency=None,
        disclosable=set(tokens.DISCLOSABLE),
    )


def attestation_issue_for_agency(*, agency: Agency, iin: str, purpose: str) -> Attestation:
    """An attestation for an agency the person consented to; an unknown IIN and a person who
    did not consent answer alike. The agency's SD-JWT discloses only what it may receive."""
    caller = access.Agency(token_id=agency.pk, name=agency.name, purposes=tuple(agency.purposes))
    chosen = access.check_purpose(caller, purpose)
    person = Person.objects.filter(iin=iin).first()
    consented = (
        person is not None
        and AttestationConsent.objects.filter(
            person=person, agency=agency, withdrawn_at__isnull=True
        ).exists()
    )
    if person is None or not consented:
        raise NotFound(
            ErrorCode.ATTESTATION_NO_CONSENT,
            _("No person with this IIN has consented to your agency obtaining an attestation."),
        )
    access.see(
        SYSTEM, person, what=Seen.DISABILITY_STATUS, purpose=chosen, channel="api", agency=caller
    )
    granted = set(agency.disclosures)
    disclosable = {
        name
        for name, needs in (
            ("iin", Disclosure.IDENTITY),
            ("cause", Disclosure.CAUSE),
            ("diagnosis_group", Disclosure.IMPAIRMENT),
        )
        if needs in granted
    }
    return _create(
        actor=SYSTEM, person=person, with_iin=False, agency=agency, disclosable=disclosable
    )


def consent_give(*, actor: Actor, iin: str, agency_id: int) -> AttestationConsent:
    person = _acting_for(actor, iin)
    agency = Agency.objects.filter(pk=agency_id, active=True).first()
    if agency is None:
        raise ValidationFailed(
            ErrorCode.ATTESTATION_AGENCY_UNKNOWN, _("Choose one of the agencies in the list.")
        )
    with transaction.atomic():
        consent = AttestationConsent.objects.filter(
            person=person, agency=agency, withdrawn_at__isnull=True
        ).first()
        if consent is None:
            consent = AttestationConsent.objects.create(
                person=person, agency=agency, given_by=account_of(actor)
            )
            record_write(
                actor=actor,
                action="attestation_consent_give",
                entity="attestation_consent",
                entity_id=consent.pk,
                data={"agency": agency.sender_id},
            )
    return consent


def consent_withdraw(*, actor: Actor, iin: str, consent_id: int) -> None:
    person = _acting_for(actor, iin)
    with transaction.atomic():
        withdrawn = AttestationConsent.objects.filter(
            pk=consent_id, person=person, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        if not withdrawn:
            raise access.not_yours()
        record_write(
            actor=actor,
            action="attestation_consent_withdraw",
            entity="attestation_consent",
            entity_id=consent_id,
            data={},
        )


def attestations_revoke(*, actor: Actor, person_id: int) -> int:
    """Revoke every attestation the person holds; the count revoked."""
    with transaction.atomic():
        revoked = list(
            Attestation.objects.filter(person_id=person_id, revoked_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if revoked:
            Attestation.objects.filter(pk__in=revoked).update(revoked_at=timezone.now())
            record_write(
                actor=actor,
                action="attestation_revoke",
                entity="person",
                entity_id=person_id,
                data={"attestations": revoked},
            )
    return len(revoked)


def revoke_on_status_change(*, person_id: int, **_signal: Any) -> None:
    """The registry's ``disability_status_changed`` (sent after its commit): what an earlier
    attestation states is no longer the status."""
    attestations_revoke(actor=SYSTEM, person_id=person_id)


def status_list_token() -> str:
    """The signed status list of every attestation ever issued."""
    largest = Attestation.objects.aggregate(largest=Max("pk"))["largest"] or 0
    size = max(STATUS_LIST_MIN, largest + 1)
    revoked = Attestation.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True)
    return tokens.sign_status_list(
        status_list_uri(), list(revoked), size, int(time.time()), STATUS_LIST_TTL
    )


# --- reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttestationPage:
    person: Person
    status: DisabilityStatus | None
    attestations: list[Attestation]
    consents: list[AttestationConsent]
    agencies: list[Agency]
    own: bool  # the person or their representative: may issue and consent


def page_of(*, actor: Actor, iin: str) -> AttestationPage:
    """The person's attestations and consents; logged for anyone but the person; anyone without
    a right to see answers as for an unknown IIN."""
    person = registry.person_get(
        actor=actor, iin=iin, what=Seen.DISABILITY_STATUS, purpose=Purpose.REGISTRY
    )
    own = access.may_act_for(actor, person)
    status = DisabilityStatus.objects.filter(person=person, superseded_at__isnull=True).first()
    consents = list(
        AttestationConsent.objects.filter(person=person, withdrawn_at__isnull=True).select_related(
            "agency"
        )
    )
    # Offered for consent: the active agencies that do not hold one already.
    agencies = (
        list(Agency.objects.filter(active=True).exclude(pk__in=[c.agency_id for c in consents]))
        if own
        else []
    )
    return AttestationPage(
        person=person,
        status=status,
        attestations=list(Attestation.objects.filter(person=person).select_related("agency")),
        consents=consents,
        agencies=agencies,
        own=own,
    )


def attestation_of(*, actor: Actor, iin: str, attestation_id: int) -> Attestation:
    person = registry.person_get(
        actor=actor, iin=iin, what=Seen.DISABILITY_STATUS, purpose=Purpose.REGISTRY
    )
    attestation = (
        Attestation.objects.filter(pk=attestation_id, person=person)
        .select_related("person", "status")
        .first()
    )
    if attestation is None:
        raise access.not_yours()
    return attestation
