"""Which snapshot columns a screening demands: what its rules read, by where they read it."""

from __future__ import annotations

from inclusio.countries import COUNTRIES_DIR
from inclusio.countries.shared import country_parameters
from inclusio.rules.assessment import Assessment
from inclusio.rules.columns import columns_read
from inclusio.rules.loader import Programme, load_rule_file
from inclusio.rules.ruleset import rule_files

SHARED = country_parameters("kz")


def kz(name: str) -> Programme | Assessment:
    return load_rule_file(COUNTRIES_DIR / "kz" / "programmes" / f"{name}.yaml", shared=SHARED)


def test_a_person_programme_reads_its_names_in_persons_and_disability() -> None:
    programme = kz("disability_benefit")
    assert isinstance(programme, Programme)
    assert columns_read([programme]) == {"disability": {"category", "since", "until"}}


def test_a_carer_programme_reads_the_cared_persons_and_the_links() -> None:
    programme = kz("child_disability_carer_benefit")
    assert isinstance(programme, Programme)
    read = columns_read([programme])
    # care_relation is the link's relation; the earliest carer rule orders by the link's since.
    assert read["care"] == {"relation", "since"}
    assert read["persons"] == {"birth_date"}
    assert read["disability"] == {"since", "until"}


def test_a_family_programme_reads_its_members_columns_not_the_familys() -> None:
    programme = kz("housing_priority")
    assert isinstance(programme, Programme)
    read = columns_read([programme])
    assert "families" not in read
    assert read["persons"] == {"birth_date"}
    assert read["disability"] == {"category", "since", "until"}


def test_an_assessment_reads_the_familys_columns_in_its_indicators() -> None:
    assessment = kz("family_wellbeing")
    assert isinstance(assessment, Assessment)
    read = columns_read([], [assessment])
    assert read["families"] == {"housing", "members"}
    assert {"monthly_income_kzt", "employed", "home_schooled"} <= read["persons"]
    # No rule of the country reads the coordinates or the speech limitation.
    everything = columns_read(
        [
            r
            for r in (
                load_rule_file(path, shared=SHARED)
                for path in rule_files(COUNTRIES_DIR / "kz" / "programmes")
            )
            if isinstance(r, Programme)
        ],
        [assessment],
    )
    assert not {"latitude", "longitude"} & everything["families"]
    assert "speech" not in everything["disability"]


def test_the_caller_adds_what_it_reads_itself() -> None:
    assert columns_read([], also={"persons": ["region_code"]}) == {"persons": {"region_code"}}
