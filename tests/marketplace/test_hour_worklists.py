"""The start page's worklists of services by the hour: the supplier's sessions to mark held and
last month's timesheets to submit; the person's (and their representative's) months to confirm
and sessions booked soon. Each row links to the page that does the task; another supplier, an
officer of the person's region or of another, and a stranger see nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied
from inclusio.core.models import AccessEvent
from inclusio.marketplace import hours, orders
from inclusio.marketplace.hour_models import SessionSlot, Timesheet
from inclusio.marketplace.hour_selectors import (
    worklist_months_to_confirm,
    worklist_sessions_soon,
    worklist_sessions_to_hold,
    worklist_timesheets_due,
)
from inclusio.registry.services import care_link_create
from tests.factories import make_person, make_user, sign_in
from tests.marketplace.builders import make_item, make_supplier
from tests.marketplace.hour_builders import begin, hours_cast, last_month, month_days, service, soon
from tests.marketplace.orders_builders import person_with_vouchers
from tests.web.test_worklists import WORKLIST_BUDGET

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> dict[str, Any]:
    """Dana and her guardian, her supplier of services by the hour, another supplier, officers
    of Dana's region and of another, and a stranger."""
    found = hours_cast()
    guardian = make_user("guardian", "representative", None)
    care_link_create(
        actor=SYSTEM,
        carer=make_person(surname="Guardian", user=guardian),
        cared=found["person"],
        relation="guardian",
        since=dt.date(2020, 1, 1),
    )
    stranger, _ = person_with_vouchers("stranger")
    return {
        **found,
        "guardian": guardian,
        "stranger": stranger,
        "other_supplier": make_supplier("supplier_other", serial=8).representative,
        "officer": make_user("officer_astana", "district_officer", "71"),
        "other_officer": make_user("officer_almaty", "district_officer", "75"),
    }


def _rows(worklist_of: Any, actor: Any) -> list[Any]:
    return list(worklist_of(actor=actor).rows)


def _nobody_else(cast: dict[str, Any], worklist_of: Any) -> None:
    for outsider in ("stranger", "officer", "other_officer"):
        assert _rows(worklist_of, cast[outsider]) == [], outsider


def _submitted(cast: dict[str, Any], month: dt.date) -> Timesheet:
    """A month of hours submitted by Dana's assistant (entered as last month, then moved: the
    tests move the data, not the clock)."""
    sheet = hours.timesheet_submit(
        actor=cast["rep"],
        voucher_code=cast["vouchers"]["personal_assistant"].code,
        item_id=cast["assist"].pk,
        month=last_month(),
        days=month_days(last_month(), 4, 5),
    )
    Timesheet.objects.filter(pk=sheet.pk).update(month=month)
    sheet.refresh_from_db()
    return sheet


def test_the_supplier_lands_on_its_sessions_begun_to_mark_held(
    cast: dict[str, Any], client: Client
) -> None:
    booked, empty = (
        hours.slot_publish(
            actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=2, capacity=3
        )
        for _ in range(2)
    )
    hours.session_book(
        actor=cast["account"], slot_id=booked.pk, voucher_id=cast["vouchers"]["sign_language"].pk
    )
    assert _rows(worklist_sessions_to_hold, cast["rep"]) == []  # not begun yet
    begin(booked)
    begin(empty)  # begun, but nobody to confirm it: nothing to do
    # Begun ten days ago: older than the week the sessions page shows, yet listed there too.
    SessionSlot.objects.filter(pk=booked.pk).update(starts=timezone.now() - dt.timedelta(days=10))
    [task] = _rows(worklist_sessions_to_hold, cast["rep"])
    assert task.url == reverse("marketplace:supplier_slots") + f"#slot-{booked.pk}"
    assert task.detail == "Booked: 1"
    assert _rows(worklist_sessions_to_hold, cast["other_supplier"]) == []
    with pytest.raises(AccessDenied):
        worklist_sessions_to_hold(actor=cast["officer"])

    sign_in(client, cast["rep"])
    home = client.get("/ru/").content.decode()
    assert "Сеансы, которые нужно отметить проведёнными" in home
    page = client.get(task.url).content.decode()
    assert f'id="slot-{booked.pk}"' in page and "/hold/" in page

    hours.slot_hold(actor=cast["rep"], slot_id=booked.pk)
    assert _rows(worklist_sessions_to_hold, cast["rep"]) == []


def test_the_supplier_lands_on_last_months_timesheets_to_submit(
    cast: dict[str, Any], client: Client
) -> None:
    voucher = cast["vouchers"]["personal_assistant"]
    assert _rows(worklist_timesheets_due, cast["rep"]) == []  # whose assistant it is: unknown
    before = (last_month() - dt.timedelta(days=1)).replace(day=1)
    _submitted(cast, before)
    [task] = _rows(worklist_timesheets_due, cast["rep"])
    assert task.detail == voucher.code and "Абенова" in task.label
    assert task.url.startswith(reverse("marketplace:supplier_timesheets") + "?month=")
    assert last_month().isoformat() in task.url
    assert _rows(worklist_timesheets_due, cast["other_supplier"]) == []

    # The link opens the month's form with the person's code in it.
    sign_in(client, cast["rep"])
    form = client.get(task.url).content.decode()
    assert f'value="{voucher.code}"' in form
    assert "Жіберілетін табельдер" in client.get("/kk/").content.decode()

    _submitted(cast, last_month())
    assert _rows(worklist_timesheets_due, cast["rep"]) == []


def test_a_person_who_moved_to_another_assistant_leaves_the_formers_timesheets_to_submit(
    cast: dict[str, Any],
) -> None:
    voucher = cast["vouchers"]["personal_assistant"]
    _submitted(cast, (last_month() - dt.timedelta(days=40)).replace(day=1))
    # Dana's next assistant submitted the month after; nobody has submitted last month yet.
    newcomer = make_supplier("assistant_new", serial=9, categories=("personal_assistant",))
    assist = make_item(newcomer, **service("personal_assistant", 2000))
    sheet = hours.timesheet_submit(
        actor=newcomer.representative,
        voucher_code=voucher.code,
        item_id=assist.pk,
        month=last_month(),
        days=month_days(last_month(), 4, 5),
    )
    Timesheet.objects.filter(pk=sheet.pk).update(
        month=(last_month() - dt.timedelta(days=1)).replace(day=1)
    )
    assert _rows(worklist_timesheets_due, cast["rep"]) == []
    before = AccessEvent.objects.count()
    [task] = _rows(worklist_timesheets_due, newcomer.representative)
    assert task.detail == voucher.code and "Абенова" in task.label
    assert AccessEvent.objects.count() == before + 1  # only the newcomer's read of Dana


def test_the_person_and_the_representative_land_on_months_to_confirm(
    cast: dict[str, Any], client: Client
) -> None:
    assert _rows(worklist_months_to_confirm, cast["account"]) == []
    sheet = _submitted(cast, last_month())
    for reader in ("account", "guardian"):
        [task] = _rows(worklist_months_to_confirm, cast[reader])
        assert task.url == reverse("marketplace:order", args=[sheet.order_id])
        assert "20" in task.label and task.detail == cast["supplier"].legal_name
    _nobody_else(cast, worklist_months_to_confirm)

    sign_in(client, cast["account"])
    assert "Месяцы к подтверждению" in client.get("/ru/").content.decode()
    assert client.get(task.url).status_code == 200

    orders.order_confirm(actor=cast["guardian"], order_id=sheet.order_id)
    assert _rows(worklist_months_to_confirm, cast["account"]) == []


def test_the_person_and_the_representative_land_on_sessions_booked_soon(
    cast: dict[str, Any], client: Client
) -> None:
    voucher = cast["vouchers"]["sign_language"]
    near, far, dropped = (
        hours.slot_publish(
            actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(ahead), hours=1, capacity=2
        )
        for ahead in (48, 24 * 10, 72)
    )
    for slot in (near, far, dropped):
        booking = hours.session_book(actor=cast["account"], slot_id=slot.pk, voucher_id=voucher.pk)
    hours.session_cancel(actor=cast["account"], booking_id=booking.pk)
    for reader in ("account", "guardian"):
        [task] = _rows(worklist_sessions_soon, cast[reader])
        assert task.url == reverse("marketplace:hours_sessions", args=[cast["person"].iin])
        assert task.detail == cast["supplier"].legal_name
    _nobody_else(cast, worklist_sessions_soon)

    sign_in(client, cast["guardian"])
    home = client.get("/kk/").content.decode()
    assert "Жақын арада жазылған сеанстар" in home
    assert f"/kk/marketplace/hours/{cast['person'].iin}/sessions/" in home


def test_each_hours_worklist_keeps_to_its_query_budget(
    cast: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    slot = hours.slot_publish(
        actor=cast["rep"], item_id=cast["sign"].pk, starts=soon(), hours=1, capacity=2
    )
    hours.session_book(
        actor=cast["account"], slot_id=slot.pk, voucher_id=cast["vouchers"]["sign_language"].pk
    )
    begin(slot)
    _submitted(cast, (last_month() - dt.timedelta(days=1)).replace(day=1))
    _submitted(cast, last_month())
    for worklist_of, actor in (
        (worklist_sessions_to_hold, cast["rep"]),
        (worklist_timesheets_due, cast["rep"]),
        (worklist_months_to_confirm, cast["guardian"]),
        (worklist_sessions_soon, cast["guardian"]),
    ):
        worklist_of(actor=actor)
        with django_assert_max_num_queries(WORKLIST_BUDGET):
            worklist_of(actor=actor)
