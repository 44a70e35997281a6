"""Run-time residual errors: a snapshot outside the columns' documented ranges stops the run with
a refusal naming the programme and how many subjects it hit; nothing is written."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inclusio.benefits.management.commands.rules import country_rules
from inclusio.countries.shared import country_parameters
from inclusio.rules.loader import Programme, load_programme_text
from inclusio.rules.reform import compare
from inclusio.rules.residual import ArithmeticStopped
from inclusio.rules.screen import RESULTS, screen
from inclusio.snapshot.contract import parquet_path
from tests.rules.texts import explain

ON = datetime.date(2024, 1, 1)
SHARED = country_parameters("kz")
TOP_UP = """\
id: income_top_up
titles: {kk: Толықтыру, ru: Доплата, en: Top-up}
reference: {kk: "draft", ru: "draft", en: "draft"}
entity: person
shared: [subsistence_minimum]
conditions:
  adult: age(birth_date) >= 18
amount: max(0, subsistence_minimum - monthly_income_kzt)
""" + explain("adult")
OUT_OF_RANGE = 3  # persons whose income is over the 10**12 tenge the contract reads


@pytest.fixture(scope="module")
def broken(
    synthetic_snapshot: Callable[[str, int], Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A demo snapshot in which three adults earn 10**15 tenge a month."""
    copy = tmp_path_factory.mktemp("broken") / "snapshot"
    shutil.copytree(synthetic_snapshot("demo", 1), copy)
    path = parquet_path(copy, "persons")
    persons = pq.read_table(path)
    adults = pc.less(persons["birth_date"], pa.scalar(datetime.date(1990, 1, 1)))
    rows = [i for i, adult in enumerate(adults.to_pylist()) if adult][:OUT_OF_RANGE]
    incomes = persons["monthly_income_kzt"].to_pylist()
    for i in rows:
        incomes[i] = 10**15
    index = persons.schema.get_field_index("monthly_income_kzt")
    column = pa.array(incomes, type=persons.schema.field(index).type)
    pq.write_table(persons.set_column(index, persons.schema.field(index), column), path)
    return copy


def top_up() -> Programme:
    return load_programme_text(TOP_UP, file="drafts/top_up.yaml", shared=SHARED)


# Targeted social assistance computes with the family's income (the sum of its members'
# monthly_income_kzt): it is stopped by this snapshot as the draft is. The others in force only
# compare the income, or do not read it.
COMPUTES_WITH_INCOME = "targeted_social_assistance"


def comparing_only() -> list[Programme]:
    """The programmes in force that do no arithmetic with the income."""
    programmes = list(country_rules("kz", SHARED).programmes)
    assert COMPUTES_WITH_INCOME in {p.id for p in programmes}
    return [p for p in programmes if p.id != COMPUTES_WITH_INCOME]


def test_the_screening_is_refused_naming_the_programme_and_the_count(
    broken: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(ArithmeticStopped) as caught:
        screen(broken, ON, [*comparing_only(), top_up()], out)
    error = caught.value
    assert (error.programme, error.subjects) == ("income_top_up", OUT_OF_RANGE)
    assert error.columns == ("monthly_income_kzt",)
    assert error.file == "drafts/top_up.yaml" and error.line == 8
    assert "income_top_up" in str(error) and "3 subject(s)" in str(error)
    assert not (out / RESULTS).exists()
    assert not list(out.glob("*")) if out.exists() else True


def test_an_earlier_result_stays_untouched(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / RESULTS).write_bytes(b"earlier run")
    with pytest.raises(ArithmeticStopped):
        screen(broken, ON, [top_up()], out)
    assert (out / RESULTS).read_bytes() == b"earlier run"
    assert sorted(p.name for p in out.iterdir()) == [RESULTS]


def test_the_programmes_in_force_still_screen_this_snapshot(broken: Path, tmp_path: Path) -> None:
    # Their comparisons read the income as it is: no arithmetic with it, nothing to stop.
    summary = screen(broken, ON, comparing_only(), tmp_path / "out")
    assert summary.subjects > 0


def test_a_programme_in_force_that_computes_with_the_income_is_refused(
    broken: Path, tmp_path: Path
) -> None:
    with pytest.raises(ArithmeticStopped) as caught:
        screen(broken, ON, list(country_rules("kz", SHARED).programmes), tmp_path / "out")
    assert caught.value.programme == COMPUTES_WITH_INCOME
    assert caught.value.columns == ("monthly_income_kzt",)


def test_the_what_if_is_refused_the_same_way(broken: Path) -> None:
    with pytest.raises(ArithmeticStopped) as caught:
        compare(broken, ON, list(country_rules("kz", SHARED).programmes), [top_up()])
    assert (caught.value.programme, caught.value.subjects) == ("income_top_up", OUT_OF_RANGE)


@pytest.mark.django_db  # the screen command reads the shared parameters there
def test_the_reform_command_exits_with_one_line(broken: Path, tmp_path: Path) -> None:
    draft = tmp_path / "top_up.yaml"
    draft.write_text(TOP_UP, encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(CommandError) as caught:
        call_command(
            "screen",
            "--snapshot",
            str(broken),
            "--date",
            ON.isoformat(),
            "--out",
            str(out),
            "--reform",
            str(draft),
        )
    message = str(caught.value)
    assert "\n" not in message
    assert "income_top_up" in message and "3 subject(s)" in message
    assert not out.exists() or not list(out.iterdir())
