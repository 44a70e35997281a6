"""A domain refusal that a view lets through is answered with its status page: the status
right, the message in the reader's language, the stable code; never a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_trio, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db


@pytest.mark.urls("tests.web.refusal_urls")
@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/ru/refuse/403/", 403, "У вас нет доступа к этой странице"),
        ("/ru/refuse/404/", 404, "Страница не найдена"),
        ("/ru/refuse/409/", 409, "Сейчас это сделать нельзя"),
        ("/ru/refuse/422/", 422, "Это нельзя принять"),
        ("/ru/refuse/other/", 400, "Запрос не удалось понять"),
    ],
)
def test_each_refusal_has_its_status_page_with_message_and_code(
    client: Client, path: str, status: int, heading: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "Страница не найдена</p>" in page  # the refusal's own message, translated
    assert "<code>TEST_REFUSAL</code>" in page


@pytest.mark.urls("tests.web.refusal_urls")
def test_a_refusal_page_speaks_kazakh_too(client: Client) -> None:
    page = client.get("/kk/refuse/iin/").content.decode()
    assert "<code>IIN_LENGTH</code>" in page
    assert "Мұны қабылдау мүмкін емес" in page  # "This cannot be accepted"


@pytest.mark.urls("tests.web.refusal_urls")
def test_a_fault_that_is_not_a_refusal_stays_a_server_error() -> None:
    # The refusal pages answer refusals only: a bug must still reach the error log as one.
    client = Client(raise_request_exception=False)
    assert client.get("/en/fault/").status_code == 500


def test_a_request_django_itself_refuses_gets_the_400_page(client: Client) -> None:
    # Rendered by Django without a request (here: a host the site does not answer for).
    response = client.get("/en/", headers={"host": "elsewhere.example"})
    assert response.status_code == 400
    assert "<h1>The request could not be understood</h1>" in response.content.decode()


def test_a_post_only_address_typed_into_the_browser_gets_a_page_not_an_empty_405(
    client: Client,
) -> None:
    trio = make_trio()
    sign_in(client, trio.person.user)
    response = client.get("/kk/logout/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "<h1>Бұл мекенжайды тікелей ашуға болмайды</h1>" in response.content.decode()
    russian = client.get(f"/ru/benefits/persons/{trio.person.iin}/messages-read/")
    assert russian.status_code == 405
    assert "<h1>Этот адрес нельзя открыть напрямую</h1>" in russian.content.decode()


# --- the requests that ended in a 500 before ----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/ru/registry/persons/123/",
        "/ru/benefits/persons/123/",
        "/ru/registry/me/access-log/?iin=123",
    ],
)
def test_a_malformed_iin_in_an_address_is_refused_with_its_code(client: Client, path: str) -> None:
    trio = make_trio()
    sign_in(client, trio.own_officer)
    before = row_counts()
    response = client.get(path)
    assert response.status_code == 422
    page = response.content.decode()
    assert "<code>IIN_LENGTH</code>" in page
    assert "ИИН должен состоять ровно из 12 цифр; указано: 3." in page
    assert row_counts() == before


@pytest.mark.parametrize(
    "path",
    [
        f"/ru/benefits/offers/{10**20}/",
        f"/ru/benefits/decisions/{10**20}/why/",
        f"/ru/assessment/referrals/{10**20}/",
    ],
)
def test_an_id_beyond_any_column_is_not_found(client: Client, path: str) -> None:
    trio = make_trio(role="mse_specialist")
    sign_in(client, trio.own_officer)
    before = row_counts()
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    # The answer of any record that is missing or not the reader's: it tells nothing more.
    assert "<code>NOT_FOUND_OR_NOT_YOURS</code>" in page
    assert "Такого человека или записи нет, либо у вас нет права их видеть." in page
    assert row_counts() == before


@pytest.mark.parametrize("path", ["/ru/benefits/offers/x/", "/ru/assessment/referrals/-1/"])
def test_an_id_that_is_no_number_finds_no_page(client: Client, path: str) -> None:
    sign_in(client, make_trio().own_officer)
    response = client.get(path)
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()
