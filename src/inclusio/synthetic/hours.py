"""A synthetic year of services by the hour and sanatorium stays, from a snapshot's year of
orders (``synthetic/orders.py``: the year the snapshot closes, 2023 when drawn as of the seed's
date), and its check against the seed.

Each order the snapshot's year holds of a service becomes that service's year for its person:

- sign language (seed §117: 8,200 services in 2023; §78: 8,187 persons served): a year of
  sessions booked in a supplier's slots and held, 2 hours each, 10 to 30 of them — at most the
  60 hours a year the programmes prescribe (``orders.SERVICES``) — on days from the order's on,
  never two at once; a slot (a supplier, a day, an hour) takes up to ``SLOT_MOST_PLACES``
  persons, its capacity at least those booked;
- a personal assistant (seed §117: 26,400): a timesheet for each month from the order's month
  to December, 60 % to 100 % of the hours the month's share of the 1,200 a year prescribes
  (``hours.month_prescribed``'s rule: the year's hours shared over its days, rounded up), one
  month in fifty disputed;
- a sanatorium stay (seed §117–118: 84,500 stays in 104 sanatoriums): a course of 14, 18 or 21
  days from the order's day on, in the order's sanatorium, which has ``SANATORIUM_PLACES`` on
  every date.

Session length, slot size, stay length and places are illustrative: the seed gives none. The
figures the seed gives are checked (``check_hours_year``) at the snapshot's scale, and so are
the rules the services keep: no slot overbooked, no person over their hours, no month over its
prescription, no sanatorium date over its places.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inclusio.snapshot.contract import ORDERS, read_manifest
from inclusio.synthetic.checks import FigureCheck
from inclusio.synthetic.orders import ORDERS_2023, SANATORIUMS, SEED_YEAR, closing_year

SIGN_LANGUAGE_HOURS = 60  # a year's prescription (synthetic/orders.py SERVICES)
PERSONAL_ASSISTANT_HOURS = 1200
SESSION_HOURS = 2  # illustrative
SESSIONS_A_YEAR = (10, 30)  # illustrative, at most SIGN_LANGUAGE_HOURS / SESSION_HOURS
SESSION_STARTS = (9, 11, 14, 16)  # the hours a session may start at; illustrative
SLOT_MOST_PLACES = 4  # a group session shares the interpreter; illustrative
MONTH_SHARE = (0.6, 1.0)  # of the month's prescribed hours; illustrative
DISPUTED_MONTHS = 0.02  # illustrative
STAY_DAYS = (14, 18, 21)  # illustrative
SANATORIUM_PLACES = 120  # places on each date, each sanatorium; illustrative
EPOCH = dt.date(1970, 1, 1)


def _first_and_last_day(year: int) -> tuple[int, int]:
    """The year's first and last days, as days since 1970 (the orders' file's dates)."""
    return (dt.date(year, 1, 1) - EPOCH).days, (dt.date(year, 12, 31) - EPOCH).days


@dataclass(frozen=True)
class HoursYear:
    year: int
    slots: pa.Table  # slot_id, supplier_id, starts, hours, capacity, booked
    bookings: pa.Table  # slot_id, order_id, iin, region_code, starts, hours
    timesheets: pa.Table  # order_id, iin, region_code, supplier_id, month, hours, prescribed, state
    stays: pa.Table  # iin, region_code, sanatorium_id, first_day, days

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name in ("slots", "bookings", "timesheets", "stays"):
            pq.write_table(getattr(self, name), directory / f"hours_{name}.parquet")


def month_prescribed(month: int, *, year: int, year_hours: int = PERSONAL_ASSISTANT_HOURS) -> int:
    """The month's share of a year's hours over the year's days, rounded up to the hour."""
    days_in_year = 366 if calendar.isleap(year) else 365
    days = calendar.monthrange(year, month)[1]
    return math.ceil(year_hours * days / days_in_year - 1e-9)


def _received(orders: pa.Table, kind: str) -> dict[str, np.ndarray]:
    rows = orders.filter(
        pc.and_(pc.equal(orders["kind"], kind), pc.equal(orders["state"], "confirmed"))
    )
    return {
        "order": rows["order_id"].to_numpy(),
        "iin": np.asarray(rows["iin"].to_pylist(), dtype=object),
        "region": np.asarray(rows["region_code"].to_pylist(), dtype=object),
        "supplier": rows["supplier_id"].to_numpy(),
        "day": rows["placed_on"].cast(pa.int32()).to_numpy(),
    }


def _sessions(orders: pa.Table, rng: np.random.Generator, year: int) -> tuple[pa.Table, pa.Table]:
    got = _received(orders, "sign_language")
    _, year_end = _first_and_last_day(year)
    # A person may hold more than one order (voucher): their sessions fall on distinct days.
    by_person: dict[str, list[int]] = {}
    for index, iin in enumerate(got["iin"]):
        by_person.setdefault(iin, []).append(index)
    order_ids, iins, regions, suppliers, days, hours_at = [], [], [], [], [], []
    for iin, indexes in by_person.items():
        counts = rng.integers(SESSIONS_A_YEAR[0], SESSIONS_A_YEAR[1] + 1, size=len(indexes))
        total = int(counts.sum())
        first = min(int(got["day"][indexes].min()), year_end - total + 1)
        chosen = rng.choice(year_end - first + 1, size=total, replace=False) + first
        owner = np.repeat(np.array(indexes), counts)
        order_ids.append(got["order"][owner])
        iins += [iin] * total
        regions += got["region"][owner].tolist()
        suppliers.append(got["supplier"][owner].astype(np.int32))
        days.append(chosen)
        hours_at.append(rng.choice(SESSION_STARTS, size=total))
    supplier = np.concatenate([np.zeros(0, dtype=np.int32), *suppliers])
    day = np.concatenate([np.zeros(0, dtype=np.int64), *days])
    start = np.concatenate([np.zeros(0, dtype=np.int64), *hours_at])
    # A slot is a supplier's session on a day at an hour; more than its places start a new one.
    key = np.stack([supplier, day, start], axis=1)
    order = np.lexsort((start, day, supplier))
    slot_of = np.zeros(len(key), dtype=np.int64)
    slot, previous, taken = 0, None, 0
    for index in order:
        current = tuple(key[index])
        if current != previous or taken == SLOT_MOST_PLACES:
            slot, previous, taken = slot + 1, current, 0
        slot_of[index] = slot
        taken += 1
    starts = (day.astype("datetime64[D]") + start.astype("timedelta64[h]")).astype("datetime64[s]")
    bookings = pa.table(
        {
            "slot_id": slot_of,
            "order_id": np.concatenate([np.zeros(0, dtype=np.int64), *order_ids]),
            "iin": pa.array(iins, type=pa.string()),
            "region_code": pa.array(regions, type=pa.string()),
            "starts": pa.array(starts, type=pa.timestamp("s")),
            "hours": np.full(len(iins), SESSION_HOURS, dtype=np.int16),
        }
    )
    booked = np.bincount(slot_of, minlength=slot + 1)[1:]
    # A booking of each slot (any: they share its supplier, day and hour).
    member = np.zeros(slot + 1, dtype=np.int64)
    member[slot_of] = np.arange(len(slot_of))
    member = member[1:]
    capacity = np.maximum(booked, rng.integers(1, SLOT_MOST_PLACES + 1, size=slot))
    slots = pa.table(
        {
            "slot_id": np.arange(1, slot + 1, dtype=np.int64),
            "supplier_id": supplier[member],
            "starts": pa.array(starts[member], type=pa.timestamp("s")),
            "hours": np.full(slot, SESSION_HOURS, dtype=np.int16),
            "capacity": capacity.astype(np.int16),
            "booked": booked.astype(np.int16),
        }
    )
    return slots, bookings


def _timesheets(orders: pa.Table, rng: np.random.Generator, year: int) -> pa.Table:
    got = _received(orders, "personal_assistant")
    start_month = np.array(
        [(EPOCH + dt.timedelta(days=int(d))).month for d in got["day"]], dtype=np.int64
    )
    months_each = 13 - start_month
    person = np.repeat(np.arange(len(start_month)), months_each)
    month = np.concatenate([np.arange(m, 13) for m in start_month]) if len(person) else person
    prescribed = np.array([month_prescribed(m, year=year) for m in range(1, 13)])[month - 1]
    share = rng.uniform(*MONTH_SHARE, size=len(person))
    hours = np.maximum(1, np.floor(prescribed * share)).astype(np.int32)
    disputed = rng.random(len(person)) < DISPUTED_MONTHS
    firsts = np.array([dt.date(year, int(m), 1) for m in month], dtype="datetime64[D]")
    return pa.table(
        {
            "order_id": got["order"][person],
            "iin": pa.array(got["iin"][person].tolist(), type=pa.string()),
            "region_code": pa.array(got["region"][person].tolist(), type=pa.string()),
            "supplier_id": got["supplier"][person].astype(np.int32),
            "month": pa.array(firsts, type=pa.date32()),
            "hours": hours,
            "prescribed": prescribed.astype(np.int32),
            "state": pa.array(np.where(disputed, "disputed", "confirmed").tolist()),
        }
    )


def _stays(orders: pa.Table, rng: np.random.Generator, year: int) -> pa.Table:
    got = _received(orders, "sanatorium_treatment")
    _, year_end = _first_and_last_day(year)
    count = len(got["iin"])
    days = rng.choice(STAY_DAYS, size=count).astype(np.int16)
    latest = year_end - days + 1
    first = np.minimum(got["day"] + rng.integers(1, 31, size=count), latest)
    return pa.table(
        {
            "iin": pa.array(got["iin"].tolist(), type=pa.string()),
            "region_code": pa.array(got["region"].tolist(), type=pa.string()),
            "sanatorium_id": got["supplier"].astype(np.int32),
            "first_day": pa.array(first.astype("datetime64[D]"), type=pa.date32()),
            "days": days,
        }
    )


def hours_year(orders: pa.Table, *, year: int, seed: int = 23) -> HoursYear:
    """The year of sessions, timesheets and stays of the persons the orders (of ``year``)
    served."""
    rng = np.random.default_rng(seed)
    slots, bookings = _sessions(orders, rng, year)
    return HoursYear(
        year, slots, bookings, _timesheets(orders, rng, year), _stays(orders, rng, year)
    )


def hours_year_of(snapshot: Path, *, seed: int = 23) -> HoursYear:
    """The year of the snapshot's orders: the year it closes (``orders.closing_year``) — of its
    reference date when generated, of its date when exported."""
    manifest = read_manifest(snapshot)
    day = manifest.get("reference_date") or manifest.get("date")
    year = closing_year(dt.date.fromisoformat(day)) if day else SEED_YEAR
    orders = pq.read_table(snapshot / f"{ORDERS}.parquet")
    return hours_year(orders, year=year, seed=seed)


def _most_on_a_day(stays: pa.Table, year: int) -> int:
    """The most persons staying in one sanatorium on one date."""
    if stays.num_rows == 0:
        return 0
    year_start, year_end = _first_and_last_day(year)
    sanatorium = stays["sanatorium_id"].to_numpy().astype(np.int64)
    first = stays["first_day"].cast(pa.int32()).to_numpy().astype(np.int64) - year_start
    length = stays["days"].to_numpy().astype(np.int64)
    span = year_end - year_start + 1 + max(STAY_DAYS)
    change = np.zeros((SANATORIUMS + 1) * span + 1, dtype=np.int64)
    np.add.at(change, sanatorium * span + first, 1)
    np.add.at(change, sanatorium * span + first + length, -1)
    return int(np.cumsum(change).max())


def check_hours_year(year: HoursYear, scale_factor: float) -> list[FigureCheck]:
    """The seed's figures at the scale, and the services' rules, of a synthetic year."""

    def count(figure: str, national: int, actual: int) -> FigureCheck:
        expected = round(national * scale_factor)
        return FigureCheck(figure, expected, actual, expected == actual)

    def none(figure: str, actual: int) -> FigureCheck:
        return FigureCheck(figure, 0, actual, actual == 0)

    bookings, slots, sheets = year.bookings, year.slots, year.timesheets
    # Each order is a voucher's year: its hours are counted against that voucher.
    voucher_hours: dict[int, int] = {}
    for order, hours in zip(
        bookings["order_id"].to_pylist(), bookings["hours"].to_pylist(), strict=True
    ):
        voucher_hours[order] = voucher_hours.get(order, 0) + hours
    at_once = bookings.num_rows - len(
        set(zip(bookings["iin"].to_pylist(), bookings["starts"].to_pylist(), strict=True))
    )
    sanatoriums = set(year.stays["sanatorium_id"].to_pylist())
    return [
        count(
            "sign-language services (seed §117)",
            ORDERS_2023["sign_language"],
            len(voucher_hours),
        ),
        count(
            "personal-assistant services (seed §117)",
            ORDERS_2023["personal_assistant"],
            len(set(sheets["order_id"].to_pylist())),
        ),
        count(
            "sanatorium stays (seed §117)",
            ORDERS_2023["sanatorium_treatment"],
            year.stays.num_rows,
        ),
        FigureCheck(
            "sanatoriums (seed §118, at most)",
            SANATORIUMS,
            len(sanatoriums),
            sanatoriums <= set(range(1, SANATORIUMS + 1)),
        ),
        none(
            "slots booked beyond their places",
            int(pc.sum(pc.greater(slots["booked"], slots["capacity"])).as_py() or 0),
        ),
        none(
            "vouchers over their sign-language hours",
            sum(h > SIGN_LANGUAGE_HOURS for h in voucher_hours.values()),
        ),
        none("persons in two sessions at once", at_once),
        none(
            "months over their prescribed hours",
            int(pc.sum(pc.greater(sheets["hours"], sheets["prescribed"])).as_py() or 0),
        ),
        none(
            "sanatorium dates over their places",
            max(0, _most_on_a_day(year.stays, year.year) - SANATORIUM_PLACES),
        ),
    ]
