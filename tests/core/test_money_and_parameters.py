import datetime as dt
from decimal import Decimal

import pytest

from inclusio.core.errors import NotFound
from inclusio.core.money import format_tenge, round_tenge
from inclusio.core.parameters import parameter_on, value_on


def test_rounding_is_half_up_to_whole_tenge() -> None:
    assert round_tenge(Decimal("65313.27")) == 65313
    assert round_tenge(Decimal("0.5")) == 1
    assert round_tenge(Decimal("2.5")) == 3  # banker's rounding would give 2
    assert round_tenge(Decimal("1.61") * 40567) == 65313  # seed §90


def test_tenge_are_formatted_with_thin_spaces() -> None:
    assert format_tenge(65313) == "₸65\u202f313"


@pytest.mark.django_db
def test_the_value_in_force_is_the_latest_on_or_before_the_day() -> None:
    assert value_on("subsistence_minimum", dt.date(2023, 12, 31)) == 40567
    assert value_on("subsistence_minimum", dt.date(2024, 1, 1)) == 43407
    assert "budget" in parameter_on("monthly_calculation_index", dt.date(2024, 6, 1)).reference


@pytest.mark.django_db
def test_a_day_before_every_value_is_an_error_not_zero() -> None:
    with pytest.raises(NotFound) as refusal:
        value_on("subsistence_minimum", dt.date(2010, 1, 1))
    assert refusal.value.code == "PARAMETER_NOT_IN_FORCE"
