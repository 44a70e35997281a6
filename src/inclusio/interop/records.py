"""Registry records as the DCI's DisabledPerson, DisabilityDetails and DisabilitySupport,
cut to what the agency may receive (``Disclosure``). The code lists are mapped once, in
``registry/dci.py``; docs/dci.md has the table and every reading of the standard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from inclusio.interop.models import Disclosure
from inclusio.registry.dci import IMPAIRMENT_CAUSE, IMPAIRMENT_LEVEL, IMPAIRMENT_TYPE
from inclusio.registry.models import FUNCTIONAL_LIMITATIONS, DisabilityStatus, Person, age_on
from inclusio.rehabilitation import catalogue as rehabilitation_catalogue
from inclusio.rehabilitation.models import ProgrammeItem

# CD.DR.15, disability status level: the national category read on the ICF severity scale.
DISABILITY_LEVEL = {"I": "Severe", "II": "Moderate", "III": "Mild", "child": "Moderate"}
SEX = {"M": "male", "F": "female"}


# The columns a record is made of, as a search reads them in one query (no model instances):
# the person's, then their status's.
PERSON_COLUMNS = (
    "iin",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "region_id",
    "urban",
)
STATUS_COLUMNS = (
    "category",
    "cause",
    "ended",
    "valid_from",
    "reexamination_date",
    "recorded_at",
    "work_capacity_loss_pct",
    *FUNCTIONAL_LIMITATIONS,
)
Row = Mapping[str, Any]


def row_of(person: Person, status: DisabilityStatus | None) -> dict[str, Any]:
    """The columns of a person and their status (none for a person without one)."""
    row = {name: getattr(person, name) for name in PERSON_COLUMNS}
    if status is not None:
        row |= {name: getattr(status, name) for name in STATUS_COLUMNS}
    return row


def valid_on(row: Row, day: dt.date) -> bool:
    """DisabilityStatus.valid_on, over a row."""
    until = row["reexamination_date"]
    return not row["ended"] and row["valid_from"] <= day and (until is None or until >= day)


def in_force(status: DisabilityStatus | None, day: dt.date) -> bool:
    return status is not None and not status.ended and status.valid_on(day)


def disability_status(row: Row, day: dt.date) -> str:
    """CD.DR.14: "Approved" (the standard's own example) while in force; otherwise why not."""
    if "category" not in row:
        return "Not registered"
    if row["ended"]:
        return "Not established"
    return "Approved" if valid_on(row, day) else "Expired"


def _age_on_set(row: Row) -> str:
    age = age_on(row["birth_date"], row["valid_from"])
    return "Child" if age < 18 else "Working age" if age < 63 else "Elderly"


def category_fields(row: Row, day: dt.date) -> dict[str, Any]:
    """The national category and its validity, as extension attributes."""
    if "category" not in row or row["ended"]:
        return {"is_valid": False}
    until = row["reexamination_date"]
    return {
        "disability_category": row["category"],
        "disability_level": DISABILITY_LEVEL[row["category"]],
        "valid_from": row["valid_from"].isoformat(),
        "valid_until": until.isoformat() if until else None,
        "is_valid": valid_on(row, day),
    }


def disability_details(row: Row, granted: Collection[str]) -> list[dict[str, Any]]:
    """One DisabilityDetails per impairment type; the cause and onset only when granted."""
    impairment = Disclosure.IMPAIRMENT in granted
    cause: dict[str, Any] = {}
    if Disclosure.CAUSE in granted:
        cause = {
            "impairment_cause": IMPAIRMENT_CAUSE[row["cause"]],
            "age_on_set": _age_on_set(row),
            "work_capacity_loss_pct": row["work_capacity_loss_pct"],
        }
    if not impairment:
        return [cause] if cause else []
    level = IMPAIRMENT_LEVEL[row["category"]]
    return [
        {"impairment_type": IMPAIRMENT_TYPE[name], "impairment_level": level, **cause}
        for name in FUNCTIONAL_LIMITATIONS
        if row[name]
    ] or ([cause] if cause else [])


def disabled_person(
    person: Person, status: DisabilityStatus | None, granted: Collection[str], day: dt.date
) -> dict[str, Any]:
    """The DisabledPerson record of a person, with only the granted field groups."""
    return disabled_record(row_of(person, status), granted, day)


def disabled_record(row: Row, granted: Collection[str], day: dt.date) -> dict[str, Any]:
    """The DisabledPerson record of a row (``row_of``, or a search's page read as values),
    with only the granted field groups."""
    record: dict[str, Any] = {}
    personal: dict[str, Any] = {}
    if Disclosure.IDENTITY in granted:
        personal = {
            "identifier_type": "UIN",
            "identifier": row["iin"],
            "name": {
                "sur_name": row["surname"],
                "given_name": row["given_name"],
                **({"second_name": row["patronymic"]} if row["patronymic"] else {}),
            },
            "sex": SEX[row["sex"]],
            "birthdate": row["birth_date"].isoformat(),
        }
    if Disclosure.ADDRESS in granted:
        personal["address"] = {
            "region_code": row["region_id"],
            "locality": "urban" if row["urban"] else "rural",
        }
    if personal:
        record["personal_details"] = personal
    if Disclosure.DISABLED_STATUS in granted:
        record["disability_status"] = disability_status(row, day)
    if "category" in row and not row["ended"]:
        if Disclosure.CATEGORY in granted:
            record |= category_fields(row, day)
        details = disability_details(row, granted)
        if details:
            record["disability_details"] = details
        if Disclosure.DISABLED_STATUS in granted:
            record["registration_date"] = row["valid_from"].isoformat()
            record["last_updated"] = row["recorded_at"].isoformat()
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
