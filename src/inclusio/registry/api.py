"""Registry API: other agencies verify a person's disability status, with data minimised."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from inclusio.core.tokens import BearerToken
from inclusio.registry.selectors import person_status_get

# Tokens only: a web session may lack the staff second factor, which the API cannot ask for.
router = Router(tags=["registry"], auth=BearerToken())


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


class ErrorOut(Schema):
    code: str
    message: str


@router.get(
    "/persons/{iin}",
    response={200: PersonStatusOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Verify a person's disability status",
)
def person_status(
    request: HttpRequest, iin: str, purpose: str = "disability status verification"
) -> PersonStatusOut:
    person, status = person_status_get(actor=request.user, iin=iin, purpose=purpose)
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
