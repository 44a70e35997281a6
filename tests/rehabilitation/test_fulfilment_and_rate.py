"""Fulfilments count against the line owed on their date, never beyond it; the implementation
rate is the mean fulfilled share of the lines due, per person, region and year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, ValidationFailed
from inclusio.core.models import User
from inclusio.registry.models import Person
from inclusio.rehabilitation import selectors
from inclusio.rehabilitation.errors import ErrorCode
from inclusio.rehabilitation.models import Fulfilment, Programme, ProgrammeItem
from inclusio.rehabilitation.services import Prescribed, fulfilment_record, programme_issue
from tests.factories import give_status, make_person, make_user
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 6, 1)


def _programme(person: Person, prescription: list[Prescribed]) -> Programme:
    status = give_status(person, valid_from=dt.date(2023, 1, 1), until=dt.date(2025, 1, 1))
    return programme_issue(actor=SYSTEM, person=person, status=status, prescription=prescription)


def _item(programme: Programme, code: str) -> ProgrammeItem:
    return programme.items.get(category=code)


def test_a_fulfilment_over_what_is_prescribed_is_refused() -> None:
    programme = _programme(make_person(), [Prescribed("diapers", 2)])
    diapers = _item(programme, "diapers")
    fulfilment_record(
        actor=SYSTEM, item=diapers, quantity=60, date=dt.date(2023, 4, 3), source="marketplace"
    )
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        # April owes 2 × 30 = 60, all received already.
        fulfilment_record(
            actor=SYSTEM, item=diapers, quantity=1, date=dt.date(2023, 4, 20), source="marketplace"
        )
    assert caught.value.code == ErrorCode.FULFILMENT_OVER_PRESCRIBED
    assert "Only 0 of this item are left" in caught.value.message
    assert row_counts() == before


@pytest.mark.parametrize(
    ("quantity", "day", "source", "code"),
    [
        (0, dt.date(2023, 5, 1), "marketplace", ErrorCode.QUANTITY_NOT_POSITIVE),
        (1, dt.date(2025, 5, 1), "marketplace", ErrorCode.FULFILMENT_DATE_OUTSIDE),
        (1, dt.date(2023, 5, 1), "gift", ErrorCode.FULFILMENT_SOURCE_UNKNOWN),
    ],
)
def test_bad_fulfilments_are_refused(quantity: int, day: dt.date, source: str, code: str) -> None:
    programme = _programme(make_person(), [Prescribed("walking_aid", 1)])
    before = row_counts()
    with pytest.raises(ValidationFailed) as caught:
        fulfilment_record(
            actor=SYSTEM,
            item=_item(programme, "walking_aid"),
            quantity=quantity,
            date=day,
            source=source,
        )
    assert caught.value.code == code
    assert row_counts() == before


def test_an_officer_records_only_in_their_region() -> None:
    programme = _programme(make_person(region="71"), [Prescribed("walking_aid", 1)])
    item = _item(programme, "walking_aid")
    with pytest.raises(AccessDenied):
        fulfilment_record(
            actor=make_user("almaty", "district_officer", "75"),
            item=item,
            quantity=1,
            date=dt.date(2023, 5, 1),
            source="officer",
        )
    fulfilment = fulfilment_record(
        actor=make_user("astana", "district_officer", "71"),
        item=item,
        quantity=1,
        date=dt.date(2023, 5, 1),
        source="officer",
    )
    assert isinstance(fulfilment, Fulfilment) and fulfilment.recorded_by is not None


def test_the_rate_per_person_region_and_year() -> None:
    astana = _programme(make_person(region="71"), [Prescribed("wheelchair_manual", 1)])
    almaty = _programme(
        make_person(region="75"), [Prescribed("walking_aid", 2), Prescribed("hearing_aid", 1)]
    )
    fulfilment_record(
        actor=SYSTEM,
        item=_item(astana, "wheelchair_manual"),
        quantity=1,
        date=dt.date(2024, 2, 1),
        source="marketplace",
    )
    fulfilment_record(
        actor=SYSTEM,
        item=_item(almaty, "walking_aid"),
        quantity=1,
        date=dt.date(2023, 9, 1),
        source="marketplace",
    )
    # All three lines count in 2023, the year the programmes began, whenever delivered.
    by_region = {
        rate.key: rate.percent for rate in selectors.rate_by_region(year=2023, today=TODAY)
    }
    assert by_region == {"71": 100.0, "75": 25.0}  # Almaty: (1/2 + 0/1) / 2
    assert selectors.rate_national(year=2023, today=TODAY).percent == pytest.approx(50.0)
    person_rates = selectors.rate_by_year(person=almaty.person, today=TODAY)
    assert [(rate.key, rate.percent) for rate in person_rates] == [("2023", 25.0)]


def test_a_line_not_yet_due_does_not_count() -> None:
    programme = _programme(make_person(), [Prescribed("diapers", 1)])
    fulfilment_record(
        actor=SYSTEM,
        item=_item(programme, "diapers"),
        quantity=31,
        date=dt.date(2023, 1, 5),
        source="marketplace",
    )
    # On 15 January 2023 only January's line has begun: fully received.
    rates = selectors.rate_by_year(today=dt.date(2023, 1, 15))
    assert [(rate.key, rate.lines, rate.percent) for rate in rates] == [("2023", 1, 100.0)]


def test_the_rates_page_data_follows_the_officers_region(
    django_assert_max_num_queries: Any,
) -> None:
    _programme(make_person(region="71"), [Prescribed("walking_aid", 1)])
    _programme(make_person(region="75"), [Prescribed("walking_aid", 1)])
    officer = make_user("astana", "district_officer", "71")
    report = selectors.implementation_rates(actor=officer, today=TODAY)
    assert [region.code for region, _rates in report.regions] == ["71"]
    assert report.national is None
    admin = make_user("minister", "ministry_admin", None)
    national = selectors.implementation_rates(actor=admin, today=TODAY)
    assert {region.code for region, rates in national.regions if rates} == {"71", "75"}
    assert national.national is not None and national.national[0].lines == 2
    with pytest.raises(AccessDenied):
        selectors.implementation_rates(actor=make_user("doc", "medical_referrer", "71"))


def test_nobody_unauthorised_reads_rates(django_user_model: type[User]) -> None:
    with pytest.raises(AccessDenied):
        selectors.implementation_rates(actor=SYSTEM)
