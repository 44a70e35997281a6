"""The dispatch systems' API: the dispatch centre's own system (CAD) looks up the homes of
persons with limited mobility at an incident as it is opened, with a dispatcher's token
(``Authorization: Bearer inc_dsp_…``, created on the dispatcher's token page). A call acts as
that dispatcher, through the same service as the lookup page: an incident number required, the
radius limit, a place inside the country, the refusal of lists and of lookups past the
allowance, the dispatcher's region, the access log of every person shown and the auditor's
flags."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from inclusio.api_errors import ERROR_RESPONSES, ErrorOut
from inclusio.core.api_tokens import AccountBearer
from inclusio.emergency import services
from inclusio.emergency.tokens import dispatcher_for_token

# ``request.user`` becomes the token's dispatcher: the lookup service's actor.
router = Router(tags=["emergency"], auth=AccountBearer(dispatcher_for_token))
ERRORS: dict[int, Any] = dict.fromkeys(ERROR_RESPONSES, ErrorOut)


class LookupIn(Schema):
    incident: str = Field(description="The incident's number in the dispatch system.")
    lat: float | None = Field(None, description="The incident's latitude (WGS 84).")
    lon: float | None = Field(None, description="The incident's longitude (WGS 84).")
    radius_m: int | None = Field(None, description="Metres around the place, up to the limit.")
    address: str = Field("", max_length=300, description="Or the address: street and house.")


class HomeOut(Schema):
    address: str
    apartment: str
    floor: int | None
    entrance_code: str
    lat: float
    lon: float
    distance_m: int | None = Field(description="From the place; null for a lookup by address.")
    needs: list[str] = Field(
        description="What rescuers must know, as codes, the most urgent first: bedridden, "
        "uses_wheelchair, limited_mobility, blind, deaf, intellectual_disability, lives_alone."
    )
    needs_text: list[str] = Field(
        description="The same in plain words in the language of Accept-Language, with the "
        "equipment when there is some."
    )
    equipment: str
    contact_name: str
    contact_phone: str
    carer_name: str
    carer_phone: str


class LookupOut(Schema):
    lookup: int = Field(description="The lookup's number, as the auditor sees it.")
    incident: str
    mode: str = Field(description="`place` or `address`.")
    radius_m: int | None
    homes: list[HomeOut] = Field(description="The homes found, the nearest first.")


def _home(item: services.Found) -> dict[str, Any]:
    home = item.residence
    return {
        "address": home.address,
        "apartment": home.apartment,
        "floor": home.floor,
        "entrance_code": home.entrance_code,
        "lat": home.latitude,
        "lon": home.longitude,
        "distance_m": item.distance_m,
        "needs": home.need_codes(),
        "needs_text": home.needs(),
        "equipment": home.equipment,
        "contact_name": home.contact_name,
        "contact_phone": home.contact_phone,
        "carer_name": home.carer_name,
        "carer_phone": home.carer_phone,
    }


@router.post(
    "/lookups",
    response={201: LookupOut, **ERRORS},
    operation_id="emergency_lookup",
    summary="Look up the homes at an incident",
    description="The homes of persons with limited mobility within `radius_m` of a place "
    "(`lat`, `lon`) or at an `address`, in the token's dispatcher's region, with only what "
    "rescuers need. Each home shown is written in its person's access log with the incident's "
    "number. Refused without an incident, for a place outside the country, a radius over the "
    "limit, more homes than one incident concerns, and past the dispatcher's allowance of "
    "lookups in ten minutes (429).",
)
def lookup(request: HttpRequest, body: LookupIn) -> Status[Any]:
    answer = services.residences_lookup(
        actor=request.user,
        incident=body.incident,
        latitude=body.lat,
        longitude=body.lon,
        radius_m=body.radius_m,
        address=body.address,
    )
    found = answer.lookup
    return Status(
        201,
        {
            "lookup": found.pk,
            "incident": found.incident,
            "mode": found.mode,
            "radius_m": found.radius_m,
            "homes": [_home(item) for item in answer.found],
        },
    )
