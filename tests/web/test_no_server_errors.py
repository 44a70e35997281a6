"""Crashes and leaks the hostile-request sweep found, each kept as a named test: a next address
that is not a path, a payroll of year zero, and a person out of scope who must look exactly
like nobody."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from inclusio.core.audit import SYSTEM
from inclusio.core.tokens import api_token_issue
from tests.factories import make_trio, make_user, new_iin, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/en/login/", "/en/second-factor/", "/en/second-factor/enrol/"])
def test_a_next_address_that_is_not_a_path_is_ignored(path: str) -> None:
    # "x" passes url_has_allowed_host_and_scheme, and redirect("x") then looks for a view
    # named "x": NoReverseMatch, a 500.
    client = Client(raise_request_exception=False)
    sign_in(client, make_user("officer", "district_officer"))
    response = client.get(path, {"next": "x"})
    assert response.status_code == 302 and response["Location"] == "/en/"


def test_a_payroll_month_of_year_zero_is_refused_on_the_form() -> None:
    client = Client(raise_request_exception=False)
    sign_in(client, make_user("minister", "ministry_admin", None))
    before = row_counts()
    response = client.post("/ru/benefits/payroll/", {"month": "0000-01"})
    assert response.status_code == 422
    assert response.context["form"].errors.as_data()["month"][0].code == "MONTH_FORMAT"
    assert row_counts() == before


def _main(page: str, iin: str) -> str:
    """The page's main content, with the IIN asked for written as a placeholder."""
    main = re.search(r"<main.*</main>", page, re.S)
    assert main is not None
    return main.group(0).replace(iin, "<IIN>")


@pytest.mark.parametrize(
    "address",
    [
        "/en/registry/persons/{iin}/",
        "/en/benefits/persons/{iin}/",
        "/en/registry/me/access-log/?iin={iin}",
    ],
)
def test_a_person_out_of_scope_looks_the_same_as_nobody(address: str) -> None:
    trio = make_trio()
    client = Client()
    sign_in(client, trio.other_officer)
    registered = client.get(address.format(iin=trio.person.iin))
    unknown_iin = new_iin()
    unknown = client.get(address.format(iin=unknown_iin))
    assert registered.status_code == unknown.status_code == 404
    assert _main(registered.content.decode(), trio.person.iin) == _main(
        unknown.content.decode(), unknown_iin
    )


def test_a_person_out_of_scope_looks_the_same_as_nobody_in_the_api() -> None:
    trio = make_trio()
    token = api_token_issue(
        actor=SYSTEM,
        user=trio.other_officer,
        name="probe",
        agency="Probe agency",
        purposes=["status_verification"],
    )
    client = Client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "ru"}
    registered = client.get(
        f"/api/v1/registry/persons/{trio.person.iin}",
        {"purpose": "status_verification"},
        headers=headers,
    )
    unknown_iin = new_iin()
    unknown = client.get(
        f"/api/v1/registry/persons/{unknown_iin}",
        {"purpose": "status_verification"},
        headers=headers,
    )
    assert registered.status_code == unknown.status_code == 404
    assert registered.json()["code"] == unknown.json()["code"]
    assert registered.json()["message"].replace(trio.person.iin, "<IIN>") == unknown.json()[
        "message"
    ].replace(unknown_iin, "<IIN>")
