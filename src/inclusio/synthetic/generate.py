"""Generate a synthetic national population and write it as a Parquet snapshot.

The whole population is drawn with vectorised numpy (no loop over persons): families and their
members (population.py), IINs (iin.py), persons with disabilities, their statuses and carers
(disability.py), employment and income (economy.py), deaths, emigration and imprisonment after
the reference date (life.py). One seed fixes everything: each stage
draws from its own stream spawned from the seed, so the output is the same on every run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inclusio import countries
from inclusio.snapshot.contract import (
    CONTRACT_VERSION,
    DISABILITY_HISTORY,
    DISABILITY_HISTORY_SCHEMA,
    HISTORY_FROM,
    MANIFEST,
    SCHEMAS,
    parquet_path,
)
from inclusio.synthetic import disability, domains, economy, history, life, orders, population
from inclusio.synthetic.figures import REFERENCE_DATE, quotas
from inclusio.synthetic.iin import make_iins

# The generator's own version, in the manifest beside the contract's: raised when the same scale
# and seed would draw a different population.
# 2: life events; 3: programme lines and a year of orders; 4: the disability history and the
# domains' part; 5: the domains' histories (facilities' assessments and listing, quota placements)
# 6: the dispatchers' registry of homes (residences); 7: drawn as of a later day, the programme
# lines and orders reach the year before it (synthetic/orders.closing_year)
GENERATOR_VERSION = 7
SCALES = {"demo": 0.001, "region": 0.1, "national": 1.0}
STEPS = (
    "families",
    "members",
    "iins",
    "disabilities",
    "history",
    "incomes",
    "life",
    "programmes",
    "domains",
    "write",
)
ROW_GROUP_SIZE = 1 << 20

StepCallback = Callable[[str], None]


def _no_progress(step: str) -> None:
    """Progress callback that reports nothing."""


def generate(
    scale: str,
    seed: int,
    out: Path,
    *,
    country: str = "kz",
    as_of: dt.date = REFERENCE_DATE,
    on_step: StepCallback = _no_progress,
) -> dict[str, Any]:
    """Write the snapshot for this scale and seed into ``out``; return its manifest.

    The country is drawn as it stands on ``as_of``: the figures' ages, statuses in force and
    re-examinations ahead are those of that day, so a demo generated today is current today.
    The figures are those of the reference date; another day shifts the calendar, not them.
    """
    target = quotas(SCALES[scale])
    regions = countries.regions(country)
    # A stream per stage; one added later is spawned last, so the earlier stages draw as before.
    (
        families_rng,
        members_rng,
        iin_rng,
        disability_rng,
        income_rng,
        life_rng,
        programme_rng,
        history_rng,
    ) = (np.random.default_rng(stream) for stream in np.random.SeedSequence(seed).spawn(8))

    on_step("families")
    families = population.draw_families(target.persons, families_rng)
    population.place_families(families, regions, families_rng)
    on_step("members")
    persons = population.draw_members(families, members_rng, as_of)
    on_step("iins")
    iins = make_iins(persons.birth_days, persons.female, iin_rng)
    on_step("disabilities")
    pwd, raised_by_guardian = disability.select_persons_with_disabilities(
        families, persons, target, disability_rng
    )
    statuses = disability.describe_statuses(persons, pwd, target, disability_rng, as_of)
    care = disability.link_carers(
        families, persons, statuses, raised_by_guardian, disability_rng, as_of
    )
    on_step("history")
    periods = history.draw_history(persons, statuses, history_rng, scale=SCALES[scale], as_of=as_of)
    on_step("incomes")
    employed, income = economy.draw_incomes(families, persons, statuses, income_rng)
    benefits = economy.benefits_paid(persons, statuses, care)
    on_step("life")
    with_disability = np.zeros(len(persons), dtype=bool)
    with_disability[statuses.person] = True
    events = life.draw_life_events(persons.age, with_disability, life_rng, as_of=as_of)

    region_codes = pa.array([r["code"] for r in regions])
    on_step("programmes")
    rehabilitation = orders.rehabilitation_tables(
        status_person=statuses.person,
        status_since=statuses.since,
        iins=iins,
        person_regions=region_codes.take(pa.array(families.region[persons.family])),
        scale_factor=SCALES[scale],
        rng=programme_rng,
        as_of=as_of,
    )

    on_step("domains")
    domain_tables = domains.domain_tables(SCALES[scale], seed, as_of, country=country)

    on_step("write")
    tables = {
        "families": _families_table(families, region_codes),
        "persons": _persons_table(
            persons, families, iins, region_codes, employed, income, statuses, benefits, events
        ),
        "disability": _disability_table(statuses, iins),
        "care": _care_table(care, iins),
        DISABILITY_HISTORY: _history_table(periods, iins),
        **rehabilitation,
        **domain_tables,
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        _write(table, parquet_path(out, name))
    manifest = {
        "contract_version": CONTRACT_VERSION,
        "generator_version": GENERATOR_VERSION,
        "country": country,
        "scale": scale,
        "scale_factor": SCALES[scale],
        "seed": seed,
        "reference_date": as_of.isoformat(),
        HISTORY_FROM: history.history_from(as_of).isoformat(),
        "rows": {name: table.num_rows for name, table in tables.items()},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _labels(values: tuple[str, ...] | pa.Array, indices: np.ndarray) -> pa.Array:
    dictionary = values if isinstance(values, pa.Array) else pa.array(values)
    return pc.take(dictionary, pa.array(indices))


def _dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.date32(), mask=null)


def _families_table(families: population.Families, region_codes: pa.Array) -> pa.Table:
    return pa.table(
        {
            "family_id": np.arange(1, len(families) + 1, dtype=np.int64),
            "region_code": _labels(region_codes, families.region),
            "urban": families.urban,
            "housing": _labels(population.HOUSING, families.housing),
            "members": families.members.astype(np.int32),
            "latitude": families.latitude,
            "longitude": families.longitude,
        },
        schema=SCHEMAS["families"],
    )


def _persons_table(
    persons: population.Persons,
    families: population.Families,
    iins: pa.Array,
    region_codes: pa.Array,
    employed: np.ndarray,
    income: np.ndarray,
    statuses: disability.Disabilities,
    benefits: tuple[np.ndarray, np.ndarray],
    events: life.LifeEvents,
) -> pa.Table:
    home_schooled = np.zeros(len(persons), dtype=bool)
    home_schooled[statuses.person[statuses.home_schooled]] = True
    return pa.table(
        {
            "iin": iins,
            "family_id": persons.family.astype(np.int64) + 1,
            "family_role": _labels(population.ROLES, persons.role),
            "birth_date": _dates(persons.birth_days),
            "sex": _labels(("M", "F"), persons.female.view(np.int8)),
            "region_code": _labels(region_codes, families.region[persons.family]),
            "urban": families.urban[persons.family],
            "employed": employed,
            "monthly_income_kzt": income,
            "home_schooled": home_schooled,
            "disability_benefit_kzt": benefits[0],
            "carer_allowance_kzt": benefits[1],
            "death_date": _dates(events.death, null=events.no_death),
            "emigration_date": _dates(events.emigration, null=events.no_emigration),
            "imprisonment_date": _dates(events.imprisonment, null=events.no_imprisonment),
            "release_date": _dates(events.release, null=events.no_release),
        },
        schema=SCHEMAS["persons"],
    )


def _disability_table(statuses: disability.Disabilities, iins: pa.Array) -> pa.Table:
    is_child = statuses.category == disability.CHILD_CATEGORY
    columns: dict[str, Any] = {
        "iin": iins.take(pa.array(statuses.person)),
        "category": _labels(disability.CATEGORIES, statuses.category),
        "cause": _labels(disability.CAUSES, statuses.cause),
        "since": _dates(statuses.since),
        "until": _dates(statuses.until, null=statuses.indefinite),
        "work_capacity_loss_pct": pa.array(statuses.loss_pct, type=pa.int16(), mask=is_child),
    }
    for column, name in enumerate(disability.LIMITATIONS):
        columns[name] = np.ascontiguousarray(statuses.limitations[:, column])
    return pa.table(columns, schema=SCHEMAS["disability"])


def _history_table(periods: history.History, iins: pa.Array) -> pa.Table:
    is_child = periods.category == disability.CHILD_CATEGORY
    return pa.table(
        {
            "iin": iins.take(pa.array(periods.person)),
            "category": _labels(disability.CATEGORIES, periods.category),
            "cause": _labels(disability.CAUSES, periods.cause),
            "work_capacity_loss_pct": pa.array(periods.loss_pct, type=pa.int16(), mask=is_child),
            "valid_from": _dates(periods.valid_from),
            "valid_to": _dates(periods.valid_to, null=periods.open),
            "reexamination_date": _dates(periods.reexamination, null=periods.indefinite),
        },
        schema=DISABILITY_HISTORY_SCHEMA,
    )


def _care_table(care: disability.CareLinks, iins: pa.Array) -> pa.Table:
    return pa.table(
        {
            "carer_iin": iins.take(pa.array(care.carer)),
            "cared_iin": iins.take(pa.array(care.cared)),
            "relation": _labels(disability.RELATIONS, care.relation),
            "since": _dates(care.since),
        },
        schema=SCHEMAS["care"],
    )


def _write(table: pa.Table, path: Path) -> None:
    # The IIN columns are unique, so a dictionary would only cost time; the rest repeat a lot.
    dictionary_columns = [
        field.name
        for field in table.schema
        if field.type == pa.string() and not field.name.endswith("iin")
    ]
    pq.write_table(
        table,
        path,
        compression="zstd",
        use_dictionary=dictionary_columns,
        row_group_size=ROW_GROUP_SIZE,
    )
