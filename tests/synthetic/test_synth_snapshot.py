"""The demo snapshot honours the contract: files, columns and types, valid identifiers, family
structure, locations, determinism, and the national figures scaled down."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inclusio import countries
from inclusio.core.identifiers import parse_iin
from inclusio.synthetic.checks import check_snapshot
from inclusio.synthetic.generate import generate
from inclusio.synthetic.iin import validate_iins

FILES = ("persons", "families", "disability", "care")
LIMITATIONS = ("mobility", "vision", "hearing", "speech", "intellectual", "psychosocial")
# The contract, spelled out here rather than read from the code so that a change to it fails.
CONTRACT = {
    "persons": {
        "iin": pa.string(),
        "family_id": pa.int64(),
        "family_role": pa.string(),
        "birth_date": pa.date32(),
        "sex": pa.string(),
        "region_code": pa.string(),
        "urban": pa.bool_(),
        "employed": pa.bool_(),
        "monthly_income_kzt": pa.int64(),
        "home_schooled": pa.bool_(),
        "disability_benefit_kzt": pa.int64(),
        "carer_allowance_kzt": pa.int64(),
        "death_date": pa.date32(),
        "emigration_date": pa.date32(),
        "imprisonment_date": pa.date32(),
        "release_date": pa.date32(),
    },
    "disability": {
        "iin": pa.string(),
        "category": pa.string(),
        "cause": pa.string(),
        "since": pa.date32(),
        "until": pa.date32(),
        "work_capacity_loss_pct": pa.int16(),
        **dict.fromkeys(LIMITATIONS, pa.bool_()),
    },
    "care": {
        "carer_iin": pa.string(),
        "cared_iin": pa.string(),
        "relation": pa.string(),
        "since": pa.date32(),
    },
    "families": {
        "family_id": pa.int64(),
        "region_code": pa.string(),
        "urban": pa.bool_(),
        "housing": pa.string(),
        "members": pa.int32(),
        "latitude": pa.float64(),
        "longitude": pa.float64(),
    },
}
REFERENCE = dt.date(2024, 1, 1)


def read(snapshot: Path, name: str) -> pa.Table:
    return pq.read_table(snapshot / f"{name}.parquet")


def ages(birth_dates: pa.ChunkedArray) -> np.ndarray:
    born = birth_dates.to_numpy().astype("datetime64[D]")
    year = born.astype("datetime64[Y]").astype(int) + 1970
    on_new_year = born == born.astype("datetime64[Y]").astype("datetime64[D]")
    return REFERENCE.year - year - ~on_new_year


def test_files_columns_and_types_follow_the_contract(demo_snapshot: Path) -> None:
    manifest = json.loads((demo_snapshot / "manifest.json").read_text())
    assert manifest["scale"] == "demo"
    assert isinstance(manifest["seed"], int)
    assert manifest["reference_date"] == "2024-01-01"
    assert manifest["generator_version"] >= 1
    for name in FILES:
        schema = pq.read_schema(demo_snapshot / f"{name}.parquet")
        assert {field.name: field.type for field in schema} == CONTRACT[name], name
        assert (
            pq.read_metadata(demo_snapshot / f"{name}.parquet").num_rows == manifest["rows"][name]
        )
    assert manifest["rows"]["persons"] == 20_000


def test_categorical_columns_hold_only_their_values(demo_snapshot: Path) -> None:
    persons, disability = read(demo_snapshot, "persons"), read(demo_snapshot, "disability")
    families, care = read(demo_snapshot, "families"), read(demo_snapshot, "care")
    allowed = [
        (persons["family_role"], {"head", "spouse", "child", "other"}),
        (persons["sex"], {"M", "F"}),
        (disability["category"], {"I", "II", "III", "child"}),
        (
            disability["cause"],
            {
                "general_disease",
                "from_childhood",
                "work_injury",
                "occupational_disease",
                "military",
                "other",
            },
        ),
        (care["relation"], {"parent", "guardian", "other"}),
        (families["housing"], {"own", "rent", "none"}),
        (persons["region_code"], {r["code"] for r in countries.regions("kz")}),
    ]
    for column, values in allowed:
        assert set(pc.unique(column).to_pylist()) <= values


def test_iins_are_valid_unique_and_match_birth_date_and_sex(demo_snapshot: Path) -> None:
    persons = read(demo_snapshot, "persons")
    iins = persons["iin"].combine_chunks()
    assert validate_iins(iins).all()
    assert pc.count_distinct(iins).as_py() == len(iins)

    # Vectorised: digits 1-6 are the birth date, digit 7 the century and sex.
    assert pc.all(
        pc.equal(pc.utf8_slice_codeunits(iins, 0, 6), pc.strftime(persons["birth_date"], "%y%m%d"))
    ).as_py()
    century = pc.divide(pc.year(persons["birth_date"]), 100).to_numpy()
    female = pc.equal(persons["sex"], "F").to_numpy()
    expected_digit = np.where(century == 19, 3, 5) + female
    seventh = pc.cast(pc.utf8_slice_codeunits(iins, 6, 7), pa.int64()).to_numpy()
    assert (seventh == expected_digit).all()

    # And the reference implementation agrees on a sample.
    sample = persons.take(np.random.default_rng(0).choice(len(persons), 300, replace=False))
    for row in sample.to_pylist():
        parsed = parse_iin(row["iin"])
        assert (parsed.birth_date, parsed.sex) == (row["birth_date"], row["sex"])


def test_families_hold_their_members_in_one_place(demo_snapshot: Path) -> None:
    persons, families = read(demo_snapshot, "persons"), read(demo_snapshot, "families")
    family_id = persons["family_id"].to_numpy()
    members = np.bincount(family_id, minlength=len(families) + 1)[1:]
    assert (members == families["members"].to_numpy()).all()
    heads = np.bincount(
        family_id[pc.equal(persons["family_role"], "head").to_numpy()], minlength=len(families) + 1
    )[1:]
    assert (heads == 1).all()
    index = family_id - 1
    assert (families["family_id"].to_numpy() == np.arange(1, len(families) + 1)).all()
    assert (persons["urban"].to_numpy() == families["urban"].to_numpy()[index]).all()
    assert (
        pc.equal(persons["region_code"], families["region_code"].take(pa.array(index)))
        .to_numpy(zero_copy_only=False)
        .all()
    )


def test_families_live_inside_their_region_box(demo_snapshot: Path) -> None:
    families = read(demo_snapshot, "families")
    boxes = {r["code"]: r["bbox"] for r in countries.regions("kz")}
    box = np.array([boxes[code] for code in families["region_code"].to_pylist()])
    latitude, longitude = families["latitude"].to_numpy(), families["longitude"].to_numpy()
    assert ((box[:, 0] <= latitude) & (latitude <= box[:, 2])).all()
    assert ((box[:, 1] <= longitude) & (longitude <= box[:, 3])).all()
    cities = {r["code"] for r in countries.regions("kz") if r["is_city"]}
    in_city = np.isin(families["region_code"].to_numpy(zero_copy_only=False), list(cities))
    assert families["urban"].to_numpy()[in_city].all()


def test_statuses_and_care_links_are_consistent(demo_snapshot: Path) -> None:
    persons = read(demo_snapshot, "persons")
    disability = read(demo_snapshot, "disability").join(persons, "iin")
    care = read(demo_snapshot, "care")
    age = ages(disability["birth_date"])
    child = pc.equal(disability["category"], "child").to_numpy()
    assert (child == (age < 18)).all()
    loss = disability["work_capacity_loss_pct"]
    assert (loss.is_null().to_numpy(zero_copy_only=False) == child).all()
    assert pc.all(pc.less_equal(pc.drop_null(loss), 100)).as_py()

    since, until = disability["since"], disability["until"]
    assert pc.all(pc.less(since, pa.scalar(REFERENCE))).as_py()
    assert pc.all(
        pc.greater_equal(pc.drop_null(pc.subtract(until, since)), pa.scalar(dt.timedelta(0)))
    ).as_py()
    indefinite = until.null_count / len(until)
    assert 0.1 < indefinite < 0.6
    due_in_2024 = pc.sum(pc.equal(pc.year(until), 2024)).as_py()
    assert due_in_2024 > 0.1 * len(until)
    limitations = np.stack([disability[name].to_numpy() for name in LIMITATIONS])
    assert limitations.any(axis=0).all()

    # Every child with a disability has a parent or guardian in the same family.
    cared = care.join(persons.select(["iin", "family_id"]), "cared_iin", "iin")
    cared = cared.join(
        persons.select(["iin", "family_id"]).rename_columns(["iin", "carer_family"]),
        "carer_iin",
        "iin",
    )
    assert pc.all(pc.equal(cared["family_id"], cared["carer_family"])).as_py()
    assert pc.all(pc.not_equal(cared["carer_iin"], cared["cared_iin"])).as_py()
    children = set(disability.filter(pc.equal(disability["category"], "child"))["iin"].to_pylist())
    child_carers = care.filter(pc.is_in(care["cared_iin"], pa.array(list(children))))
    assert set(child_carers["cared_iin"].to_pylist()) == children
    assert set(child_carers["relation"].to_pylist()) <= {"parent", "guardian"}
    assert len(care.group_by(["carer_iin", "cared_iin"]).aggregate([])) == len(care)


def test_home_schooled_are_school_age_children_with_disabilities(demo_snapshot: Path) -> None:
    persons = read(demo_snapshot, "persons")
    disability = read(demo_snapshot, "disability")
    schooled = persons.filter(persons["home_schooled"])
    assert len(schooled) == 15  # 15,061 nationally, at 1/1000
    assert set(schooled["iin"].to_pylist()) <= set(disability["iin"].to_pylist())
    assert ((ages(schooled["birth_date"]) >= 7) & (ages(schooled["birth_date"]) < 18)).all()


def test_employment_and_income_are_plausible(demo_snapshot: Path) -> None:
    persons = read(demo_snapshot, "persons")
    age = ages(persons["birth_date"])
    employed = persons["employed"].to_numpy()
    income = persons["monthly_income_kzt"].to_numpy()
    assert not employed[age < 18].any()
    assert (income[age < 18] == 0).all()
    assert 0.6 < employed[(age >= 25) & (age < 55)].mean() < 0.85
    assert 150_000 < np.median(income[employed]) < 450_000
    assert (income >= 0).all()


def test_the_benefits_paid_follow_the_records_and_the_care_links(demo_snapshot: Path) -> None:
    persons = read(demo_snapshot, "persons")
    disability = read(demo_snapshot, "disability")
    care = read(demo_snapshot, "care")
    iins = persons["iin"].to_pylist()
    benefit = dict(zip(iins, persons["disability_benefit_kzt"].to_pylist(), strict=True))
    allowance = dict(zip(iins, persons["carer_allowance_kzt"].to_pylist(), strict=True))
    category = dict(
        zip(disability["iin"].to_pylist(), disability["category"].to_pylist(), strict=True)
    )
    # Group I at 1.40 x 43,407 and no benefit for whoever has no record or a child's.
    assert {benefit[iin] for iin, c in category.items() if c == "I"} <= {60770, 0}
    assert 60770 in {benefit[iin] for iin, c in category.items() if c == "I"}
    assert all(benefit[iin] == 0 for iin in benefit if iin not in category)
    assert all(benefit[iin] == 0 for iin, c in category.items() if c == "child")
    # Only carers are paid an allowance, and one a cared person: the totals agree.
    carers = set(care["carer_iin"].to_pylist())
    assert all(allowance[iin] == 0 for iin in allowance if iin not in carers)
    assert sum(allowance.values()) > 0


def test_the_national_figures_hold_at_demo_scale(demo_snapshot: Path) -> None:
    # The generator draws exact quotas, so there is no sampling noise; only rounding to whole
    # persons at 1/1000 of the country. One child is 0.9 pp of the 110 children, and the
    # families raising three or four such children (0.25 and 0.05 expected) round to none:
    # hence 1.5 pp on shares and two persons or families on counts instead of 0.5 pp and 1 %.
    checks = check_snapshot(demo_snapshot, share_tolerance_pp=1.5, count_slack=2)
    assert [check for check in checks if not check.ok] == []
    assert len(checks) == 20


def seed_of(snapshot: Path) -> int:
    seed: int = json.loads((snapshot / "manifest.json").read_text())["seed"]
    return seed


def test_the_same_seed_gives_the_same_files(demo_snapshot: Path, tmp_path: Path) -> None:
    generate("demo", seed_of(demo_snapshot), tmp_path / "again")
    for name in FILES:
        assert read(tmp_path / "again", name).equals(read(demo_snapshot, name)), name
        assert (tmp_path / "again" / f"{name}.parquet").read_bytes() == (
            demo_snapshot / f"{name}.parquet"
        ).read_bytes()
    generate("demo", seed_of(demo_snapshot) + 1, tmp_path / "other")
    for name in FILES:
        assert not read(tmp_path / "other", name).equals(read(demo_snapshot, name)), name


def test_the_command_writes_a_snapshot_and_a_summary(tmp_path: Path) -> None:
    out = StringIO()
    call_command("synth", scale="demo", seed=3, out=tmp_path / "snap", stdout=out)
    assert (tmp_path / "snap" / "manifest.json").is_file()
    summary = out.getvalue()
    assert "persons 20,000" in summary
    assert "disability 725" in summary


def test_a_country_drawn_as_of_another_day_is_current_on_that_day(tmp_path: Path) -> None:
    """`synth --as-of`: the demo generated today shows statuses in force today, re-examinations
    ahead, children who are children today, and still the national figures."""
    as_of = dt.date(2028, 2, 29)
    manifest = generate("demo", 3, tmp_path, as_of=as_of)
    assert manifest["reference_date"] == "2028-02-29"
    persons, disability = read(tmp_path, "persons"), read(tmp_path, "disability")

    since = disability["since"].to_pylist()
    until = [day for day in disability["until"].to_pylist() if day is not None]  # not indefinite
    assert max(since) < as_of <= min(until)
    births = dict(zip(persons["iin"].to_pylist(), persons["birth_date"].to_pylist(), strict=True))
    for iin, category in zip(
        disability["iin"].to_pylist(), disability["category"].to_pylist(), strict=True
    ):
        born = births[iin]
        age = as_of.year - born.year - ((born.month, born.day) > (as_of.month, as_of.day))
        assert (age < 18) == (category == "child"), iin
        assert parse_iin(iin).birth_date == born
    assert [check.figure for check in check_snapshot(tmp_path) if not check.ok] == []


def test_as_of_the_reference_date_draws_the_same_country_as_before(tmp_path: Path) -> None:
    generate("demo", 5, tmp_path / "default")
    generate("demo", 5, tmp_path / "dated", as_of=REFERENCE)
    for name in (*FILES, "programme_lines", "orders"):
        assert read(tmp_path / "default", name).equals(read(tmp_path / "dated", name)), name


def test_synth_refuses_a_malformed_as_of_date(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="2026-13-01"):
        call_command("synth", "--out", str(tmp_path), "--as-of", "2026-13-01", stdout=StringIO())
    assert not any(tmp_path.iterdir())


def test_life_events_follow_the_reference_date_and_each_other(demo_snapshot: Path) -> None:
    persons = read(demo_snapshot, "persons").to_pandas()
    events = ["death_date", "emigration_date", "imprisonment_date", "release_date"]
    for column in events:
        days = persons[column].dropna()
        assert (days >= REFERENCE).all() and (days < dt.date(2026, 1, 1)).all(), column
    assert not (persons.death_date.notna() & persons.emigration_date.notna()).any()
    released = persons.release_date.notna()
    assert persons.imprisonment_date[released].notna().all()
    assert (persons.release_date[released] > persons.imprisonment_date[released]).all()
    gone = persons.death_date.fillna(persons.emigration_date)
    imprisoned = persons.imprisonment_date.notna() & gone.notna()
    assert (persons.imprisonment_date[imprisoned] < gone[imprisoned]).all()
    # 20,000 persons over two years: deaths of the order of a hundred or two, emigration a few
    # dozen, imprisonment a handful.
    assert 100 < persons.death_date.notna().sum() < 400
    assert 20 < persons.emigration_date.notna().sum() < 80
    assert persons.imprisonment_date.notna().sum() < 30
