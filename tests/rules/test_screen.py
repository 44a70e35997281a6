"""Screening a whole (demo-scale) snapshot: the results.parquet contract and the refusals."""

from __future__ import annotations

import datetime
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inclusio.benefits.management.commands.rules import country_rules
from inclusio.countries.shared import country_parameters
from inclusio.rules import load_programme_text
from inclusio.rules.assessment import Assessment, assess
from inclusio.rules.compiler import evaluate
from inclusio.rules.errors import RuleError
from inclusio.rules.life import LIFE_CONDITIONS
from inclusio.rules.loader import Programme, load_rule_text
from inclusio.rules.results import RESULT_SCHEMA
from inclusio.rules.screen import (
    ASSESSMENT_SCHEMA,
    ASSESSMENTS,
    RESULTS,
    screen,
)
from inclusio.snapshot.contract import SCHEMAS, parquet_path
from inclusio.snapshot.validate import Problem, SnapshotError
from tests.rules.texts import explain

ON = datetime.date(2024, 1, 1)
# The country's rules with the shared parameters of its parameters.json (no database needed).
KZ_RULES = country_rules("kz", country_parameters("kz"))


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 1)


@pytest.fixture(scope="module")
def programmes() -> list[Programme]:
    return list(KZ_RULES.programmes)


@pytest.fixture(scope="module")
def results(
    snapshot: Path, programmes: list[Programme], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("results")
    summary = screen(
        snapshot,
        ON,
        programmes,
        out,
        assessments=KZ_RULES.assessments,
    )
    assert summary.path == out / RESULTS
    assert summary.subjects > 0
    return summary.path


def copy_snapshot(snapshot: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "snapshot"
    shutil.copytree(snapshot, copy)
    return copy


def test_the_results_follow_the_contract(results: Path) -> None:
    schema = pq.read_schema(results)
    for expected in RESULT_SCHEMA:
        assert schema.field(expected.name).type == expected.type, expected.name
    table = pq.read_table(results)
    assert set(table.column("subject_kind").to_pylist()) == {"person", "family"}
    rows = table.to_pylist()
    benefit = next(r for r in rows if r["programme"] == "disability_benefit" and r["eligible"])
    assert [r["condition"] for r in benefit["reasons"]] == [
        "has_group",
        "valid_on_date",
        "not_deceased",
        "not_emigrated",
        "not_imprisoned",
    ]
    assert all(r["met"] for r in benefit["reasons"])
    assert benefit["amount_kzt"] > 0
    parameters = json.loads(benefit["parameters"])
    assert parameters["subsistence_minimum"] == {
        "value": 43407,
        "effective": "2024-01-01",
        "reference": {
            "en": "Law on the republican budget for 2024-2026",
            "kk": "«2024–2026 жылдарға арналған республикалық бюджет туралы» Заң",
            "ru": "Закон «О республиканском бюджете на 2024–2026 годы»",
        },
    }
    assert parameters["coefficient_group_1"]["value"] == "1.40"  # exact decimals as text
    legal_aid = next(r for r in rows if r["programme"] == "free_legal_aid" and r["eligible"])
    assert legal_aid["amount_kzt"] is None  # an entitlement without money


def test_every_written_subject_has_every_programme_row(
    results: Path, programmes: list[Programme]
) -> None:
    db = duckdb.connect()
    path = str(results)
    per_subject = db.execute(
        "SELECT subject_kind, count(*), count(DISTINCT programme), bool_or(eligible) "
        "FROM read_parquet(?) GROUP BY subject_kind, subject_id",
        [path],
    ).fetchall()
    assert per_subject
    of_kind = {
        kind: sum(1 for p in programmes if p.entity == kind) for kind in ("person", "family")
    }
    assert {row[:3] for row in per_subject} == {
        (kind, count, count) for kind, count in of_kind.items()
    }
    assert all(row[3] for row in per_subject)


def test_eligibility_agrees_with_hand_written_sql(snapshot: Path, results: Path) -> None:
    db = duckdb.connect()
    expected = db.execute(
        "SELECT count(*) FROM read_parquet(?) p JOIN read_parquet(?) d USING (iin) "
        "WHERE d.category IN ('I', 'II', 'III') AND d.since <= ? "
        "AND (d.until IS NULL OR d.until >= ?)",
        [str(parquet_path(snapshot, "persons")), str(parquet_path(snapshot, "disability")), ON, ON],
    ).fetchone()
    screened = db.execute(
        "SELECT count(*) FROM read_parquet(?) WHERE programme = 'disability_benefit' AND eligible",
        [str(results)],
    ).fetchone()
    assert expected is not None and screened is not None
    assert expected[0] > 0
    assert screened[0] == expected[0]


def test_the_same_input_gives_the_same_file(
    snapshot: Path, programmes: list[Programme], results: Path, tmp_path: Path
) -> None:
    again = screen(snapshot, ON, programmes, tmp_path)
    assert again.path.read_bytes() == results.read_bytes()


def refuse(snapshot: Path, programmes: list[Programme], out: Path) -> SnapshotError:
    with pytest.raises(SnapshotError) as caught:
        screen(snapshot, ON, programmes, out)
    assert not out.exists()
    return caught.value


def test_a_missing_file_is_refused(
    snapshot: Path, programmes: list[Programme], tmp_path: Path
) -> None:
    copy = copy_snapshot(snapshot, tmp_path)
    parquet_path(copy, "care").unlink()
    error = refuse(copy, programmes, tmp_path / "out")
    assert error.file == parquet_path(copy, "care")
    assert "care.parquet" in str(error)


def test_a_date_before_a_parameter_value_is_an_error_not_a_zero(
    snapshot: Path, programmes: list[Programme], tmp_path: Path
) -> None:
    with pytest.raises(RuleError, match="'subsistence_minimum' has no value on 2010-01-01"):
        screen(snapshot, datetime.date(2010, 1, 1), programmes, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def rewrite(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path)


def test_a_missing_column_is_refused(
    snapshot: Path, programmes: list[Programme], tmp_path: Path
) -> None:
    copy = copy_snapshot(snapshot, tmp_path)
    path = parquet_path(copy, "disability")
    rewrite(path, pq.read_table(path).drop_columns(["until"]))
    error = refuse(copy, programmes, tmp_path / "out")
    assert (error.problem, error.column) == (Problem.COLUMN_MISSING, "until")
    assert "disability.parquet" in str(error) and "'until'" in str(error)


def test_a_snapshot_in_the_foundations_columns_screens_the_same(
    snapshot: Path, programmes: list[Programme], results: Path, tmp_path: Path
) -> None:
    """Families without coordinates and statuses without ``speech``, as the foundation issue
    set the contract out: no rule reads them, so the screening needs them not and finds the
    same results."""
    copy = copy_snapshot(snapshot, tmp_path)
    families = parquet_path(copy, "families")
    rewrite(families, pq.read_table(families).drop_columns(["latitude", "longitude"]))
    disability = parquet_path(copy, "disability")
    rewrite(disability, pq.read_table(disability).drop_columns(["speech"]))
    again = screen(copy, ON, programmes, tmp_path / "out", assessments=KZ_RULES.assessments)
    assert again.path.read_bytes() == results.read_bytes()


def test_a_column_is_demanded_only_by_a_rule_that_reads_it(
    snapshot: Path, programmes: list[Programme], tmp_path: Path
) -> None:
    """Without incomes, the programmes that do not read them screen; the well-being level and
    targeted social assistance, which sum them, are refused naming the column. The benefits
    that targeted social assistance disregards it does not read."""
    copy = copy_snapshot(snapshot, tmp_path)
    persons = parquet_path(copy, "persons")
    table = pq.read_table(persons)
    rewrite(persons, table.drop_columns(["disability_benefit_kzt", "carer_allowance_kzt"]))
    assert screen(copy, ON, programmes, tmp_path / "out0").subjects > 0
    rewrite(persons, table.drop_columns(["monthly_income_kzt"]))
    without_income = [p for p in programmes if p.id != "targeted_social_assistance"]
    assert screen(copy, ON, without_income, tmp_path / "out").subjects > 0
    for index, (rules, assessments) in enumerate(
        [(without_income, KZ_RULES.assessments), (programmes, ())]
    ):
        with pytest.raises(SnapshotError) as caught:
            screen(copy, ON, rules, tmp_path / f"out{index + 2}", assessments=assessments)
        assert (caught.value.file, caught.value.column) == (persons, "monthly_income_kzt")
        assert not (tmp_path / f"out{index + 2}").exists()


def test_a_wrong_type_is_refused(
    snapshot: Path, programmes: list[Programme], tmp_path: Path
) -> None:
    copy = copy_snapshot(snapshot, tmp_path)
    path = parquet_path(copy, "persons")
    table = pq.read_table(path)
    index = table.schema.get_field_index("birth_date")
    table = table.set_column(index, "birth_date", table.column("birth_date").cast(pa.string()))
    rewrite(path, table)
    error = refuse(copy, programmes, tmp_path / "out")
    assert error.column == "birth_date"
    assert "persons.parquet" in str(error) and "'birth_date'" in str(error)


def test_an_integer_of_another_width_is_accepted(
    snapshot: Path, programmes: list[Programme], tmp_path: Path
) -> None:
    copy = copy_snapshot(snapshot, tmp_path)
    path = parquet_path(copy, "families")
    table = pq.read_table(path)
    index = table.schema.get_field_index("members")
    assert SCHEMAS["families"].field("members").type == pa.int32()
    table = table.set_column(index, "members", table.column("members").cast(pa.int64()))
    rewrite(path, table)
    assert screen(copy, ON, programmes, tmp_path / "out").subjects > 0


@pytest.mark.django_db  # the screen command reads the shared parameters there
def test_the_command_screens_and_summarises(snapshot: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "screen",
        "--snapshot",
        str(snapshot),
        "--date",
        "2024-01-01",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    text = out.getvalue()
    assert "disability_benefit" in text and "KZT" in text
    assert (tmp_path / RESULTS).is_file()


@pytest.mark.django_db  # the screen command reads the shared parameters there
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--date", "2024-02-30"], "Invalid date"),
        (["--date", "2024-01-01", "--engine", "polars"], "invalid choice"),
        (["--date", "2017-12-31"], "has no value on 2017-12-31"),
    ],
)
def test_the_command_refuses(
    snapshot: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    out = tmp_path / "out"
    with pytest.raises(CommandError, match=message):
        call_command("screen", "--snapshot", str(snapshot), "--out", str(out), *arguments)
    assert not out.exists()


@pytest.mark.django_db  # the screen command reads the shared parameters there
def test_the_command_names_the_missing_column(snapshot: Path, tmp_path: Path) -> None:
    copy = copy_snapshot(snapshot, tmp_path)
    path = parquet_path(copy, "care")
    rewrite(path, pq.read_table(path).drop_columns(["relation"]))
    out = tmp_path / "out"
    with pytest.raises(CommandError, match=r"care\.parquet: the column 'relation' is missing"):
        call_command("screen", "--snapshot", str(copy), "--date", "2024-01-01", "--out", str(out))
    assert not out.exists()


def test_every_programme_agrees_with_evaluate(
    snapshot: Path, programmes: list[Programme], results: Path
) -> None:
    """The screen's shortcuts (kept persons only) give the compiler's own answer."""
    tables = {name: pq.read_table(parquet_path(snapshot, name)) for name in SCHEMAS}
    written = pq.read_table(results).to_pylist()
    subjects = {row["subject_id"] for row in written}
    for programme in programmes:
        direct = {
            row["subject_id"]: (row["eligible"], row["amount_kzt"])
            for row in evaluate(programme, tables, ON).to_pylist()
            if row["subject_id"] in subjects
        }
        screened = {
            row["subject_id"]: (row["eligible"], row["amount_kzt"])
            for row in written
            if row["programme"] == programme.id
        }
        assert screened == direct, programme.id


def test_family_programmes_give_family_subjects(
    snapshot: Path, programmes: list[Programme], results: Path
) -> None:
    families = [p for p in programmes if p.entity == "family"]
    assert [p.id for p in families] == ["housing_priority", "targeted_social_assistance"]
    db = duckdb.connect()
    kinds = dict(
        db.execute(
            "SELECT subject_kind, count(DISTINCT programme) FROM read_parquet(?) GROUP BY ALL",
            [str(results)],
        ).fetchall()
    )
    assert kinds == {"person": len(programmes) - 2, "family": 2}
    expected = db.execute(
        "SELECT count(DISTINCT p.family_id) FROM read_parquet(?) p JOIN read_parquet(?) d "
        "USING (iin) WHERE d.since <= ? AND (d.until IS NULL OR d.until >= ?) "
        "AND (d.category IN ('I', 'II') OR p.birth_date > ? - INTERVAL 18 YEAR)",
        [
            str(parquet_path(snapshot, "persons")),
            str(parquet_path(snapshot, "disability")),
            ON,
            ON,
            ON,
        ],
    ).fetchone()
    assert expected is not None
    screened = db.execute(
        "SELECT count(*) FROM read_parquet(?) WHERE programme = 'housing_priority' AND eligible",
        [str(results)],
    ).fetchone()
    assert screened is not None
    assert screened[0] == expected[0] > 0


def test_targeted_social_assistance_is_screened_as_an_independent_reading_says(
    snapshot: Path, results: Path
) -> None:
    # Income per member: earnings and pensions, the disability and carer's benefits left out;
    # the poverty line 0.70 x 43,407 = 30,384.9; paid (line - income per member) x members.
    # A member who has died, emigrated or is serving a prison sentence on the date does not
    # count (rules.life): neither as a member nor for the income.
    db = duckdb.connect()
    expected = db.execute(
        "SELECT CAST(family_id AS VARCHAR), "
        "CAST(round(30384.9 * count(*) - sum(monthly_income_kzt)) AS BIGINT) "
        "FROM read_parquet(?) "
        "WHERE coalesce(death_date > ?, true) AND coalesce(emigration_date > ?, true) "
        "AND NOT coalesce(imprisonment_date <= ? AND NOT coalesce(release_date <= ?, false), "
        "false) "
        "GROUP BY family_id "
        "HAVING sum(monthly_income_kzt) < 30384.9 * count(*) ORDER BY 1",
        [str(parquet_path(snapshot, "persons")), ON, ON, ON, ON],
    ).fetchall()
    screened = db.execute(
        "SELECT subject_id, amount_kzt FROM read_parquet(?) "
        "WHERE programme = 'targeted_social_assistance' AND eligible ORDER BY 1",
        [str(results)],
    ).fetchall()
    assert screened == expected
    assert len(screened) > 50
    benefits = db.execute(
        "SELECT sum(disability_benefit_kzt + carer_allowance_kzt) FROM read_parquet(?)",
        [str(parquet_path(snapshot, "persons"))],
    ).fetchone()
    assert benefits is not None and benefits[0] > 0  # there were benefits to leave out


def test_the_families_written_are_assessed_as_the_rule_file_says(
    snapshot: Path, results: Path
) -> None:
    """assessments.parquet: the families with an offer and the families of persons with one,
    each with the level ``assess`` gives it."""
    (wellbeing,) = KZ_RULES.assessments
    scores = pq.read_table(results.parent / ASSESSMENTS)
    for expected in ASSESSMENT_SCHEMA:
        assert scores.schema.field(expected.name).type == expected.type, expected.name
    db = duckdb.connect()
    expected_families = {
        row[0]
        for row in db.execute(
            "SELECT DISTINCT CAST(p.family_id AS VARCHAR) FROM read_parquet(?) r "
            "JOIN read_parquet(?) p ON r.subject_kind = 'person' AND r.subject_id = p.iin "
            "WHERE r.eligible UNION SELECT subject_id FROM read_parquet(?) "
            "WHERE subject_kind = 'family' AND eligible",
            [str(results), str(parquet_path(snapshot, "persons")), str(results)],
        ).fetchall()
    }
    written = scores.to_pylist()
    assert {row["family_id"] for row in written} == expected_families
    tables = {name: pq.read_table(parquet_path(snapshot, name)) for name in SCHEMAS}
    direct = {row["subject_id"]: row for row in assess(wellbeing, tables, ON).to_pylist()}
    indicators = [indicator.name for indicator in wellbeing.indicators]
    for row in written:
        expected = direct[row["family_id"]]
        assert (row["level"], row["score"]) == (expected["level"], expected["score"])
        assert row["indicators"] == [name for name in indicators if expected[name]]
    assert len({row["level"] for row in written}) >= 3  # not one level for everyone


# Rules that hold for persons WITHOUT a disability record: the screen evaluates the recorded
# persons and everyone else apart (``_recorded``), and must still give the compiler's answer.
WITHOUT_RECORD = """\
id: pension_age_without_record
titles: {kk: Зейнет, ru: Пенсия, en: Pension age}
reference: {kk: "a test", ru: "a test", en: "a test"}
entity: person
conditions:
  no_record: is_null(category)
  pension_age: age(birth_date) >= 63
  no_job: not employed
amount: 1000
""" + explain("no_record", "pension_age", "no_job")
COUNT_WITHOUT_RECORD = """\
id: members_without_record
kind: assessment
titles: {kk: Жазбасыз, ru: Без записи, en: Without a record}
reference: {kk: "a test", ru: "a test", en: "a test"}
entity: family
member_conditions:
  no_record: is_null(category)
  recorded: not is_null(category)
aggregates:
  without: count(no_record)
  recorded_members: count(recorded)
  income_without: sum(if_(no_record, monthly_income_kzt, 0))
indicators:
  mostly_without:
    domain: health
    when: without > recorded_members * 2
    points: 10
    explain: {kk: К, ru: Б, en: Mostly}
  poor_without:
    domain: economic
    when: income_without < 100000
    points: 20
    explain: {kk: К, ru: Б, en: Poor}
levels:
  - {level: worse, min_score: 20, titles: {kk: Н, ru: Х, en: Worse}}
  - {level: bad, min_score: 10, titles: {kk: Н, ru: П, en: Bad}}
  - {level: fine, min_score: 0, titles: {kk: Т, ru: С, en: Fine}}
"""


def test_persons_and_families_without_a_record_are_screened_as_the_compiler_says(
    snapshot: Path, tmp_path: Path
) -> None:
    programme = load_programme_text(WITHOUT_RECORD, file="pension.yaml")
    assessment = load_rule_text(COUNT_WITHOUT_RECORD, file="count.yaml")
    assert isinstance(assessment, Assessment)
    carers = [p for p in KZ_RULES.programmes if p.cared is not None]
    summary = screen(snapshot, ON, [programme, *carers], tmp_path, assessments=[assessment])
    tables = {name: pq.read_table(parquet_path(snapshot, name)) for name in SCHEMAS}
    written = pq.read_table(summary.path).to_pylist()
    for each in (programme, *carers):
        direct = {
            row["subject_id"]: (row["eligible"], row["amount_kzt"])
            for row in evaluate(each, tables, ON).to_pylist()
        }
        screened = {
            row["subject_id"]: (row["eligible"], row["amount_kzt"])
            for row in written
            if row["programme"] == each.id
        }
        # Every subject written has one row of the programme, and only one.
        rows = [row for row in written if row["programme"] == each.id]
        assert len(rows) == len(screened) == len({row["subject_id"] for row in written})
        assert {s for s, (eligible, _) in direct.items() if eligible} == {
            s for s, (eligible, _) in screened.items() if eligible
        }
        assert screened == {s: direct[s] for s in screened}, each.id
    eligible_without = sum(
        1 for row in written if row["programme"] == programme.id and row["eligible"]
    )
    assert eligible_without > 100  # thousands of persons without a record, in the demo
    direct_scores = {row["subject_id"]: row for row in assess(assessment, tables, ON).to_pylist()}
    scores = pq.read_table(summary.path.parent / ASSESSMENTS).to_pylist()
    assert len(scores) > 100
    for row in scores:
        expected = direct_scores[row["family_id"]]
        assert (row["level"], row["score"]) == (expected["level"], expected["score"])
    assert len({row["level"] for row in scores}) == 3


def _explained(snapshot: Path, results: Path) -> tuple[pa.Table, int]:
    """Persons and families of the snapshot that the plain screening does not write, and a few
    it writes anyway (eligible, with a record); how many of the first kind."""
    db = duckdb.connect()
    written = str(results)
    absent = db.execute(
        "SELECT 'person', iin FROM read_parquet(?)"
        " WHERE iin NOT IN (SELECT subject_id FROM read_parquet(?)) ORDER BY iin LIMIT 3",
        [str(parquet_path(snapshot, "persons")), written],
    ).fetchall()
    absent += db.execute(
        "SELECT 'family', CAST(family_id AS VARCHAR) FROM read_parquet(?)"
        " WHERE CAST(family_id AS VARCHAR) NOT IN (SELECT subject_id FROM read_parquet(?))"
        " ORDER BY family_id LIMIT 3",
        [str(parquet_path(snapshot, "families")), written],
    ).fetchall()
    present = db.execute(
        "SELECT DISTINCT subject_kind, subject_id FROM read_parquet(?) ORDER BY ALL LIMIT 2",
        [written],
    ).fetchall()
    assert {kind for kind, _ in absent} == {"person", "family"}
    rows = [*absent, *present]
    return pa.table(
        {"subject_kind": [k for k, _ in rows], "subject_id": [i for _, i in rows]}
    ), len(absent)


def test_explained_subjects_are_written_eligible_or_not(
    snapshot: Path, programmes: list[Programme], results: Path, tmp_path: Path
) -> None:
    explained, absent = _explained(snapshot, results)
    pq.write_table(explained, tmp_path / "explained.parquet")
    summary = screen(snapshot, ON, programmes, tmp_path, explained=tmp_path / "explained.parquet")
    table = pq.read_table(summary.path)
    before = pq.read_table(results)
    assert table.num_rows > before.num_rows
    rows = table.to_pylist()
    for kind, subject in zip(
        explained["subject_kind"].to_pylist()[:absent],
        explained["subject_id"].to_pylist()[:absent],
        strict=True,
    ):
        mine = [r for r in rows if (r["subject_kind"], r["subject_id"]) == (kind, subject)]
        expected = sorted(p.id for p in programmes if p.entity == kind)
        assert [r["programme"] for r in mine] == expected, subject
        assert not any(r["eligible"] for r in mine)
        # every condition of the programme is named, with its truth
        for row in mine:
            programme = next(p for p in programmes if p.id == row["programme"])
            # …a person programme's followed by the life events' (rules.life)
            life = list(LIFE_CONDITIONS) if programme.entity == "person" else []
            assert [r["condition"] for r in row["reasons"]] == [
                c.name for c in programme.conditions
            ] + life
    # the subjects written anyway are written as before
    kept = table.filter(
        pa.compute.invert(
            pa.compute.is_in(table["subject_id"], explained["subject_id"].slice(0, absent))
        )
    )
    assert kept.equals(before.cast(kept.schema))
    assert summary.programmes == screen(snapshot, ON, programmes, tmp_path / "plain").programmes
