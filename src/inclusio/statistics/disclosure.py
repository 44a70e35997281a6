"""Disclosure control of a published count table: primary and secondary cell suppression.

*Primary*: a count from 1 to ``threshold - 1`` is withheld (``C``). *Secondary*: further cells
are withheld (``D``) so that an attacker who knows every published cell, that the table adds up
over every dimension (each ``_T`` cell is the sum of its line) and that counts are not negative
cannot narrow any primary cell to an interval narrower than the threshold — the linear
programme sdcTable's ``attack()`` solves (min and max of the cell subject to those constraints).

The secondary cells are chosen cell by cell, in the manner of the classic LP heuristic
(Fischetti and Salazar's protection levels; sdcTable's ``SIMPLEHEURISTIC``): for each primary cell
``p`` of value ``a_p``, HiGHS finds the cheapest *deviation* ``y`` of the table — a change that
keeps every line additive (``A y = 0``), leaves every cell non-negative (``y_i ≥ −a_i``) and raises
``p`` by the threshold (``y_p = t``) — where a cell already withheld costs nothing and any other
costs ``1 + a_i`` (hiding small cells loses least). The cells the deviation moves are withheld.
Then ``a + y`` is a table the attacker cannot tell from the true one (it agrees on every
published cell), so ``p`` ranges at least over ``[a_p, a_p + t]``: an interval of width ``t``.
Withholding only ever widens the attacker's intervals, so a cell protected stays protected as
later ones are; one pass over the primary cells suffices, and a primary cell that an earlier
deviation already moved by the threshold is skipped.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import highspy
import numpy as np

from inclusio.statistics.tables import TOTAL

DEFAULT_THRESHOLD = 5

Key = tuple[str, ...]


class Status(StrEnum):
    """SDMX CONF_STATUS codes."""

    FREE = "F"  # published
    PRIMARY = "C"  # withheld by the threshold
    SECONDARY = "D"  # withheld to protect another cell


def table_keys(codes: Sequence[Sequence[str]]) -> list[Key]:
    return list(itertools.product(*((*dimension, TOTAL) for dimension in codes)))


def table_lines(codes: Sequence[Sequence[str]]) -> Iterable[tuple[list[Key], Key]]:
    """Every line of the table: the cells along one dimension (the others fixed, totals
    included) and the ``_T`` cell that is their sum."""
    for position, dimension in enumerate(codes):
        others = [(*codes_of, TOTAL) for index, codes_of in enumerate(codes) if index != position]
        for fixed in itertools.product(*others):
            yield (
                [_at(fixed, position, code) for code in dimension],
                _at(fixed, position, TOTAL),
            )


def _at(fixed: tuple[str, ...], position: int, code: str) -> Key:
    """The cell with ``code`` at ``position`` and the other dimensions' codes ``fixed``."""
    return (*fixed[:position], code, *fixed[position:])


@dataclass(frozen=True)
class Protection:
    statuses: dict[Key, Status]
    threshold: int

    @property
    def primary(self) -> int:
        return sum(status is Status.PRIMARY for status in self.statuses.values())

    @property
    def secondary(self) -> int:
        return sum(status is Status.SECONDARY for status in self.statuses.values())


def protect(
    codes: Sequence[Sequence[str]],
    values: dict[Key, int],
    *,
    threshold: int = DEFAULT_THRESHOLD,
) -> Protection:
    """Each cell's CONF_STATUS: ``values`` holds every cell of the cube (``table_keys``)."""
    keys = table_keys(codes)
    index = {key: position for position, key in enumerate(keys)}
    counts = np.array([values[key] for key in keys], dtype=np.float64)
    primary = [position for position, value in enumerate(counts) if 0 < value < threshold]
    withheld = np.zeros(len(keys), dtype=bool)
    withheld[primary] = True
    statuses = {key: Status.FREE for key in keys}
    if primary:
        _suppress_secondary(codes, index, counts, primary, withheld, threshold)
        for key, position in index.items():
            if withheld[position]:
                statuses[key] = Status.SECONDARY
        for position in primary:
            statuses[keys[position]] = Status.PRIMARY
    return Protection(statuses, threshold)


def _suppress_secondary(
    codes: Sequence[Sequence[str]],
    index: dict[Key, int],
    counts: np.ndarray,
    primary: list[int],
    withheld: np.ndarray,
    threshold: int,
) -> None:
    cells = len(counts)
    # Columns: y⁺ (0 … n−1) and y⁻ (n … 2n−1); one equality row per line: Σ y(line) − y(total) = 0.
    rows: list[list[tuple[int, float]]] = []
    for line, total in table_lines(codes):
        rows.append([(index[key], 1.0) for key in line] + [(index[total], -1.0)])
    columns: list[list[tuple[int, float]]] = [[] for _ in range(2 * cells)]
    for row_number, row in enumerate(rows):
        for cell, coefficient in row:
            columns[cell].append((row_number, coefficient))
            columns[cells + cell].append((row_number, -coefficient))

    model = highspy.HighsLp()
    model.num_col_ = 2 * cells
    model.num_row_ = len(rows)
    model.col_cost_ = np.concatenate([1.0 + counts, 1.0 + counts])
    model.col_lower_ = np.zeros(2 * cells)
    model.col_upper_ = np.concatenate([np.full(cells, highspy.kHighsInf), counts])
    model.row_lower_ = np.zeros(len(rows))
    model.row_upper_ = np.zeros(len(rows))
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    starts, indices, coefficients = [0], [], []
    for column in columns:
        for row_number, coefficient in column:
            indices.append(row_number)
            coefficients.append(coefficient)
        starts.append(len(indices))
    model.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    model.a_matrix_.index_ = np.array(indices, dtype=np.int32)
    model.a_matrix_.value_ = np.array(coefficients, dtype=np.float64)

    # The binding itself: the package's Highs subclass prints a banner on stdout when made.
    solver = highspy._core._Highs()
    solver.setOptionValue("output_flag", False)
    solver.passModel(model)
    protected = np.zeros(cells, dtype=bool)
    for target in primary:
        if protected[target]:
            continue
        free = np.flatnonzero(withheld)
        solver.changeColsCost(
            2 * len(free),
            np.concatenate([free, free + cells]).astype(np.int32),
            np.zeros(2 * len(free)),
        )
        solver.changeColBounds(target, float(threshold), highspy.kHighsInf)
        solver.changeColBounds(cells + target, 0.0, 0.0)
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # Raising the cell and every total containing it is always a deviation: a solver
            # that finds none has failed, and nothing may be published on its word.
            status = solver.modelStatusToString(solver.getModelStatus())
            raise RuntimeError(f"secondary suppression: the LP ended {status}")
        moved = np.asarray(solver.getSolution().col_value)
        withheld |= (moved[:cells] > 1e-7) | (moved[cells:] > 1e-7)
        # The same deviation moves other withheld cells too: each one it moves by the threshold
        # or more is protected by it already, and needs no programme of its own.
        protected |= np.abs(moved[:cells] - moved[cells:]) >= threshold - 1e-7
        solver.changeColBounds(target, 0.0, highspy.kHighsInf)
        solver.changeColBounds(cells + target, 0.0, float(counts[target]))
