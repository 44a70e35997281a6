"""Importing an existing registry of persons with disabilities from a CSV or XLSX file.

The file
--------
CSV (UTF-8, with or without a byte-order mark; the delimiter, comma or semicolon, is taken from
the header line) or XLSX (the first sheet). The first row is the header; its column names are
matched without regard to case or surrounding spaces, in any order. One row per person:

======================== ======== ==========================================================
column                   required value
======================== ======== ==========================================================
iin                      yes      12-digit IIN with a valid check digit; birth date and sex
                                  are read from it (in XLSX a number cell is zero-padded)
surname                  yes      at most 100 characters
given_name               yes      at most 100 characters
patronymic                        at most 100 characters
region_code              yes      region: first two digits of KATO, e.g. 71 (Astana)
urban                    yes      true/false, 1/0, yes/no, да/нет, иә/жоқ
address                           at most 300 characters
latitude                          decimal degrees, -90..90 (both coordinates or neither)
longitude                         decimal degrees, -180..180
phone                             at most 20 characters
preferred_language                kk, ru or en (empty: kk)
category                 yes      I, II, III or child
cause                    yes      general_disease, from_childhood, work_injury,
                                  occupational_disease, military or other
work_capacity_loss_pct            whole number 0..100, or empty
limitations                       subset of mobility, vision, hearing, speech,
                                  intellectual, psychosocial, separated by ; or ,
valid_from               yes      YYYY-MM-DD or DD.MM.YYYY (or a date cell in XLSX)
reexamination_date                the same formats; empty when the status is indefinite
======================== ======== ==========================================================

A missing required column, an unknown column or a repeated column is an error about the whole
file (:class:`ImportFileError`); nothing is read further.

The phases
----------
1. :func:`read_rows` reads the file into text cells; :func:`validate` checks every row without
   writing anything and returns an :class:`ImportPlan`: the rows ready to load and a list of
   :class:`RowError` (row number as in the file, the header being row 1; column; a stable code;
   a message in the active language). It runs one query for the regions and a few chunked
   queries for IINs already registered, never a query per row. Duplicate IINs within the file
   are errors on every row that carries them; an IIN already in the registry is PERSON_EXISTS.
2. :func:`load` writes the valid rows (source "import", actor: the system) in one
   transaction, in batches of multi-row inserts: one ``registry_import_batch`` audit event per
   batch names its rows by number, and one ``registry_import`` event summarises the import. A
   plan with errors is refused unless ``skip_bad_rows`` is set; a failure half-way writes
   nothing. The national registry (725,000 rows) loads in minutes, not hours.

Codes and messages are those of the services and identifiers where the same rule applies
(IIN_LENGTH, IIN_NOT_DIGITS, IIN_CHECKSUM, IIN_DATE, REGION_UNKNOWN, CATEGORY_UNKNOWN,
CAUSE_UNKNOWN, CATEGORY_AGE, LOSS_PCT_RANGE, LIMITATION_UNKNOWN, REEXAMINATION_BEFORE_START,
LATITUDE_RANGE, LONGITUDE_RANGE, COORDINATES_INCOMPLETE, PERSON_EXISTS); the importer adds
REQUIRED, DATE_FORMAT, BOOLEAN_FORMAT, NUMBER_FORMAT, LANGUAGE_UNKNOWN, VALUE_TOO_LONG,
ROW_TOO_LONG and DUPLICATE_IN_FILE. Messages are rendered when the error is found, so wrap the
calls in ``django.utils.translation.override(language)`` to choose their language.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inclusio.core import audit
from inclusio.core.audit import SYSTEM, record_write
from inclusio.core.errors import DomainError, ValidationFailed
from inclusio.core.errors import ErrorCode as CoreErrorCode
from inclusio.core.identifiers import IIN, parse_iin
from inclusio.core.models import Region
from inclusio.registry.errors import ErrorCode
from inclusio.registry.events import disability_statuses_imported
from inclusio.registry.models import (
    FUNCTIONAL_LIMITATIONS,
    Category,
    DisabilityStatus,
    Person,
    fold_name,
)
from inclusio.registry.services import CATEGORIES, CAUSES, _check_coordinates, _validate_status

REQUIRED_COLUMNS = (
    "iin",
    "surname",
    "given_name",
    "region_code",
    "urban",
    "category",
    "cause",
    "valid_from",
)
OPTIONAL_COLUMNS = (
    "patronymic",
    "address",
    "latitude",
    "longitude",
    "phone",
    "preferred_language",
    "work_capacity_loss_pct",
    "limitations",
    "reexamination_date",
)
# In the documented order, for reports and templates.
COLUMNS = (
    "iin",
    "surname",
    "given_name",
    "patronymic",
    "region_code",
    "urban",
    "address",
    "latitude",
    "longitude",
    "phone",
    "preferred_language",
    "category",
    "cause",
    "work_capacity_loss_pct",
    "limitations",
    "valid_from",
    "reexamination_date",
)
MAX_LENGTH = {"surname": 100, "given_name": 100, "patronymic": 100, "address": 300, "phone": 20}
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "да", "иә"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "нет", "жоқ"})
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DOTTED_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
IN_CHUNK = 500  # IINs per IN (...) query; below every backend's parameter limit
LOAD_BATCH_ROWS = 5000  # rows per audited batch of a load
PROGRESS_EVERY_ROWS = 10_000  # how often the checks report progress
ProgressCallback = Callable[[int, int], None]  # (rows done so far, rows in all)
SOURCE_IMPORT = DisabilityStatus.Source.IMPORT

# Which column a service's error code belongs to.
CODE_COLUMN: dict[str, str] = {
    ErrorCode.CATEGORY_UNKNOWN: "category",
    ErrorCode.CATEGORY_AGE: "category",
    ErrorCode.CAUSE_UNKNOWN: "cause",
    ErrorCode.LOSS_PCT_RANGE: "work_capacity_loss_pct",
    ErrorCode.REEXAMINATION_BEFORE_START: "reexamination_date",
    ErrorCode.LATITUDE_RANGE: "latitude",
    ErrorCode.LONGITUDE_RANGE: "longitude",
    ErrorCode.COORDINATES_INCOMPLETE: "latitude",
}


class ImportFileError(ValidationFailed):
    """The file as a whole cannot be imported (unreadable, or a wrong header)."""

    def __init__(
        self,
        code: ErrorCode,
        message: str | Promise,
        *,
        row: int | None = None,
        column: str = "",
        **params: Any,
    ) -> None:
        super().__init__(code, message, **params)
        self.row = row
        self.column = column

    def as_row_error(self) -> RowError:
        return RowError(self.row or 0, self.column, self.code, self.message)


class LoadFailed(DomainError):
    """A row failed while loading; the transaction was rolled back and nothing was written."""

    status = 409

    def __init__(self, row: int, error: DomainError) -> None:
        super().__init__(
            error.code,
            _(
                "Row %(row)s could not be loaded (%(error_code)s: %(error_message)s); nothing was "
                "written."
            ),
            row=row,
            error_code=error.code,
            error_message=error.message,
        )
        self.row = row


@dataclass(frozen=True)
class SourceRow:
    number: int  # as in the file: the header is row 1
    values: dict[str, str]
    extra: bool = False  # non-empty cells beyond the header's columns


@dataclass(frozen=True)
class SourceFile:
    name: str
    sha256: str
    columns: tuple[str, ...]
    rows: list[SourceRow]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    message: str


@dataclass(frozen=True)
class PlannedRow:
    row: int
    person: dict[str, Any]  # keyword arguments of person_create
    status: dict[str, Any]  # keyword arguments of disability_status_record


@dataclass
class ImportPlan:
    source: SourceFile
    valid: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.source.rows)

    @property
    def rejected(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Phase 0: reading --------------------------------------------------------------------------


def _cell_text(value: object, column: str) -> str:
    """A spreadsheet cell as the text a CSV would carry."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and column == "iin":
        # A spreadsheet that took the IIN for a number dropped its leading zero(s).
        return f"{value:012d}" if value >= 0 else str(value)
    return str(value).strip()


def _check_header(raw: Sequence[object]) -> tuple[str, ...]:
    names = [("" if cell is None else str(cell)).strip().lower() for cell in raw]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise ImportFileError(ErrorCode.FILE_EMPTY, _("The file has no header row."), row=1)
    for position, name in enumerate(names, start=1):
        if not name:
            raise ImportFileError(
                ErrorCode.COLUMN_NAME_EMPTY,
                _("Column %(position)s has no name in the header row."),
                row=1,
                position=position,
            )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ImportFileError(
            ErrorCode.COLUMNS_DUPLICATE,
            _("These columns appear more than once: %(columns)s."),
            row=1,
            column=", ".join(repeated),
            columns=", ".join(repeated),
        )
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise ImportFileError(
            ErrorCode.COLUMNS_UNKNOWN,
            _("Unknown columns: %(columns)s. The columns are: %(allowed)s."),
            row=1,
            column=", ".join(unknown),
            columns=", ".join(unknown),
            allowed=", ".join(COLUMNS),
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ImportFileError(
            ErrorCode.COLUMNS_MISSING,
            _("Required columns are missing: %(columns)s."),
            row=1,
            column=", ".join(missing),
            columns=", ".join(missing),
        )
    return tuple(names)


def _rows_from_records(records: Iterable[Sequence[object]], name: str, sha256: str) -> SourceFile:
    iterator = iter(records)
    header = next(iterator, None)
    if header is None:
        raise ImportFileError(ErrorCode.FILE_EMPTY, _("The file has no header row."), row=1)
    columns = _check_header(header)
    rows = []
    for number, record in enumerate(iterator, start=2):
        cells = [
            _cell_text(value, columns[i] if i < len(columns) else "")
            for i, value in enumerate(record)
        ]
        if not any(cells):
            continue  # blank line
        values = {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(columns)}
        rows.append(SourceRow(number, values, extra=any(cells[len(columns) :])))
    return SourceFile(name=name, sha256=sha256, columns=columns, rows=rows)


def _read_csv(data: bytes, name: str, sha256: str) -> SourceFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            ErrorCode.FILE_ENCODING, _("The file is not UTF-8 text; save it as CSV UTF-8.")
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _rows_from_records(reader, name, sha256)
    except csv.Error as error:
        raise ImportFileError(
            ErrorCode.FILE_UNREADABLE, _("The file cannot be read: %(reason)s"), reason=str(error)
        ) from None


def _read_xlsx(data: bytes, name: str, sha256: str) -> SourceFile:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            ErrorCode.FILE_UNREADABLE, _("The file cannot be read: %(reason)s"), reason=str(error)
        ) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(ErrorCode.FILE_EMPTY, _("The file has no header row."), row=1)
        sheet = workbook.worksheets[0]
        return _rows_from_records(sheet.iter_rows(values_only=True), name, sha256)
    finally:
        workbook.close()


def read_rows(path: str | Path) -> SourceFile:
    """Read a CSV or XLSX file into text cells and check its header; raise ImportFileError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(
            ErrorCode.FILE_UNREADABLE,
            _("The file cannot be read: %(reason)s"),
            reason=error.strerror or str(error),
        ) from None
    sha256 = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, path.name, sha256)
    if suffix in (".csv", ".txt"):
        return _read_csv(data, path.name, sha256)
    raise ImportFileError(
        ErrorCode.FILE_TYPE,
        _("Unsupported file type '%(suffix)s': give a .csv or .xlsx file."),
        suffix=suffix,
    )


# --- Phase 1: validation -----------------------------------------------------------------------


class _RowProblem(Exception):
    def __init__(self, column: str, code: ErrorCode, message: str | Promise, **params: Any) -> None:
        super().__init__(code)
        self.column = column
        self.error = ValidationFailed(code, message, **params)


def _parse_date(value: str, column: str) -> dt.date:
    day: dt.date | None = None
    try:
        if ISO_DATE.match(value):
            day = dt.date.fromisoformat(value)
        elif match := DOTTED_DATE.match(value):
            day = dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        day = None
    if day is None:
        raise _RowProblem(
            column,
            ErrorCode.DATE_FORMAT,
            _("'%(value)s' is not a date: write YYYY-MM-DD or DD.MM.YYYY."),
            value=value,
        )
    return day


def _parse_bool(value: str, column: str) -> bool:
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _RowProblem(
        column,
        ErrorCode.BOOLEAN_FORMAT,
        _("'%(value)s' is not yes or no: write true/false, 1/0, yes/no, да/нет or иә/жоқ."),
        value=value,
    )


def _parse_float(value: str, column: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise _RowProblem(
            column, ErrorCode.NUMBER_FORMAT, _("'%(value)s' is not a number."), value=value
        )
    return number


def _parse_int(value: str, column: str) -> int:
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number.is_integer()):
        raise _RowProblem(
            column, ErrorCode.NUMBER_FORMAT, _("'%(value)s' is not a whole number."), value=value
        )
    return int(number)


def _parse_limitations(value: str, column: str) -> list[str]:
    names = [part.strip().lower() for part in re.split(r"[;,]", value) if part.strip()]
    unknown = sorted(set(names) - set(FUNCTIONAL_LIMITATIONS))
    if unknown:
        # The same code and message as disability_status_record.
        raise _RowProblem(
            column,
            ErrorCode.LIMITATION_UNKNOWN,
            _("Unknown functional limitation: %(l)s."),
            l=", ".join(unknown),
        )
    return sorted(set(names), key=FUNCTIONAL_LIMITATIONS.index)


def _parse_category(value: str, column: str) -> str:
    category = value.lower() if value.lower() == Category.CHILD else value.upper()
    if category not in CATEGORIES:
        raise _RowProblem(
            column, ErrorCode.CATEGORY_UNKNOWN, _("Unknown category: %(c)s."), c=value
        )
    return category


def _parse_cause(value: str, column: str) -> str:
    cause = value.lower()
    if cause not in CAUSES:
        raise _RowProblem(column, ErrorCode.CAUSE_UNKNOWN, _("Unknown cause: %(c)s."), c=value)
    return cause


def _parse_loss_pct(value: str, column: str) -> int:
    pct = _parse_int(value, column)
    if not 0 <= pct <= 100:
        raise _RowProblem(
            column,
            ErrorCode.LOSS_PCT_RANGE,
            _("Loss of working capacity must be between 0 and 100 %."),
        )
    return pct


def _parse_language(value: str, column: str) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    language = value.lower()
    if language not in codes:
        raise _RowProblem(
            column,
            ErrorCode.LANGUAGE_UNKNOWN,
            _("Unknown language '%(value)s': use one of %(codes)s."),
            value=value,
            codes=", ".join(codes),
        )
    return language


class _RowChecker:
    """Parses one row's cells, collecting one error per column rather than stopping at the first."""

    def __init__(self, row: SourceRow, regions: set[str]) -> None:
        self.row = row
        self.regions = regions
        self.errors: list[RowError] = []
        self.bad_columns: set[str] = set()

    def error(self, column: str, error: DomainError) -> None:
        self.bad_columns.add(column)
        self.errors.append(RowError(self.row.number, column, error.code, error.message))

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.row.values.get(column, "")
        if required and not value:
            self.error(
                column,
                ValidationFailed(
                    ErrorCode.REQUIRED,
                    _("A value is required in column %(column)s."),
                    column=column,
                ),
            )
        elif column in MAX_LENGTH and len(value) > MAX_LENGTH[column]:
            self.error(
                column,
                ValidationFailed(
                    ErrorCode.VALUE_TOO_LONG,
                    _("The value is too long: at most %(limit)s characters."),
                    limit=MAX_LENGTH[column],
                ),
            )
        return value

    def parsed[T](
        self,
        column: str,
        parse: Callable[[str, str], T],
        *,
        required: bool = False,
        default: T | None = None,
    ) -> T | None:
        value = self.text(column, required=required)
        if not value:
            return default
        try:
            return parse(value, column)
        except _RowProblem as problem:
            self.error(problem.column, problem.error)
            return None

    def iin(self) -> IIN | None:
        value = self.text("iin", required=True)
        if not value:
            return None
        try:
            return parse_iin(value)
        except ValidationFailed as error:
            self.error("iin", error)
            return None

    def region(self) -> str | None:
        code = self.text("region_code", required=True)
        if code and code not in self.regions:
            # The same code and message as person_create.
            error = ValidationFailed(
                CoreErrorCode.REGION_UNKNOWN,
                _("There is no region with code %(region)s."),
                region=code,
            )
            self.error("region_code", error)
            return None
        return code or None


def _check_row(
    row: SourceRow, regions: set[str]
) -> tuple[IIN | None, PlannedRow | None, list[RowError]]:
    check = _RowChecker(row, regions)
    if row.extra:
        check.error(
            "",
            ValidationFailed(
                ErrorCode.ROW_TOO_LONG, _("The row has more values than the header has columns.")
            ),
        )
    iin = check.iin()
    surname = check.text("surname", required=True)
    given_name = check.text("given_name", required=True)
    patronymic = check.text("patronymic")
    region_code = check.region()
    urban = check.parsed("urban", _parse_bool, required=True)
    address = check.text("address")
    latitude = check.parsed("latitude", _parse_float)
    longitude = check.parsed("longitude", _parse_float)
    phone = check.text("phone")
    language = check.parsed("preferred_language", _parse_language, default="kk")
    category = check.parsed("category", _parse_category, required=True)
    cause = check.parsed("cause", _parse_cause, required=True)
    loss_pct = check.parsed("work_capacity_loss_pct", _parse_loss_pct)
    no_limitations: list[str] = []
    limitations = check.parsed("limitations", _parse_limitations, default=no_limitations)
    valid_from = check.parsed("valid_from", _parse_date, required=True)
    reexamination = check.parsed("reexamination_date", _parse_date)

    if not check.bad_columns & {"latitude", "longitude"}:
        try:
            _check_coordinates(latitude, longitude)
        except ValidationFailed as error:
            check.error(CODE_COLUMN.get(error.code, "latitude"), error)
    status_columns = {
        "iin",
        "category",
        "cause",
        "work_capacity_loss_pct",
        "valid_from",
        "reexamination_date",
    }
    if (
        iin is not None
        and category
        and cause
        and valid_from
        and not check.bad_columns & status_columns
    ):
        # The rules that tie fields together (child category below 18, re-examination after
        # the start), exactly as disability_status_record applies them.
        try:
            _validate_status(
                iin.birth_date,
                category,
                cause,
                loss_pct,
                valid_from,
                reexamination,
            )
        except ValidationFailed as error:
            check.error(CODE_COLUMN.get(error.code, "category"), error)

    if check.errors:
        return iin, None, check.errors
    assert iin is not None and region_code is not None and urban is not None
    planned = PlannedRow(
        row=row.number,
        person={
            "iin": iin.value,
            "birth_date": iin.birth_date,
            "sex": iin.sex,
            "surname": surname,
            "given_name": given_name,
            "patronymic": patronymic,
            "region_code": region_code,
            "urban": urban,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
            "phone": phone,
            "preferred_language": language,
        },
        status={
            "category": category,
            "cause": cause,
            "valid_from": valid_from,
            "reexamination_date": reexamination,
            "limitations": limitations,
            "work_capacity_loss_pct": loss_pct,
            "source": SOURCE_IMPORT,
        },
    )
    return iin, planned, []


def existing_iins(iins: Iterable[str]) -> set[str]:
    """The IINs among ``iins`` already registered, in chunked IN queries."""
    wanted = sorted(set(iins))
    found: set[str] = set()
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        found.update(Person.objects.filter(iin__in=chunk).values_list("iin", flat=True))
    return found


def validate(source: SourceFile, *, on_progress: ProgressCallback | None = None) -> ImportPlan:
    """Check every row of ``source`` without writing; messages in the active language."""
    regions = set(Region.objects.values_list("code", flat=True))
    checked: list[tuple[SourceRow, IIN | None, PlannedRow | None, list[RowError]]] = []
    rows_of_iin: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(source.rows, 1):
        if on_progress is not None and index % PROGRESS_EVERY_ROWS == 0:
            on_progress(index, len(source.rows))
        iin, planned, errors = _check_row(row, regions)
        checked.append((row, iin, planned, errors))
        if iin is not None:
            rows_of_iin[iin.value].append(row.number)
    registered = existing_iins(rows_of_iin)

    plan = ImportPlan(source=source)
    for row, iin, planned, errors in checked:
        if iin is not None:
            numbers = rows_of_iin[iin.value]
            if len(numbers) > 1:
                errors.append(
                    RowError(
                        row.number,
                        "iin",
                        ErrorCode.DUPLICATE_IN_FILE,
                        ValidationFailed(
                            ErrorCode.DUPLICATE_IN_FILE,
                            _("IIN %(iin)s appears more than once in the file (rows %(rows)s)."),
                            iin=iin.value,
                            rows=", ".join(map(str, numbers)),
                        ).message,
                    )
                )
            if iin.value in registered:
                # The same code and message as person_create.
                errors.append(
                    RowError(
                        row.number,
                        "iin",
                        ErrorCode.PERSON_EXISTS,
                        ValidationFailed(
                            ErrorCode.PERSON_EXISTS,
                            _("A person with IIN %(iin)s is already registered."),
                            iin=iin.value,
                        ).message,
                    )
                )
        if errors:
            plan.errors.extend(errors)
        elif planned is not None:
            plan.valid.append(planned)
    return plan


# --- Phase 2: loading --------------------------------------------------------------------------


def rows_have_errors(plan: ImportPlan) -> ValidationFailed:
    """The refusal of a plan with errors (all or nothing), in the active language."""
    return ValidationFailed(
        ErrorCode.IMPORT_HAS_ERRORS,
        ngettext(
            "%(count)d row has errors, so nothing was written. Correct it, or load only the "
            "valid rows with --skip-bad-rows.",
            "%(count)d rows have errors, so nothing was written. Correct them, or load only the "
            "valid rows with --skip-bad-rows.",
            plan.rejected,
        ),
        count=plan.rejected,
    )


def _no_progress(done: int, total: int) -> None:
    return None


def load(
    plan: ImportPlan,
    *,
    skip_bad_rows: bool = False,
    batch_rows: int = LOAD_BATCH_ROWS,
    on_progress: ProgressCallback = _no_progress,
) -> int:
    """Write the plan's valid rows in one transaction; return how many persons were loaded.

    A plan with errors is refused (nothing written) unless ``skip_bad_rows``. The rows go in
    batches of ``batch_rows``: each batch is two bulk inserts (persons, then their statuses) and
    one audit event naming the batch's rows by their numbers in the file, never a person's
    values. :func:`validate` has already applied every rule of ``person_create`` and
    ``disability_status_record``; what only the database can know (a person registered by
    someone else since) rolls everything back and raises :class:`LoadFailed` naming the row.

    No ``disability_status_changed`` event is sent per imported status: an import brings the
    registry's past into the platform, and the benefits it implies are found by the next
    screening of an exported snapshot. One ``disability_statuses_imported`` event after the
    commit names the imported IINs, so that the agencies subscribed to them (or to a population
    they join) are told, whatever the path the statuses came by.
    """
    if plan.errors and not skip_bad_rows:
        raise rows_have_errors(plan)
    if not plan.valid:
        return 0
    total = len(plan.valid)
    # One chain lock for the whole load (see core.audit.batched).
    with transaction.atomic(), audit.batched():
        for start in range(0, total, batch_rows):
            batch = plan.valid[start : start + batch_rows]
            _load_batch(batch)
            record_write(
                actor=SYSTEM,
                action="registry_import_batch",
                entity="registry",
                entity_id=plan.source.name[:64],  # the column's length
                data={
                    "batch": start // batch_rows + 1,
                    "rows": row_ranges(planned.row for planned in batch),
                    "loaded": len(batch),
                    "sha256": plan.source.sha256,
                },
            )
            on_progress(start + len(batch), total)
        record_write(
            actor=SYSTEM,
            action="registry_import",
            entity="registry",
            entity_id=plan.source.name[:64],
            data={
                "rows": plan.rows_read,
                "loaded": total,
                "rejected": plan.rejected,
                "batches": -(-total // batch_rows),
                "sha256": plan.source.sha256,
            },
        )
        iins = [planned.person["iin"] for planned in plan.valid]
        transaction.on_commit(
            lambda: disability_statuses_imported.send(sender=DisabilityStatus, iins=iins)
        )
    return total


# The columns a load writes, every one of the table's but the id (a test holds them to the
# models, so that a new column cannot be forgotten here).
PERSON_COLUMNS = (
    "iin",
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "sex",
    "region_id",
    "urban",
    "address",
    "latitude",
    "longitude",
    "phone",
    "preferred_language",
    "user_id",
    "created",
    "updated",
    "surname_folded",
    "given_name_folded",
    "patronymic_folded",
)
STATUS_COLUMNS = (
    "person_id",
    "category",
    "cause",
    "work_capacity_loss_pct",
    *FUNCTIONAL_LIMITATIONS,
    "valid_from",
    "reexamination_date",
    "ended",
    "source",
    "recorded_at",
    "superseded_at",
)


def _load_batch(batch: Sequence[PlannedRow]) -> None:
    """Insert the batch's persons, then their statuses: by COPY on PostgreSQL, where a national
    registry is loaded; by ``executemany`` elsewhere. The rows were built from checked values
    only, so going around the ORM skips no rule."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    persons = []
    for planned in batch:
        person = planned.person
        persons.append(
            (
                person["iin"],
                person["surname"],
                person["given_name"],
                person["patronymic"],
                ops.adapt_datefield_value(person["birth_date"]),
                person["sex"],
                person["region_code"],
                person["urban"],
                person["address"],
                person["latitude"],
                person["longitude"],
                person["phone"],
                person["preferred_language"],
                None,
                now,
                now,
                fold_name(person["surname"]),
                fold_name(person["given_name"]),
                fold_name(person["patronymic"]),
            )
        )
    try:
        # A savepoint, so that the failure can be explained with a query before rolling back.
        with transaction.atomic(), connection.cursor() as cursor:
            _insert(cursor, Person._meta.db_table, PERSON_COLUMNS, persons)
    except IntegrityError as error:
        refusal = _registered_meanwhile(batch)
        if refusal is None:
            raise  # a rule the checks do not know: a defect to see, not a row to blame
        raise refusal from error
    ids = _person_ids(planned.person["iin"] for planned in batch)
    statuses = []
    for planned in batch:
        status = planned.status
        limitations = set(status["limitations"])
        statuses.append(
            (
                ids[planned.person["iin"]],
                status["category"],
                status["cause"],
                status["work_capacity_loss_pct"],
                *(name in limitations for name in FUNCTIONAL_LIMITATIONS),
                ops.adapt_datefield_value(status["valid_from"]),
                ops.adapt_datefield_value(status["reexamination_date"]),
                False,
                status["source"],
                now,
                None,
            )
        )
    with connection.cursor() as cursor:
        _insert(cursor, DisabilityStatus._meta.db_table, STATUS_COLUMNS, statuses)


def _insert(cursor: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    # Table and column names come from the code above, never from the file (S608).
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        # COPY is psycopg's own API: wrap its errors as Django does a query's (IntegrityError).
        with (
            connection.wrap_database_errors,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def _person_ids(iins: Iterable[str]) -> dict[str, int]:
    wanted = list(iins)
    ids: dict[str, int] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        ids.update(Person.objects.filter(iin__in=chunk).values_list("iin", "id"))
    return ids


def _registered_meanwhile(batch: Sequence[PlannedRow]) -> LoadFailed | None:
    """The refusal naming the batch's first row registered since the file was checked."""
    registered = existing_iins(planned.person["iin"] for planned in batch)
    for planned in batch:
        if planned.person["iin"] in registered:
            return LoadFailed(
                planned.row,
                ValidationFailed(
                    ErrorCode.PERSON_EXISTS,
                    _("A person with IIN %(iin)s is already registered."),
                    iin=planned.person["iin"],
                ),
            )
    return None


def row_ranges(numbers: Iterable[int]) -> str:
    """Row numbers as compact ranges: 2, 3, 4, 7, 9, 10 → "2-4,7,9-10"."""
    ranges: list[str] = []
    first = last = None
    for number in sorted(numbers):
        if last is not None and number == last + 1:
            last = number
            continue
        if first is not None:
            ranges.append(str(first) if first == last else f"{first}-{last}")
        first = last = number
    if first is not None:
        ranges.append(str(first) if first == last else f"{first}-{last}")
    return ",".join(ranges)


def write_report(path: str | Path, errors: Iterable[RowError]) -> None:
    """Write the errors as CSV (row, column, code, message), UTF-8 with a BOM for spreadsheets."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["row", "column", "code", "message"])
        for error in errors:
            writer.writerow([error.row, error.column, error.code, error.message])
