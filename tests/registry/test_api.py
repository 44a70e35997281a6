from typing import Any

import pytest
from django.test import Client
from django.utils.translation import override

from inclusio.core.audit import SYSTEM
from inclusio.core.models import AccessEvent
from inclusio.core.tokens import api_token_issue
from tests.factories import make_trio, make_user

pytestmark = pytest.mark.django_db


def _get(client: Client, token: str, iin: str, purpose: str | None = "status_verification"):  # type: ignore[no-untyped-def]
    return client.get(
        f"/api/v1/registry/persons/{iin}",
        {"purpose": purpose} if purpose is not None else {},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )


def _token(user, agency: str = "State pension fund", purposes=("status_verification",)) -> str:  # type: ignore[no-untyped-def]
    return api_token_issue(actor=SYSTEM, user=user, name="t", agency=agency, purposes=purposes)


def test_an_agency_verifies_a_status_and_the_read_is_logged(client: Client) -> None:
    trio = make_trio()
    agency = make_user("agency", "ministry_admin", None)
    token = _token(agency)
    response = _get(client, token, trio.person.iin)
    assert response.status_code == 200
    body = response.json()
    assert body["iin"] == trio.person.iin
    assert body["disability"]["category"] == "II" and body["disability"]["valid_today"]
    event = AccessEvent.objects.get(person_iin=trio.person.iin)
    assert (event.actor_name, event.channel, event.what) == ("agency", "api", "disability_status")
    assert (event.reader, event.agency, event.purpose) == (
        "agency",
        "State pension fund",
        "status_verification",
    )


def test_out_of_scope_and_unknown_answer_byte_for_byte_alike_and_the_refusal_is_logged(
    client: Client,
) -> None:
    from tests.factories import new_iin

    trio = make_trio()
    token = _token(trio.other_officer)
    out_of_scope = _get(client, token, trio.person.iin)
    unknown = _get(client, token, new_iin())
    assert out_of_scope.status_code == unknown.status_code == 404
    assert out_of_scope.content == unknown.content
    assert out_of_scope.json()["code"] == "NOT_FOUND_OR_NOT_YOURS"
    assert AccessEvent.objects.get(person_iin=trio.person.iin).outcome == "denied"
    assert AccessEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("iin", "code"), [("123", "IIN_LENGTH"), ("12345678901x", "IIN_NOT_DIGITS")]
)
def test_malformed_iins_are_422_with_a_code_and_a_translated_message(
    client: Client, iin: str, code: str
) -> None:
    token = _token(make_user("a", "ministry_admin", None))
    response = _get(client, token, iin)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert "IIN" in response.json()["message"]


def test_unknown_person_is_404(client: Client) -> None:
    from tests.factories import new_iin

    token = _token(make_user("a", "ministry_admin", None))
    assert _get(client, token, new_iin()).status_code == 404


def test_no_token_or_a_wrong_one_is_401(client: Client) -> None:
    trio = make_trio()
    assert client.get(f"/api/v1/registry/persons/{trio.person.iin}").status_code == 401
    assert _get(client, "not-a-token", trio.person.iin).status_code == 401
    assert not AccessEvent.objects.exists()


def test_a_web_session_does_not_open_the_api(client: Client) -> None:
    # A staff session may not have passed the second factor; the API takes tokens only.
    trio = make_trio()
    client.force_login(trio.own_officer)
    assert client.get(f"/api/v1/registry/persons/{trio.person.iin}").status_code == 401


def test_tokens_are_issued_and_revoked_from_the_command_line(client: Client) -> None:
    from io import StringIO

    from django.core.management import call_command

    from inclusio.core.models import ApiToken

    trio = make_trio()
    make_user("pension_fund", "ministry_admin", None)
    out = StringIO()
    call_command(
        "api_token",
        "issue",
        "pension_fund",
        "pension fund system",
        "--agency=State pension fund",
        "--purpose=status_verification",
        stdout=out,
    )
    token = out.getvalue().strip()
    assert _get(client, token, trio.person.iin).status_code == 200
    call_command("api_token", "revoke", str(ApiToken.objects.get().pk), stdout=StringIO())
    assert _get(client, token, trio.person.iin).status_code == 401


def test_the_api_reference_is_a_page_of_the_platform(client: Client) -> None:
    assert client.get("/api/docs")["Location"].endswith("/api-reference/")
    page = client.get("/en/api-reference/").content.decode()
    assert "GET /api/v1/registry/persons/{iin}" in page
    assert "Verify a person&#x27;s disability status" in page
    assert '<html lang="en"' in page
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/registry/persons/{iin}" in schema["paths"]


@pytest.mark.parametrize("purpose", [None, "", "curiosity", "registry"])
def test_a_purpose_outside_the_closed_list_or_none_is_422_and_nothing_is_logged(
    client: Client, purpose: str | None
) -> None:
    trio = make_trio()
    token = _token(make_user("agency", "ministry_admin", None))
    response = _get(client, token, trio.person.iin, purpose)
    assert response.status_code == 422
    assert response.json()["code"] == "PURPOSE_UNKNOWN"
    assert "purpose" in response.json()["message"]
    assert not AccessEvent.objects.exists()


def test_a_purpose_the_token_is_not_registered_for_is_422(client: Client) -> None:
    trio = make_trio()
    token = _token(make_user("agency", "ministry_admin", None), purposes=("benefits",))
    response = _get(client, token, trio.person.iin, "status_verification")
    assert response.status_code == 422
    assert response.json()["code"] == "PURPOSE_NOT_REGISTERED"
    assert not AccessEvent.objects.exists()
    with override("ru"):
        russian = client.get(
            f"/api/v1/registry/persons/{trio.person.iin}",
            {"purpose": "status_verification"},
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "ru"},
        )
    assert russian.json()["message"] != response.json()["message"]


def test_a_token_is_refused_without_an_agency_or_with_a_purpose_outside_the_list() -> None:
    from inclusio.core.errors import ValidationFailed
    from inclusio.core.models import ApiToken

    agency = make_user("agency", "ministry_admin", None)
    with pytest.raises(ValidationFailed) as refused:
        _token(agency, purposes=("registry",))
    assert refused.value.code == "PURPOSE_NOT_REGISTERED"
    with pytest.raises(ValidationFailed) as nameless:
        _token(agency, agency=" ")
    assert nameless.value.code == "AGENCY_REQUIRED"
    assert not ApiToken.objects.exists()


def test_too_many_look_ups_by_one_token_are_429_with_retry_after(
    client: Client, settings: Any
) -> None:
    settings.IIN_LOOKUPS_PER_TOKEN = 2
    trio = make_trio()
    agency = make_user("agency", "ministry_admin", None)
    token, other = _token(agency), _token(agency, agency="Another fund")
    assert [_get(client, token, trio.person.iin).status_code for _ in range(2)] == [200, 200]
    limited = _get(client, token, trio.person.iin)
    assert limited.status_code == 429
    assert limited.json()["code"] == "TOO_MANY_LOOKUPS"
    assert 1 <= int(limited["Retry-After"]) <= settings.IIN_LOOKUP_WINDOW_SECONDS
    assert "Wait" in limited.json()["message"]
    assert AccessEvent.objects.count() == 2  # the refused look-up read nothing
    assert _get(client, other, trio.person.iin).status_code == 200  # each token its own count


def test_the_schema_declares_the_error_answers_the_iin_pattern_and_the_purposes(
    client: Client,
) -> None:
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/registry/persons/{iin}"]["get"]
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for status in ("401", "403", "404", "409", "422", "429"):
        answer = operation["responses"][status]
        assert answer["content"]["application/json"]["schema"] == error_ref, status
        assert answer["description"].endswith("."), status  # ours, not the status's name
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["code", "message"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["iin"]["schema"]["pattern"] == "^[0-9]{12}$"
    assert parameters["purpose"]["required"] is True
    assert parameters["purpose"]["schema"]["enum"] == [
        "status_verification",
        "benefits",
        "expertise",
    ]


def test_a_missing_token_answers_in_the_error_schema(client: Client) -> None:
    trio = make_trio()
    response = client.get(f"/api/v1/registry/persons/{trio.person.iin}")
    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"
