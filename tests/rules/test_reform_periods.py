"""What-if with periods: a one-off grant counts once in the year, a month paid by the day counts
the month of the date compared."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from inclusio.benefits.management.commands.rules import country_rules, rule_files
from inclusio.countries.shared import country_parameters
from inclusio.rules.loader import Programme, load_programme_text
from inclusio.rules.periods import evaluate_month
from inclusio.rules.reform import compare
from inclusio.snapshot.contract import SCHEMAS, parquet_path

ON = datetime.date(2024, 1, 1)
PROGRAMME = "disability_benefit"
SHARED = country_parameters("kz")


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 1)


@pytest.fixture(scope="module")
def in_force() -> list[Programme]:
    return list(country_rules("kz", SHARED).programmes)


def drafted(extra: str) -> Programme:
    text = next(p for p in rule_files("kz") if p.stem == PROGRAMME).read_text(encoding="utf-8")
    return load_programme_text(text + extra, file="draft.yaml", shared=SHARED)


def test_a_one_off_grant_counts_once_in_the_year_and_not_in_the_month(
    snapshot: Path, in_force: list[Programme]
) -> None:
    comparison = compare(snapshot, ON, in_force, [drafted("period: once\n")])
    total = comparison.total(PROGRAMME)
    assert total.recipients_before == total.recipients_after > 0
    assert total.monthly_before_kzt > 0 and total.monthly_after_kzt == 0
    # The same amounts, paid once as drafted: once, not twelve times, in the year.
    assert total.once_after_kzt == total.monthly_before_kzt and total.once_before_kzt == 0
    assert total.yearly_change_kzt == total.once_after_kzt - 12 * total.monthly_before_kzt
    assert total.monthly_change_kzt == -total.monthly_before_kzt
    assert comparison.one_off == (PROGRAMME,) and comparison.by_the_day == ()


def test_a_month_paid_by_the_day_counts_the_month_as_the_engine_pays_it(
    snapshot: Path, in_force: list[Programme]
) -> None:
    draft = drafted("proration: daily\n")
    comparison = compare(snapshot, ON, in_force, [draft])
    total = comparison.total(PROGRAMME)
    tables = {name: pq.read_table(parquet_path(snapshot, name)) for name in SCHEMAS}
    month = [row for row in evaluate_month(draft, tables, ON).to_pylist() if row["eligible"]]
    assert total.recipients_after == len(month)
    assert total.monthly_after_kzt == sum(row["amount_kzt"] for row in month)
    # Someone whose right started or ended within January is paid part of it.
    assert any(row["days"] < 31 for row in month)
    assert total.yearly_change_kzt == 12 * total.monthly_change_kzt
    assert comparison.by_the_day == (PROGRAMME,) and comparison.one_off == ()
