import datetime as dt

import pytest

from inclusio.core.errors import ValidationFailed
from inclusio.core.identifiers import check_digit, make_iin, parse_iin, validate_bin


def test_a_valid_iin_gives_birth_date_and_sex() -> None:
    iin = make_iin(dt.date(1990, 2, 28), "F", 1234)
    assert iin is not None and iin.startswith("9002284")
    parsed = parse_iin(iin)
    assert parsed.birth_date == dt.date(1990, 2, 28)
    assert parsed.sex == "F"


@pytest.mark.parametrize(
    ("year", "sex", "digit"),
    [(1899, "M", "1"), (1950, "F", "4"), (2010, "M", "5"), (2012, "F", "6")],
)
def test_the_seventh_digit_encodes_century_and_sex(year: int, sex: str, digit: str) -> None:
    iin = make_iin(dt.date(year, 1, 1), sex, 1)
    assert iin is not None and iin[6] == digit
    assert parse_iin(iin).birth_date.year == year


def test_check_digit_falls_back_to_second_weights() -> None:
    # 11 digits whose first weighted sum is 10 mod 11 need the second weights.
    head = next(
        f"{n:011d}"
        for n in range(10**6)
        if sum(int(c) * (i + 1) for i, c in enumerate(f"{n:011d}")) % 11 == 10
    )
    second = (
        sum(int(c) * w for c, w in zip(head, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11
    )
    assert check_digit(head) == (None if second == 10 else second)


def test_eleven_digits_with_no_possible_check_digit_are_refused_by_make_iin() -> None:
    results = [make_iin(dt.date(1975, 7, 7), "M", serial) for serial in range(200)]
    assert None in results  # some serials have no valid check digit
    assert all(parse_iin(r) for r in results if r is not None)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("90022845", "IIN_LENGTH"),
        ("9002284501234", "IIN_LENGTH"),
        ("90022A450123", "IIN_NOT_DIGITS"),
        ("９００２２８４５０１２３"[:12], "IIN_NOT_DIGITS"),
    ],
)
def test_malformed_iins_are_refused_with_a_stable_code(raw: str, code: str) -> None:
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(ValidationFailed) as refusal:
            parse_iin(raw)
        assert "IIN" in refusal.value.message  # rendered in the language active when read
    assert refusal.value.code == code


def test_a_wrong_check_digit_is_refused() -> None:
    iin = make_iin(dt.date(1990, 2, 28), "F", 1234)
    assert iin is not None
    wrong = iin[:11] + str((int(iin[11]) + 1) % 10)
    with pytest.raises(ValidationFailed) as refusal:
        parse_iin(wrong)
    assert refusal.value.code == "IIN_CHECKSUM"


@pytest.mark.parametrize("head", ["90023040123", "90130540123", "90010170123"])
def test_impossible_dates_and_centuries_are_refused(head: str) -> None:
    digit = check_digit(head)
    if digit is None:
        pytest.fail("choose another example: no check digit exists")
    with pytest.raises(ValidationFailed) as refusal:
        parse_iin(head + str(digit))
    assert refusal.value.code == "IIN_DATE"


def test_bin_uses_the_same_check_digit() -> None:
    head = "99034000123"
    digit = check_digit(head)
    assert digit is not None
    assert validate_bin(f" {head}{digit} ") == f"{head}{digit}"
    with pytest.raises(ValidationFailed) as refusal:
        validate_bin(f"{head}{(digit + 1) % 10}")
    assert refusal.value.code == "BIN_CHECKSUM"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "IIN must have exactly 12 digits; 3 given."),
        ("ru", "ИИН должен состоять ровно из 12 цифр"),
        ("kk", "ЖСН дәл 12 цифрдан тұруы керек"),
    ],
)
def test_refusals_speak_the_users_language(language: str, text: str) -> None:
    from django.utils import translation

    with translation.override(language):
        with pytest.raises(ValidationFailed) as refusal:
            parse_iin("123")
        assert refusal.value.message.startswith(text)
    assert refusal.value.code == "IIN_LENGTH"
