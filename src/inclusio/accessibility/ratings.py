"""Ratings per kind of limitation, derived from an assessment by the rules of
docs/accessibility.md; no Django models here, so the synthetic data and the exports use the
same rules as the pages."""

from __future__ import annotations

from collections.abc import Mapping

from inclusio.accessibility.criteria import (
    LIMITATIONS,
    MEETS,
    NOT_APPLICABLE,
    NOT_MET,
    Criterion,
)

FULLY = "fully"
PARTIALLY = "partially"
NOT_ACCESSIBLE = "not"
UNASSESSED = "unassessed"
RATINGS = (FULLY, PARTIALLY, NOT_ACCESSIBLE, UNASSESSED)


def rating(limitation: str, states: Mapping[str, str], criteria: Mapping[str, Criterion]) -> str:
    """One kind of limitation's rating from every criterion's state (codes → states).

    Not accessible when a mandatory criterion serving it is not met; fully accessible when
    every mandatory one serving it meets the standard (or does not apply) and no other one
    serving it is not met; partially accessible otherwise."""
    serving = [c for c in criteria.values() if limitation in c.serves]
    mandatory = [states[c.code] for c in serving if c.mandatory]
    if NOT_MET in mandatory:
        return NOT_ACCESSIBLE
    others = [states[c.code] for c in serving if not c.mandatory]
    if all(s in (MEETS, NOT_APPLICABLE) for s in mandatory) and NOT_MET not in others:
        return FULLY
    return PARTIALLY


def ratings(states: Mapping[str, str], criteria: Mapping[str, Criterion]) -> dict[str, str]:
    return {limitation: rating(limitation, states, criteria) for limitation in LIMITATIONS}


def adapted(states: Mapping[str, str], criteria: Mapping[str, Criterion]) -> bool:
    """Adapted: every mandatory criterion meets the standard or does not apply."""
    return all(states[c.code] in (MEETS, NOT_APPLICABLE) for c in criteria.values() if c.mandatory)
