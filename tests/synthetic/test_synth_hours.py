"""The synthetic year of services by the hour holds the seed's 2023 figures at the snapshot's
scale (8,200 sign-language services, 26,400 personal assistants, 84,500 sanatorium stays in at
most 104 sanatoriums) and the rules the services keep; the check names what is off."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from inclusio.core.models import AuditEvent, User
from inclusio.marketplace.hour_models import SessionSlot, Timesheet
from inclusio.synthetic.generate import generate
from inclusio.synthetic.hours import (
    SIGN_LANGUAGE_HOURS,
    check_hours_year,
    hours_year_of,
    month_prescribed,
)
from inclusio.synthetic.hours_load import load_demo_hours
from tests.marketplace.hour_builders import hours_cast


def test_the_year_holds_the_seeds_figures_and_the_services_rules(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    scale = json.loads((demo_snapshot / "manifest.json").read_text())["scale_factor"]
    year = hours_year_of(demo_snapshot)
    checks = {c.figure: c for c in check_hours_year(year, scale)}
    assert all(c.ok for c in checks.values()), [c for c in checks.values() if not c.ok]
    # 0.001 of the seed's 8,200, 26,400 and 84,500.
    assert checks["sign-language services (seed §117)"].actual == 8
    assert checks["personal-assistant services (seed §117)"].actual == 26
    assert checks["sanatorium stays (seed §117)"].actual == 84
    # A month's prescription is its days' share of the year's 1,200 hours, rounded up.
    assert (month_prescribed(1, year=2023), month_prescribed(2, year=2023)) == (102, 93)
    assert month_prescribed(2, year=2024) == 96  # a leap year: 1,200 × 29 / 366 = 95.1

    # The same snapshot and seed give the same year.
    assert hours_year_of(demo_snapshot).timesheets.equals(year.timesheets)
    year.write(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {
        "hours_slots.parquet",
        "hours_bookings.parquet",
        "hours_timesheets.parquet",
        "hours_stays.parquet",
    }


def test_the_check_names_what_is_off(demo_snapshot: Path) -> None:
    year = hours_year_of(demo_snapshot)
    slots = year.slots.set_column(
        year.slots.schema.get_field_index("capacity"),
        "capacity",
        pa.array([0] * year.slots.num_rows, type=pa.int16()),
    )
    sheets = year.timesheets.set_column(
        year.timesheets.schema.get_field_index("hours"),
        "hours",
        pc.add(year.timesheets["hours"], pa.scalar(200, type=pa.int32())),
    )
    bookings = year.bookings.set_column(
        year.bookings.schema.get_field_index("hours"),
        "hours",
        pa.array([SIGN_LANGUAGE_HOURS + 1] * year.bookings.num_rows, type=pa.int16()),
    )
    off = dataclasses.replace(
        year, slots=slots, timesheets=sheets, bookings=bookings, stays=year.stays.slice(1)
    )
    failed = {c.figure for c in check_hours_year(off, 0.001) if not c.ok}
    assert failed == {
        "sanatorium stays (seed §117)",
        "slots booked beyond their places",
        "vouchers over their sign-language hours",
        "months over their prescribed hours",
    }


def test_a_snapshot_drawn_as_of_a_later_day_has_its_year_of_hours_then(tmp_path: Path) -> None:
    """Drawn as of 3 December 2026, the snapshot's orders are of 2025: so are its sessions,
    timesheets and stays, and they hold the same figures and rules."""
    manifest = generate("demo", 7, tmp_path, as_of=dt.date(2026, 12, 3))
    year = hours_year_of(tmp_path)
    assert year.year == 2025
    assert all(c.ok for c in check_hours_year(year, manifest["scale_factor"]))
    days = [
        *(starts.date() for starts in year.bookings["starts"].to_pylist()),
        *year.timesheets["month"].to_pylist(),
        *year.stays["first_day"].to_pylist(),
    ]
    assert days and {day.year for day in days} == {2025}


def test_an_exported_snapshot_is_read_by_its_date(demo_snapshot: Path, tmp_path: Path) -> None:
    """An export's manifest names its day ``date``, not ``reference_date``."""
    manifest = json.loads((demo_snapshot / "manifest.json").read_text())
    manifest["date"] = manifest.pop("reference_date")
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "orders.parquet").write_bytes((demo_snapshot / "orders.parquet").read_bytes())
    assert hours_year_of(tmp_path).year == 2023


@pytest.mark.django_db
def test_the_demo_loads_its_regions_worth_through_the_services(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    cast = hours_cast()
    out = io.StringIO()
    call_command("synth_hours", "--region", "71", "--snapshot", demo_snapshot, stdout=out)
    printed = out.getvalue()
    assert printed.count("check:") == 9 and "DIFFERS" not in printed
    assert "5 sessions published, 1 timesheets submitted, 0 persons left alone" in printed
    slots = SessionSlot.objects.filter(item=cast["sign"])
    assert slots.count() == 5 and all(s.starts > timezone.now() for s in slots)
    [sheet] = Timesheet.objects.filter(voucher=cast["vouchers"]["personal_assistant"])
    assert sheet.order.state == "delivered" and sheet.supplier == cast["supplier"]
    assert AuditEvent.objects.filter(action="timesheet_submit").count() == 1
    # Again: nothing more.
    call_command("synth_hours", "--region", "71", stdout=(again := io.StringIO()))
    assert "0 sessions published, 0 timesheets submitted" in again.getvalue()
    with pytest.raises(CommandError):
        call_command("synth_hours", "--region", "99", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_session_the_service_refuses_is_skipped_not_the_end_of_the_run() -> None:
    cast = hours_cast()
    gone = hours_cast("aigerim", serial=8, supplier="gone_supplier")
    # The representative of the second supplier may no longer act: slot_publish refuses them.
    User.objects.filter(pk=gone["rep"].pk).update(is_active=False)
    loaded = load_demo_hours("71")
    assert loaded.sessions == 5
    assert SessionSlot.objects.filter(item=cast["sign"]).count() == 5
    assert not SessionSlot.objects.filter(item=gone["sign"]).exists()
