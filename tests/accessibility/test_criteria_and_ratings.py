"""The standard's file is checked at start; ratings follow the written rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core import checks

from inclusio import countries
from inclusio.accessibility.apps import check_criteria
from inclusio.accessibility.criteria import (
    MEETS,
    NOT_APPLICABLE,
    NOT_MET,
    PARTLY,
    CriteriaInvalid,
    criteria,
    parse_standard,
    standard,
)
from inclusio.accessibility.ratings import adapted, ratings
from tests.accessibility.builders import all_meet


def _file() -> dict[str, Any]:
    return copy.deepcopy(countries.country_file("kz", "accessibility_criteria.json"))


def test_the_countrys_standard_loads_with_every_zone_and_the_entrance_measurements() -> None:
    known = standard("kz")
    assert [zone for zone, _ in known.by_zone()] == [
        "parking",
        "approach",
        "entrance",
        "inside",
        "toilet",
        "information",
        "service_desk",
    ]
    slope = known.criteria["entrance_ramp_slope"]
    assert slope.measurement is not None and slope.measurement.unit == "percent"
    assert slope.measurement.state_of(5) == MEETS
    assert slope.measurement.state_of(7) == PARTLY
    assert slope.measurement.state_of(12) == NOT_MET
    door = known.criteria["entrance_door_width"].measurement
    assert door is not None and door.state_of(90) == MEETS and door.state_of(70) == NOT_MET
    assert known.criteria["info_induction_loop"].name("ru") == "Индукционная петля"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["criteria"][0].update(zone="roof"), "'parking_reserved_space': unknown zone"),
        (lambda d: d["criteria"][0]["names"].pop("kk"), "has no name in 'kk'"),
        (lambda d: d["criteria"].append(copy.deepcopy(d["criteria"][0])), "appears twice"),
        (lambda d: d["criteria"][0].update(serves=["smell"]), "serves must list"),
        (lambda d: d["criteria"][0].update(mandatory="yes"), "mandatory must be true or false"),
        (lambda d: d["criteria"][0]["measurement"].update(unit="inch"), "unit must be one of"),
        (
            lambda d: d["criteria"][0]["measurement"].update(at_least=-1),
            "at_least must be a number",
        ),
        (lambda d: d["criteria"][0]["measurement"].pop("plausible_most"), "plausible_most must"),
        (lambda d: d["zones"].pop("toilet"), "must name exactly the zones"),
        (lambda d: d["criteria"][0].pop("code"), "criterion number 1 has no code"),
    ],
)
def test_a_bad_standard_is_refused_with_a_clear_message(change: Any, message: str) -> None:
    data = _file()
    change(data)
    with pytest.raises(CriteriaInvalid, match=message):
        parse_standard(data)


def test_a_bad_standard_fails_the_system_check(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.COUNTRY = "xx"  # a key of its own in the standard's cache
    bad = _file()
    bad["criteria"][5]["measurement"]["unit"] = "inch"
    monkeypatch.setattr(countries, "country_file", lambda country, name: bad)
    errors = [e for e in checks.run_checks(tags=["accessibility"]) if e.id == "accessibility.E001"]
    assert len(errors) == 1 and "xx/accessibility_criteria.json" in errors[0].msg
    assert "'entrance_ramp_slope': unit must be one of" in errors[0].msg
    settings.COUNTRY = "kz"
    assert check_criteria() == []


def _states(**given: str) -> dict[str, str]:
    return {code: row["state"] for code, row in all_meet(**given).items()}


def test_every_mandatory_criterion_met_is_adapted_and_fully_accessible_for_every_kind() -> None:
    states = _states()
    assert adapted(states, criteria())
    assert set(ratings(states, criteria()).values()) == {"fully"}


def test_a_ramp_too_steep_makes_it_not_accessible_by_wheelchair_only() -> None:
    states = _states(entrance_ramp_slope=NOT_MET)
    assert not adapted(states, criteria())
    assert ratings(states, criteria()) == {
        "wheelchair": "not",
        "vision": "fully",
        "hearing": "fully",
        "intellectual": "fully",
    }


def test_a_mandatory_criterion_met_in_part_is_partially_accessible() -> None:
    states = _states(info_induction_loop=PARTLY)
    assert not adapted(states, criteria())
    assert ratings(states, criteria())["hearing"] == "partially"


def test_a_recommended_criterion_not_met_is_partial_but_still_adapted() -> None:
    states = _states(info_easy_read=NOT_MET)
    assert adapted(states, criteria())
    assert ratings(states, criteria())["intellectual"] == "partially"


def test_criteria_that_do_not_apply_do_not_count_against() -> None:
    states = _states(toilet_accessible_cabin=NOT_APPLICABLE, toilet_grab_bars=NOT_APPLICABLE)
    assert adapted(states, criteria()) and ratings(states, criteria())["wheelchair"] == "fully"
