"""The Washington Group Short Set on Functioning (WG-SS): reading a file of answers and the
prevalence of disability it gives.

The six questions ask how much difficulty a person has in a domain. Their codes, as the
Washington Group's questionnaire has them: 1 no difficulty, 2 some difficulty, 3 a lot of
difficulty, 4 cannot do at all; 7 refused and 9 don't know, which the Group's analysis treats as
missing. The disability identifier is the Group's recommended cut-off, "disability 3": a person
has a disability who answers 3 or 4 in at least one domain. A respondent with no domain at 3 or
4 whose six answers are all missing has no determined status and is left out of every
denominator, as the Group's syntax leaves them; one with some answers and none at 3 or 4 has no
disability.

A file is a CSV with a header row: the six domains (``seeing``, ``hearing``, ``walking``,
``cognition``, ``self_care``, ``communication``), ``sex`` (M or F), ``age`` (whole years),
``region`` (the first two digits of KATO), ``residence`` (``urban`` or ``rural``) and, if the
survey is weighted, ``weight`` (a positive number). Any value outside these refuses the whole
file, naming its row (the header is row 1) and column; nothing of it is kept.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ValidationFailed
from inclusio.crpd.errors import ErrorCode
from inclusio.crpd.figures import ADULT_AGE, ELDERLY_AGE

DOMAINS = ("seeing", "hearing", "walking", "cognition", "self_care", "communication")
REQUIRED = (*DOMAINS, "sex", "age", "region", "residence")
WEIGHT = "weight"
DIFFICULTY = {"1", "2", "3", "4"}
MISSING = {"7", "9"}  # refused, don't know
CUT_OFF = {"3", "4"}  # a lot of difficulty, cannot do at all
SEXES = {"M", "F"}
RESIDENCES = {"urban", "rural"}
OLDEST = 130
# A weight's order of magnitude: wide enough for expansion factors and normalised weights, narrow
# enough that no sum of a file's weights overflows or rounds to nothing in Decimal's context.
WEIGHT_EXPONENTS = range(-12, 13)
# The platform's bands, the report's own (figures.py, held to the seed's by a test).
AGE_BANDS = (f"0-{ADULT_AGE - 1}", f"{ADULT_AGE}-{ELDERLY_AGE - 1}", f"{ELDERLY_AGE}+")


@dataclass(frozen=True)
class Cell:
    dimension: str
    category: str
    respondents: int  # with a determined status
    identified: int  # of them, with a disability
    percent: Decimal  # weighted when the survey is


@dataclass(frozen=True)
class Result:
    respondents: int
    undetermined: int
    weighted: bool
    cells: list[Cell]


def _age_band(age: int) -> str:
    if age < ADULT_AGE:
        return AGE_BANDS[0]
    return AGE_BANDS[1] if age < ELDERLY_AGE else AGE_BANDS[2]


def _invalid(row: int, column: str, value: str) -> ValidationFailed:
    return ValidationFailed(
        ErrorCode.WG_VALUE_INVALID,
        _("Row %(row)s, column “%(column)s”: “%(value)s” is not an allowed value.")
        % {"row": row, "column": column, "value": value[:40]},
        row=row,
        column=column,
    )


def _unreadable(row: int) -> ValidationFailed:
    # An unclosed quote runs the rest of the file into one field, past csv's field limit.
    return ValidationFailed(
        ErrorCode.WG_ROW_UNREADABLE,
        _("Row %(row)s cannot be read as CSV: check its quotation marks.") % {"row": row},
        row=row,
    )


def _rows(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The data rows with their numbers (the header is row 1), each value stripped."""
    number = 1
    while True:
        number += 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _unreadable(number) from exc
        if None in raw:
            # DictReader keeps a row's values beyond the header under the key None.
            raise ValidationFailed(
                ErrorCode.WG_ROW_TOO_LONG,
                _("Row %(row)s has more values than the header has columns.") % {"row": number},
                row=number,
            )
        yield number, {(k or "").strip(): (v or "").strip() for k, v in raw.items()}


def read(text: str, *, regions: Iterable[str]) -> Result:
    """The prevalence cells of a whole file, or the refusal of its first wrong value."""
    region_codes = set(regions)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [name.strip() for name in reader.fieldnames or []]
    except csv.Error as exc:
        raise _unreadable(1) from exc
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationFailed(
            ErrorCode.WG_COLUMN_MISSING,
            _("The file has no column “%(column)s”.") % {"column": missing[0]},
            column=missing[0],
        )
    weighted = WEIGHT in header
    totals: dict[tuple[str, str], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0), Decimal(0)]
    )
    respondents = undetermined = 0
    for number, row in _rows(reader):
        answers = []
        for domain in DOMAINS:
            code = row.get(domain, "")
            if code not in DIFFICULTY | MISSING:
                raise ValidationFailed(
                    ErrorCode.WG_CODE_INVALID,
                    _(
                        "Row %(row)s, column “%(column)s”: “%(value)s” is not a Washington Group "
                        "answer (1–4, 7 refused, 9 don't know)."
                    )
                    % {"row": number, "column": domain, "value": code[:40]},
                    row=number,
                    column=domain,
                )
            answers.append(code)
        sex, age_text = row.get("sex", ""), row.get("age", "")
        if sex not in SEXES:
            raise _invalid(number, "sex", sex)
        if not (
            age_text.isascii()
            and age_text.isdigit()
            and len(age_text) <= len(str(OLDEST))
            and int(age_text) <= OLDEST
        ):
            raise _invalid(number, "age", age_text)
        region, residence = row.get("region", ""), row.get("residence", "")
        if region not in region_codes:
            raise _invalid(number, "region", region)
        if residence not in RESIDENCES:
            raise _invalid(number, "residence", residence)
        weight = Decimal(1)
        if weighted:
            try:
                weight = Decimal(row.get(WEIGHT, ""))
            except ArithmeticError:
                weight = Decimal(0)
            if not weight.is_finite() or weight <= 0 or weight.adjusted() not in WEIGHT_EXPONENTS:
                raise _invalid(number, WEIGHT, row.get(WEIGHT, ""))
        respondents += 1
        with_disability = any(code in CUT_OFF for code in answers)
        if not with_disability and all(code in MISSING for code in answers):
            undetermined += 1
            continue
        for key in (
            ("total", "total"),
            ("sex", sex),
            ("age_band", _age_band(int(age_text))),
            ("region", region),
            ("residence", residence),
        ):
            cell = totals[key]
            cell[0] += 1
            cell[1] += weight
            if with_disability:
                cell[2] += 1
                cell[3] += weight
    if respondents == 0:
        raise ValidationFailed(ErrorCode.WG_EMPTY, _("The file holds no respondent."))
    if respondents == undetermined:
        # No cell would have a denominator: a survey kept without its total is no prevalence.
        raise ValidationFailed(
            ErrorCode.WG_ALL_UNDETERMINED,
            _(
                "No respondent of the file has a determined status: the prevalence cannot be "
                "computed."
            ),
        )
    cells = [
        Cell(
            dimension,
            category,
            int(count),
            int(identified),
            (100 * weighted_identified / weight_sum).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            ),
        )
        for (dimension, category), (count, weight_sum, identified, weighted_identified) in sorted(
            totals.items()
        )
    ]
    return Result(respondents, undetermined, weighted, cells)
