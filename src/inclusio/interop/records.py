"""Registry records as the DCI's DisabledPerson, DisabilityDetails and DisabilitySupport,
cut to what the agency may receive (``Disclosure``). The code lists are mapped once, in
``registry/dci.py``; docs/dci.md has the table and every reading of the standard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from inclusio.interop.models import Disclosure
from inclusio.registry.dci import IMPAIRMENT_CAUSE, IMPAIRMENT_LEVEL, IMPAIRMENT_TYPE
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.rehabilitation import catalogue as rehabilitation_catalogue
from inclusio.rehabilitation.models import ProgrammeItem

# CD.DR.15, disability status level: the national category read on the ICF severity scale.
DISABILITY_LEVEL = {"I": "Severe", "II": "Moderate", "III": "Mild", "child": "Moderate"}
SEX = {"M": "male", "F": "female"}


def in_force(status: DisabilityStatus | None, day: dt.date) -> bool:
    return status is not None and not status.ended and status.valid_on(day)


def disability_status(status: DisabilityStatus | None, day: dt.date) -> str:
    """CD.DR.14: "Approved" (the standard's own example) while in force; otherwise why not."""
    if status is None:
        return "Not registered"
    if status.ended:
        return "Not established"
    return "Approved" if status.valid_on(day) else "Expired"


def _age_on_set(status: DisabilityStatus) -> str:
    age = status.person.age_on(status.valid_from)
    return "Child" if age < 18 else "Working age" if age < 63 else "Elderly"


def category_fields(status: DisabilityStatus | None, day: dt.date) -> dict[str, Any]:
    """The national category and its validity, as extension attributes."""
    if status is None or status.ended:
        return {"is_valid": False}
    return {
        "disability_category": status.category,
        "disability_level": DISABILITY_LEVEL[status.category],
        "valid_from": status.valid_from.isoformat(),
        "valid_until": status.reexamination_date.isoformat() if status.reexamination_date else None,
        "is_valid": status.valid_on(day),
    }


def disability_details(status: DisabilityStatus, granted: Collection[str]) -> list[dict[str, Any]]:
    """One DisabilityDetails per impairment type; the cause and onset only when granted."""
    impairment = Disclosure.IMPAIRMENT in granted
    cause: dict[str, Any] = {}
    if Disclosure.CAUSE in granted:
        cause = {
            "impairment_cause": IMPAIRMENT_CAUSE[status.cause],
            "age_on_set": _age_on_set(status),
            "work_capacity_loss_pct": status.work_capacity_loss_pct,
        }
    if not impairment:
        return [cause] if cause else []
    level = IMPAIRMENT_LEVEL[status.category]
    return [
        {"impairment_type": IMPAIRMENT_TYPE[name], "impairment_level": level, **cause}
        for name in status.limitations
    ] or ([cause] if cause else [])


def disabled_person(
    person: Person, status: DisabilityStatus | None, granted: Collection[str], day: dt.date
) -> dict[str, Any]:
    """The DisabledPerson record of a search, with only the granted field groups."""
    record: dict[str, Any] = {}
    personal: dict[str, Any] = {}
    if Disclosure.IDENTITY in granted:
        personal = {
            "identifier_type": "UIN",
            "identifier": person.iin,
            "name": {
                "sur_name": person.surname,
                "given_name": person.given_name,
                **({"second_name": person.patronymic} if person.patronymic else {}),
            },
            "sex": SEX[person.sex],
            "birthdate": person.birth_date.isoformat(),
        }
    if Disclosure.ADDRESS in granted:
        personal["address"] = {
            "region_code": person.region_id,
            "locality": "urban" if person.urban else "rural",
        }
    if personal:
        record["personal_details"] = personal
    if Disclosure.DISABLED_STATUS in granted:
        record["disability_status"] = disability_status(status, day)
    if status is not None and not status.ended:
        if Disclosure.CATEGORY in granted:
            record |= category_fields(status, day)
        details = disability_details(status, granted)
        if details:
            record["disability_details"] = details
        if Disclosure.DISABLED_STATUS in granted:
            record["registration_date"] = status.valid_from.isoformat()
            record["last_updated"] = status.recorded_at.isoformat()
    return record


# The rehabilitation catalogue's kinds → the members of the DCI's DisabilitySupport.
_SUPPORT_MEMBER = {
    rehabilitation_catalogue.TECHNICAL_AID: "assistive_technology",
    rehabilitation_catalogue.HYGIENE_PRODUCT: "assistive_technology",
    rehabilitation_catalogue.SIGN_LANGUAGE: "human_assistance",
    rehabilitation_catalogue.PERSONAL_ASSISTANT: "human_assistance",
    rehabilitation_catalogue.SANATORIUM: "medical_care",
}


def disability_support(items: Iterable[ProgrammeItem]) -> dict[str, Any]:
    """DisabilitySupport from the items of the person's current rehabilitation programme."""
    support: dict[str, Any] = {
        "human_assistance": [],
        "assistive_technology": [],
        "housing_support": [],
        "medical_care": [],
        "animal_assistance": [],
    }
    categories = rehabilitation_catalogue.catalogue()
    for item in items:
        category = categories.get(item.category)
        if category is None:
            continue
        support[_SUPPORT_MEMBER[category.kind]].append(
            {
                "type": category.code,
                "name": category.name("en"),
                "quantity": item.amount,
                "unit": category.unit,
                "support_status": "Approved",
                "registration_date": item.programme.valid_from.isoformat(),
                "valid_until": item.programme.valid_until.isoformat(),
            }
        )
    return support
