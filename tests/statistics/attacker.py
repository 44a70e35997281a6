"""The attacker of a published table, written apart from the disclosure control it tests: the
linear programme sdcTable's attack() solves, with scipy's linprog.

The attacker knows every published cell, that each line adds up to its ``_T`` cell and that
counts are not negative; for each withheld cell it finds the least and the greatest value those
allow.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import linprog

TOTAL = "_T"


def lines(codes: Sequence[Sequence[str]]) -> list[tuple[list[tuple[str, ...]], tuple[str, ...]]]:
    found = []
    for position, dimension in enumerate(codes):
        others = [[*c, TOTAL] for i, c in enumerate(codes) if i != position]
        for fixed in itertools.product(*others):
            cells = [(*fixed[:position], code, *fixed[position:]) for code in [*dimension, TOTAL]]
            found.append((cells[:-1], cells[-1]))
    return found


def intervals(
    codes: Sequence[Sequence[str]],
    published: Mapping[tuple[str, ...], int | None],
) -> dict[tuple[str, ...], tuple[float, float]]:
    """The attacker's [min, max] of every withheld cell (``None`` in ``published``)."""
    hidden = [key for key, value in published.items() if value is None]
    if not hidden:
        return {}
    column = {key: i for i, key in enumerate(hidden)}
    rows, right = [], []
    for line, total in lines(codes):
        row = np.zeros(len(hidden))
        rhs = 0.0
        for key, sign in [*((key, 1.0) for key in line), (total, -1.0)]:
            if key in column:
                row[column[key]] += sign
            else:
                rhs -= sign * float(published[key])  # type: ignore[arg-type]
        if row.any():
            rows.append(row)
            right.append(rhs)
        else:
            assert abs(rhs) < 1e-9, f"the published line through {total} does not add up"
    found = {}
    for key in hidden:
        objective = np.zeros(len(hidden))
        objective[column[key]] = 1.0
        low = linprog(
            objective, A_eq=rows or None, b_eq=right or None, bounds=(0, None), method="highs"
        )
        high = linprog(
            -objective, A_eq=rows or None, b_eq=right or None, bounds=(0, None), method="highs"
        )
        assert low.status == 0, low.message
        found[key] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return found
