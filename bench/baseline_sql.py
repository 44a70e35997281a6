"""The hand-written baseline: the Kazakhstan programmes and the well-being level in DuckDB SQL.

The benchmark runs this beside the compiled rules and prints the ratio of their times. It does
the same work — every programme over every person and family of the snapshot, the subjects
eligible to at least one programme kept with all their rows and reasons, the families of those
subjects scored — and writes the same two files, so that the benchmark can also check that both
agree row for row. Only the date is fixed: 2024-01-01, with the parameter values in force that
day written in as literals (subsistence minimum 43,407; the carer coefficient 1.61…), as someone
writing one query by hand would. The parameters column is the one thing not computed here: it is
a constant per programme, taken from ``parameters_used``.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from inclusio.rules.loader import Programme
from inclusio.rules.screen import ASSESSMENTS, RESULTS, parameters_used
from inclusio.snapshot.contract import parquet_path

DATE = datetime.date(2024, 1, 1)
ADULT_BORN_BY = "DATE '2006-01-01'"  # age 18 or more on 2024-01-01
SCHOOL_AGE_BORN_BY = "DATE '2018-01-01'"  # age 6 or more on 2024-01-01
SUBSISTENCE_MINIMUM = 43407
POVERTY_LINE = "30384.9"  # targeted social assistance: 0.70 x the subsistence minimum
VALID = (
    "coalesce(d.since <= DATE '2024-01-01' "
    "AND (d.until IS NULL OR d.until >= DATE '2024-01-01'), false)"
)

PERSONS_SQL = f"""
CREATE TEMP TABLE kept_person AS
WITH base AS (
    SELECT p.iin, p.family_id, p.birth_date, p.employed, p.home_schooled,
           d.category, {VALID} AS valid, {{life}}
    FROM read_parquet($persons) p LEFT JOIN read_parquet($disability) d USING (iin)
),
links AS (  -- care links to a person with a disability record
    SELECT c.carer_iin, c.cared_iin, c.relation, c.since AS care_since,
           d.category, p.birth_date, {VALID} AS valid
    FROM read_parquet($care) c
    JOIN read_parquet($disability) d ON d.iin = c.cared_iin
    JOIN read_parquet($persons) p ON p.iin = c.cared_iin
),
child_carer AS (  -- each child counts once, for its earliest parent or guardian
    SELECT carer_iin, count(DISTINCT cared_iin) AS n FROM (
        SELECT carer_iin, cared_iin, row_number() OVER (
            PARTITION BY cared_iin ORDER BY care_since, carer_iin) AS rank
        FROM links
        WHERE relation IN ('parent', 'guardian') AND birth_date > {ADULT_BORN_BY} AND valid
    ) WHERE rank = 1 GROUP BY carer_iin
),
group1_carer AS (  -- from 2021-10-01 any cause counts
    SELECT carer_iin, count(DISTINCT cared_iin) AS n FROM links
    WHERE birth_date <= {ADULT_BORN_BY} AND category = 'I' AND valid GROUP BY carer_iin
),
insured_carer AS (
    SELECT carer_iin, count(DISTINCT cared_iin) AS n FROM links
    WHERE valid AND (category = 'I' OR birth_date > {ADULT_BORN_BY}) GROUP BY carer_iin
),
flags AS (
    SELECT b.iin, b.family_id, b.valid, b.employed, b.home_schooled,
        b.not_deceased, b.not_emigrated, b.not_imprisoned,
        b.not_deceased AND b.not_emigrated AND b.not_imprisoned AS present,
        coalesce(b.category IN ('I', 'II', 'III'), false) AS has_group,
        coalesce(b.category IN ('I', 'II'), false) AS group_1_or_2,
        coalesce(b.category IN ('I', 'II', 'III', 'child'), false) AS has_disability,
        coalesce(b.category = 'child', false) AS child_category,
        b.birth_date > {ADULT_BORN_BY} AS under_18,
        b.category,
        coalesce(cc.n, 0) AS children_cared, coalesce(g1.n, 0) AS group1_cared,
        coalesce(ic.n, 0) AS insured_cared
    FROM base b
    LEFT JOIN child_carer cc ON cc.carer_iin = b.iin
    LEFT JOIN group1_carer g1 ON g1.carer_iin = b.iin
    LEFT JOIN insured_carer ic ON ic.carer_iin = b.iin
),
wide AS (
    SELECT *,
        children_cared >= 1 AS raises_child,
        valid AND (group_1_or_2 OR (child_category AND under_18)) AS culture_free,
        valid AND coalesce(category = 'III', false) AS culture_half,
        group1_cared >= 1 AS cares_group_1,
        child_category AND valid AND under_18 AND home_schooled AS home_education,
        NOT employed AS not_employed,
        insured_cared >= 1 AS cares_insured
    FROM flags
)
SELECT * FROM wide
WHERE (has_group AND valid) OR raises_child OR culture_free OR culture_half
   OR (group_1_or_2 AND valid) OR cares_group_1 OR home_education
   OR (has_disability AND valid) OR (not_employed AND cares_insured)
"""

FAMILIES_SQL = f"""
CREATE TEMP TABLE kept_family AS
WITH base AS (
    SELECT p.family_id, p.birth_date, p.employed, p.home_schooled, p.monthly_income_kzt,
           d.category, {VALID} AS valid
    FROM read_parquet($persons) p LEFT JOIN read_parquet($disability) d USING (iin)
),
per_family AS (
    SELECT family_id,
        count(*) FILTER (WHERE valid AND (coalesce(category IN ('I', 'II'), false)
                                          OR birth_date > {ADULT_BORN_BY})) AS housing_members,
        sum(monthly_income_kzt) AS income_total,
        count(*) AS persons,
        count(*) FILTER (WHERE birth_date <= {ADULT_BORN_BY}) AS adults,
        count(*) FILTER (WHERE birth_date <= {ADULT_BORN_BY} AND employed) AS employed_adults,
        count(*) FILTER (WHERE birth_date > {ADULT_BORN_BY}) AS children,
        count(*) FILTER (WHERE valid) AS with_disability,
        count(*) FILTER (WHERE valid AND (coalesce(category = 'I', false)
                                          OR birth_date > {ADULT_BORN_BY})) AS group1_or_child,
        count(*) FILTER (WHERE valid AND home_schooled AND birth_date <= {SCHOOL_AGE_BORN_BY}
                               AND birth_date > {ADULT_BORN_BY}) AS home_schooled
    FROM base GROUP BY family_id
),
families AS (
    SELECT f.family_id, f.housing, CAST(f.members AS BIGINT) AS members,
        coalesce(housing_members, 0) AS housing_members,
        coalesce(income_total, 0) AS income_total, coalesce(persons, 0) AS persons,
        coalesce(adults, 0) AS adults,
        coalesce(employed_adults, 0) AS employed_adults, coalesce(children, 0) AS children,
        coalesce(with_disability, 0) AS with_disability,
        coalesce(group1_or_child, 0) AS group1_or_child,
        coalesce(home_schooled, 0) AS home_schooled
    FROM read_parquet($families) f LEFT JOIN per_family USING (family_id)
),
scored AS (
    SELECT family_id, housing_members, income_total, persons,
        housing_members >= 1 AS housing_priority,
        -- Targeted social assistance: income per member (earnings and pensions: the benefits
        -- paid are disregarded) under the poverty line, paid the difference for every member.
        coalesce(persons > 0 AND income_total < {POVERTY_LINE} * persons, false) AS poor,
        round({POVERTY_LINE} * persons - income_total) AS poor_amount,
        income_total < {SUBSISTENCE_MINIMUM} * members AS income_below_subsistence,
        income_total * 2 < {SUBSISTENCE_MINIMUM} * members AS income_below_half_subsistence,
        employed_adults = 0 AS no_employed_adult,
        adults = 1 AND children >= 1 AS single_adult_with_children,
        children >= 4 AS large_family,
        housing = 'none' AS no_housing,
        housing = 'rent' AS renting,
        group1_or_child >= 1 AS group_1_or_child_with_disability,
        with_disability >= 2 AS several_members_with_disability,
        home_schooled >= 1 AS child_with_disability_home_schooled
    FROM families
)
SELECT *,
    20 * income_below_subsistence::BIGINT + 15 * income_below_half_subsistence::BIGINT
    + 15 * no_employed_adult::BIGINT + 10 * single_adult_with_children::BIGINT
    + 5 * large_family::BIGINT + 20 * no_housing::BIGINT + 5 * renting::BIGINT
    + 10 * group_1_or_child_with_disability::BIGINT
    + 10 * several_members_with_disability::BIGINT
    + 5 * child_with_disability_home_schooled::BIGINT AS score
FROM scored
WHERE housing_priority OR poor OR family_id IN (SELECT family_id FROM kept_person)
"""

INDICATORS = (
    "income_below_subsistence",
    "income_below_half_subsistence",
    "no_employed_adult",
    "single_adult_with_children",
    "large_family",
    "no_housing",
    "renting",
    "group_1_or_child_with_disability",
    "several_members_with_disability",
    "child_with_disability_home_schooled",
)


# The life events' conditions every person programme carries (rules/life.py), read from the
# snapshot's optional columns (a snapshot without them records no event).
LIFE_COLUMNS = ("death_date", "emigration_date", "imprisonment_date", "release_date")


def _life_sql(columns: set[str]) -> str:
    day = f"DATE '{DATE}'"
    date = {
        name: (f"p.{name}" if name in columns else "CAST(NULL AS DATE)") for name in LIFE_COLUMNS
    }
    released = f"coalesce({date['release_date']} <= {day}, false)"
    return (
        f"NOT coalesce({date['death_date']} <= {day}, false) AS not_deceased, "
        f"NOT coalesce({date['emigration_date']} <= {day}, false) AS not_emigrated, "
        f"NOT (coalesce({date['imprisonment_date']} <= {day}, false) AND NOT {released}) "
        "AS not_imprisoned"
    )


LIFE_REASONS = (
    ("not_deceased", "not_deceased"),
    ("not_emigrated", "not_emigrated"),
    ("not_imprisoned", "not_imprisoned"),
)


def _reasons(*pairs: tuple[str, str]) -> str:
    return (
        "[" + ", ".join(f"{{'condition': '{name}', 'met': {value}}}" for name, value in pairs) + "]"
    )


def _inputs(name: str | None = None, value: str = "") -> str:
    """The subject's own values the explanation shows (``results.inputs``): one, or none."""
    if name is None:
        return "CAST([] AS STRUCT(name VARCHAR, value VARCHAR)[])"
    return f"[{{'name': '{name}', 'value': CAST({value} AS VARCHAR)}}]"


def _results_sql(parameters: dict[str, str]) -> str:
    inputs = {
        "child_disability_carer_benefit": _inputs("cared_count", "children_cared"),
        "disability_benefit": _inputs("category", "category"),
        "group1_carer_allowance": _inputs("cared_count", "group1_cared"),
        "state_health_insurance_contribution": _inputs("cared_count", "insured_cared"),
    }

    def person(
        programme: str, eligible: str, amount: str, *reasons: tuple[str, str], rate: str = "NULL"
    ) -> str:
        return (
            f"SELECT iin AS subject_id, 'person' AS subject_kind, '{programme}' AS programme, "
            f"({eligible}) AND present AS eligible, "
            f"CAST(CASE WHEN present THEN {amount} END AS BIGINT) AS amount_kzt, "
            f"{_reasons(*reasons, *LIFE_REASONS)} AS reasons, "
            f"{parameters[programme]} AS parameters, "
            f"{inputs.get(programme, _inputs())} AS inputs, "
            f"CAST(CASE WHEN ({eligible}) AND present THEN {rate} END AS DECIMAL(5, 4)) AS rate "
            "FROM kept_person"
        )

    sm = SUBSISTENCE_MINIMUM
    parts = [
        person(
            "child_disability_carer_benefit",
            "raises_child",
            f"CASE WHEN raises_child THEN round(children_cared * 1.61 * {sm}) END",
            ("raises_a_child_with_disability", "raises_child"),
        ),
        person(
            "disability_benefit",
            "has_group AND valid",
            f"CASE WHEN has_group AND valid THEN round(CASE category WHEN 'I' THEN 1.40 "
            f"WHEN 'II' THEN 1.16 ELSE 0.88 END * {sm}) END",
            ("has_group", "has_group"),
            ("valid_on_date", "valid"),
        ),
        person(
            "free_cultural_services",
            "culture_free OR culture_half",
            "NULL",
            ("valid_on_date", "valid"),
            ("free_of_charge", "culture_free"),
            ("half_price", "culture_half"),
            rate="CASE WHEN culture_free THEN 1 ELSE 0.5 END",
        ),
        person(
            "free_legal_aid",
            "group_1_or_2 AND valid",
            "NULL",
            ("group_1_or_2", "group_1_or_2"),
            ("valid_on_date", "valid"),
        ),
        person(
            "group1_carer_allowance",
            "cares_group_1",
            "CASE WHEN cares_group_1 THEN 40000 END",
            ("cares_for_group_1", "cares_group_1"),
        ),
        person(
            "home_education_reimbursement",
            "home_education",
            "CASE WHEN home_education THEN 7971 END",
            ("child_with_disability", "child_category"),
            ("valid_on_date", "valid"),
            ("under_18", "under_18"),
            ("educated_at_home", "home_schooled"),
        ),
        person(
            "state_health_insurance_contribution",
            "(has_disability AND valid) OR (not_employed AND cares_insured)",
            "NULL",
            ("has_disability", "has_disability"),
            ("valid_on_date", "valid"),
            ("not_employed", "not_employed"),
            ("cares_for_group_1_or_child", "cares_insured"),
        ),
        "SELECT CAST(family_id AS VARCHAR), 'family', 'housing_priority', housing_priority, "
        f"CAST(NULL AS BIGINT), {_reasons(('member_with_disability', 'housing_priority'))}, "
        f"{parameters['housing_priority']}, {_inputs('member_count', 'housing_members')}, "
        "CAST(NULL AS DECIMAL(5, 4)) FROM kept_family WHERE housing_priority OR poor",
        "SELECT CAST(family_id AS VARCHAR), 'family', 'targeted_social_assistance', poor, "
        "CAST(CASE WHEN poor THEN poor_amount END AS BIGINT), "
        f"{_reasons(('below_poverty_line', 'poor'))}, "
        f"{parameters['targeted_social_assistance']}, "
        "[{'name': 'family_income', 'value': CAST(income_total AS VARCHAR)}, "
        "{'name': 'member_count', 'value': CAST(persons AS VARCHAR)}], "
        "CAST(NULL AS DECIMAL(5, 4)) FROM kept_family WHERE housing_priority OR poor",
    ]
    return " UNION ALL ".join(parts) + " ORDER BY subject_kind, subject_id, programme"


ASSESSMENTS_SQL = (
    "SELECT CAST(family_id AS VARCHAR) AS family_id, 'family_wellbeing' AS assessment, "
    "CASE WHEN score >= 60 THEN 'crisis' WHEN score >= 40 THEN 'emergency' "
    "WHEN score >= 20 THEN 'unsatisfactory' WHEN score >= 10 THEN 'satisfactory' "
    "ELSE 'stable' END AS level, score, "
    "list_filter(["
    + ", ".join(f"CASE WHEN {name} THEN '{name}' END" for name in INDICATORS)
    + "], lambda name: name IS NOT NULL) AS indicators FROM kept_family ORDER BY family_id"
)


def baseline(snapshot: Path, programmes: list[Programme], out: Path) -> None:
    """Write ``out/results.parquet`` and ``out/assessments.parquet`` by hand-written SQL."""
    db = duckdb.connect()
    db.execute("SET enable_progress_bar = false")
    files = {
        name: str(parquet_path(snapshot, name))
        for name in ("persons", "disability", "care", "families")
    }
    parameters = {
        p.id: "'"
        + json.dumps(parameters_used(p, DATE), ensure_ascii=False, sort_keys=True).replace(
            "'", "''"
        )
        + "'"
        for p in programmes
    }
    persons_columns = set(pq.read_schema(files["persons"]).names)
    db.execute(
        PERSONS_SQL.replace("{life}", _life_sql(persons_columns)),
        {k: v for k, v in files.items() if k != "families"},
    )
    db.execute(FAMILIES_SQL, {k: v for k, v in files.items() if k != "care"})
    out.mkdir(parents=True, exist_ok=True)
    db.execute(f"COPY ({_results_sql(parameters)}) TO '{out / RESULTS}' (COMPRESSION zstd)")
    db.execute(f"COPY ({ASSESSMENTS_SQL}) TO '{out / ASSESSMENTS}' (COMPRESSION zstd)")
