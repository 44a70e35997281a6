"""The portal's pages: who may open which, what they show, and bad input refused on the form
with its code, nothing written."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inclusio.core.errors import AccessDenied
from inclusio.core.models import User
from inclusio.marketplace import selectors
from inclusio.marketplace.models import Item, Supplier
from inclusio.synthetic.marketplace import make_iban
from tests.factories import make_user, sign_in
from tests.marketplace.builders import a_bin, make_item, make_supplier
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _codes(response: object) -> list[str]:
    form = response.context["form"]  # type: ignore[attr-defined]
    return [error.code for errors in form.errors.as_data().values() for error in errors]


# --- the catalogue ------------------------------------------------------------------------------


def test_a_person_searches_their_region_by_default(
    person_account: User, supplier_a: Supplier
) -> None:
    elsewhere = make_supplier("far", serial=9, region="75", served=("75",))
    make_item(supplier_a, name="Near wheelchair")
    make_item(elsewhere, name="Far wheelchair")
    page = _client(person_account).get("/en/marketplace/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Near wheelchair" in text and "Far wheelchair" not in text
    assert "1 offer found" in text
    everywhere = _client(person_account).get("/en/marketplace/", {"region": ""})
    assert "Far wheelchair" in everywhere.content.decode()


def test_the_catalogue_says_which_prices_are_above_the_cap(
    person_account: User, supplier_a: Supplier
) -> None:
    make_item(supplier_a, name="Dear", price=200_000)
    text = _client(person_account).get("/ru/marketplace/").content.decode()
    assert "Выше государственной предельной цены" in text
    assert "₸20\u202f000" in text  # the co-payment: 200,000 − 180,000


def test_the_catalogue_is_for_signed_in_people_only(supplier_a: Supplier) -> None:
    item = make_item(supplier_a)
    for path in ("/en/marketplace/", f"/en/marketplace/items/{item.pk}/"):
        response = Client().get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_item_page_in_each_language(person_account: User, supplier_a: Supplier) -> None:
    item = make_item(supplier_a)
    client = _client(person_account)
    for language, plain in (
        ("kk", "Қолмен жүргізілетін арба, жеңіл."),
        ("ru", "Лёгкая кресло-коляска с ручным приводом."),
        ("en", "A light manual wheelchair."),
    ):
        text = client.get(f"/{language}/marketplace/items/{item.pk}/").content.decode()
        assert plain in text


def test_an_unverified_suppliers_item_is_not_found(person_account: User) -> None:
    waiting = make_supplier("rep", serial=3, status="pending")
    item = make_item(waiting)
    assert _client(person_account).get(f"/en/marketplace/items/{item.pk}/").status_code == 404


def test_a_photo_is_served_as_an_image_that_cannot_run(
    person_account: User, supplier_a: Supplier
) -> None:
    item = make_item(supplier_a)
    owner = _client(supplier_a.representative)
    response = owner.post(
        f"/en/marketplace/supplier/items/{item.pk}/photos/",
        {"photo": SimpleUploadedFile("p.png", PNG), "alt_text": "A grey wheelchair"},
    )
    assert response.status_code == 302
    page = _client(person_account).get(f"/en/marketplace/items/{item.pk}/").content.decode()
    found = re.search(r'<img class="[^"]*" src="([^"]+)" alt="A grey wheelchair">', page)
    assert found
    photo = _client(person_account).get(found.group(1))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in photo["Content-Security-Policy"]
    assert b"".join(photo.streaming_content) == PNG  # type: ignore[attr-defined]
    supplier_a.status = Supplier.Status.SUSPENDED
    supplier_a.save(update_fields=["status"])
    assert _client(person_account).get(found.group(1)).status_code == 404


# --- suppliers ----------------------------------------------------------------------------------


def test_a_new_representative_is_sent_to_register() -> None:
    account = make_user("rep", "supplier", "71")
    client = _client(account)
    assert client.get("/en/marketplace/supplier/")["Location"].endswith("/supplier/register/")
    response = client.post(
        "/en/marketplace/supplier/register/",
        {
            "bin": a_bin(5),
            "legal_name": "ТОО «Есту»",
            "regions_served": ["71"],
            "categories": ["hearing_aid"],
            "iban": make_iban(5),
            "phone": "+7 717 200 00 01",
            "address": "Астана",
        },
    )
    assert response.status_code == 302
    supplier = Supplier.objects.get()
    assert supplier.status == Supplier.Status.PENDING and supplier.representative == account
    dashboard = client.get("/en/marketplace/supplier/").content.decode()
    assert "Waiting for verification" in dashboard


def test_a_bad_bin_is_refused_on_its_field_in_russian() -> None:
    account = make_user("rep", "supplier", "71")
    before = row_counts()
    response = _client(account).post(
        "/ru/marketplace/supplier/register/",
        {
            "bin": "123456789012",
            "legal_name": "ТОО",
            "regions_served": ["71"],
            "categories": ["hearing_aid"],
            "iban": "KZ86125KZT5004100100",
            "phone": "1",
            "address": "Астана",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors.as_data()["bin"][0].code == "BIN_CHECKSUM"
    assert "контрольная цифра" in response.content.decode().lower()
    assert row_counts() == before


def test_supplier_a_never_opens_supplier_bs_item(
    supplier_a: Supplier, supplier_b: Supplier
) -> None:
    item = make_item(supplier_b)
    client = _client(supplier_a.representative)
    before = row_counts()
    assert client.get(f"/en/marketplace/supplier/items/{item.pk}/").status_code == 404
    assert (
        client.post(f"/en/marketplace/supplier/items/{item.pk}/", {"price": 1}).status_code == 404
    )
    assert row_counts() == before
    assert client.get(f"/en/marketplace/supplier/items/{item.pk + 1000}/").status_code == 404


def test_a_supplier_adds_an_item_and_bad_prices_are_refused(supplier_a: Supplier) -> None:
    client = _client(supplier_a.representative)
    data = {
        "category": "wheelchair_manual",
        "name": "Коляска",
        "price": "0",
        "description": "Складная",
        "accessible_kk": "Арба",
        "accessible_ru": "Коляска",
        "accessible_en": "Wheelchair",
        "lead_time_days": "3",
        "stock": "2",
    }
    before = row_counts()
    refused = client.post("/en/marketplace/supplier/items/new/", data)
    assert refused.status_code == 422 and _codes(refused) == ["PRICE_NOT_POSITIVE"]
    missing = client.post(
        "/en/marketplace/supplier/items/new/", {**data, "price": "5", "accessible_en": ""}
    )
    assert _codes(missing) == ["ACCESSIBLE_DESCRIPTION_MISSING"]
    negative = client.post(
        "/en/marketplace/supplier/items/new/", {**data, "price": "5", "stock": "-1"}
    )
    assert _codes(negative) == ["STOCK_NEGATIVE"]
    assert row_counts() == before
    added = client.post("/en/marketplace/supplier/items/new/", {**data, "price": "150000"})
    assert added.status_code == 302
    assert Item.objects.get().price == 150_000
    dashboard = client.get("/en/marketplace/supplier/").content.decode()
    assert "Коляска" in dashboard and "Verified" in dashboard


def test_a_photo_without_alt_text_is_refused_on_the_page(supplier_a: Supplier) -> None:
    item = make_item(supplier_a)
    response = _client(supplier_a.representative).post(
        f"/en/marketplace/supplier/items/{item.pk}/photos/",
        {"photo": SimpleUploadedFile("p.png", PNG), "alt_text": ""},
    )
    assert response.status_code == 422
    codes = [e.code for es in response.context["photo_form"].errors.as_data().values() for e in es]
    assert codes == ["ALT_TEXT_MISSING"]
    assert not item.photos.exists()


def test_a_sanatorium_sets_places_on_its_page(supplier_a: Supplier) -> None:
    stay = make_item(supplier_a, category_code="sanatorium_treatment", price=200_000)
    day = dt.date.today() + dt.timedelta(days=7)
    client = _client(supplier_a.representative)
    response = client.post(
        f"/en/marketplace/supplier/items/{stay.pk}/places/",
        {"day": day.isoformat(), "places": "15"},
    )
    assert response.status_code == 302
    assert (
        day.isoformat() in client.get(f"/en/marketplace/supplier/items/{stay.pk}/").content.decode()
    )


# --- officers -----------------------------------------------------------------------------------


def test_the_officer_of_the_region_verifies_from_the_register(officer: User) -> None:
    pending = make_supplier("rep", serial=3, status="pending")
    client = _client(officer)
    register = client.get("/en/marketplace/suppliers/").content.decode()
    assert "1 supplier waits for verification" in register and pending.legal_name in register
    response = client.post(f"/en/marketplace/suppliers/{pending.pk}/", {"action": "verify"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Supplier.Status.VERIFIED


def test_a_refusal_without_a_reason_is_refused_on_the_form(officer: User) -> None:
    pending = make_supplier("rep", serial=3, status="pending")
    before = row_counts()
    response = _client(officer).post(
        f"/kk/marketplace/suppliers/{pending.pk}/", {"action": "refuse", "reason": ""}
    )
    assert response.status_code == 422 and _codes(response) == ["DECISION_REASON_REQUIRED"]
    assert "Себебін көрсетіңіз" in response.content.decode()
    assert row_counts() == before


def test_an_officer_of_another_region_sees_neither_the_supplier_nor_it_in_the_register(
    other_officer: User,
) -> None:
    pending = make_supplier("rep", serial=3, status="pending")
    client = _client(other_officer)
    assert pending.legal_name not in client.get("/en/marketplace/suppliers/").content.decode()
    assert client.get(f"/en/marketplace/suppliers/{pending.pk}/").status_code == 404
    before = row_counts()
    assert (
        client.post(f"/en/marketplace/suppliers/{pending.pk}/", {"action": "verify"}).status_code
        == 404
    )
    assert row_counts() == before


def test_the_start_page_lists_the_regions_suppliers_waiting_for_verification(
    officer: User, other_officer: User
) -> None:
    pending = make_supplier("rep", serial=3, status="pending")
    make_supplier("verified_rep", serial=4)
    mine = _client(officer).get("/en/").content.decode()
    assert "Suppliers waiting for verification" in mine and pending.legal_name in mine
    assert f"/en/marketplace/suppliers/{pending.pk}/" in mine
    assert "Поставщик 4" not in mine  # a verified supplier waits for nothing
    theirs = _client(other_officer).get("/en/").content.decode()
    assert "Suppliers waiting for verification" in theirs
    assert pending.legal_name not in theirs and "No supplier waits for verification." in theirs
    worklist = selectors.worklist_suppliers_waiting(actor=officer, page=1)
    assert worklist.count == 1 and list(worklist.rows) == [pending]
    assert selectors.worklist_suppliers_waiting(actor=other_officer, page=1).count == 0
    ministry = _client(make_user("minister", "ministry_admin", None)).get("/en/").content.decode()
    assert pending.legal_name in ministry


def test_the_officers_reads_refuse_an_account_without_the_permission(
    person_account: User, supplier_a: Supplier
) -> None:
    for account in (person_account, supplier_a.representative):
        for read in (
            selectors.worklist_suppliers_waiting,
            selectors.supplier_register_page,
            selectors.suppliers_waiting,
        ):
            with pytest.raises(AccessDenied):
                read(actor=account)


def test_a_person_and_a_supplier_open_no_officers_page_and_a_person_no_suppliers(
    person_account: User, supplier_a: Supplier
) -> None:
    for account in (person_account, supplier_a.representative):
        client = _client(account)
        assert client.get("/en/marketplace/suppliers/").status_code == 403
        assert client.get(f"/en/marketplace/suppliers/{supplier_a.pk}/").status_code == 403
    person = _client(person_account)
    assert person.get("/en/marketplace/supplier/").status_code == 403
    assert person.get("/en/marketplace/supplier/items/new/").status_code == 403


def test_a_supplier_sees_nothing_about_persons(supplier_a: Supplier, person_account: User) -> None:
    client = _client(supplier_a.representative)
    iin = person_account.person.iin
    assert client.get("/en/registry/search/", {"q": iin}).status_code == 403
    assert client.get(f"/en/registry/persons/{iin}/").status_code in (403, 404)
    assert client.get(f"/en/benefits/persons/{iin}/").status_code in (403, 404)


def test_the_catalogue_page_asks_the_database_the_same_however_many_offers(
    person_account: User, supplier_a: Supplier
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(person_account)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/marketplace/").status_code == 200
        return len(captured.captured_queries)

    make_item(supplier_a)
    queries()  # the first request of a session also reads what the session caches
    few = queries()
    for number in range(30):
        make_item(supplier_a, name=f"Wheelchair {number}")
    assert queries() == few <= 12
