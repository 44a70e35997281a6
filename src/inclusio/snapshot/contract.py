"""The snapshot contract: the Parquet files the rules engine screens, their columns and types.

A snapshot has two parts with two producers:

* the **population register's part** (``persons``, ``families``): every person and family of the
  country with their incomes, as the state's integration layer delivers them (the synthetic
  generator is one producer of it);
* the **registry's part** (``disability``, ``care``, ``registry_families``, and optionally
  ``disability_history``): the disability statuses valid on the date, the care and
  representation links, the families of registered persons, and the periods of every status
  held up to the date, exported from the platform's database with the platform's own ids
  (``inclusio snapshot-export``).

``SCHEMAS`` are the columns the rule language can read, in their types. Only the keys
(``KEYS``) are always required: a screening demands the other columns only when one of its rules
reads them (``inclusio.rules.columns``). The persons' life events (``LIFE_EVENTS``: death,
emigration, imprisonment and release) are never demanded: a snapshot made before they joined the
contract validates, and reads as nobody having died, left or been imprisoned. ``PLATFORM_IDS``
are the columns the export adds, which no rule reads. Columns may be added; none is removed or
retyped without raising ``CONTRACT_VERSION``. The contract for those who build the feed is
``docs/snapshot.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

CONTRACT_VERSION = 1
MANIFEST = "manifest.json"

_LIMITATION_FIELDS = [
    pa.field(name, pa.bool_(), nullable=False)
    for name in ("mobility", "vision", "hearing", "speech", "intellectual", "psychosocial")
]

SCHEMAS = {
    "persons": pa.schema(
        [
            pa.field("iin", pa.string(), nullable=False),
            pa.field("family_id", pa.int64(), nullable=False),
            pa.field("family_role", pa.string(), nullable=False),  # head | spouse | child | other
            pa.field("birth_date", pa.date32(), nullable=False),
            pa.field("sex", pa.string(), nullable=False),  # M | F
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("urban", pa.bool_(), nullable=False),
            pa.field("employed", pa.bool_(), nullable=False),
            pa.field("monthly_income_kzt", pa.int64(), nullable=False),
            pa.field("home_schooled", pa.bool_(), nullable=False),
            # State benefits paid to the person in the month, beside the earnings and pensions
            # of monthly_income_kzt (null: none reported). A family means test counts every
            # INCOME_COLUMNS column except those its programme disregards.
            pa.field("disability_benefit_kzt", pa.int64()),
            pa.field("carer_allowance_kzt", pa.int64()),
            # Life events (null: none). Every right ends from the day of death or emigration;
            # imprisonment suspends them from its first day until release (exclusive).
            pa.field("death_date", pa.date32()),
            pa.field("emigration_date", pa.date32()),  # left for permanent residence abroad
            pa.field("imprisonment_date", pa.date32()),  # the latest spell's first day
            pa.field("release_date", pa.date32()),  # null while that spell lasts
        ]
    ),
    "families": pa.schema(
        [
            pa.field("family_id", pa.int64(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("urban", pa.bool_(), nullable=False),
            pa.field("housing", pa.string(), nullable=False),  # own | rent | none
            pa.field("members", pa.int32(), nullable=False),
            pa.field("latitude", pa.float64(), nullable=False),
            pa.field("longitude", pa.float64(), nullable=False),
        ]
    ),
    "disability": pa.schema(
        [
            pa.field("iin", pa.string(), nullable=False),
            pa.field("category", pa.string(), nullable=False),  # I | II | III | child
            pa.field("cause", pa.string(), nullable=False),
            pa.field("since", pa.date32(), nullable=False),
            pa.field("until", pa.date32()),  # null: established indefinitely
            pa.field("work_capacity_loss_pct", pa.int16()),  # null for children
            *_LIMITATION_FIELDS,
        ]
    ),
    "care": pa.schema(
        [
            pa.field("carer_iin", pa.string(), nullable=False),
            pa.field("cared_iin", pa.string(), nullable=False),
            pa.field("relation", pa.string(), nullable=False),  # parent | guardian | other
            pa.field("since", pa.date32(), nullable=False),
        ]
    ),
}

# A person's monthly income, by source, in whole tenge: what a family means test adds up.
INCOME_COLUMNS = ("monthly_income_kzt", "disability_benefit_kzt", "carer_allowance_kzt")

# The columns every screening reads, whatever its rules: the identities and the links between
# the files.
KEYS = {
    "persons": frozenset({"iin", "family_id"}),
    "families": frozenset({"family_id"}),
    "disability": frozenset({"iin"}),
    "care": frozenset({"carer_iin", "cared_iin"}),
}

# The persons' life events, in the order of the contract; optional in every snapshot.
LIFE_EVENTS = ("death_date", "emigration_date", "imprisonment_date", "release_date")
# Columns never demanded, even when a rule reads them: absent, they are read as null.
OPTIONAL = {"persons": frozenset(LIFE_EVENTS)}

POPULATION_PART = ("persons", "families")
REGISTRY_PART = ("disability", "care")
# The registry's families of registered persons: one row per member, under the platform's ids.
REGISTRY_FAMILIES = "registry_families"
REGISTRY_FAMILIES_SCHEMA = pa.schema(
    [
        pa.field("registry_family_id", pa.int64(), nullable=False),
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("iin", pa.string(), nullable=False),
        pa.field("family_role", pa.string(), nullable=False),
    ]
)
# The life events the registry records, per person (on or before the export's date): the
# export writes them into the persons' LIFE_EVENTS when it merges the population's part.
REGISTRY_LIFE_EVENTS = "registry_life_events"
REGISTRY_LIFE_EVENTS_SCHEMA = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("iin", pa.string(), nullable=False),
        *[pa.field(name, pa.date32()) for name in LIFE_EVENTS],
    ]
)
# The rehabilitation part (optional; no rule reads it): each programme line owed in a year and
# how much of it was delivered, and a year of the portal's orders. The synthetic generator
# writes both; the national implementation-rate report (``snapshot.rehabilitation``) reads
# the lines. The rate is the mean, over the lines of a year, of fulfilled ÷ prescribed.
PROGRAMME_LINES = "programme_lines"
ORDERS = "orders"
REHABILITATION_SCHEMAS = {
    PROGRAMME_LINES: pa.schema(
        [
            pa.field("iin", pa.string(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("category", pa.string(), nullable=False),  # the rehabilitation catalogue's
            pa.field("year", pa.int16(), nullable=False),
            pa.field("prescribed", pa.int32(), nullable=False),
            pa.field("fulfilled", pa.int32(), nullable=False),
        ]
    ),
    ORDERS: pa.schema(
        [
            pa.field("order_id", pa.int64(), nullable=False),
            pa.field("iin", pa.string(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("category", pa.string(), nullable=False),
            pa.field("kind", pa.string(), nullable=False),  # the catalogue's kind of the category
            pa.field("supplier_id", pa.int32(), nullable=False),
            pa.field("quantity", pa.int32(), nullable=False),
            pa.field("placed_on", pa.date32(), nullable=False),
            pa.field("confirmed_on", pa.date32()),  # null: not received (disputed)
            pa.field("state", pa.string(), nullable=False),  # confirmed | disputed
            pa.field("rating", pa.int8()),  # 1–5 stars; null: not rated
        ]
    ),
}
# The disability history part (optional; no rule reads it): one row per period during which a
# person held a status, so that figures can be computed "as of" any day the history covers
# (``snapshot.history``). A person is counted on day D by the period with
# valid_from <= D <= valid_to (valid_to null: open); a person's periods do not overlap. A period
# ends the day before the next decision takes effect, on its re-examination date when none
# followed, or the day before a refusal at re-examination. The export writes it from the
# registry's status records; the synthetic generator writes it for 2018 onwards. Additive to
# contract version 1: a snapshot without the file validates, and its tables are computed from
# ``disability`` on its own date only.
DISABILITY_HISTORY = "disability_history"
DISABILITY_HISTORY_SCHEMA = pa.schema(
    [
        pa.field("iin", pa.string(), nullable=False),
        pa.field("category", pa.string(), nullable=False),  # I | II | III | child
        pa.field("cause", pa.string(), nullable=False),
        pa.field("work_capacity_loss_pct", pa.int16()),  # null for children
        pa.field("valid_from", pa.date32(), nullable=False),
        pa.field("valid_to", pa.date32()),  # the last day in force; null: open
        pa.field("reexamination_date", pa.date32()),  # the decision's; null: indefinite
    ]
)
# The manifest's key for the first day the history part answers for (ISO date): the day from
# which it holds every status in force, as its producer vouches (the synthetic generator: the
# first day its history is drawn to; the export: the day from which the registry's status
# records are complete). The earliest period's start is no such day: a history holds only the
# earlier periods of the persons it knows, and would undercount any day before it silently.
# Additive to contract version 1: a snapshot whose manifest lacks it answers for its own date
# only, as one without a history part (docs/snapshot.md).
HISTORY_FROM = "history_from"
# Every column is required of a history file but the decision's re-examination date, which no
# figure reads.
DISABILITY_HISTORY_REQUIRED = frozenset(DISABILITY_HISTORY_SCHEMA.names) - {"reexamination_date"}
# The platform's own ids that the export writes beside the contract's columns (no rule reads
# them): a status's person, a link's two persons, and a population family's registered family
# (null when none of its members is in a registered family).
PLATFORM_IDS = {
    "disability": pa.schema([pa.field("person_id", pa.int64(), nullable=False)]),
    "care": pa.schema(
        [
            pa.field("carer_person_id", pa.int64(), nullable=False),
            pa.field("cared_person_id", pa.int64(), nullable=False),
        ]
    ),
    "families": pa.schema([pa.field("registry_family_id", pa.int64())]),
    DISABILITY_HISTORY: pa.schema([pa.field("person_id", pa.int64(), nullable=False)]),
}


def exported_schema(name: str) -> pa.Schema:
    """A file's schema as the export writes it: the contract's columns, then the platform ids."""
    schema = DISABILITY_HISTORY_SCHEMA if name == DISABILITY_HISTORY else SCHEMAS[name]
    for extra in PLATFORM_IDS.get(name, pa.schema([])):
        schema = schema.append(extra)
    return schema


def parquet_path(directory: Path, name: str) -> Path:
    return directory / f"{name}.parquet"


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{directory} holds no snapshot ({MANIFEST} missing)")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def open_snapshot(directory: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per snapshot file, named like the file."""
    db = duckdb.connect()
    db.execute("SET enable_progress_bar = false")
    for name in SCHEMAS:
        path = str(parquet_path(directory, name)).replace("'", "''")
        # The names are the contract's fixed file names; the path is quoted above.
        db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")  # noqa: S608
    return db


# --- The domains' part (optional; no rule reads it) -------------------------------------------
# Facilities of the accessibility map and their inspections, the housing waiting lists and the
# job quotas, in aggregable, non-identifying columns: no person's IIN, no employer's BIN. A
# snapshot without them validates; the statistics and the CRPD report's figures over them
# (``snapshot.domains``) are then absent. Exported by ``inclusio snapshot-export`` (one step per
# app) and written by the synthetic generator at every scale.
FACILITIES = "facilities"
INSPECTIONS = "inspections"
HOUSING_QUEUE = "housing_queue"
EMPLOYERS = "employers"
SPECIAL_WORKPLACES = "special_workplaces"
SUPPORT_MEASURES = "support_measures"
# The homes of persons with limited mobility in the emergency dispatchers' registry (seed §66).
RESIDENCES = "residences"
# The histories that let the facilities and the persons employed against the quotas be counted
# on an earlier day than the snapshot's (``snapshot.domains``): optional beside their files.
FACILITY_ASSESSMENTS = "facility_assessments"
QUOTA_PLACEMENTS = "quota_placements"
DOMAIN_SCHEMAS = {
    # Every facility on the map on the date, with its adaptation as last assessed by then, and
    # the day it joined the map (``listed_on``, optional: see DOMAIN_OPTIONAL_COLUMNS).
    FACILITIES: pa.schema(
        [
            pa.field("facility_id", pa.int64(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("category", pa.string(), nullable=False),  # the map's categories
            pa.field("owner", pa.string(), nullable=False),  # state | private
            pa.field("is_court", pa.bool_(), nullable=False),
            pa.field("adapted", pa.bool_(), nullable=False),
            pa.field("assessed_on", pa.date32()),  # null: not assessed by the date
            pa.field("listed_on", pa.date32()),  # null: not known (counted on the date only)
        ]
    ),
    # Every assessment of a facility held on or before the date: with ``listed_on`` the
    # facilities and their adaptation on any earlier day.
    FACILITY_ASSESSMENTS: pa.schema(
        [
            pa.field("assessment_id", pa.int64(), nullable=False),  # later recorded, greater
            pa.field("facility_id", pa.int64(), nullable=False),
            pa.field("assessed_on", pa.date32(), nullable=False),
            pa.field("adapted", pa.bool_(), nullable=False),  # every mandatory criterion met
        ]
    ),
    # Every inspection of the state control held on or before the date, and its outcome.
    INSPECTIONS: pa.schema(
        [
            pa.field("inspection_id", pa.int64(), nullable=False),
            pa.field("facility_id", pa.int64(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("kind", pa.string(), nullable=False),  # planned | unplanned
            pa.field("inspected_on", pa.date32(), nullable=False),
            pa.field("prescriptions", pa.int32(), nullable=False),  # issued after it
            pa.field("fines_kzt", pa.int64(), nullable=False),  # imposed after it, tenge
        ]
    ),
    # Every registration on a housing waiting list made on or before the date: waiting on a day
    # when registered by then and neither housed nor removed by then.
    HOUSING_QUEUE: pa.schema(
        [
            pa.field("registration_id", pa.int64(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("category", pa.string(), nullable=False),  # the country's housing.json codes
            pa.field("registered_on", pa.date32(), nullable=False),
            pa.field("housed_on", pa.date32()),  # null: not housed by the date
            pa.field("removed_on", pa.date32()),  # null: not removed by the date
        ]
    ),
    # Every employer under the job quota, its quota in the date's month and the persons with
    # disabilities it employs against it on the date.
    EMPLOYERS: pa.schema(
        [
            pa.field("employer_id", pa.int64(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("headcount", pa.int32(), nullable=False),
            pa.field("hazardous_jobs", pa.int32(), nullable=False),
            pa.field("quota_places", pa.int32(), nullable=False),
            pa.field("quota_employed", pa.int32(), nullable=False),
        ]
    ),
    # Every placement of a person with a disability against an employer's quota begun on or
    # before the date: the persons employed against the quotas on any earlier day.
    QUOTA_PLACEMENTS: pa.schema(
        [
            pa.field("employer_id", pa.int64(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),  # the employer's region
            pa.field("started", pa.date32(), nullable=False),
            pa.field("ended", pa.date32()),  # the last day worked; null: not ended by the date
        ]
    ),
    # Every special workplace whose subsidy began on or before the date.
    SPECIAL_WORKPLACES: pa.schema(
        [
            pa.field("workplace_id", pa.int64(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("first_month", pa.date32(), nullable=False),  # the first subsidised month
        ]
    ),
    # Every person covered by an employment support measure started on or before the date (one
    # row per person and measure; the person's region).
    SUPPORT_MEASURES: pa.schema(
        [
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("kind", pa.string(), nullable=False),  # permanent_job | youth_practice | …
            pa.field("started", pa.date32(), nullable=False),
        ]
    ),
    # Every home of a person with limited mobility that the dispatchers' registry held on or
    # before the date: its region and when it was recorded and withdrawn. No address, no person.
    RESIDENCES: pa.schema(
        [
            pa.field("residence_id", pa.int64(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("recorded_on", pa.date32(), nullable=False),
            pa.field("withdrawn_on", pa.date32()),  # null: still kept on the date
        ]
    ),
}
# Columns of the domains' files that a snapshot may lack (they joined the contract later): a file
# without them validates, and the figures they date are then known on the snapshot's day only.
DOMAIN_OPTIONAL_COLUMNS = {FACILITIES: frozenset({"listed_on"})}
