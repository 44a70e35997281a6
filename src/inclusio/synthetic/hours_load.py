"""A region's worth of services by the hour for the demo, through the services.

The synthetic year (``synthetic/hours.py``) is the snapshot's; the demo's database gets the
region's current month of it, made the way the portal makes it, so that the worklists and the
pages have their work: each sign-language supplier serving the region publishes the coming
week's sessions (``hours.slot_publish``), and for each person of the region holding a
personal-assistant voucher, a supplier of assistants serving the region submits last month's
timesheet (``hours.timesheet_submit``: a share of the month's prescription, 4 hours a working
day), left for the person to confirm. Running it again adds nothing: a session already
published at a time, and a month already submitted, are skipped. A person whose programme
prescribes nothing for last month (issued this month) is left alone, as the service would refuse
them; a session or a timesheet the service refuses (a supplier whose representative may no
longer act) is skipped, not the end of the run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from inclusio.core.errors import DomainError
from inclusio.marketplace import hours
from inclusio.marketplace.hour_models import SessionSlot, Timesheet
from inclusio.marketplace.models import Item, Supplier, Voucher
from inclusio.rehabilitation.catalogue import PERSONAL_ASSISTANT, SIGN_LANGUAGE
from inclusio.synthetic.hours import MONTH_SHARE, SESSION_HOURS, SLOT_MOST_PLACES

SESSION_DAYS = 5  # the coming working days with sessions
SESSION_START_HOUR = 10
ASSISTANT_HOURS_A_DAY = 4


@dataclass(frozen=True)
class HoursLoaded:
    sessions: int
    timesheets: int
    skipped: int  # persons whose month the service refused


def _region_items(region_code: str, category: str) -> list[Item]:
    return list(
        Item.objects.filter(
            category=category,
            supplier__status=Supplier.Status.VERIFIED,
            supplier__regions_served__code=region_code,
        )
        .select_related("supplier__representative")
        .order_by("id")
    )


def _working_days(first: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _publish_sessions(items: list[Item]) -> int:
    today = timezone.localdate()
    published = 0
    for item in items:
        for day in _working_days(today + dt.timedelta(days=1), SESSION_DAYS):
            starts = timezone.make_aware(dt.datetime.combine(day, dt.time(SESSION_START_HOUR)))
            if SessionSlot.objects.filter(item=item, starts=starts).exists():
                continue
            try:
                hours.slot_publish(
                    actor=item.supplier.representative,
                    item_id=item.pk,
                    starts=starts,
                    hours=SESSION_HOURS,
                    capacity=SLOT_MOST_PLACES,
                )
            except DomainError:
                continue
            published += 1
    return published


def _submit_months(region_code: str, items: list[Item]) -> tuple[int, int]:
    today = timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    vouchers = Voucher.objects.filter(
        person__region_id=region_code,
        category=PERSONAL_ASSISTANT,
        state=Voucher.State.ACTIVE,
        valid_from__lte=today,
        valid_until__gte=today,
    ).order_by("id")
    submitted = skipped = 0
    for number, voucher in enumerate(vouchers):
        if Timesheet.objects.filter(voucher=voucher, month=month).exists():
            continue
        item = items[number % len(items)]
        wanted = int(hours.month_prescribed(voucher, month) * MONTH_SHARE[0])
        count = min(wanted // ASSISTANT_HOURS_A_DAY, voucher.left // ASSISTANT_HOURS_A_DAY)
        if count <= 0:
            skipped += 1
            continue
        days = _working_days(month, count)
        try:
            hours.timesheet_submit(
                actor=item.supplier.representative,
                voucher_code=voucher.code,
                item_id=item.pk,
                month=month,
                days=dict.fromkeys(
                    [d for d in days if d.month == month.month], ASSISTANT_HOURS_A_DAY
                ),
            )
        except DomainError:
            skipped += 1
        else:
            submitted += 1
    return submitted, skipped


def load_demo_hours(region_code: str) -> HoursLoaded:
    """The region's coming week of sign-language sessions and last month's assistants'
    timesheets (none of a kind when no verified supplier of it serves the region)."""
    signs = _region_items(region_code, SIGN_LANGUAGE)
    assistants = _region_items(region_code, PERSONAL_ASSISTANT)
    sessions = _publish_sessions(signs)
    submitted, skipped = _submit_months(region_code, assistants) if assistants else (0, 0)
    return HoursLoaded(sessions, submitted, skipped)
