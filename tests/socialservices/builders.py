"""Special social services builders: providers with BINs that check, and the sweeps' world.

Tests import these from here, never from the conftest: pytest loads a conftest under a name of
its own, so an import of it makes a second module, with a second BIN counter that hands out the
first's BINs again (two providers with one BIN, refused as a conflict)."""

from __future__ import annotations

import datetime as dt
import itertools

from inclusio.core.identifiers import check_digit
from inclusio.core.models import User
from inclusio.socialservices import services
from inclusio.socialservices.models import Provider
from tests.factories import Trio

IBAN = "KZ18722S000012345678"
START = dt.date(2025, 1, 1)
END = dt.date(2025, 12, 31)
_serials = itertools.count(1)


def new_bin() -> str:
    while True:
        head = f"0504{next(_serials):07d}"
        digit = check_digit(head)
        if digit is not None:
            return f"{head}{digit}"


def make_provider(
    officer: User,
    *,
    kind: str = "day_care",
    places: int = 2,
    region: str = "71",
    name: str = "Day-care centre Shapagat",
    licence_from: dt.date = dt.date(2020, 1, 1),
    licence_until: dt.date | None = None,
) -> Provider:
    return services.provider_register(
        actor=officer,
        bin=new_bin(),
        name=name,
        ownership="state",
        kind=kind,
        region_code=region,
        address="Astana, Kenesary street 40",
        places=places,
        iban=IBAN,
        licence_number="SS-0001",
        licence_from=licence_from,
        licence_until=licence_until,
    )


def social_services_world(trio: Trio, accounts: dict[str, User]) -> dict[str, str]:
    """For the sweeps: a provider of Astana with its staff account, the person placed with it
    for one need and choosing for another, and an inspection with an open prescription; the
    ids of each, as URL arguments and form values."""
    officer = accounts["district_officer"]
    found = make_provider(officer, places=5, name="Sweep day-care centre")
    found.staff.add(accounts["social_provider"])
    placed = services.need_record(
        actor=officer, person=trio.person, kind="day_care", hours_per_month=80,
        starts=START, ends=END,
    )  # fmt: skip
    placement = services.provider_choose(actor=trio.person.user, need=placed, provider=found)
    assert placement.placement is not None
    choosing = services.need_record(
        actor=officer, person=trio.person, kind="day_care", hours_per_month=40,
        starts=dt.date(2026, 1, 1), ends=dt.date(2026, 6, 30),
    )  # fmt: skip
    today = dt.date.today()
    services.inspection_record(
        actor=accounts["social_inspector"],
        provider=found,
        held_on=today,
        summary="",
        findings=[services.FindingInput("records", "No register", today + dt.timedelta(days=9))],
    )
    return {
        "provider_id": str(found.pk),
        "need_id": str(choosing.pk),
        "social_placement_id": str(placement.placement.pk),
        "social_prescription_id": str(found.prescriptions.get().pk),
    }
