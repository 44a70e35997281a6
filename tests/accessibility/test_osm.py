"""The OpenStreetMap import and export: matching, the tags onto criteria, a newer inspection
kept, bad files refused with nothing written, and the round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import osmium
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone, translation

from inclusio.accessibility import osm
from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.models import Assessment, AssessmentSource, Facility, OsmElement
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.core.models import AuditEvent
from tests.accessibility.builders import assess, make_facility
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

OSM_FILE = Path(__file__).parent / "data" / "astana.osm"


def _import(path: Path = OSM_FILE, **options: Any) -> str:
    out = io.StringIO()
    call_command("accessibility_osm_import", str(path), stdout=out, **options)
    return out.getvalue()


def _export(tmp_path: Path, fmt: str = "csv") -> tuple[str, list[dict[str, str]]]:
    out = tmp_path / f"changes.{'osc' if fmt == 'osmchange' else 'csv'}"
    call_command(
        "accessibility_osm_export", "--out", str(out), "--format", fmt, stdout=io.StringIO()
    )
    text = out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text))) if fmt == "csv" else []
    return text, rows


def test_the_file_becomes_facilities_matched_by_proximity_and_name() -> None:
    clinic = make_facility()  # the polyclinic at 51.128, 71.43: the file's node is 19 m away
    printed = _import()
    assert "Places read: 5;" in printed  # not the bench, nor the nameless shop
    assert "outside the country, left aside: 1." in printed  # the Paris town hall
    clinic.refresh_from_db()
    assert clinic.osm_id == "node/1001"
    assert Facility.objects.count() == 4  # the clinic matched, three new, Paris left aside
    pharmacy = Facility.objects.get(osm_id="node/1002")
    assert (pharmacy.name_kk, pharmacy.name_ru, pharmacy.name_en) == (
        "Дәріхана Мейірім",
        "Аптека Мейирим",
        "Meyirim pharmacy",
    )
    assert (pharmacy.category, pharmacy.region_id, pharmacy.owner_bin) == ("health", "71", "")
    school = Facility.objects.get(osm_id="way/2001")
    assert (school.category, school.owner) == ("education", "state")
    assert school.latitude == pytest.approx(51.101) and school.longitude == pytest.approx(71.401)
    court = Facility.objects.get(osm_id="node/1006")
    assert court.is_court and court.category == "justice"
    assert not Facility.objects.filter(name_kk="Hôtel de Ville").exists()

    # The tags onto criteria, recorded by the platform as an assessment from OpenStreetMap.
    found = Assessment.objects.get(facility=clinic)
    assert found.source == AssessmentSource.OPENSTREETMAP and found.inspector is None
    assert found.assessed_on == dt.date(2024, 5, 2)
    assert found.results["entrance_door_width"]["state"] == "meets"
    assert found.results["toilet_accessible_cabin"]["state"] == "meets"
    assert found.results["info_induction_loop"]["state"] == "not_met"
    assert "approach_tactile_paving" not in found.results  # the file says nothing of it
    # A mandatory hearing criterion not met: not accessible; the rest not known from OSM alone.
    assert clinic.hearing == "not" and clinic.wheelchair == "unassessed" and not clinic.adapted
    assert court.hearing == "unassessed" and court.wheelchair == "not"  # no accessible toilet
    event = AuditEvent.objects.get(action="osm_import")
    assert event.data["created"] == 3 and event.data["matched_nearby"] == 1


def test_a_second_import_matches_by_osm_id_and_records_nothing_new() -> None:
    _import()
    before = Assessment.objects.count()
    printed = _import()
    assert Facility.objects.count() == 4
    assert Assessment.objects.count() == before
    assert "matched by their OSM id: 4;" in printed and "unchanged: 4;" in printed


def test_a_facility_already_assessed_keeps_its_other_answers() -> None:
    clinic = make_facility()
    assess(clinic, dt.date(2024, 1, 10))
    _import()
    clinic.refresh_from_db()
    latest = clinic.assessments.first()
    assert latest is not None and latest.source == AssessmentSource.OPENSTREETMAP
    assert latest.results["approach_tactile_paving"]["state"] == "meets"  # from the inspection
    assert latest.results["info_induction_loop"]["state"] == "not_met"  # from OSM
    assert clinic.hearing == "not" and clinic.wheelchair == "fully" and not clinic.adapted


def test_the_public_history_says_what_came_from_openstreetmap_with_its_attribution() -> None:
    clinic = make_facility()
    untouched = make_facility(names={"kk": "Мектеп", "ru": "Школа", "en": "School"})
    assess(clinic, dt.date(2024, 1, 10))
    assess(untouched, dt.date(2024, 1, 10))
    _import()
    imported = clinic.assessments.get(source=AssessmentSource.OPENSTREETMAP)
    assert imported.osm_element == "node/1001"
    today = timezone.localtime(imported.recorded_at).date().strftime("%d.%m.%Y")
    page = Client().get(f"/ru/accessibility/facilities/{clinic.pk}/").content.decode()
    # The history: the inspection, then the import with its element and day.
    assert "Проверка" in page and f"OpenStreetMap, загружено {today}" in page
    assert (
        '<a class="usa-link" href="https://www.openstreetmap.org/node/1001">node/1001</a>' in page
    )
    assert "последняя загрузка" in page
    # OSM's attribution, linked to its copyright page, as the ODbL asks.
    assert "https://www.openstreetmap.org/copyright" in page and "(ODbL)" in page
    created = Facility.objects.get(osm_id="way/2001")  # first known from OSM: no BIN shown
    school = Client().get(f"/en/accessibility/facilities/{created.pk}/").content.decode()
    assert "OpenStreetMap contributors" in school and "BIN" not in school
    other = Client().get(f"/en/accessibility/facilities/{untouched.pk}/").content.decode()
    assert "OpenStreetMap" not in other


def test_a_newer_inspection_is_never_overwritten() -> None:
    clinic = make_facility()
    inspection = assess(clinic, dt.date(2024, 6, 1))  # after the node's 2 May edit
    _import()
    clinic.refresh_from_db()
    assert clinic.assessments.first() == inspection
    assert clinic.hearing == "fully" and clinic.adapted
    assert clinic.osm_id == "node/1001"  # matched all the same, for the export


def test_the_pbf_file_written_by_osmium_imports_alike(tmp_path: Path) -> None:
    pbf = tmp_path / "astana.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(OSM_FILE)):
            writer.add(obj)
    printed = _import(pbf)
    assert "Places read: 5;" in printed
    assert set(Facility.objects.values_list("osm_id", flat=True)) == {
        "node/1001",
        "node/1002",
        "node/1006",
        "way/2001",
    }


def test_progress_is_printed_for_a_large_file() -> None:
    with translation.override("ru"):
        printed = _import(progress_every=5)
    assert "Прочитано объектов OpenStreetMap: 5…" in printed


def _truncated(tmp_path: Path) -> Path:
    path = tmp_path / "cut.osm"
    path.write_bytes(OSM_FILE.read_bytes()[:1500])
    return path


def _truncated_pbf(tmp_path: Path) -> Path:
    whole = tmp_path / "whole.osm.pbf"
    with osmium.SimpleWriter(str(whole)) as writer:
        for obj in osmium.FileProcessor(str(OSM_FILE)):
            writer.add(obj)
    data = whole.read_bytes()
    path = tmp_path / "cut.osm.pbf"
    path.write_bytes(data[: len(data) // 2])
    return path


def _not_osm(tmp_path: Path) -> Path:
    path = tmp_path / "facilities.osm"
    path.write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    return path


def _other_xml(tmp_path: Path) -> Path:
    path = tmp_path / "page.osm"
    path.write_text("<html><body>not a map</body></html>", encoding="utf-8")
    return path


def _wrong_suffix(tmp_path: Path) -> Path:
    path = tmp_path / "facilities.csv"
    path.write_text("name\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (_truncated, ErrorCode.OSM_FILE_INVALID),
        (_truncated_pbf, ErrorCode.OSM_FILE_INVALID),
        (_not_osm, ErrorCode.OSM_FILE_INVALID),
        (_other_xml, ErrorCode.OSM_FILE_INVALID),
        (_wrong_suffix, ErrorCode.OSM_FILE_INVALID),
        (lambda tmp: tmp / "missing.osm", ErrorCode.OSM_FILE_UNREADABLE),
    ],
)
def test_a_bad_file_is_refused_with_nothing_written(tmp_path: Path, make: Any, code: str) -> None:
    make_facility()
    path = make(tmp_path)
    before = row_counts()
    with pytest.raises(DomainError) as caught:
        osm.osm_import(actor=SYSTEM, places=osm.read(path), source_name=path.name)
    assert caught.value.code == code
    with translation.override("kk"):
        kazakh = str(caught.value.message)
    with translation.override("en"):
        assert kazakh != str(caught.value.message)
    with pytest.raises(CommandError, match=code):
        _import(path)
    assert row_counts() == before


def test_the_refusal_is_translated(tmp_path: Path) -> None:
    with pytest.raises(DomainError) as caught:
        osm.read(_wrong_suffix(tmp_path))
    with translation.override("ru"):
        assert "не файл OpenStreetMap" in str(caught.value.message)
    with translation.override("kk"):
        assert "OpenStreetMap файлы емес" in str(caught.value.message)


def test_importing_then_exporting_suggests_no_change(tmp_path: Path) -> None:
    _import()
    text, rows = _export(tmp_path)
    assert rows == [] and text.startswith("facility,osm_element,tag,osm_value,our_value")


def test_a_changed_assessment_yields_exactly_that_tag_change(tmp_path: Path) -> None:
    _import()
    court = Facility.objects.get(osm_id="node/1006")
    latest = court.assessments.first()
    assert latest is not None
    # An inspector finds the court's induction loop broken, everything else as OSM has it.
    results = dict(latest.results)
    results["info_induction_loop"] = {"state": "not_met", "value": None}
    Assessment.objects.create(
        facility=court,
        assessed_on=dt.date(2024, 7, 1),
        results=results,
        ratings=latest.ratings,
        adapted=False,
    )
    _text, rows = _export(tmp_path)
    assert rows == [
        {
            "facility": str(court.pk),
            "osm_element": "node/1006",
            "tag": "hearing_loop",
            "osm_value": "yes",
            "our_value": "no",
        }
    ]
    xml, _rows = _export(tmp_path, "osmchange")
    assert '<node id="1006" version="4" lat="51.1600000" lon="71.4700000">' in xml
    assert '<tag k="hearing_loop" v="no"/>' in xml
    assert '<tag k="wheelchair" v="designated"/>' in xml  # the element's other tags kept
    assert 'id="1001"' not in xml
    assert OsmElement.objects.count() == 4
