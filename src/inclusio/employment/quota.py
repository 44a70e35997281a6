"""The job quota: how many places an employer owes persons with disabilities in a month, how
many it has filled, and whether it complies.

The percentage is a dated parameter by employer size (``employment_quota_pct_<band>``), which a
region's akimat may set otherwise (``employment_quota_pct_<band>_<region code>``, used when the
country declares it). It applies to the jobs without the heavy, harmful or dangerous ones. A
fraction of a job is not a job: the quota is rounded down to whole places, computed in integers
(percentages are read in hundredths), so no float ever decides compliance. An employer below the
smallest band owes no quota.

``compliance_arrays`` computes a month for every employer of the country at once, as numpy
columns: one lookup of the rates per (region, band), then vectorised arithmetic — the national
computation is a handful of array operations however many employers there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db.models import Count, Q

from inclusio import countries
from inclusio.core.models import DatedParameter
from inclusio.core.parameters import parameter_keys
from inclusio.employment.models import Employer

QUOTA_PREFIX = "employment_quota_pct_"
# Employer sizes by headcount: (smallest, largest or None, the band's key suffix).
BANDS: tuple[tuple[int, int | None, str], ...] = (
    (50, 100, "50_100"),
    (101, 250, "101_250"),
    (251, None, "251_plus"),
)


def band_of(headcount: int) -> str | None:
    for smallest, largest, band in BANDS:
        if headcount >= smallest and (largest is None or headcount <= largest):
            return band
    return None


def quota_places(base: int, hundredths: int) -> int:
    """Whole places owed on ``base`` jobs at ``hundredths`` / 100 %, rounded down."""
    return base * hundredths // 10_000


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


class QuotaRates:
    """Every value of the quota parameters, read once; the rate in force for a region, size and
    day."""

    def __init__(self, values: dict[str, list[tuple[dt.date, Decimal]]]) -> None:
        self._values = {key: sorted(dated) for key, dated in values.items()}

    @classmethod
    def from_database(cls) -> QuotaRates:
        """The values the ministry keeps, corrections applied (the last revision of a date)."""
        keys = [key for key in parameter_keys() if key.startswith(QUOTA_PREFIX)]
        rows = DatedParameter.objects.filter(key__in=keys).order_by("key", "effective", "revision")
        values: dict[str, dict[dt.date, Decimal]] = {}
        for row in rows:
            values.setdefault(row.key, {})[row.effective] = row.value
        return cls({key: list(dated.items()) for key, dated in values.items()})

    @classmethod
    def from_country(cls, country: str) -> QuotaRates:
        """The values of the country's file, as a fresh install seeds them (no database)."""
        values: dict[str, list[tuple[dt.date, Decimal]]] = {}
        for row in countries.parameters(country):
            if row["key"].startswith(QUOTA_PREFIX):
                values.setdefault(row["key"], []).append(
                    (dt.date.fromisoformat(row["effective"]), Decimal(str(row["value"])))
                )
        return cls(values)

    def _on(self, key: str, day: dt.date) -> Decimal | None:
        found = None
        for effective, value in self._values.get(key, ()):
            if effective > day:
                break
            found = value
        return found

    def hundredths(self, region_code: str, headcount: int, day: dt.date) -> int:
        """The rate in hundredths of a percent (300 = 3 %), 0 when no quota applies."""
        band = band_of(headcount)
        if band is None:
            return 0
        value = self._on(f"{QUOTA_PREFIX}{band}_{region_code}", day)
        if value is None:
            value = self._on(f"{QUOTA_PREFIX}{band}", day)
        return 0 if value is None else int(value * 100)


@dataclass(frozen=True)
class Compliance:
    employer: Employer
    month: dt.date
    rate_pct: Decimal
    quota: int
    filled: int

    @property
    def complies(self) -> bool:
        return self.filled >= self.quota

    @property
    def missing(self) -> int:
        return max(self.quota - self.filled, 0)


def _active_on(day: dt.date) -> Q:
    return Q(placements__started__lte=day) & (
        Q(placements__ended__isnull=True) | Q(placements__ended__gte=day)
    )


def compliance_of(
    employers: list[Employer], month: dt.date, rates: QuotaRates | None = None
) -> list[Compliance]:
    """Each employer's quota, filled places and compliance in ``month`` (filled: the placements
    that last to the month's end), in one query."""
    rates = rates or QuotaRates.from_database()
    end = month_end(month)
    filled = dict(
        Employer.objects.filter(pk__in=[e.pk for e in employers])
        .annotate(filled=Count("placements", filter=_active_on(end)))
        .values_list("pk", "filled")
    )
    result = []
    for employer in employers:
        hundredths = rates.hundredths(employer.region_id, employer.headcount, end)
        result.append(
            Compliance(
                employer=employer,
                month=month,
                rate_pct=Decimal(hundredths) / 100,
                quota=quota_places(employer.quota_base, hundredths),
                filled=filled.get(employer.pk, 0),
            )
        )
    return result


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def compliance_arrays(
    *,
    region: np.ndarray,
    headcount: np.ndarray,
    hazardous: np.ndarray,
    filled: np.ndarray,
    month: dt.date,
    rates: QuotaRates,
) -> dict[str, np.ndarray]:
    """The quota, filled places and compliance of every employer given as columns (region codes,
    headcounts, hazardous jobs, places filled at the month's end), all at once."""
    end = month_end(month)
    band_index = np.full(len(headcount), -1, dtype=np.int8)
    for i, (smallest, largest, _band) in enumerate(BANDS):
        upper = np.iinfo(np.int64).max if largest is None else largest
        band_index[(headcount >= smallest) & (headcount <= upper)] = i
    hundredths = np.zeros(len(headcount), dtype=np.int64)
    regions = np.unique(region)
    for code in regions:
        in_region = region == code
        for i, (smallest, _largest, _band) in enumerate(BANDS):
            rate = rates.hundredths(str(code), smallest, end)
            hundredths[in_region & (band_index == i)] = rate
    base = headcount.astype(np.int64) - hazardous.astype(np.int64)
    quota = base * hundredths // 10_000
    return {"quota": quota, "filled": filled, "complies": filled >= quota}
