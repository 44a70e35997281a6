"""Importing an existing registry from CSV / XLSX: ``inclusio registry-import``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError, ValidationFailed
from inclusio.core.identifiers import check_digit, make_iin
from inclusio.core.models import AuditEvent
from inclusio.registry import importer
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.registry.services import person_create

pytestmark = pytest.mark.django_db

_serials = itertools.count(1)
ADULT = dt.date(1980, 5, 10)
CHILD = dt.date(2015, 3, 4)


def iin(birth_date: dt.date = ADULT, sex: str = "M") -> str:
    """A fresh valid IIN (a serial without a check digit is skipped)."""
    while True:
        value = make_iin(birth_date, sex, next(_serials))
        if value is not None:
            return value


def bad_checksum(value: str) -> str:
    return value[:11] + str((int(value[11]) + 1) % 10)


def impossible_birth_date() -> str:
    """Valid check digit, but 31 February is no birth date."""
    for serial in itertools.count(1):
        head = f"800231{3}{serial:04d}"
        digit = check_digit(head)
        if digit is not None:
            return f"{head}{digit}"
    raise AssertionError  # pragma: no cover


def person_row(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "iin": iin(),
        "surname": "Абенов",
        "given_name": "Ерлан",
        "patronymic": "Серикович",
        "region_code": "71",
        "urban": "true",
        "address": "ул. Абая, 1",
        "latitude": "",
        "longitude": "",
        "phone": "+77010000000",
        "preferred_language": "ru",
        "category": "II",
        "cause": "general_disease",
        "work_capacity_loss_pct": "60",
        "limitations": "mobility;vision",
        "valid_from": "2023-01-15",
        "reexamination_date": "2025-01-15",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    columns: list[str] | None = None,
) -> Path:
    columns = columns or list(importer.COLUMNS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    path.write_text(buffer.getvalue(), encoding="utf-8-sig" if bom else "utf-8")
    return path


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("registry_import", str(path), *args, stdout=out)
    return out.getvalue()


def run_failing(path: Path, *args: str) -> tuple[CommandError, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("registry_import", str(path), *args, stdout=out)
    return excinfo.value, out.getvalue()


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def nothing_written() -> bool:
    return (
        not Person.objects.exists()
        and not DisabilityStatus.objects.exists()
        and not AuditEvent.objects.filter(action="registry_import").exists()
    )


# --- Loading a clean file ----------------------------------------------------------------------


def test_a_valid_csv_loads_every_person_and_status(tmp_path: Path) -> None:
    child_iin = iin(CHILD, "F")
    rows = [
        person_row(),
        person_row(
            iin=child_iin,
            surname="Серикова",
            given_name="Айгерим",
            patronymic="",
            region_code="75",
            urban="no",
            latitude="43.25",
            longitude="76.95",
            preferred_language="",
            category="child",
            cause="from_childhood",
            work_capacity_loss_pct="",
            limitations="hearing, speech",
            valid_from="01.09.2022",
            reexamination_date="",
        ),
        person_row(category="I", cause="work_injury", limitations="", urban="1"),
    ]
    path = write_csv(tmp_path / "registry.csv", rows)

    out = run(path, "--language", "en")

    assert "Rows read: 3, valid: 3, loaded: 3, rejected: 0." in out
    assert Person.objects.count() == 3
    assert DisabilityStatus.objects.count() == 3

    adult = Person.objects.get(iin=rows[0]["iin"])
    assert (adult.surname, adult.given_name, adult.patronymic) == ("Абенов", "Ерлан", "Серикович")
    assert (adult.birth_date, adult.sex, adult.region_id, adult.urban) == (ADULT, "M", "71", True)
    assert (adult.phone, adult.preferred_language, adult.latitude) == ("+77010000000", "ru", None)
    status = adult.statuses.get()
    assert (status.category, status.cause, status.work_capacity_loss_pct) == (
        "II",
        "general_disease",
        60,
    )
    assert status.limitations == ["mobility", "vision"]
    assert (status.valid_from, status.reexamination_date) == (
        dt.date(2023, 1, 15),
        dt.date(2025, 1, 15),
    )
    assert status.source == DisabilityStatus.Source.IMPORT
    assert status.superseded_at is None

    child = Person.objects.get(iin=child_iin)
    assert (child.birth_date, child.sex, child.region_id, child.urban) == (CHILD, "F", "75", False)
    assert (child.latitude, child.longitude, child.preferred_language) == (43.25, 76.95, "kk")
    child_status = child.statuses.get()
    assert child_status.category == "child" and child_status.cause == "from_childhood"
    assert child_status.limitations == ["hearing", "speech"]
    assert child_status.valid_from == dt.date(2022, 9, 1)
    assert child_status.reexamination_date is None  # indefinite
    assert child_status.work_capacity_loss_pct is None

    # One event per batch naming its rows by number, and one summary event for the import.
    [batch] = AuditEvent.objects.filter(action="registry_import_batch")
    assert batch.data == {"batch": 1, "rows": "2-4", "loaded": 3, "sha256": batch.data["sha256"]}
    event = AuditEvent.objects.get(action="registry_import")
    assert (event.entity, event.entity_id, event.actor_name) == (
        "registry",
        "registry.csv",
        "system",
    )
    assert event.data["rows"] == 3 and event.data["loaded"] == 3 and event.data["rejected"] == 0
    assert len(event.data["sha256"]) == 64 and event.data["batches"] == 1
    assert not AuditEvent.objects.filter(action="person_create").exists()
    assert not any(value in str(e.data) for e in AuditEvent.objects.all() for value in ("Абенов",))


def test_summary_line_counts_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [person_row(), person_row()])
    out = run(path, "--language", "en")
    assert "Rows read: 2, valid: 2, loaded: 2, rejected: 0." in out


def test_semicolon_delimiter_bom_and_russian_and_kazakh_yes_no(tmp_path: Path) -> None:
    rows = [
        person_row(urban="да"),
        person_row(urban="Нет"),
        person_row(urban="иә", limitations="mobility,hearing"),
        person_row(urban="жоқ"),
    ]
    path = write_csv(tmp_path / "r.csv", rows, delimiter=";", bom=True)
    run(path)
    urban = {p.iin: p.urban for p in Person.objects.all()}
    assert [urban[r["iin"]] for r in rows] == [True, False, True, False]
    third = Person.objects.get(iin=rows[2]["iin"]).statuses.get()
    assert third.limitations == ["mobility", "hearing"]


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out(tmp_path: Path) -> None:
    columns = list(reversed(importer.REQUIRED_COLUMNS))
    row = person_row()
    path = tmp_path / "r.csv"
    header = ",".join(f" {column.upper()} " for column in columns)  # case and spaces ignored
    path.write_text(header + "\n" + ",".join(str(row[c]) for c in columns) + "\n\n")
    run(path)
    person = Person.objects.get(iin=row["iin"])
    assert person.patronymic == "" and person.statuses.get().limitations == []
    assert person.statuses.get().work_capacity_loss_pct is None


def test_an_xlsx_file_loads_too(tmp_path: Path) -> None:
    # Born in 2005: the IIN starts with 0, which a spreadsheet number cell drops.
    teen = iin(dt.date(2005, 7, 1), "F")
    adult = iin()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(importer.COLUMNS))
    sheet.append(
        [
            adult,
            "Абенов",
            "Ерлан",
            "",
            71,
            True,
            "",
            51.13,
            71.43,
            "",
            "kk",
            "III",
            "occupational_disease",
            30,
            "psychosocial",
            dt.date(2023, 2, 1),
            dt.date(2024, 2, 1),
        ]
    )
    sheet.append(
        [
            int(teen),
            "Серикова",
            "Дана",
            "",
            "79",
            "false",
            "",
            None,
            None,
            None,
            None,
            "child",
            "from_childhood",
            None,
            "intellectual;speech",
            "2020-10-05",
            None,
        ]
    )
    path = tmp_path / "registry.xlsx"
    workbook.save(path)

    run(path)

    first = Person.objects.get(iin=adult)
    assert (first.region_id, first.urban, first.latitude, first.longitude) == (
        "71",
        True,
        51.13,
        71.43,
    )
    status = first.statuses.get()
    assert (status.category, status.cause, status.work_capacity_loss_pct) == (
        "III",
        "occupational_disease",
        30,
    )
    assert (status.valid_from, status.reexamination_date) == (
        dt.date(2023, 2, 1),
        dt.date(2024, 2, 1),
    )
    second = Person.objects.get(iin=teen)
    assert teen.startswith("0")
    assert (second.birth_date, second.region_id, second.urban) == (dt.date(2005, 7, 1), "79", False)
    assert second.statuses.get().limitations == ["speech", "intellectual"]


# --- One bad row: nothing is written, the report names row, column and code --------------------

BAD_ROWS = {
    "checksum": (lambda: {"iin": bad_checksum(iin())}, "iin", "IIN_CHECKSUM"),
    "length": (lambda: {"iin": "80051030001"}, "iin", "IIN_LENGTH"),
    "letters": (lambda: {"iin": "80051O300012"}, "iin", "IIN_NOT_DIGITS"),
    "impossible date": (lambda: {"iin": impossible_birth_date()}, "iin", "IIN_DATE"),
    "unknown region": (lambda: {"region_code": "99"}, "region_code", "REGION_UNKNOWN"),
    "child category for an adult": (lambda: {"category": "child"}, "category", "CATEGORY_AGE"),
    "adult group for a child": (
        lambda: {"iin": iin(CHILD), "category": "I"},
        "category",
        "CATEGORY_AGE",
    ),
    "bad date format": (lambda: {"valid_from": "2023/01/15"}, "valid_from", "DATE_FORMAT"),
    "no such day": (lambda: {"valid_from": "31.02.2023"}, "valid_from", "DATE_FORMAT"),
    "missing surname": (lambda: {"surname": ""}, "surname", "REQUIRED"),
    "missing valid_from": (lambda: {"valid_from": ""}, "valid_from", "REQUIRED"),
    "unknown category": (lambda: {"category": "IV"}, "category", "CATEGORY_UNKNOWN"),
    "unknown cause": (lambda: {"cause": "accident"}, "cause", "CAUSE_UNKNOWN"),
    "loss over 100": (
        lambda: {"work_capacity_loss_pct": "120"},
        "work_capacity_loss_pct",
        "LOSS_PCT_RANGE",
    ),
    "loss not a number": (
        lambda: {"work_capacity_loss_pct": "half"},
        "work_capacity_loss_pct",
        "NUMBER_FORMAT",
    ),
    "unknown limitation": (
        lambda: {"limitations": "mobility;flying"},
        "limitations",
        "LIMITATION_UNKNOWN",
    ),
    "urban not yes/no": (lambda: {"urban": "maybe"}, "urban", "BOOLEAN_FORMAT"),
    "unknown language": (
        lambda: {"preferred_language": "de"},
        "preferred_language",
        "LANGUAGE_UNKNOWN",
    ),
    "re-examination before start": (
        lambda: {"reexamination_date": "2022-01-01"},
        "reexamination_date",
        "REEXAMINATION_BEFORE_START",
    ),
    "latitude only": (lambda: {"latitude": "43.2"}, "latitude", "COORDINATES_INCOMPLETE"),
    "latitude out of range": (
        lambda: {"latitude": "95", "longitude": "70"},
        "latitude",
        "LATITUDE_RANGE",
    ),
    "surname too long": (lambda: {"surname": "Ж" * 101}, "surname", "VALUE_TOO_LONG"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_one_bad_row_writes_nothing_and_is_reported(tmp_path: Path, case: str) -> None:
    make_overrides, column, code = BAD_ROWS[case]
    rows = [person_row(), person_row(**make_overrides()), person_row()]
    path = write_csv(tmp_path / "r.csv", rows)
    report = tmp_path / "report.csv"

    error, out = run_failing(path, "--report", str(report), "--language", "en")

    assert error.returncode != 0
    assert nothing_written()
    assert read_report(report) == [
        {"row": "3", "column": column, "code": code, "message": read_report(report)[0]["message"]}
    ]
    assert read_report(report)[0]["message"]  # a message, not only a code
    assert code in out and column in out  # the printed table
    assert "Rows read: 3, valid: 2, loaded: 0, rejected: 1." in out


def test_a_duplicate_iin_in_the_file_rejects_every_row_that_carries_it(tmp_path: Path) -> None:
    twice = iin()
    rows = [person_row(iin=twice), person_row(), person_row(iin=twice, surname="Другой")]
    path = write_csv(tmp_path / "r.csv", rows)
    report = tmp_path / "report.csv"

    run_failing(path, "--report", str(report))

    assert nothing_written()
    lines = read_report(report)
    assert [(r["row"], r["column"], r["code"]) for r in lines] == [
        ("2", "iin", "DUPLICATE_IN_FILE"),
        ("4", "iin", "DUPLICATE_IN_FILE"),
    ]


def test_several_errors_in_one_row_are_all_reported(tmp_path: Path) -> None:
    rows = [person_row(region_code="00", cause="", valid_from="yesterday")]
    report = tmp_path / "report.csv"
    run_failing(write_csv(tmp_path / "r.csv", rows), "--report", str(report))
    assert {(r["column"], r["code"]) for r in read_report(report)} == {
        ("region_code", "REGION_UNKNOWN"),
        ("cause", "REQUIRED"),
        ("valid_from", "DATE_FORMAT"),
    }


def test_skip_bad_rows_loads_the_valid_rows_and_reports_the_rest(tmp_path: Path) -> None:
    rows = [person_row(), person_row(region_code="99"), person_row(), person_row(iin="123")]
    path = write_csv(tmp_path / "r.csv", rows)
    report = tmp_path / "report.csv"

    out = run(path, "--skip-bad-rows", "--report", str(report), "--language", "en")

    assert set(Person.objects.values_list("iin", flat=True)) == {rows[0]["iin"], rows[2]["iin"]}
    assert DisabilityStatus.objects.count() == 2
    assert [(r["row"], r["code"]) for r in read_report(report)] == [
        ("3", "REGION_UNKNOWN"),
        ("5", "IIN_LENGTH"),
    ]
    assert "Rows read: 4, valid: 2, loaded: 2, rejected: 2." in out
    event = AuditEvent.objects.get(action="registry_import")
    assert (event.data["rows"], event.data["loaded"], event.data["rejected"]) == (4, 2, 2)


def test_dry_run_writes_nothing_even_for_a_clean_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [person_row(), person_row()])
    out = run(path, "--dry-run", "--language", "en")
    assert nothing_written()
    assert not AuditEvent.objects.exists()
    assert "Rows read: 2, valid: 2, loaded: 0, rejected: 0." in out
    assert "Dry run: nothing was written." in out


def test_dry_run_with_errors_fails_and_writes_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [person_row(), person_row(category="X")])
    error, _out = run_failing(path, "--dry-run")
    assert error.returncode != 0
    assert nothing_written()


# --- Persons already registered ----------------------------------------------------------------


def test_an_iin_already_registered_is_person_exists_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    known = iin()
    person_create(
        actor=SYSTEM, iin=known, surname="Старый", given_name="Житель", region_code="71", urban=True
    )
    path = write_csv(tmp_path / "r.csv", [person_row(), person_row(iin=known)])
    report = tmp_path / "report.csv"

    run_failing(path, "--report", str(report), "--language", "en")

    assert list(Person.objects.values_list("iin", flat=True)) == [known]
    assert not DisabilityStatus.objects.exists()
    assert not AuditEvent.objects.filter(action="registry_import").exists()
    [line] = read_report(report)
    assert (line["row"], line["column"], line["code"]) == ("3", "iin", "PERSON_EXISTS")
    assert line["message"] == f"A person with IIN {known} is already registered."


def test_running_the_same_file_again_loads_nothing_and_reports_every_row(tmp_path: Path) -> None:
    rows = [person_row(), person_row(), person_row()]
    path = write_csv(tmp_path / "r.csv", rows)
    run(path)
    assert Person.objects.count() == 3

    report = tmp_path / "again.csv"
    error, out = run_failing(path, "--report", str(report), "--language", "en")

    assert error.returncode != 0
    assert Person.objects.count() == 3 and DisabilityStatus.objects.count() == 3
    assert AuditEvent.objects.filter(action="registry_import").count() == 1
    assert [(r["row"], r["code"]) for r in read_report(report)] == [
        ("2", "PERSON_EXISTS"),
        ("3", "PERSON_EXISTS"),
        ("4", "PERSON_EXISTS"),
    ]
    assert "Rows read: 3, valid: 0, loaded: 0, rejected: 3." in out


# --- Languages ---------------------------------------------------------------------------------


def test_messages_follow_the_language_and_codes_do_not(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [person_row(region_code="99")])
    messages = {}
    for language in ("en", "ru", "kk"):
        report = tmp_path / f"report-{language}.csv"
        run_failing(path, "--report", str(report), "--language", language)
        [line] = read_report(report)
        assert (line["row"], line["column"], line["code"]) == ("2", "region_code", "REGION_UNKNOWN")
        messages[language] = line["message"]
        # The message is the domain message rendered in that language (the catalogues may not
        # exist yet; then every language falls back to the English text).
        with translation.override(language):
            expected = _("There is no region with code %(region)s.") % {"region": "99"}
        assert line["message"] == expected
    assert messages["en"] == "There is no region with code 99."


def test_the_command_leaves_the_active_language_alone(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [person_row()])
    with translation.override("kk"):
        run(path, "--dry-run", "--language", "en")
        assert translation.get_language() == "kk"


def test_iin_messages_are_the_identifier_messages(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [person_row(iin="123")])
    report = tmp_path / "report.csv"
    run_failing(path, "--report", str(report), "--language", "en")
    [line] = read_report(report)
    from django.utils import translation

    from inclusio.core.identifiers import parse_iin

    with translation.override("en"):
        with pytest.raises(ValidationFailed) as expected:
            parse_iin("123")
        assert (line["code"], line["message"]) == (expected.value.code, expected.value.message)


# --- File-level errors -------------------------------------------------------------------------


def test_missing_required_columns_are_a_file_level_error_naming_them(tmp_path: Path) -> None:
    columns = [c for c in importer.COLUMNS if c not in ("category", "valid_from")]
    path = write_csv(tmp_path / "r.csv", [person_row()], columns=columns)
    report = tmp_path / "report.csv"

    error, _out = run_failing(path, "--report", str(report), "--language", "en")

    assert "COLUMNS_MISSING" in str(error)
    assert "category" in str(error) and "valid_from" in str(error)
    assert nothing_written()
    [line] = read_report(report)
    assert (line["row"], line["code"]) == ("1", "COLUMNS_MISSING")
    assert line["column"] == "category, valid_from"


def test_an_unknown_column_is_a_file_level_error(tmp_path: Path) -> None:
    columns = [*importer.COLUMNS, "favourite_colour"]
    path = write_csv(tmp_path / "r.csv", [person_row()], columns=columns)
    error, _out = run_failing(path)
    assert "COLUMNS_UNKNOWN" in str(error) and "favourite_colour" in str(error)
    assert nothing_written()


def test_a_repeated_column_is_a_file_level_error(tmp_path: Path) -> None:
    columns = [*importer.COLUMNS, "surname"]
    error, _out = run_failing(write_csv(tmp_path / "r.csv", [person_row()], columns=columns))
    assert "COLUMNS_DUPLICATE" in str(error)


def test_an_empty_file_and_an_unknown_type_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    error, _out = run_failing(empty)
    assert "FILE_EMPTY" in str(error)

    other = tmp_path / "registry.ods"
    other.write_bytes(b"whatever")
    error, _out = run_failing(other)
    assert "FILE_TYPE" in str(error)

    error, _out = run_failing(tmp_path / "missing.csv")
    assert "FILE_UNREADABLE" in str(error)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(",".join(importer.COLUMNS).encode() + "\nЖЖЖ".encode("cp1251"))
    error, _out = run_failing(path)
    assert "FILE_ENCODING" in str(error)


# --- The importer functions --------------------------------------------------------------------


def test_validation_queries_do_not_grow_with_the_rows(
    tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    person_create(
        actor=SYSTEM,
        iin=(known := iin()),
        surname="Ж",
        given_name="Ш",
        region_code="71",
        urban=True,
    )
    rows = [person_row() for _ in range(1200)] + [person_row(iin=known)]
    source = importer.read_rows(write_csv(tmp_path / "r.csv", rows))
    # One query for the regions, three chunked IN queries for the IINs.
    with django_assert_max_num_queries(4):
        plan = importer.validate(source)
    assert len(plan.valid) == 1200
    assert [(e.row, e.code) for e in plan.errors] == [(1202, "PERSON_EXISTS")]


def test_a_person_registered_between_check_and_load_rolls_back_every_batch(
    tmp_path: Path,
) -> None:
    rows = [person_row() for _ in range(5)]
    plan = importer.validate(importer.read_rows(write_csv(tmp_path / "r.csv", rows)))
    assert plan.ok
    # Someone registers the fourth row's person after the file was checked: it lands in the
    # second batch, so the first batch has already been inserted when the database refuses.
    person_create(
        actor=SYSTEM,
        iin=rows[3]["iin"],
        surname="Другой",
        given_name="Х",
        region_code="71",
        urban=True,
    )
    before = AuditEvent.objects.count()

    with pytest.raises(importer.LoadFailed) as excinfo:
        importer.load(plan, batch_rows=2)

    assert (excinfo.value.row, excinfo.value.code) == (5, "PERSON_EXISTS")
    assert list(Person.objects.values_list("iin", flat=True)) == [rows[3]["iin"]]
    assert not DisabilityStatus.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_load_goes_in_audited_batches_and_reports_progress(tmp_path: Path) -> None:
    rows = [person_row() for _ in range(5)] + [person_row(category="X"), person_row()]
    plan = importer.validate(importer.read_rows(write_csv(tmp_path / "r.csv", rows)))
    seen: list[tuple[int, int]] = []

    loaded = importer.load(
        plan,
        skip_bad_rows=True,
        batch_rows=3,
        on_progress=lambda done, total: seen.append((done, total)),
    )

    assert loaded == 6 and Person.objects.count() == 6 and DisabilityStatus.objects.count() == 6
    assert seen == [(3, 6), (6, 6)]
    batches = AuditEvent.objects.filter(action="registry_import_batch").order_by("id")
    assert [(e.data["batch"], e.data["rows"], e.data["loaded"]) for e in batches] == [
        (1, "2-4", 3),
        (2, "5-6,8", 3),
    ]


def test_row_ranges_compact_consecutive_numbers() -> None:
    assert importer.row_ranges([]) == ""
    assert importer.row_ranges([7]) == "7"
    assert importer.row_ranges([10, 2, 3, 4, 7, 9]) == "2-4,7,9-10"


def test_the_command_loads_in_batches_with_the_same_result_on_a_large_file(
    tmp_path: Path,
) -> None:
    rows = [person_row() for _ in range(2500)]
    out = run(write_csv(tmp_path / "r.csv", rows), "--language", "en")
    assert "Rows read: 2500, valid: 2500, loaded: 2500, rejected: 0." in out
    assert Person.objects.count() == 2500 and DisabilityStatus.objects.count() == 2500


def test_load_refuses_a_plan_with_errors_unless_told_to_skip(tmp_path: Path) -> None:
    rows = [person_row(), person_row(cause="?")]
    plan = importer.validate(importer.read_rows(write_csv(tmp_path / "r.csv", rows)))
    with pytest.raises(ValidationFailed) as excinfo:
        importer.load(plan)
    assert excinfo.value.code == "IMPORT_HAS_ERRORS"
    assert nothing_written()
    assert importer.load(plan, skip_bad_rows=True) == 1
    assert Person.objects.count() == 1


def test_shared_codes_carry_the_same_messages_as_the_services(tmp_path: Path) -> None:
    """Where the importer checks a rule ahead of the services, it says what they would say."""
    from inclusio.registry.services import disability_status_record

    person = person_create(
        actor=SYSTEM, iin=iin(), surname="Ж", given_name="Ш", region_code="71", urban=True
    )
    status = {
        "category": "II",
        "cause": "other",
        "valid_from": dt.date(2023, 1, 1),
        "reexamination_date": None,
    }
    cases: list[tuple[dict[str, Any], Any]] = [
        (
            {"region_code": "99"},
            lambda: person_create(
                actor=SYSTEM, iin=iin(), surname="Ж", given_name="Ш", region_code="99", urban=True
            ),
        ),
        (
            {"category": "IV"},
            lambda: disability_status_record(
                actor=SYSTEM, person=person, **{**status, "category": "IV"}
            ),
        ),
        (
            {"cause": "fate"},
            lambda: disability_status_record(
                actor=SYSTEM, person=person, **{**status, "cause": "fate"}
            ),
        ),
        (
            {"work_capacity_loss_pct": "101"},
            lambda: disability_status_record(
                actor=SYSTEM, person=person, work_capacity_loss_pct=101, **status
            ),
        ),
        (
            {"limitations": "flying"},
            lambda: disability_status_record(
                actor=SYSTEM, person=person, limitations=["flying"], **status
            ),
        ),
        (
            {"iin": person.iin},
            lambda: person_create(
                actor=SYSTEM,
                iin=person.iin,
                surname="Ж",
                given_name="Ш",
                region_code="71",
                urban=True,
            ),
        ),
    ]
    for overrides, call in cases:
        plan = importer.validate(
            importer.read_rows(write_csv(tmp_path / "r.csv", [person_row(**overrides)]))
        )
        [error] = plan.errors
        with pytest.raises(DomainError) as got:
            call()
        assert (error.code, error.message) == (got.value.code, got.value.message)


def test_a_load_writes_every_column_of_the_registry_tables() -> None:
    """The bulk load names its columns; a column added to the models must be added to it too."""
    for model, columns in (
        (Person, importer.PERSON_COLUMNS),
        (DisabilityStatus, importer.STATUS_COLUMNS),
    ):
        expected = {f.column for f in model._meta.concrete_fields if not f.primary_key}
        assert set(columns) == expected, model.__name__
