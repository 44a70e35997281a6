"""IINs for a whole population at once: the rules of inclusio.core.identifiers, in numpy.

Persons born on the same day with the same sex share the first seven digits (a "group"), so each
group takes a run of serials starting at a random base; a serial whose eleven digits admit no
check digit is replaced by the next unused serial after the run, until every person holds a
valid one. The weighted sums are split into a per-group part and a per-serial part, each computed
once in a small table, so the per-person work is a few lookups.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inclusio.core.identifiers import CENTURY_AND_SEX, FIRST_WEIGHTS, SECOND_WEIGHTS

SERIALS = 10_000
# Room left after a group's run for the serials that replace invalid ones (about 1 in 121).
SPARE_SERIALS_SHARE = 0.05
SPARE_SERIALS_MIN = 20
_ZERO = ord("0")


def check_digits(first_eleven: np.ndarray) -> np.ndarray:
    """Check digit per row of eleven digits; -1 where none exists (the number is impossible)."""
    first = _weighted_sums(first_eleven, FIRST_WEIGHTS) % 11
    second = _weighted_sums(first_eleven, SECOND_WEIGHTS) % 11
    return _check_from_sums(first, second)


def _weighted_sums(digits: np.ndarray, weights: tuple[int, ...]) -> np.ndarray:
    total = np.zeros(len(digits), dtype=np.int32)
    for column, weight in enumerate(weights[: digits.shape[1]]):
        total += digits[:, column].astype(np.int32) * weight
    return total


def _check_from_sums(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return np.where(first != 10, first, np.where(second != 10, second, -1)).astype(np.int8)


def _group_digits(first_day: int, n_days: int) -> np.ndarray:
    """Digits 1–7 for every (day, sex) group: row = day offset × 2 + female."""
    days = np.arange(first_day, first_day + n_days).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int32) + 1970
    month = months.astype(np.int32) % 12 + 1
    day = (days - months).astype(np.int32) + 1
    digits = np.empty((n_days, 2, 7), dtype=np.uint8)
    for column, value in enumerate(
        [year % 100 // 10, year % 10, month // 10, month % 10, day // 10, day % 10]
    ):
        digits[:, :, column] = value[:, None]
    century = year // 100 * 100
    digits[:, :, 6] = 0
    for digit, (first_year, sex) in CENTURY_AND_SEX.items():
        digits[century == first_year, int(sex == "F"), 6] = digit
    if (digits[:, :, 6] == 0).any():
        raise ValueError("a birth year outside the centuries an IIN can encode")
    return digits.reshape(n_days * 2, 7)


def _serial_digits() -> np.ndarray:
    serial = np.arange(SERIALS)
    return np.stack(
        [serial // 1000, serial // 100 % 10, serial // 10 % 10, serial % 10], axis=1
    ).astype(np.uint8)


def _ranks_in_groups(
    day: np.ndarray, female: np.ndarray, n_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each person's rank among those of their group, and each group's size.

    Sorting by a 16-bit day per sex lets numpy use its linear-time radix sort."""
    rank = np.empty(len(day), dtype=np.int32)
    sizes = np.zeros((n_days, 2), dtype=np.int32)
    for sex in (False, True):
        members = np.flatnonzero(female == sex)
        member_days = day[members]
        order = np.argsort(member_days, kind="stable")
        counts = np.bincount(member_days, minlength=n_days).astype(np.int32)
        starts = np.cumsum(counts) - counts
        rank[members[order]] = np.arange(len(order), dtype=np.int32) - np.repeat(starts, counts)
        sizes[:, int(sex)] = counts
    return rank, sizes.ravel()


def make_iins(birth_days: np.ndarray, female: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """Unique valid IINs (Arrow strings) for persons with these birth dates (days since 1970)."""
    first_day = int(birth_days.min())
    n_days = int(birth_days.max()) - first_day + 1
    if n_days > np.iinfo(np.uint16).max:
        raise ValueError("birth dates span more than 179 years")
    day = (birth_days - first_day).astype(np.uint16)
    group = day.astype(np.int32) * 2 + female
    rank, sizes = _ranks_in_groups(day, female, n_days)
    room = SERIALS - SPARE_SERIALS_MIN - np.ceil(sizes * (1 + SPARE_SERIALS_SHARE)).astype(int)
    if (room < 1).any():
        raise ValueError("too many persons share one birth date and sex for four-digit serials")
    bases = (rng.random(len(sizes)) * room).astype(np.int32)
    serial = (bases[group] + rank).astype(np.int16)
    del rank

    group_digits = _group_digits(first_day, n_days)
    serial_digits = _serial_digits()
    sums = [
        (_weighted_sums(group_digits, weights), _weighted_sums(serial_digits, weights[7:]))
        for weights in (FIRST_WEIGHTS, SECOND_WEIGHTS)
    ]

    def checks(persons: np.ndarray | slice) -> np.ndarray:
        g, s = group[persons], serial[persons]
        first, second = ((by_group[g] + by_serial[s]) % 11 for by_group, by_serial in sums)
        return _check_from_sums(first, second)

    check = checks(slice(None))
    next_free = bases + sizes
    invalid = np.flatnonzero(check < 0)
    while len(invalid):
        # Give each invalid serial the next unused one of its group, in order within the group.
        order = np.argsort(group[invalid], kind="stable")
        invalid = invalid[order]
        invalid_groups = group[invalid]
        first = np.flatnonzero(np.r_[True, invalid_groups[1:] != invalid_groups[:-1]])
        counts = np.diff(np.r_[first, len(invalid)])
        serial[invalid] = (
            next_free[invalid_groups] + np.arange(len(invalid)) - np.repeat(first, counts)
        )
        np.add.at(next_free, invalid_groups[first], counts)
        check[invalid] = checks(invalid)
        invalid = invalid[check[invalid] < 0]
    if int(serial.max()) >= SERIALS:
        raise ValueError("ran out of serials for one birth date and sex")

    text = np.empty((len(group), 12), dtype=np.uint8)
    text[:, :7] = group_digits[group] + _ZERO
    text[:, 7:11] = serial_digits[serial] + _ZERO
    text[:, 11] = check.astype(np.uint8) + _ZERO
    return _as_strings(text)


def _as_strings(text: np.ndarray) -> pa.Array:
    """One Arrow string per row of ASCII bytes, without making Python strings."""
    width = text.shape[1]
    offsets = np.arange(0, width * len(text) + 1, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), len(text), [None, pa.py_buffer(offsets), pa.py_buffer(text.ravel())]
    )


def validate_iins(iins: pa.Array) -> np.ndarray:
    """True per IIN that has twelve digits and a correct check digit (vectorised)."""
    length_ok = pc.utf8_length(iins).to_numpy(zero_copy_only=False) == 12
    if not length_ok.all():
        return np.asarray(length_ok)
    offsets = np.frombuffer(iins.buffers()[1], dtype=np.int32)[iins.offset :]
    text = np.frombuffer(iins.buffers()[2], dtype=np.uint8)
    digits = text[offsets[0] : offsets[0] + 12 * len(iins)].reshape(-1, 12).astype(np.int32)
    digits -= _ZERO
    all_digits = ((digits >= 0) & (digits <= 9)).all(axis=1)
    return np.asarray(all_digits & (check_digits(digits[:, :11]) == digits[:, 11]))
