"""Signed attestations: issued to the person, their representative or a consented agency,
verified offline (signature, disclosures), revoked through the status list by a status change."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, NotFound, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent, User
from inclusio.interop import attestation_tokens as tokens
from inclusio.interop import attestations, keys
from inclusio.interop.errors import ErrorCode
from inclusio.interop.models import Attestation, AttestationConsent, Disclosure
from inclusio.registry.services import care_link_create
from tests.factories import (
    STATUS_UNTIL,
    Trio,
    form_token,
    give_status,
    make_person,
    make_trio,
    make_user,
    new_iin,
    sign_in,
)
from tests.interop.conftest import BASE, DciAgency, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio() -> Trio:
    return make_trio()


def _jwks() -> dict[str, Any]:
    return keys.public_jwks()


def _status_list() -> str:
    return attestations.status_list_token()


def test_the_person_obtains_one_that_verifies_offline_and_a_status_change_revokes_it(
    trio: Trio, django_capture_on_commit_callbacks: Any
) -> None:
    account = trio.person.user
    assert account is not None
    attestation = attestations.attestation_issue(actor=account, iin=trio.person.iin)
    jwks = _jwks()

    whole = tokens.verify(attestation.jws, jwks)
    assert whole.claims["disability_group"] == "II"
    assert whole.claims["valid_until"] == STATUS_UNTIL.isoformat()
    assert "iin" not in whole.claims and trio.person.iin not in json.dumps(whole.claims)
    assert whole.claims["sub"] == attestations.subject_of(trio.person.iin)
    assert whole.kid == keys.current_kid()
    index = whole.claims["status"]["status_list"]["idx"]
    uri = whole.claims["status"]["status_list"]["uri"]
    assert index == attestation.pk and uri.endswith(f"/{BASE.strip('/')}/attestations/status-list")

    # The holder shows group and validity without the cause or the IIN.
    shown = tokens.verify(tokens.present(attestation.sd_jwt, []), jwks)
    assert shown.disclosed == [] and "cause" not in shown.claims and "iin" not in shown.claims
    assert shown.claims["disability_group"] == "II"
    full = tokens.verify(attestation.sd_jwt, jwks)
    assert full.claims["cause"] == "general_disease" and full.claims["iin"] == trio.person.iin
    assert tokens.status_of(_status_list(), jwks, uri, index) == 0

    with django_capture_on_commit_callbacks(execute=True):
        give_status(trio.person, "I", until=dt.date(2028, 1, 1))
    attestation.refresh_from_db()
    assert attestation.revoked_at is not None
    assert tokens.status_of(_status_list(), jwks, uri, index) == tokens.REVOKED
    assert AuditEvent.objects.filter(action="attestation_revoke").count() == 1
    issued = AuditEvent.objects.get(action="attestation_issue")
    assert trio.person.iin not in json.dumps(issued.data)


def test_the_iin_is_in_clear_only_when_the_person_chooses(trio: Trio) -> None:
    assert trio.person.user is not None
    attestation = attestations.attestation_issue(
        actor=trio.person.user, iin=trio.person.iin, with_iin=True
    )
    assert tokens.verify(attestation.jws, _jwks()).claims["iin"] == trio.person.iin


def test_a_tampered_token_or_disclosure_or_foreign_key_fails(trio: Trio) -> None:
    assert trio.person.user is not None
    attestation = attestations.attestation_issue(actor=trio.person.user, iin=trio.person.iin)
    jwks = _jwks()
    head, payload, signature = attestation.jws.split(".")
    claims = json.loads(tokens.b64url_decode(payload))
    claims["disability_group"] = "I"
    forged = ".".join([head, tokens.b64url(json.dumps(claims).encode()), signature])
    with pytest.raises(tokens.Unverifiable):
        tokens.verify(forged, jwks)
    # A disclosure the issuer never signed for (a cause of one's choosing).
    issuer_jwt = attestation.sd_jwt.split("~")[0]
    with pytest.raises(tokens.Unverifiable):
        tokens.verify(f"{issuer_jwt}~{tokens.disclosure('cause', 'military')}~", jwks)
    # The same disclosure twice.
    first = attestation.sd_jwt.split("~")[1]
    with pytest.raises(tokens.Unverifiable):
        tokens.verify(f"{issuer_jwt}~{first}~{first}~", jwks)
    # Another platform's keys.
    other = keys.KeySet.generate_key_set("OKP", "Ed25519", count=1).as_dict(private=False)
    with pytest.raises(tokens.Unverifiable):
        tokens.verify(attestation.jws, other)
    # A status list is not an attestation, though signed by the same key.
    with pytest.raises(tokens.Unverifiable):
        tokens.verify(_status_list(), jwks)


def test_the_trio_and_the_representative(trio: Trio) -> None:
    with pytest.raises(NotFound):
        attestations.attestation_issue(actor=trio.other_officer, iin=trio.person.iin)
    with pytest.raises(NotFound):
        attestations.page_of(actor=trio.other_officer, iin=trio.person.iin)
    page = attestations.page_of(actor=trio.own_officer, iin=trio.person.iin)
    assert not page.own
    with pytest.raises(AccessDenied) as caught:
        attestations.attestation_issue(actor=trio.own_officer, iin=trio.person.iin)
    assert caught.value.code == ErrorCode.ATTESTATION_NO_CONSENT
    assert not Attestation.objects.exists()

    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    child = make_person(birth_date=dt.date(2015, 3, 1), surname="Child")
    give_status(child, "child", cause="from_childhood", until=dt.date(2030, 3, 1))
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="guardian", since=dt.date(2015, 3, 1)
    )
    attestation = attestations.attestation_issue(actor=parent_account, iin=child.iin)
    claims = tokens.verify(attestation.jws, _jwks()).claims
    assert claims["disability_group"] == "child" and claims["child"] is True
    (logged,) = AccessEvent.objects.filter(person_iin=child.iin, reader="representative")
    assert logged.what == "disability_status"
    # A person cannot obtain another's attestation: the answer is the one for an unknown IIN.
    assert trio.person.user is not None
    with pytest.raises(NotFound) as stranger:
        attestations.attestation_issue(actor=trio.person.user, iin=child.iin)
    with pytest.raises(NotFound) as unknown:
        attestations.attestation_issue(actor=trio.person.user, iin=new_iin())
    assert stranger.value.code == unknown.value.code
    assert stranger.value.message == unknown.value.message


def test_no_status_in_force_is_refused_and_writes_nothing() -> None:
    account = User.objects.create_user(username="aigul", password="correct horse battery")
    person = make_person(user=account)
    give_status(person, valid_from=dt.date(2020, 1, 1), until=dt.date(2021, 1, 1))
    audited = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        attestations.attestation_issue(actor=account, iin=person.iin)
    assert caught.value.code == ErrorCode.ATTESTATION_NO_STATUS
    assert caught.value.message
    assert not Attestation.objects.exists() and AuditEvent.objects.count() == audited


def test_an_agency_obtains_one_only_with_consent_and_only_what_it_may_receive(
    trio: Trio,
) -> None:
    agency = register(
        "transport.gov.kz",
        name="Public transport concessions",
        disclosures=(Disclosure.DISABLED_STATUS, Disclosure.CATEGORY),
    )
    body = {"iin": trio.person.iin, "purpose": "status_verification"}
    refused = agency.post("/attestations/issue", body)
    unknown = agency.post("/attestations/issue", body | {"iin": new_iin()})
    assert refused.status_code == unknown.status_code == 404
    assert refused.json() == unknown.json()
    assert refused.json()["errors"][0]["code"] == ErrorCode.ATTESTATION_NO_CONSENT

    assert trio.person.user is not None
    consent = attestations.consent_give(
        actor=trio.person.user, iin=trio.person.iin, agency_id=agency.agency.pk
    )
    answer = agency.post("/attestations/issue", body)
    assert answer.status_code == 200, answer.content
    shown = tokens.verify(answer.json()["sd_jwt"], _jwks())
    assert shown.disclosed == [] and "cause" not in shown.claims
    (logged,) = AccessEvent.objects.filter(person_iin=trio.person.iin, reader="agency")
    assert (logged.agency, logged.purpose) == (
        "Public transport concessions",
        "status_verification",
    )

    attestations.consent_withdraw(
        actor=trio.person.user, iin=trio.person.iin, consent_id=consent.pk
    )
    assert agency.post("/attestations/issue", body).status_code == 404
    assert agency.post("/attestations/issue", "not json").status_code == 400
    assert agency.post("/attestations/issue", body, token="forged").status_code == 401
    with pytest.raises(ValidationFailed) as caught:
        attestations.consent_give(actor=trio.person.user, iin=trio.person.iin, agency_id=99999)
    assert caught.value.code == ErrorCode.ATTESTATION_AGENCY_UNKNOWN
    assert AttestationConsent.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_the_full_agency_receives_the_cause_disclosure(trio: Trio, full_agency: DciAgency) -> None:
    assert trio.person.user is not None
    attestations.consent_give(
        actor=trio.person.user, iin=trio.person.iin, agency_id=full_agency.agency.pk
    )
    answer = full_agency.post(
        "/attestations/issue", {"iin": trio.person.iin, "purpose": "status_verification"}
    )
    verified = tokens.verify(answer.json()["sd_jwt"], _jwks())
    assert (
        verified.claims["cause"] == "general_disease" and verified.claims["iin"] == trio.person.iin
    )


def test_the_status_list_is_public_and_signed(client: Client, trio: Trio) -> None:
    answer = client.get(f"{BASE}/attestations/status-list")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/statuslist+jwt"
    uri = attestations.status_list_uri()
    assert tokens.status_of(answer.content.decode(), _jwks(), uri, 0) == 0


def test_the_command_verifies_offline_and_says_revoked(
    trio: Trio, tmp_path: Path, capsys: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert trio.person.user is not None
    attestation = attestations.attestation_issue(actor=trio.person.user, iin=trio.person.iin)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(_jwks()))
    presented = tmp_path / "attestation.txt"
    presented.write_text(tokens.present(attestation.sd_jwt, []))
    call_command("attestation_verify", str(presented), jwks=str(jwks))
    out = capsys.readouterr().out
    assert "The signature holds" in out and "group II" in out and STATUS_UNTIL.isoformat() in out
    assert "cause" in out  # named among what the holder did not show

    with django_capture_on_commit_callbacks(execute=True):
        give_status(trio.person, "III", until=dt.date(2028, 1, 1))
    status_list = tmp_path / "status.jwt"
    status_list.write_text(_status_list())
    with pytest.raises(SystemExit) as revoked:
        call_command(
            "attestation_verify", str(presented), jwks=str(jwks), status_list=str(status_list)
        )
    assert revoked.value.code == 1
    assert "REVOKED" in capsys.readouterr().out

    tampered = tmp_path / "tampered.txt"
    tampered.write_text(attestation.jws[:-4] + "AAAA")
    with pytest.raises(SystemExit) as failed:
        call_command("attestation_verify", str(tampered), jwks=str(jwks))
    assert failed.value.code == 1
    assert "does NOT hold" in capsys.readouterr().out


def test_the_pages_issue_list_and_print(client: Client, trio: Trio) -> None:
    assert trio.person.user is not None
    sign_in(client, trio.person.user)
    page = client.get(f"/en/attestations/person/{trio.person.iin}/")
    assert page.status_code == 200 and b"Obtain an attestation" in page.content
    issued = client.post(
        f"/en/attestations/person/{trio.person.iin}/issue/", form_token(trio.person.user)
    )
    assert issued.status_code == 302
    attestation = Attestation.objects.get()
    shown = client.get(issued["Location"] + "?show=cause")
    assert shown.status_code == 200
    assert attestation.jws.encode() in shown.content and b"<svg" in shown.content
    assert b'role="img"' in shown.content

    other = Client()
    sign_in(other, trio.other_officer)
    url = f"/en/attestations/person/{trio.person.iin}/{attestation.pk}/"
    assert other.get(url).status_code == 404
    issue = f"/en/attestations/person/{trio.person.iin}/issue/"
    assert other.post(issue, form_token(trio.other_officer)).status_code == 404
    officer = Client()
    sign_in(officer, trio.own_officer)
    assert officer.get(url).status_code == 200
    assert officer.post(issue, form_token(trio.own_officer)).status_code == 403
    assert Attestation.objects.count() == 1


# The person's page: the session and account, the person, the status, the attestations, the
# consents and the agencies to choose from, and the navigation's questions.
PERSON_PAGE_BUDGET = 11


def test_the_person_page_keeps_its_query_budget_however_many_attestations(
    client: Client, trio: Trio, django_assert_max_num_queries: Any
) -> None:
    assert trio.person.user is not None
    agency = register("budget.gov.kz", name="Budget agency")
    attestations.consent_give(
        actor=trio.person.user, iin=trio.person.iin, agency_id=agency.agency.pk
    )
    for _ in range(2):
        attestations.attestation_issue(actor=trio.person.user, iin=trio.person.iin)
        attestations.attestation_issue_for_agency(
            agency=agency.agency, iin=trio.person.iin, purpose="status_verification"
        )
    sign_in(client, trio.person.user)
    with django_assert_max_num_queries(PERSON_PAGE_BUDGET):
        assert client.get(f"/en/attestations/person/{trio.person.iin}/").status_code == 200


def test_the_command_speaks_the_users_language(trio: Trio, tmp_path: Path, capsys: Any) -> None:
    assert trio.person.user is not None
    attestation = attestations.attestation_issue(actor=trio.person.user, iin=trio.person.iin)
    presented = tmp_path / "attestation.txt"
    presented.write_text(attestation.jws)
    with translation.override("ru"):
        call_command("attestation_verify", str(presented))
    out = capsys.readouterr().out
    assert "Подпись верна" in out and "Группа инвалидности" in out


def test_the_page_offers_for_consent_only_the_agencies_without_one(trio: Trio) -> None:
    transport = register("transport.gov.kz", name="Public transport concessions")
    employment = register("esp.gov.kz", name="Employment service")
    assert trio.person.user is not None
    consent = attestations.consent_give(
        actor=trio.person.user, iin=trio.person.iin, agency_id=transport.agency.pk
    )
    page = attestations.page_of(actor=trio.person.user, iin=trio.person.iin)
    assert [a.pk for a in page.agencies] == [employment.agency.pk]
    assert [c.agency_id for c in page.consents] == [transport.agency.pk]
    client = Client()
    sign_in(client, trio.person.user)
    response = client.get(f"/en/attestations/person/{trio.person.iin}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{transport.agency.pk}">' not in html
    assert f'<option value="{employment.agency.pk}">' in html
    # Once withdrawn, the agency is offered again; the officer is offered none.
    attestations.consent_withdraw(
        actor=trio.person.user, iin=trio.person.iin, consent_id=consent.pk
    )
    page = attestations.page_of(actor=trio.person.user, iin=trio.person.iin)
    assert {a.pk for a in page.agencies} == {transport.agency.pk, employment.agency.pk}
    assert attestations.page_of(actor=trio.own_officer, iin=trio.person.iin).agencies == []
