"""The synthetic rehabilitation part of a snapshot: programme lines from 2020 to the year it
closes, and the portal's orders of that year.

A snapshot closes the year before the day it is drawn as of (``closing_year``), and never
before 2023, the seed's last year: drawn as of the seed's date (1 January 2024) it holds the
lines of 2020–2023 and the orders of 2023; drawn as of a later day (the demo's, today) it goes
on to the year before that day, each later year at the seed's last rate and its orders in the
seed's last volumes, so that a report closing that year finds them.

Each person with a disability status begun by a year's end owes, that year, one aid or
hygiene-product line and, one person in two, a service or sanatorium line (quantities
illustrative: an aid 1, diapers 3 a day, sign language 60 hours, a personal assistant 1,200
hours, a sanatorium course 1). Each year's lines are fulfilled so that their mean share is the
seed's implementation rate (78.8 % in 2020 … 92.9 % in 2023, seed §117): lines in a random
order, those before the rate's point wholly, one in part, the rest not at all.

The orders are the seed's 2023 volumes at the snapshot's scale — 532,400 aids (technical aids
and hygiene products), 8,200 sign-language services, 26,400 personal assistants, 84,500
sanatorium stays in 104 sanatoriums — each received (``confirmed``) by a person holding a line
of its kind, dated in the closing year; one order in a hundred more is ``disputed``. The
supplier numbers are illustrative (400 aid suppliers, 60 service suppliers), besides the seed's
104 sanatoriums, each of which gives at least one stay when the scale has that many (seed §118).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from inclusio.snapshot.contract import ORDERS, PROGRAMME_LINES, REHABILITATION_SCHEMAS
from inclusio.synthetic.figures import IMPLEMENTATION_RATES_PCT, implementation_rate_pct

# The seed's last year: of its portal volumes below and of its last implementation rate.
SEED_YEAR = 2023
# Seed §117: what persons with disabilities received through the portal in 2023.
ORDERS_2023 = {
    "technical_aid": 532_400,
    "sign_language": 8_200,
    "personal_assistant": 26_400,
    "sanatorium_treatment": 84_500,
}
SANATORIUMS = 104
AID_SUPPLIERS = 400  # illustrative
SERVICE_SUPPLIERS = 60  # illustrative
DISPUTED_SHARE = 0.01  # illustrative

# (category, kind, quantity a year, weight): illustrative shares of what programmes prescribe.
AIDS = (
    ("wheelchair_manual", "technical_aid", 1, 0.18),
    ("walking_aid", "technical_aid", 1, 0.30),
    ("hearing_aid", "technical_aid", 1, 0.12),
    ("orthopaedic_footwear", "technical_aid", 1, 0.20),
    ("diapers", "hygiene_product", 3 * 365, 0.20),
)
SERVICES = (
    ("sign_language", "sign_language", 60, 0.05),
    ("personal_assistant", "personal_assistant", 1200, 0.15),
    ("sanatorium_treatment", "sanatorium_treatment", 1, 0.80),
)
# An order of hygiene products counts with the aids: the seed's "technical means".
ORDER_KIND = {"hygiene_product": "technical_aid"}
EPOCH = dt.date(1970, 1, 1)


def closing_year(as_of: dt.date) -> int:
    """The year a snapshot drawn as of ``as_of`` closes: the year before, the seed's at least."""
    return max(SEED_YEAR, as_of.year - 1)


def implementation_rates(as_of: dt.date) -> dict[int, float]:
    """Each year's implementation rate (%) of a snapshot drawn as of ``as_of``: the seed's of
    2020–2023, and its last for each later year up to the closing year."""
    years = range(min(IMPLEMENTATION_RATES_PCT), closing_year(as_of) + 1)
    return {year: implementation_rate_pct(year) for year in years}


def _year_end(year: int) -> int:
    return (dt.date(year, 12, 31) - EPOCH).days


def _draw(
    rng: np.random.Generator, table: tuple[tuple[str, str, int, float], ...], n: int
) -> np.ndarray:
    weights = np.array([row[3] for row in table])
    return rng.choice(len(table), size=n, p=weights / weights.sum())


def _fulfil(prescribed: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Fulfilled quantities whose mean share is ``rate`` (to a fraction of one line)."""
    n = len(prescribed)
    fulfilled = np.zeros(n, dtype=np.int32)
    if n == 0:
        return fulfilled
    order = rng.permutation(n)
    whole, part = divmod(rate * n, 1.0)
    whole = int(whole)
    fulfilled[order[:whole]] = prescribed[order[:whole]]
    if whole < n:
        last = order[whole]
        fulfilled[last] = round(part * prescribed[last])
    return fulfilled


def rehabilitation_tables(
    *,
    status_person: np.ndarray,
    status_since: np.ndarray,
    iins: pa.Array,
    person_regions: pa.Array,
    scale_factor: float,
    rng: np.random.Generator,
    as_of: dt.date,
) -> dict[str, pa.Table]:
    """The programme lines from 2020 to the closing year and the orders of the closing year
    of the persons with a status (``status_person`` indexes ``iins`` and ``person_regions``)."""
    rates = implementation_rates(as_of)
    closing = closing_year(as_of)
    n = len(status_person)
    aid = _draw(rng, AIDS, n)
    has_service = rng.random(n) < 0.5
    service = _draw(rng, SERVICES, n)
    categories = [row[0] for row in AIDS] + [row[0] for row in SERVICES]
    kinds = [row[1] for row in AIDS] + [row[1] for row in SERVICES]
    amounts = np.array([row[2] for row in AIDS] + [row[2] for row in SERVICES], dtype=np.int32)
    # Each person's lines as (status index, category index): the aid, then the service.
    holder = np.concatenate([np.arange(n), np.flatnonzero(has_service)])
    what = np.concatenate([aid, len(AIDS) + service[has_service]])

    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for year in sorted(rates):
        owed = status_since[holder] <= _year_end(year)
        who, cat = holder[owed], what[owed]
        prescribed = amounts[cat]
        parts.append((who, cat, np.full(len(who), year, dtype=np.int16), prescribed))
    who = np.concatenate([p[0] for p in parts])
    cat = np.concatenate([p[1] for p in parts])
    years = np.concatenate([p[2] for p in parts])
    prescribed = np.concatenate([p[3] for p in parts]).astype(np.int32)
    fulfilled = np.zeros(len(who), dtype=np.int32)
    for year, pct in rates.items():
        in_year = np.flatnonzero(years == year)
        fulfilled[in_year] = _fulfil(prescribed[in_year], pct / 100, rng)
    persons = pa.array(status_person[who])
    lines = pa.table(
        {
            "iin": iins.take(persons),
            "region_code": person_regions.take(persons),
            "category": pa.array(categories).take(pa.array(cat)),
            "year": years,
            "prescribed": prescribed,
            "fulfilled": fulfilled,
        },
        schema=REHABILITATION_SCHEMAS[PROGRAMME_LINES],
    )
    orders = _orders(
        closing,
        who[years == closing],
        cat[years == closing],
        status_person,
        iins,
        person_regions,
        categories,
        kinds,
        scale_factor,
        rng,
    )
    return {PROGRAMME_LINES: lines, ORDERS: orders}


def _orders(
    year: int,
    who: np.ndarray,
    cat: np.ndarray,
    status_person: np.ndarray,
    iins: pa.Array,
    person_regions: pa.Array,
    categories: list[str],
    kinds: list[str],
    scale_factor: float,
    rng: np.random.Generator,
) -> pa.Table:
    order_kind = np.array([ORDER_KIND.get(k, k) for k in kinds])
    holders, what, states = [], [], []
    for wanted, volume in ORDERS_2023.items():
        received = round(volume * scale_factor)
        disputed = round(received * DISPUTED_SHARE)
        eligible = np.flatnonzero(order_kind[cat] == wanted)
        if len(eligible) == 0 or received == 0:
            continue
        pick = eligible[rng.integers(0, len(eligible), size=received + disputed)]
        holders.append(who[pick])
        what.append(cat[pick])
        states.append(np.array(["confirmed"] * received + ["disputed"] * disputed))
    holder = np.concatenate(holders) if holders else np.zeros(0, dtype=np.int64)
    category = np.concatenate(what) if what else np.zeros(0, dtype=np.int64)
    state = np.concatenate(states) if states else np.zeros(0, dtype=str)
    count = len(holder)
    kind = order_kind[category]
    supplier = np.where(
        kind == "sanatorium_treatment",
        rng.integers(1, SANATORIUMS + 1, size=count),
        np.where(
            kind == "technical_aid",
            rng.integers(SANATORIUMS + 1, SANATORIUMS + AID_SUPPLIERS + 1, size=count),
            rng.integers(
                SANATORIUMS + AID_SUPPLIERS + 1,
                SANATORIUMS + AID_SUPPLIERS + SERVICE_SUPPLIERS + 1,
                size=count,
            ),
        ),
    ).astype(np.int32)
    # Every sanatorium gives at least one of the stays received (seed §118: 104 organisations)
    # when there are as many: the first ones go to each in turn, the rest as drawn.
    stays = np.flatnonzero((kind == "sanatorium_treatment") & (state == "confirmed"))
    supplier[stays[:SANATORIUMS]] = np.arange(1, min(len(stays), SANATORIUMS) + 1)
    first = (dt.date(year, 1, 1) - EPOCH).days
    placed = first + rng.integers(0, 335, size=count)
    confirmed = placed + rng.integers(1, 31, size=count)
    rated = rng.random(count) < 0.6
    stars = rng.choice([1, 2, 3, 4, 5], size=count, p=[0.03, 0.05, 0.12, 0.35, 0.45])
    persons = pa.array(status_person[holder])
    quantity = np.ones(count, dtype=np.int32)
    return pa.table(
        {
            "order_id": np.arange(1, count + 1, dtype=np.int64),
            "iin": iins.take(persons),
            "region_code": person_regions.take(persons),
            "category": pa.array(categories).take(pa.array(category)),
            "kind": pa.array(kind.astype(str)),
            "supplier_id": supplier,
            "quantity": quantity,
            "placed_on": pa.array(placed.astype("datetime64[D]"), type=pa.date32()),
            "confirmed_on": pa.array(
                confirmed.astype("datetime64[D]"), type=pa.date32(), mask=state != "confirmed"
            ),
            "state": pa.array(state.astype(str)),
            "rating": pa.array(
                stars.astype(np.int8), type=pa.int8(), mask=~(rated & (state == "confirmed"))
            ),
        },
        schema=REHABILITATION_SCHEMAS[ORDERS],
    )


def check_year_of_orders(
    rates: dict[int, float], received: dict[str, int], scale_factor: float, *, as_of: dt.date
) -> list[str]:
    """What differs from the seed in a snapshot drawn as of ``as_of``: a year's national rate
    more than 0.5 points off (or a year missing or extra), a kind's received orders not the
    seed's volume at the scale. Empty when the snapshot holds."""
    problems = []
    wanted = implementation_rates(as_of)
    for year in sorted(set(rates) - set(wanted)):
        problems.append(
            f"implementation rate {year}: {rates[year]} %, a year the snapshot does not cover"
        )
    for year, pct in wanted.items():
        got = rates.get(year)
        if got is None or abs(got - pct) > 0.5:
            problems.append(f"implementation rate {year}: {got} %, the seed {pct} %")
    for kind, volume in ORDERS_2023.items():
        want = round(volume * scale_factor)
        if received.get(kind, 0) != want:
            problems.append(f"orders {kind}: {received.get(kind, 0)}, the seed {want}")
    return problems
