"""``inclusio snapshot-export`` writes the rehabilitation part (the programme lines the rate
counts, the portal's orders received or disputed) and the dispatchers' homes, each app's own
step, no name or address; the rate of the exported lines is the database's, and the CRPD
report's figures read the files back."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from inclusio.core.audit import SYSTEM
from inclusio.crpd import figures
from inclusio.emergency.models import Residence
from inclusio.emergency.services import residences_compile
from inclusio.marketplace import orders
from inclusio.marketplace.models import Order
from inclusio.registry.export import DOMAIN_PARTS
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.rehabilitation import selectors
from inclusio.rehabilitation.models import ProgrammeItem
from inclusio.rehabilitation.services import Prescribed, fulfilment_record, programme_issue
from inclusio.snapshot import domains
from inclusio.snapshot.contract import (
    DOMAIN_SCHEMAS,
    ORDERS,
    PROGRAMME_LINES,
    REHABILITATION_SCHEMAS,
    RESIDENCES,
    parquet_path,
)
from inclusio.snapshot.rehabilitation import implementation_report
from tests.factories import give_status, make_person, make_trio
from tests.marketplace.orders_builders import delivered, person_with_vouchers, shop
from tests.marketplace.orders_builders import wheelchair_voucher as voucher_of

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 7, 1)


def export(out: Path, on: dt.date = ON) -> str:
    stdout = io.StringIO()
    call_command("snapshot_export", "--date", on.isoformat(), "--out", str(out), stdout=stdout)
    return stdout.getvalue()


def rows(directory: Path, name: str) -> list[dict]:
    return pq.read_table(parquet_path(directory, name)).to_pylist()


def _programme(person: Person, prescription: list[Prescribed]) -> dict[str, ProgrammeItem]:
    status = give_status(person, valid_from=dt.date(2023, 1, 1), until=dt.date(2026, 1, 1))
    programme = programme_issue(
        actor=SYSTEM, person=person, status=status, prescription=prescription
    )
    return {item.category: item for item in programme.items.all()}


def _received(item: ProgrammeItem, quantity: int, day: dt.date) -> None:
    fulfilment_record(actor=SYSTEM, item=item, quantity=quantity, date=day, source="marketplace")


def test_the_apps_register_the_rehabilitation_and_residences_steps() -> None:
    parts = {part.step: part.part for part in DOMAIN_PARTS}
    assert parts["rehabilitation"] == parts["orders"] == "rehabilitation"
    assert parts["emergency"] == "domains"


def test_the_exported_lines_give_the_databases_rate(tmp_path: Path) -> None:
    astana = _programme(
        make_person(region="71"), [Prescribed("wheelchair_manual", 1), Prescribed("diapers", 2)]
    )
    almaty = _programme(
        make_person(region="75"), [Prescribed("walking_aid", 2), Prescribed("sign_language", 60)]
    )
    _received(astana["wheelchair_manual"], 1, dt.date(2023, 3, 1))
    _received(astana["diapers"], 62, dt.date(2023, 1, 20))  # January wholly
    _received(astana["diapers"], 30, dt.date(2024, 2, 10))  # February 2024 in part
    _received(almaty["walking_aid"], 1, dt.date(2023, 9, 1))
    _received(almaty["sign_language"], 45, dt.date(2024, 5, 1))

    text = export(tmp_path / "out")
    assert "The rehabilitation part (rows per file): programme_lines" in text

    written = pq.read_schema(parquet_path(tmp_path / "out", PROGRAMME_LINES))
    assert written.names == REHABILITATION_SCHEMAS[PROGRAMME_LINES].names
    lines = rows(tmp_path / "out", PROGRAMME_LINES)
    # Only the lines begun by the date: the diapers of January 2023 … July 2024 (19 months).
    assert sum(1 for line in lines if line["category"] == "diapers") == 19
    assert {line["iin"] for line in lines} == {
        astana["diapers"].programme.person.iin,
        almaty["walking_aid"].programme.person.iin,
    }
    report = implementation_report(tmp_path / "out")
    database = {int(rate.key): rate.percent for rate in selectors.rate_by_year(today=ON)}
    assert report.national() == database
    for year in (2023, 2024):
        regional = {
            (rate.key, year): rate.percent for rate in selectors.rate_by_region(year=year, today=ON)
        }
        assert {k: v for k, v in report.regional().items() if k[1] == year} == regional
    assert database[2024] > 0


def test_a_withdrawn_line_is_not_exported(tmp_path: Path) -> None:
    items = _programme(make_person(), [Prescribed("walking_aid", 1)])
    items["walking_aid"].lines.update(withdrawn=True)
    export(tmp_path / "out")
    assert rows(tmp_path / "out", PROGRAMME_LINES) == []
    assert implementation_report(tmp_path / "out").rows == []


def _source(directory: Path, on: dt.date) -> figures.Source:
    """What the report's queries of these files read of a source: its folder, date and period."""
    return cast(figures.Source, SimpleNamespace(directory=directory, on=on, first_year=None))


def _orders_today() -> tuple[Order, Order, Order]:
    account, person = person_with_vouchers(prescription=[Prescribed("wheelchair_manual", 3)])
    _, item = shop(price=150_000)
    confirmed = delivered(account, voucher_of(person), item)
    orders.order_confirm(actor=account, order_id=confirmed.pk)
    orders.order_rate(actor=account, order_id=confirmed.pk, stars=4)
    disputed = delivered(account, voucher_of(person), item)
    orders.order_complain(
        actor=account, order_id=disputed.pk, complaint="dispute", reason="It came broken."
    )
    under_way = orders.order_place(
        actor=account,
        voucher_id=voucher_of(person).pk,
        item_id=item.pk,
        quantity=1,
        co_payment_accepted=None,
    )
    return confirmed, disputed, under_way


def test_orders_received_or_disputed_with_their_kind_and_no_name(tmp_path: Path) -> None:
    confirmed, disputed, _ = _orders_today()
    today = timezone.localdate()
    export(tmp_path / "out", today)

    written = pq.read_schema(parquet_path(tmp_path / "out", ORDERS))
    assert written.names == REHABILITATION_SCHEMAS[ORDERS].names
    found = {row["order_id"]: row for row in rows(tmp_path / "out", ORDERS)}
    assert set(found) == {confirmed.pk, disputed.pk}  # the order under way is not there
    received = found[confirmed.pk]
    assert received["state"] == "confirmed" and received["confirmed_on"] == today
    assert received["kind"] == "technical_aid" and received["category"] == "wheelchair_manual"
    assert received["supplier_id"] == confirmed.supplier_id and received["rating"] == 4
    assert received["region_code"] == "71" and received["placed_on"] == today
    assert found[disputed.pk]["state"] == "disputed"
    assert found[disputed.pk]["confirmed_on"] is None
    # Exported on the day before, nothing had been placed or received yet.
    export(tmp_path / "before", today - dt.timedelta(days=1))
    assert rows(tmp_path / "before", ORDERS) == []


def test_the_report_counts_the_orders_received_in_its_last_year(tmp_path: Path) -> None:
    confirmed, _, _ = _orders_today()
    last_year = timezone.localdate().year - 1
    Order.objects.filter(pk=confirmed.pk).update(
        confirmed_at=dt.datetime(last_year, 6, 1, 9, tzinfo=dt.UTC),
        placed_at=dt.datetime(last_year, 5, 20, 9, tzinfo=dt.UTC),
    )
    on = dt.date(last_year + 1, 1, 1)
    export(tmp_path / "out", on)

    # The report's queries over the export alone (its figures of persons need a population).
    source = _source(tmp_path / "out", on)
    assert figures.portal_technical_aids_received(source) == 1
    assert figures.portal_sanatorium_stays_received(source) == 0
    assert figures.portal_sanatorium_organisations(source) == 0
    assert figures.portal_technical_aids_received(_source(tmp_path / "out", ON)) == 0


def test_the_homes_of_the_dispatchers_registry_without_address_or_person(tmp_path: Path) -> None:
    trio = make_trio()
    DisabilityStatus.objects.filter(person=trio.person).update(category="I", mobility=True)
    Person.objects.filter(pk=trio.person.pk).update(
        latitude=51.128, longitude=71.43, address="Astana, Abai avenue 12"
    )
    residences_compile()
    (home,) = Residence.objects.all()
    today = timezone.localdate()
    assert home.recorded_on == today

    text = export(tmp_path / "out", today)
    assert "residences 1" in text
    written = pq.read_schema(parquet_path(tmp_path / "out", RESIDENCES))
    assert written.names == DOMAIN_SCHEMAS[RESIDENCES].names
    assert rows(tmp_path / "out", RESIDENCES) == [
        {"residence_id": home.pk, "region_code": "71", "recorded_on": today, "withdrawn_on": None}
    ]
    assert domains.figures(tmp_path / "out", today)["residences"] == 1
    assert domains.figures(tmp_path / "out", today - dt.timedelta(days=1))["residences"] == 0
    assert figures.emergency_residences_kept(_source(tmp_path / "out", today)) == 1
    # A home recorded after the date is not in an earlier export.
    export(tmp_path / "earlier", today - dt.timedelta(days=1))
    assert rows(tmp_path / "earlier", RESIDENCES) == []


def test_the_manifest_names_the_parts_and_a_refusal_writes_nothing(tmp_path: Path) -> None:
    export(tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["parts"][:3] == ["registry", "rehabilitation", "domains"]
    assert {PROGRAMME_LINES, ORDERS, RESIDENCES} <= set(manifest["files"])

    with pytest.raises(CommandError):
        call_command(
            "snapshot_export",
            "--date",
            ON.isoformat(),
            "--out",
            str(tmp_path / "refused"),
            "--population",
            str(tmp_path / "no-such-folder"),
            stdout=io.StringIO(),
        )
    assert not (tmp_path / "refused").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
