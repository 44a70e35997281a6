"""The Washington Group Short Set import: the disability identifier at the Group's cut-off, the
prevalence by sex, age band, region and residence (weighted when the file is), and a file with
one wrong answer refused whole, naming its row and column, in the reader's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, ValidationFailed
from inclusio.core.models import AuditEvent, User
from inclusio.crpd.errors import ErrorCode
from inclusio.crpd.models import Prevalence, Survey
from inclusio.crpd.services import survey_import

pytestmark = pytest.mark.django_db

HEADER = "seeing,hearing,walking,cognition,self_care,communication,sex,age,region,residence"
ROWS = [
    "1,1,1,1,1,1,M,30,71,urban",  # no difficulty
    "2,2,1,2,1,1,F,45,71,urban",  # some difficulty only: below the cut-off
    "1,1,3,1,1,1,F,70,75,rural",  # a lot of difficulty walking
    "4,1,1,1,1,1,M,12,75,rural",  # cannot see at all
    "7,9,7,9,7,9,M,50,71,urban",  # refused or did not know everything: undetermined
    "9,1,1,1,1,1,F,20,71,rural",  # one don't know, the rest none: no disability
]


def _cells(survey: Survey) -> dict[tuple[str, str], Prevalence]:
    return {(c.dimension, c.category): c for c in survey.prevalence.all()}


def test_the_cut_off_and_the_disaggregation() -> None:
    survey = survey_import(
        actor=SYSTEM, title="Pilot", year=2023, file_name="p.csv", text="\n".join([HEADER, *ROWS])
    )
    assert (survey.respondents, survey.undetermined, survey.weighted) == (6, 1, False)
    cells = _cells(survey)
    total = cells[("total", "total")]
    assert (total.respondents, total.identified, total.percent) == (5, 2, Decimal("40.0"))
    assert (cells[("sex", "M")].identified, cells[("sex", "M")].respondents) == (1, 2)
    assert cells[("sex", "F")].percent == Decimal("33.3")
    assert cells[("age_band", "0-17")].percent == Decimal("100.0")
    assert cells[("age_band", "63+")].identified == 1
    assert cells[("age_band", "18-62")].identified == 0
    assert cells[("region", "75")].percent == Decimal("100.0")
    assert cells[("residence", "urban")].respondents == 2  # the undetermined one left out
    assert cells[("residence", "rural")].identified == 2
    event = AuditEvent.objects.get(action="survey_import")
    assert event.data["values"]["respondents"] == 6


def test_weights_give_a_weighted_prevalence() -> None:
    text = "\n".join(
        [HEADER + ",weight", "1,1,1,1,1,1,M,30,71,urban,3", "1,1,3,1,1,1,F,70,71,urban,1"]
    )
    survey = survey_import(actor=SYSTEM, title="W", year=2023, file_name="w.csv", text=text)
    assert survey.weighted
    assert _cells(survey)[("total", "total")].percent == Decimal("25.0")


@pytest.mark.parametrize(
    ("line", "row", "column", "code"),
    [
        ("1,1,5,1,1,1,M,30,71,urban", 3, "walking", ErrorCode.WG_CODE_INVALID),
        ("1,1,1,1,8,1,M,30,71,urban", 3, "self_care", ErrorCode.WG_CODE_INVALID),
        ("1,1,1,1,1,,M,30,71,urban", 3, "communication", ErrorCode.WG_CODE_INVALID),
        ("1,1,1,1,1,1,X,30,71,urban", 3, "sex", ErrorCode.WG_VALUE_INVALID),
        ("1,1,1,1,1,1,M,-4,71,urban", 3, "age", ErrorCode.WG_VALUE_INVALID),
        ("1,1,1,1,1,1,M,30,99,urban", 3, "region", ErrorCode.WG_VALUE_INVALID),
        ("1,1,1,1,1,1,M,30,71,city", 3, "residence", ErrorCode.WG_VALUE_INVALID),
    ],
)
def test_a_wrong_value_refuses_the_file_naming_row_and_column(
    line: str, row: int, column: str, code: ErrorCode
) -> None:
    text = "\n".join([HEADER, ROWS[0], line, ROWS[1]])
    with pytest.raises(ValidationFailed) as refused:
        survey_import(actor=SYSTEM, title="Bad", year=2023, file_name="b.csv", text=text)
    assert refused.value.code == code
    assert (refused.value.params["row"], refused.value.params["column"]) == (row, column)
    assert f"Row {row}" in refused.value.message and column in refused.value.message
    assert not Survey.objects.exists() and not Prevalence.objects.exists()
    assert not AuditEvent.objects.filter(action="survey_import").exists()


def test_the_refusal_is_translated_and_a_missing_column_named() -> None:
    with translation.override("ru"), pytest.raises(ValidationFailed) as refused:
        survey_import(
            actor=SYSTEM,
            title="Bad",
            year=2023,
            file_name="b.csv",
            text=HEADER + "\n1,1,6,1,1,1,M,30,71,urban",
        )
    assert refused.value.message.startswith("Строка 2, столбец")
    with pytest.raises(ValidationFailed) as missing:
        survey_import(
            actor=SYSTEM, title="Bad", year=2023, file_name="b.csv", text="seeing,hearing\n1,1"
        )
    assert missing.value.code == ErrorCode.WG_COLUMN_MISSING
    assert missing.value.params["column"] == "walking"
    with pytest.raises(ValidationFailed) as empty:
        survey_import(actor=SYSTEM, title="Empty", year=2023, file_name="e.csv", text=HEADER)
    assert empty.value.code == ErrorCode.WG_EMPTY
    with pytest.raises(ValidationFailed) as undetermined:
        survey_import(
            actor=SYSTEM,
            title="Nobody answered",
            year=2023,
            file_name="u.csv",
            text=HEADER + "\n7,9,7,9,7,9,M,50,71,urban",
        )
    assert undetermined.value.code == ErrorCode.WG_ALL_UNDETERMINED
    with translation.override("ru"):
        assert str(undetermined.value.message).startswith("Ни у одного респондента")
    assert not Survey.objects.exists()


def test_only_a_crpd_officer_imports(district_officer: User, crpd_officer: User) -> None:
    text = "\n".join([HEADER, *ROWS])
    with pytest.raises(AccessDenied):
        survey_import(actor=district_officer, title="T", year=2023, file_name="t", text=text)
    assert survey_import(actor=crpd_officer, title="T", year=2023, file_name="t", text=text).pk


def test_the_command_imports_and_refuses(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.csv"
    good.write_text("\n".join([HEADER, *ROWS]), encoding="utf-8")
    call_command("wg_import", str(good), "--title", "Census pilot", "--year", "2021")
    assert "40.0 %" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n1,1,1,0,1,1,M,30,71,urban", encoding="utf-8")
    with pytest.raises(CommandError, match=r"WG_CODE_INVALID.*Row 2.*cognition"):
        call_command("wg_import", str(bad), "--title", "Bad", "--year", "2021")
    assert Survey.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "row", "code"),
    [
        # A value beyond the header's columns (DictReader keeps it under the key None).
        ("\n".join([HEADER, ROWS[0], ROWS[1] + ",extra"]), 3, ErrorCode.WG_ROW_TOO_LONG),
        # Two weights each within Decimal's range whose sum is not.
        (
            "\n".join([HEADER + ",weight", ROWS[0] + ",9E+999999", ROWS[1] + ",9E+999999"]),
            2,
            ErrorCode.WG_VALUE_INVALID,
        ),
        # A weight so small that the sum rounds to nothing and the percentage divides by zero.
        ("\n".join([HEADER + ",weight", ROWS[0] + ",1E-999999999"]), 2, ErrorCode.WG_VALUE_INVALID),
        # An age of more digits than int() converts.
        (
            "\n".join([HEADER, "1,1,1,1,1,1,M," + "9" * 5000 + ",71,urban"]),
            2,
            ErrorCode.WG_VALUE_INVALID,
        ),
        # An unclosed quote running the rest of the file into one field beyond csv's limit.
        (
            "\n".join([HEADER, ROWS[0], '"1,1,1,1,1,1,M,30,71,urban', "x" * 140_000]),
            3,
            ErrorCode.WG_ROW_UNREADABLE,
        ),
        ('"' + "x" * 140_000, 1, ErrorCode.WG_ROW_UNREADABLE),
    ],
)
def test_a_malformed_file_is_refused_naming_its_row(text: str, row: int, code: ErrorCode) -> None:
    with pytest.raises(ValidationFailed) as refused:
        survey_import(actor=SYSTEM, title="Bad", year=2023, file_name="b.csv", text=text)
    assert refused.value.code == code
    assert refused.value.params["row"] == row
    assert f"Row {row}" in refused.value.message
    with translation.override("kk"), pytest.raises(ValidationFailed) as in_kazakh:
        survey_import(actor=SYSTEM, title="Bad", year=2023, file_name="b.csv", text=text)
    assert in_kazakh.value.message.startswith(f"{row}-жол")
    assert not Survey.objects.exists() and not Prevalence.objects.exists()
    assert not AuditEvent.objects.filter(action="survey_import").exists()
