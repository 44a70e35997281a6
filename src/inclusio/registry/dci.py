"""Mapping of registry records to the DCI Disability Registry objects (PWDPerson,
DisabilityDetails), as the interoperability API will publish them. Only the fields an agency
needs to verify a status are exposed; see docs/dci.md for the mapping table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inclusio.registry.models import DisabilityStatus, Person

# Our functional limitations → DCI impairment types (ICF body-function chapters).
IMPAIRMENT_TYPE = {
    "mobility": "Physical and movement related functions",
    "vision": "Seeing and related functions",
    "hearing": "Hearing and related functions",
    "speech": "Voice and speech functions",
    "intellectual": "Intellectual functions",
    "psychosocial": "Mental functions",
}
IMPAIRMENT_LEVEL = {
    "I": "Severe impairment or difficulty",
    "II": "Moderate impairment or difficulty",
    "III": "Mild impairment or difficulty",
    "child": "Moderate impairment or difficulty",
}
IMPAIRMENT_CAUSE = {
    "general_disease": "Disease",
    "from_childhood": "Congenital",
    "work_injury": "Work Accident",
    "occupational_disease": "Occupational Disease",
    "military": "Military Service",
    "other": "Other",
}


def pwd_person(person: Person) -> dict[str, Any]:
    return {
        "identifier": [{"identifier_type": "IIN", "identifier_value": person.iin}],
        "name": {
            "surname": person.surname,
            "given_name": person.given_name,
            "second_name": person.patronymic or None,
        },
        "sex": {"M": "male", "F": "female"}[person.sex],
        "birth_date": person.birth_date.isoformat(),
        "address": {"region_code": person.region_id, "urban": person.urban},
    }


def disability_details(status: DisabilityStatus, day: dt.date) -> dict[str, Any]:
    age = status.person.age_on(status.valid_from)
    return {
        "disability_category": status.category,
        "impairment_type": [IMPAIRMENT_TYPE[name] for name in status.limitations],
        "impairment_level": IMPAIRMENT_LEVEL[status.category],
        "impairment_cause": IMPAIRMENT_CAUSE[status.cause],
        "age_on_set": "Child" if age < 18 else "Working age" if age < 63 else "Elderly",
        "work_capacity_loss_pct": status.work_capacity_loss_pct,
        "valid_from": status.valid_from.isoformat(),
        "valid_until": status.reexamination_date.isoformat() if status.reexamination_date else None,
        "is_valid": status.valid_on(day),
    }
