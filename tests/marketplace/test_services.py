"""Suppliers register and keep their catalogue; officers decide on them. Every refusal has its
code and a translated message, and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from inclusio.core.errors import AccessDenied, DomainError, NotFound
from inclusio.core.models import AuditEvent, User
from inclusio.marketplace import services
from inclusio.marketplace.models import Item, ItemPhoto, Supplier
from tests.factories import make_user, new_iin
from tests.marketplace.builders import GOOD, a_bin, make_item, make_supplier
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def refused(call: Callable[[], Any], code: str) -> DomainError:
    """The call is refused with ``code``, its message is translated, and nothing is written."""
    before = row_counts()
    with translation.override("ru"), pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code
    with translation.override("ru"):
        russian = caught.value.message
    with translation.override("en"):
        english = caught.value.message
    assert russian != english, f"{code}: the message is not translated into Russian"
    assert row_counts() == before
    return caught.value


def _register(account: User, **changes: Any) -> Supplier:
    details: dict[str, Any] = {
        "bin": a_bin(7),
        "legal_name": "ТОО «Ортосервис»",
        "regions_served": ["71", "75"],
        "categories": ["wheelchair_manual", "hearing_aid"],
        "iban": "KZ86125KZT5004100101",
        "phone": "+7 717 211 22 33",
        "address": "Астана, ул. Кенесары, 5",
    }
    return services.supplier_register(actor=account, **{**details, **changes})


def _valid_iban() -> str:
    from inclusio.synthetic.marketplace import make_iban

    return make_iban(4711)


# --- registration -------------------------------------------------------------------------------


def test_a_representative_registers_the_organisation_waiting_for_verification() -> None:
    account = make_user("rep", "supplier", "71")
    supplier = _register(account, iban=_valid_iban())
    assert supplier.status == Supplier.Status.PENDING
    assert supplier.region_id == "71"
    assert sorted(supplier.regions_served.values_list("code", flat=True)) == ["71", "75"]
    event = AuditEvent.objects.get(action="supplier_register")
    # The bank account is in the trail only as a digest.
    assert _valid_iban() not in str(event.data)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"bin": "123456789012"}, "BIN_CHECKSUM"),
        ({"bin": "12345"}, "BIN_LENGTH"),
        # A valid IIN (a person's number: its fifth digit is the birth day's first) is not an
        # organisation's BIN.
        ({"bin": "IIN"}, "BIN_ENTITY_TYPE"),
        ({"iban": "KZ00125KZT5004100100"}, "IBAN_CHECKSUM"),
        ({"iban": "DE89370400440532013000"}, "IBAN_FORMAT"),
        ({"categories": ["flying_carpet"]}, "CATALOGUE_CATEGORY_UNKNOWN"),
        ({"categories": []}, "CATEGORIES_MISSING"),
        ({"regions_served": ["99"]}, "REGIONS_MISSING"),
        ({"legal_name": "  "}, "DETAIL_MISSING"),
    ],
)
def test_bad_registration_details_are_refused(changes: dict[str, Any], code: str) -> None:
    account = make_user("rep", "supplier", "71")
    if changes.get("bin") == "IIN":
        changes = {"bin": new_iin(dt.date(1980, 5, 17))}
        assert changes["bin"][4] == "1"
    refused(lambda: _register(account, **{"iban": _valid_iban(), **changes}), code)


def test_a_bin_registered_already_is_refused(supplier_a: Supplier) -> None:
    account = make_user("rep", "supplier", "71")
    refused(lambda: _register(account, bin=supplier_a.bin, iban=_valid_iban()), "BIN_TAKEN")


def test_only_a_suppliers_representative_registers(person_account: User, officer: User) -> None:
    for account in (person_account, officer):
        refused(lambda a=account: _register(a, iban=_valid_iban()), "NOT_A_SUPPLIER")


def test_a_refused_supplier_registers_again_and_waits_again(officer: User) -> None:
    supplier = make_supplier("rep", serial=3, status="pending")
    services.supplier_refuse(actor=officer, supplier_id=supplier.pk, reason="The IBAN is closed")
    again = _register(supplier.representative, bin=supplier.bin, iban=_valid_iban())
    assert again.pk == supplier.pk and again.status == Supplier.Status.PENDING
    assert again.status_reason == ""
    # A verified one does not register twice.
    services.supplier_verify(actor=officer, supplier_id=supplier.pk)
    refused(lambda: _register(supplier.representative, iban=_valid_iban()), "SUPPLIER_EXISTS")


# --- officers' decisions ------------------------------------------------------------------------


def test_an_officer_of_the_region_verifies_suspends_and_reinstates(officer: User) -> None:
    supplier = make_supplier("rep", serial=3, status="pending")
    services.supplier_verify(actor=officer, supplier_id=supplier.pk)
    services.supplier_suspend(actor=officer, supplier_id=supplier.pk, reason="Licence withdrawn")
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.SUSPENDED
    assert supplier.status_reason == "Licence withdrawn"
    assert supplier.status_changed_by == officer
    services.supplier_reinstate(actor=officer, supplier_id=supplier.pk)
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.VERIFIED
    actions = list(
        AuditEvent.objects.filter(entity="supplier", entity_id=str(supplier.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[1:] == ["supplier_verify", "supplier_suspend", "supplier_reinstate"]


def test_the_ministry_decides_in_every_region(other_officer: User) -> None:
    ministry = make_user("minister", "ministry_admin", None)
    supplier = make_supplier("rep", serial=3, status="pending", region="75")
    services.supplier_verify(actor=ministry, supplier_id=supplier.pk)
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.VERIFIED


def test_an_officer_of_another_region_meets_no_such_supplier(other_officer: User) -> None:
    supplier = make_supplier("rep", serial=3, status="pending")
    error = refused(
        lambda: services.supplier_verify(actor=other_officer, supplier_id=supplier.pk),
        "SUPPLIER_NOT_REGISTERED",
    )
    assert isinstance(error, NotFound)
    unknown = refused(
        lambda: services.supplier_verify(actor=other_officer, supplier_id=supplier.pk + 999),
        "SUPPLIER_NOT_REGISTERED",
    )
    assert unknown.message == error.message


def test_a_person_and_a_supplier_decide_nothing(person_account: User, supplier_a: Supplier) -> None:
    pending = make_supplier("rep", serial=3, status="pending")
    for actor in (person_account, supplier_a.representative):
        error = refused(
            lambda a=actor: services.supplier_verify(actor=a, supplier_id=pending.pk),
            "NOT_AN_OFFICER",
        )
        assert isinstance(error, AccessDenied)


def test_a_refusal_and_a_suspension_need_a_reason(officer: User, supplier_a: Supplier) -> None:
    pending = make_supplier("rep", serial=3, status="pending")
    refused(
        lambda: services.supplier_refuse(actor=officer, supplier_id=pending.pk, reason=" "),
        "DECISION_REASON_REQUIRED",
    )
    refused(
        lambda: services.supplier_suspend(actor=officer, supplier_id=supplier_a.pk, reason=""),
        "DECISION_REASON_REQUIRED",
    )


def test_a_decision_out_of_turn_is_refused(officer: User, supplier_a: Supplier) -> None:
    refused(
        lambda: services.supplier_verify(actor=officer, supplier_id=supplier_a.pk),
        "SUPPLIER_STATE",
    )
    refused(
        lambda: services.supplier_reinstate(actor=officer, supplier_id=supplier_a.pk),
        "SUPPLIER_STATE",
    )


# --- the catalogue ------------------------------------------------------------------------------


def test_a_supplier_adds_and_changes_its_items(supplier_a: Supplier) -> None:
    item = make_item(supplier_a)
    assert (item.price, item.stock, item.accessible_en) == (
        150_000,
        3,
        "A light manual wheelchair.",
    )
    services.item_update(
        actor=supplier_a.representative,
        item_id=item.pk,
        **{**{k: v for k, v in GOOD.items() if k != "category_code"}, "price": 160_000, "stock": 0},
    )
    item.refresh_from_db()
    assert (item.price, item.stock) == (160_000, 0)
    event = AuditEvent.objects.filter(action="item_update").get()
    assert event.data["changed"] == ["price", "stock"]


def test_services_and_sanatoriums_keep_no_stock(supplier_a: Supplier) -> None:
    hour = make_item(supplier_a, category_code="sign_language", price=3000, stock=7)
    assert hour.stock is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"price": 0}, "PRICE_NOT_POSITIVE"),
        ({"price": -5}, "PRICE_NOT_POSITIVE"),
        ({"price": None}, "PRICE_NOT_POSITIVE"),
        ({"stock": -1}, "STOCK_NEGATIVE"),
        ({"lead_time_days": 400}, "LEAD_TIME_INVALID"),
        ({"category_code": "flying_carpet"}, "CATALOGUE_CATEGORY_UNKNOWN"),
        ({"category_code": "hearing_aid"}, "CATEGORY_NOT_SUPPLIED"),
        (
            {"accessible": {"kk": "Арба", "ru": "Коляска", "en": " "}},
            "ACCESSIBLE_DESCRIPTION_MISSING",
        ),
        ({"accessible": {"ru": "Коляска", "en": "Wheelchair"}}, "ACCESSIBLE_DESCRIPTION_MISSING"),
        ({"name": ""}, "DETAIL_MISSING"),
    ],
)
def test_bad_items_are_refused(supplier_a: Supplier, changes: dict[str, Any], code: str) -> None:
    refused(lambda: make_item(supplier_a, **changes), code)


def test_a_supplier_never_touches_another_suppliers_item(
    supplier_a: Supplier, supplier_b: Supplier
) -> None:
    item = make_item(supplier_b)
    rest = {k: v for k, v in GOOD.items() if k != "category_code"}
    refused(
        lambda: services.item_update(actor=supplier_a.representative, item_id=item.pk, **rest),
        "ITEM_NOT_YOURS",
    )
    refused(
        lambda: services.item_photo_add(
            actor=supplier_a.representative,
            item_id=item.pk,
            upload=SimpleUploadedFile("a.png", PNG),
            alt_text="A wheelchair",
        ),
        "ITEM_NOT_YOURS",
    )
    refused(
        lambda: services.sanatorium_places_set(
            actor=supplier_a.representative,
            item_id=item.pk,
            day=dt.date.today() + dt.timedelta(days=3),
            places=5,
        ),
        "ITEM_NOT_YOURS",
    )


def test_a_photo_is_kept_with_its_text_alternative(supplier_a: Supplier) -> None:
    item = make_item(supplier_a)
    photo = services.item_photo_add(
        actor=supplier_a.representative,
        item_id=item.pk,
        upload=SimpleUploadedFile("../../evil.html", PNG, content_type="text/html"),
        alt_text="A folded grey wheelchair",
    )
    assert photo.content_type == "image/png"
    assert photo.file.name.startswith(f"marketplace/photos/{item.pk}/")
    assert photo.file.name.endswith(".png") and "evil" not in photo.file.name


@pytest.mark.parametrize(
    ("content", "alt_text", "code"),
    [
        (PNG, "  ", "ALT_TEXT_MISSING"),
        (b"<html><script>alert(1)</script></html>", "A photo", "PHOTO_TYPE"),
        (PNG + b"\x00" * (2 * 1024 * 1024), "A photo", "PHOTO_TOO_LARGE"),
    ],
)
def test_bad_photos_are_refused(
    supplier_a: Supplier, content: bytes, alt_text: str, code: str
) -> None:
    item = make_item(supplier_a)
    refused(
        lambda: services.item_photo_add(
            actor=supplier_a.representative,
            item_id=item.pk,
            upload=SimpleUploadedFile("p.png", content),
            alt_text=alt_text,
        ),
        code,
    )
    assert not ItemPhoto.objects.exists()


def test_a_sanatorium_publishes_places_by_date(supplier_a: Supplier) -> None:
    stay = make_item(supplier_a, category_code="sanatorium_treatment", price=240_000)
    day = dt.date.today() + dt.timedelta(days=10)
    services.sanatorium_places_set(
        actor=supplier_a.representative, item_id=stay.pk, day=day, places=12
    )
    services.sanatorium_places_set(
        actor=supplier_a.representative, item_id=stay.pk, day=day, places=9
    )
    assert list(stay.places.values_list("day", "places")) == [(day, 9)]
    wheelchair = make_item(supplier_a)
    refused(
        lambda: services.sanatorium_places_set(
            actor=supplier_a.representative, item_id=wheelchair.pk, day=day, places=3
        ),
        "PLACES_NOT_SANATORIUM",
    )
    refused(
        lambda: services.sanatorium_places_set(
            actor=supplier_a.representative, item_id=stay.pk, day=day, places=-1
        ),
        "PLACES_INVALID",
    )


def test_the_database_refuses_what_the_services_would(supplier_a: Supplier) -> None:
    from django.db import IntegrityError, transaction

    for bad in ({"price": 0}, {"stock": -1}, {"accessible_ru": ""}):
        values = {
            "supplier": supplier_a,
            "category": "wheelchair_manual",
            "name": "x",
            "price": 1,
            "description": "x",
            "accessible_kk": "x",
            "accessible_ru": "x",
            "accessible_en": "x",
            "lead_time_days": 1,
            "stock": 1,
            **bad,
        }
        with pytest.raises(IntegrityError), transaction.atomic():
            Item.objects.create(**values)
