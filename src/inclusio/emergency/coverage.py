"""Who the dispatchers' registry holds: the rule that reads the law's "limited mobility".

The registry records a mobility limitation for about 413,000 persons (a functional limitation:
walking with difficulty is one), while the fire service holds 95,087 homes (seed §66): the law
means persons who cannot leave their home alone in a fire. Read from the disability status, that
is a mobility limitation together with

- group I (the most severe: the person needs constant care), at any age;
- a child's disability (a child with a mobility limitation is not expected to leave alone);
- group II from the age of ``GROUP_II_FROM_AGE`` (the very old, whose group II understates what
  they can do alone).

The age is the one that, on the synthetic national registry, makes the count the fire service's
95,087 (``synthetic/checks.py`` checks it on every snapshot); it is a calibration, stated here
so that it can be replaced by the fire service's own criterion when one is given. Group III
never qualifies: it records a limitation that still lets the person work.

Pure Python and SQL text: the compilation (``services.residences_compile``) filters the
database with ``covered_q``, the snapshot check counts with ``COVERED_SQL``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

ALWAYS = ("I", "child")
GROUP_II_FROM_AGE = 85
NATIONAL_RESIDENCES = 95_087  # seed §66


def born_on_or_before(day: dt.date, years: int) -> dt.date:
    """The latest birth date of a person aged at least ``years`` on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def covered_q(today: dt.date, prefix: str = "") -> Q:
    """The statuses (or, with a ``prefix`` such as ``"status__"``, the rows that reach them)
    whose holder cannot leave home alone, on ``today``."""
    oldest_born = born_on_or_before(today, GROUP_II_FROM_AGE)
    return Q(**{f"{prefix}mobility": True}) & (
        Q(**{f"{prefix}category__in": ALWAYS})
        | Q(**{f"{prefix}category": "II", f"{prefix}person__birth_date__lte": oldest_born})
    )


# DuckDB over a snapshot: ``d`` the disability row, ``age`` the holder's age in whole years.
COVERED_SQL = (
    f"d.mobility AND (d.category IN ('I', 'child')"
    f" OR (d.category = 'II' AND age >= {GROUP_II_FROM_AGE}))"
)
