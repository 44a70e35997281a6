import pytest
from django.test import Client

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
    return api_token_issue(actor=None, user=user, name="t", agency=agency, purposes=purposes)


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
