"""Registry API: other agencies verify a person's disability status, with data minimised."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from pydantic import WithJsonSchema

from inclusio.api_errors import ERROR_RESPONSES, IIN_PATTERN, ErrorOut
from inclusio.core.access import AGENCY_PURPOSES, Agency
from inclusio.core.tokens import BearerToken
from inclusio.registry.selectors import person_status_get

# Tokens only: a web session may lack the staff second factor, which the API cannot ask for.
router = Router(tags=["registry"], auth=BearerToken())

# The purposes an agency may name: the closed list, as the schema's enum.
ApiPurpose = StrEnum("ApiPurpose", {str(p).upper(): str(p) for p in AGENCY_PURPOSES})  # type: ignore[misc]


class StatusOut(Schema):
    category: str
    cause: str
    valid_from: dt.date
    reexamination_date: dt.date | None
    valid_today: bool
    limitations: list[str]


class PersonStatusOut(Schema):
    iin: str
    surname: str
    given_name: str
    patronymic: str
    birth_date: dt.date
    sex: str
    region_code: str
    disability: StatusOut | None


@router.get(
    "/persons/{iin}",
    response={200: PersonStatusOut, **dict.fromkeys(ERROR_RESPONSES, ErrorOut)},
    summary="Verify a person's disability status",
    description=(
        "The person's identity and current disability status. `purpose` must be one of the "
        "purposes the calling token is registered for; the person reads it in their access "
        "log. An unknown IIN and a person outside the token's scope answer the same 404."
    ),
)
def person_status(
    request: HttpRequest,
    # The pattern is declared for clients; the IIN's own check (length, digits, date, check
    # digit) answers a malformed one with its precise code.
    iin: Annotated[
        str, WithJsonSchema({"type": "string", "pattern": IIN_PATTERN, "title": "IIN"}), Path()
    ],
    purpose: Annotated[ApiPurpose, Query(description="Why the agency reads the status.")],
) -> PersonStatusOut:
    agency = request.auth  # type: ignore[attr-defined]
    assert isinstance(agency, Agency)
    person, status = person_status_get(
        actor=request.user, iin=iin, purpose=str(purpose.value), agency=agency
    )
    today = timezone.localdate()
    return PersonStatusOut(
        iin=person.iin,
        surname=person.surname,
        given_name=person.given_name,
        patronymic=person.patronymic,
        birth_date=person.birth_date,
        sex=person.sex,
        region_code=person.region_id,
        disability=StatusOut(
            category=status.category,
            cause=status.cause,
            valid_from=status.valid_from,
            reexamination_date=status.reexamination_date,
            valid_today=status.valid_on(today),
            limitations=status.limitations,
        )
        if status is not None and not status.ended
        else None,
    )
