"""The pages of services by the hour and sanatorium stays: the person (or their representative)
books a sign-language session and cancels it, confirms a personal assistant's month and books a
sanatorium stay where every date has a place; an officer of the person's region reads the
pages without booking, anyone else gets 404; the supplier publishes sessions, marks them held,
submits a month's hours and reads its stays — only its own. A suspended supplier's bookings and
stays are offered back: hours, slot places and sanatorium places return, the wallet says why."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from inclusio.core.audit import SYSTEM
from inclusio.marketplace import hours, services
from inclusio.marketplace.hour_models import SanatoriumStay, SessionBooking, SessionSlot
from inclusio.marketplace.models import Order, SanatoriumPlaces
from inclusio.registry.services import care_link_create
from tests.factories import make_person, make_user, sign_in
from tests.marketplace.hour_builders import (
    begin,
    hours_cast,
    last_month,
    left,
    offer_places,
    soon,
)
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

# The person's pages: session, account, person with region, the access log's append, the
# vouchers, slots and bookings (or months, or sanatoria and stays), the layout's own reads.
PERSON_PAGE_BUDGET = 20


@pytest.fixture
def cast() -> dict[str, Any]:
    return hours_cast()


def written() -> dict[str, int]:
    """The rows of every table but the access log, where an officer's read is rightly kept."""
    return {table: n for table, n in row_counts().items() if table != "core.AccessEvent"}


def url(cast: dict[str, Any], page: str) -> str:
    return f"/en/marketplace/hours/{cast['person'].iin}/{page}/"


def test_the_person_books_a_session_and_cancels_it(
    client: Client, cast: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    voucher = cast["vouchers"]["sign_language"]
    slot = hours.slot_publish(
        actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=2, capacity=2
    )
    client.force_login(cast["account"])
    wallet = client.get("/en/marketplace/wallet/").content.decode()
    assert url(cast, "sessions") in wallet
    with django_assert_max_num_queries(PERSON_PAGE_BUDGET):
        page = client.get(url(cast, "sessions"))
    assert page.status_code == 200 and "Book the session" in page.content.decode()
    before = row_counts()
    bad = client.post(url(cast, "sessions"), {"slot": "x", "voucher": voucher.pk})
    assert bad.status_code == 422 and row_counts() == before
    booked = client.post(url(cast, "sessions"), {"slot": slot.pk, "voucher": voucher.pk})
    booking = SessionBooking.objects.get()
    assert booked.status_code == 302 and booked["Location"].endswith(f"/orders/{booking.order_id}/")
    assert left(voucher) == voucher.quantity - 2
    again = client.post(url(cast, "sessions"), {"slot": slot.pk, "voucher": voucher.pk})
    assert again.status_code == 422
    assert "another session at that time" in again.content.decode()
    listed = client.get(url(cast, "sessions")).content.decode()
    assert f"/hours/bookings/{booking.pk}/cancel/" in listed
    cancelled = client.post(f"/en/marketplace/hours/bookings/{booking.pk}/cancel/")
    assert cancelled.status_code == 302 and left(voucher) == voucher.quantity
    assert client.post(f"/en/marketplace/hours/bookings/{booking.pk}/cancel/").status_code == 409


def test_a_representative_books_an_officer_reads_others_get_404(
    client: Client, cast: dict[str, Any]
) -> None:
    voucher = cast["vouchers"]["sign_language"]
    slot = hours.slot_publish(
        actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=1, capacity=1
    )
    guardian = make_user("guardian", "representative", None)
    parent = make_person(surname="Сапарова", user=guardian)
    care_link_create(
        actor=SYSTEM,
        carer=parent,
        cared=cast["person"],
        relation="guardian",
        since=dt.date(2020, 1, 1),
    )
    client.force_login(guardian)
    booked = client.post(url(cast, "sessions"), {"slot": slot.pk, "voucher": voucher.pk})
    assert booked.status_code == 302
    officer = make_user("officer_astana", "district_officer", "71")
    sign_in(client, officer)
    for page in ("sessions", "timesheets", "stays"):
        read = client.get(url(cast, page))
        assert read.status_code == 200, page
    assert "Book the session" not in client.get(url(cast, "sessions")).content.decode()
    before = written()
    refused = client.post(url(cast, "sessions"), {"slot": slot.pk, "voucher": voucher.pk})
    assert refused.status_code == 422 and written() == before
    booking = SessionBooking.objects.get()
    assert client.post(f"/en/marketplace/hours/bookings/{booking.pk}/cancel/").status_code == 404
    sign_in(client, make_user("officer_almaty", "district_officer", "75"))
    for page in ("sessions", "timesheets", "stays"):
        assert client.get(url(cast, page)).status_code == 404, page
    client.force_login(make_user("stranger", "person", None))
    for page in ("sessions", "timesheets", "stays"):
        assert client.get(url(cast, page)).status_code == 404, page
    assert client.post(f"/en/marketplace/hours/bookings/{booking.pk}/cancel/").status_code == 404


def test_the_supplier_publishes_and_holds_a_session_only_its_own(
    client: Client, cast: dict[str, Any]
) -> None:
    sign_in(client, cast["rep"])
    dashboard = client.get("/en/marketplace/supplier/").content.decode()
    for page in ("slots", "timesheets", "stays"):
        assert f"/marketplace/supplier/{page}/" in dashboard
    when = timezone.localtime(soon())
    form = {
        "item": cast["sign"].pk,
        "day": when.date().isoformat(),
        "time": when.strftime("%H:%M"),
        "hours": 2,
        "capacity": 3,
    }
    before = row_counts()
    past = client.post("/ru/marketplace/supplier/slots/", {**form, "day": "2020-01-01"})
    assert past.status_code == 422 and "позже" in past.content.decode()
    too_long = client.post("/en/marketplace/supplier/slots/", {**form, "hours": 13})
    assert (
        too_long.status_code == 422
        and "A session lasts 1 to 12 hours." in too_long.content.decode()
    )
    assert row_counts() == before
    assert client.post("/en/marketplace/supplier/slots/", form).status_code == 302
    slot = SessionSlot.objects.get()
    hours.session_book(
        actor=cast["account"], slot_id=slot.pk, voucher_id=cast["vouchers"]["sign_language"].pk
    )
    listed = client.get("/en/marketplace/supplier/slots/").content.decode()
    assert cast["person"].surname in listed and cast["person"].iin not in listed
    assert client.post(f"/en/marketplace/supplier/slots/{slot.pk}/hold/").status_code == 409
    other = hours_cast("erlan", serial=8, supplier="other_supplier")
    sign_in(client, other["rep"])
    assert (
        cast["person"].surname not in client.get("/en/marketplace/supplier/slots/").content.decode()
    )
    begin(slot)
    assert client.post(f"/en/marketplace/supplier/slots/{slot.pk}/hold/").status_code == 404
    sign_in(client, cast["rep"])
    assert client.post(f"/en/marketplace/supplier/slots/{slot.pk}/hold/").status_code == 302
    assert Order.objects.get().state == "delivered"


def test_the_supplier_submits_a_month_the_person_confirms_it(
    client: Client, cast: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    voucher = cast["vouchers"]["personal_assistant"]
    month = last_month()
    sign_in(client, cast["rep"])
    address = f"/en/marketplace/supplier/timesheets/?month={month.isoformat()}"
    page = client.get(address).content.decode()
    assert 'name="day_1"' in page and 'name="day_28"' in page
    form = {"month": month.isoformat(), "code": voucher.code, "item": cast["assist"].pk}
    form.update({f"day_{n}": 8 for n in range(1, 29)})  # 224 hours: over the month's ~100
    before = row_counts()
    over = client.post(address, form)
    assert over.status_code == 422 and "the programme prescribes" in over.content.decode()
    unknown = client.post(address, {**form, "code": "NOPE"})
    assert unknown.status_code == 422 and "No such voucher" in unknown.content.decode()
    assert row_counts() == before
    form = {"month": month.isoformat(), "code": voucher.code, "item": cast["assist"].pk}
    form.update({f"day_{n}": 4 for n in range(1, 6)})
    assert client.post(address, form).status_code == 302
    assert left(voucher) == voucher.quantity - 20
    assert cast["person"].surname in client.get(address).content.decode()
    other = hours_cast("erlan", serial=8, supplier="other_supplier")
    sign_in(client, other["rep"])
    assert cast["person"].surname not in client.get(address).content.decode()

    client.force_login(cast["account"])
    with django_assert_max_num_queries(PERSON_PAGE_BUDGET):
        months = client.get(url(cast, "timesheets")).content.decode()
    sheet_order = Order.objects.get(timesheet__isnull=False)
    assert f"/orders/{sheet_order.pk}/confirm/" in months and voucher.code in months
    client.post(f"/en/marketplace/orders/{sheet_order.pk}/confirm/")
    sheet_order.refresh_from_db()
    assert sheet_order.state == "confirmed"


def test_the_person_books_a_stay_where_every_date_has_a_place(
    client: Client, cast: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    item = cast["sanatorium"]
    first = timezone.localdate() + dt.timedelta(days=10)
    offer_places(item, first, 14, 2)
    voucher = cast["vouchers"]["sanatorium_treatment"]
    client.force_login(cast["account"])
    search = f"{url(cast, 'stays')}?first_day={first.isoformat()}&days=14"
    with django_assert_max_num_queries(PERSON_PAGE_BUDGET):
        page = client.get(search).content.decode()
    assert item.name in page and "Book the stay" in page
    too_long = client.get(f"{url(cast, 'stays')}?first_day={first.isoformat()}&days=15")
    assert "Book the stay" not in too_long.content.decode()
    bad = client.get(f"{url(cast, 'stays')}?first_day=someday&days=14")
    assert bad.status_code == 422
    booked = client.post(
        url(cast, "stays"),
        {"first_day": first.isoformat(), "days": 14, "item": item.pk, "voucher": voucher.pk},
    )
    assert booked.status_code == 302
    assert hours.free_places(item, first) == 1 and left(voucher) == 0
    sign_in(client, cast["rep"])
    stays = client.get("/en/marketplace/supplier/stays/").content.decode()
    assert cast["person"].surname in stays and first.isoformat() in stays


def test_a_suspended_suppliers_bookings_and_stays_are_offered_back(
    client: Client, cast: dict[str, Any]
) -> None:
    item = cast["sanatorium"]
    first = timezone.localdate() + dt.timedelta(days=10)
    offer_places(item, first, 3, 1)
    stay_voucher = cast["vouchers"]["sanatorium_treatment"]
    hours.stay_book(
        actor=cast["account"], voucher_id=stay_voucher.pk, item_id=item.pk, first_day=first, days=3
    )
    slot = hours.slot_publish(
        actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=2, capacity=1
    )
    sign_voucher = cast["vouchers"]["sign_language"]
    hours.session_book(actor=cast["account"], slot_id=slot.pk, voucher_id=sign_voucher.pk)
    officer = make_user("officer_astana", "district_officer", "71")
    services.supplier_suspend(
        actor=officer, supplier_id=cast["supplier"].pk, reason="Лицензия отозвана"
    )
    assert set(Order.objects.values_list("state", flat=True)) == {"offered_back"}
    assert left(stay_voucher) == 1 and left(sign_voucher) == sign_voucher.quantity
    slot.refresh_from_db()
    assert slot.booked == 0 and SessionBooking.objects.get().cancelled_at is not None
    assert list(SanatoriumPlaces.objects.values_list("places", flat=True)) == [1, 1, 1]
    assert SanatoriumStay.objects.get().released_at is not None
    client.force_login(cast["account"])
    wallet = client.get("/en/marketplace/wallet/").content.decode()
    assert "A supplier was suspended: choose another one" in wallet
    assert "Лицензия отозвана" in wallet
