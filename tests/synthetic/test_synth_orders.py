"""The synthetic snapshot's rehabilitation part: programme lines reproducing the seed's
implementation rates of 2020–2023 and the portal's 2023 orders in the seed's volumes, at the
demo scale (the national check is the same function on the national snapshot); drawn as of a
later day, the same figures carried on to the year before it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from inclusio.snapshot.contract import ORDERS, PROGRAMME_LINES, REHABILITATION_SCHEMAS
from inclusio.snapshot.rehabilitation import implementation_report, orders_by_kind
from inclusio.synthetic.generate import generate
from inclusio.synthetic.orders import SANATORIUMS, check_year_of_orders

REFERENCE = dt.date(2024, 1, 1)

SEED_RATES = {2020: 78.8, 2021: 81.3, 2022: 90.8, 2023: 92.9}


def _each_order_held_by_a_line_of_its_kind(
    snapshot: Path, orders: dict[str, list[Any]], year: int
) -> bool:
    """Whether every order is by a person holding a programme line of its category in ``year``."""
    lines = pq.read_table(snapshot / f"{PROGRAMME_LINES}.parquet").to_pydict()
    holders = {
        (iin, category)
        for iin, category, of in zip(lines["iin"], lines["category"], lines["year"], strict=True)
        if of == year
    }
    return all(
        (iin, category) in holders
        for iin, category in zip(orders["iin"], orders["category"], strict=True)
    )


def test_the_year_of_orders_holds_the_seeds_volumes_and_rates(demo_snapshot: Path) -> None:
    manifest = json.loads((demo_snapshot / "manifest.json").read_text())
    for name in (PROGRAMME_LINES, ORDERS):
        path = demo_snapshot / f"{name}.parquet"
        assert pq.read_schema(path) == REHABILITATION_SCHEMAS[name]
        assert pq.read_metadata(path).num_rows == manifest["rows"][name]
    report = implementation_report(demo_snapshot)
    national = report.national()
    assert set(national) == set(SEED_RATES)
    for year, pct in SEED_RATES.items():
        assert abs(national[year] - pct) <= 0.5, year
    received = orders_by_kind(demo_snapshot)
    # 0.001 of the seed's 532,400 aids, 8,200 sign-language, 26,400 assistants, 84,500 stays.
    assert received == {
        "technical_aid": 532,
        "sign_language": 8,
        "personal_assistant": 26,
        "sanatorium_treatment": 84,
    }
    assert check_year_of_orders(national, received, manifest["scale_factor"], as_of=REFERENCE) == []
    # Every region with lines has a rate in each year; the sanatoriums are the seed's 104.
    regions = {region for region, _ in report.regional()}
    assert len(regions) >= 10
    orders = pq.read_table(demo_snapshot / f"{ORDERS}.parquet").to_pydict()
    sanatorium_suppliers = {
        s
        for s, k in zip(orders["supplier_id"], orders["kind"], strict=True)
        if k == "sanatorium_treatment"
    }
    assert sanatorium_suppliers <= set(range(1, SANATORIUMS + 1))
    assert _each_order_held_by_a_line_of_its_kind(demo_snapshot, orders, 2023)


def test_the_check_names_what_is_off(demo_snapshot: Path) -> None:
    national = implementation_report(demo_snapshot).national()
    received = orders_by_kind(demo_snapshot)
    off = {**national, 2021: national[2021] + 1.0}
    assert check_year_of_orders(off, received, 0.001, as_of=REFERENCE) == [
        f"implementation rate 2021: {off[2021]} %, the seed 81.3 %"
    ]
    assert check_year_of_orders(
        national, {**received, "sign_language": 7}, 0.001, as_of=REFERENCE
    ) == ["orders sign_language: 7, the seed 8"]
    # A snapshot drawn as of a later day owes the years up to the one before it.
    assert check_year_of_orders(national, received, 0.001, as_of=dt.date(2025, 3, 1)) == [
        "implementation rate 2024: None %, the seed 92.9 %"
    ]
    assert check_year_of_orders({**national, 2024: 92.9}, received, 0.001, as_of=REFERENCE) == [
        "implementation rate 2024: 92.9 %, a year the snapshot does not cover"
    ]


def test_drawn_as_of_a_later_day_the_lines_and_orders_reach_the_year_before_it(
    tmp_path: Path,
) -> None:
    """The demo is drawn as of today: a report closing last year finds that year's programmes
    and orders (the seed's last rate and volumes), not only the seed's own years."""
    as_of = dt.date(2026, 12, 3)
    manifest = generate("demo", 7, tmp_path, as_of=as_of)
    national = implementation_report(tmp_path).national()
    assert sorted(national) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert abs(national[2024] - 92.9) <= 0.5 and abs(national[2025] - 92.9) <= 0.5
    received = orders_by_kind(tmp_path)
    assert check_year_of_orders(national, received, manifest["scale_factor"], as_of=as_of) == []
    orders = pq.read_table(tmp_path / f"{ORDERS}.parquet").to_pydict()
    days = [*orders["placed_on"], *(d for d in orders["confirmed_on"] if d is not None)]
    assert {day.year for day in days} == {2025}
    assert _each_order_held_by_a_line_of_its_kind(tmp_path, orders, 2025)


def test_a_snapshot_without_the_rehabilitation_part_is_named(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    shutil.copy(demo_snapshot / "manifest.json", tmp_path / "manifest.json")
    with pytest.raises(FileNotFoundError, match="programme_lines"):
        implementation_report(tmp_path)
