"""Agencies registered by an administrator: each mistake refused with its code, nothing
written; the back office registers one and shows its secret once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import ValidationFailed
from inclusio.core.models import AuditEvent
from inclusio.interop import services
from inclusio.interop.errors import ErrorCode
from inclusio.interop.models import Agency
from tests.factories import make_user, sign_in
from tests.interop.conftest import new_key, public_jwks

pytestmark = pytest.mark.django_db


def valid(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Employment service",
        "sender_id": "esp.gov.kz",
        "purposes": ["status_verification"],
        "disclosures": ["disabled_status"],
        "jwks": public_jwks(new_key()),
        **changes,
    }


def private_jwks() -> dict[str, Any]:
    key = new_key()
    return {"keys": [key.as_dict(private=True)]}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": " "}, ErrorCode.AGENCY_NAME_REQUIRED),
        ({"sender_id": "has space"}, ErrorCode.AGENCY_SENDER_ID_INVALID),
        ({"disclosures": []}, ErrorCode.AGENCY_FIELDS_REQUIRED),
        ({"disclosures": ["diagnosis"]}, ErrorCode.AGENCY_FIELDS_REQUIRED),
        ({"jwks": None}, ErrorCode.AGENCY_KEYS_REQUIRED),
        ({"jwks": "{not json"}, ErrorCode.AGENCY_KEYS_INVALID),
        ({"jwks": private_jwks()}, ErrorCode.AGENCY_KEYS_INVALID),
        ({"jwks": None, "jwks_url": "http://esp.gov.kz/jwks"}, ErrorCode.AGENCY_KEYS_URL_INVALID),
        ({"requests_per_minute": 0}, ErrorCode.AGENCY_RATE_INVALID),
    ],
)
def test_a_mistake_is_refused_with_its_code_and_writes_nothing(
    changes: dict[str, Any], code: ErrorCode
) -> None:
    with pytest.raises(ValidationFailed) as refusal:
        services.agency_register(actor=SYSTEM, **valid(**changes))
    assert refusal.value.code == code
    assert refusal.value.message
    assert not Agency.objects.exists()
    assert not AuditEvent.objects.filter(action="agency_register").exists()


def test_a_sender_id_is_one_agency_s(db: None) -> None:
    services.agency_register(actor=SYSTEM, **valid())
    with pytest.raises(ValidationFailed) as refusal:
        services.agency_register(actor=SYSTEM, **valid(name="Another"))
    assert refusal.value.code == ErrorCode.AGENCY_SENDER_ID_TAKEN
    assert Agency.objects.count() == 1


def test_only_the_secret_s_digest_is_kept_and_a_new_secret_replaces_it(db: None) -> None:
    agency, secret = services.agency_register(actor=SYSTEM, **valid())
    assert secret not in agency.secret_digest
    assert services.token_issue("esp.gov.kz", secret) is not None
    renewed = services.agency_secret_issue(actor=SYSTEM, agency_id=agency.pk)
    assert services.token_issue("esp.gov.kz", secret) is None
    assert services.token_issue("esp.gov.kz", renewed) is not None
    logged = AuditEvent.objects.get(action="agency_register").data
    assert secret not in str(logged) and "keys" in logged


def test_an_administrator_registers_an_agency_in_the_back_office(db: None) -> None:
    admin = make_user("ministry", "ministry_admin", None)
    admin.is_staff = True
    admin.save()
    client = Client()
    sign_in(client, admin)
    form = {
        "name": "Employment service",
        "sender_id": "esp.gov.kz",
        "purposes": ["status_verification"],
        "disclosures": ["disabled_status", "category"],
        "jwks": "",
        "jwks_url": "",
        "requests_per_minute": "600",
        "active": "on",
    }
    url = "/en/admin/interop/agency/add/"
    assert client.get(url).status_code == 200
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert b"Upload the agency" in refused.content
    assert not Agency.objects.exists()
    import json

    answer = client.post(url, {**form, "jwks": json.dumps(public_jwks(new_key()))}, follow=True)
    assert answer.status_code == 200
    agency = Agency.objects.get()
    assert agency.disclosures == ["disabled_status", "category"]
    assert agency.registered_by == admin
    assert b"shown this once" in answer.content


def test_an_officer_without_the_permission_has_no_agency_screen(db: None) -> None:
    officer = make_user("officer", "district_officer")
    client = Client()
    sign_in(client, officer)
    assert client.get("/en/admin/interop/agency/").status_code in (302, 403)
