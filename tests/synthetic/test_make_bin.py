"""Synthetic BINs: every five-digit serial gives a valid BIN of its own, including the serials
for which the registration month has no check digit."""

from __future__ import annotations

import datetime as dt

import pytest

from inclusio.core.identifiers import validate_bin
from inclusio.synthetic.marketplace import make_bin


def test_every_serial_gives_a_valid_bin_of_its_own() -> None:
    registered = dt.date(2016, 1, 1)
    bins = [make_bin(serial, registered) for serial in range(0, 100_000, 7)]
    for bin_ in bins:
        validate_bin(bin_)
    assert len(set(bins)) == len(bins)
    # Some serials have no check digit in January 2016 and are registered a month later.
    assert any(not bin_.startswith("1601") for bin_ in bins)


def test_a_serial_of_six_digits_is_refused() -> None:
    with pytest.raises(ValueError, match="five digits"):
        make_bin(100_000, dt.date(2016, 1, 1))
