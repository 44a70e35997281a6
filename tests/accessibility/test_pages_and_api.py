"""The public pages and the open formats: no sign-in, the filters, clustering, A11yJSON."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inclusio.accessibility.models import Facility
from inclusio.accessibility.services import PhotoGiven, assessment_record
from inclusio.core.audit import SYSTEM
from tests.accessibility.builders import all_meet, assess, make_facility
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
VALIDATOR = Path(__file__).with_name("validate_a11yjson.cjs")


@pytest.fixture
def places() -> dict[str, Facility]:
    ramp = make_facility()
    assess(ramp, entrance_ramp_slope={"state": "not_met", "value": 12})
    school = make_facility(
        names={"kk": "№5 мектеп", "ru": "Школа №5", "en": "School No. 5"},
        category="education",
        latitude=51.16,
        longitude=71.47,
    )
    assess(school, info_induction_loop="partly")
    court = make_facility(
        names={"kk": "Аудандық сот", "ru": "Районный суд", "en": "District court"},
        category="justice",
        is_court=True,
        latitude=51.2,
        longitude=71.5,
    )
    assess(court)
    make_facility(
        names={"kk": "Дүкен", "ru": "Магазин", "en": "Shop"},
        category="trade_and_food",
        region="75",
        latitude=43.25,
        longitude=76.9,
    )
    return {"ramp": ramp, "school": school, "court": court}


def test_the_list_is_public_and_filters_by_kind_of_limitation_and_rating(places: Any) -> None:
    client = Client()
    every = client.get("/en/accessibility/")
    assert every.status_code == 200 and every.context["page"].paginator.count == 4
    wheelchair_fully = client.get(
        "/en/accessibility/", {"limitation": "wheelchair", "rating": "fully"}
    )
    found = {f.pk for f in wheelchair_fully.context["page"]}
    assert found == {places["school"].pk, places["court"].pk}
    hearing_partly = client.get(
        "/ru/accessibility/", {"limitation": "hearing", "rating": "partially"}
    )
    assert [f.pk for f in hearing_partly.context["page"]] == [places["school"].pk]
    assert "Школа №5" in hearing_partly.text
    by_region = client.get("/kk/accessibility/", {"region": "75"})
    assert by_region.context["page"].paginator.count == 1
    by_text = client.get("/en/accessibility/", {"q": "court"})
    assert [f.pk for f in by_text.context["page"]] == [places["court"].pk]
    by_category = client.get("/en/accessibility/", {"category": "education", "page": "x"})
    assert [f.pk for f in by_category.context["page"]] == [places["school"].pk]


def test_the_facility_page_shows_every_criterion_and_the_history(places: Any) -> None:
    ramp = places["ramp"]
    assess(ramp, day=dt.date(2024, 5, 2))
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/en/accessibility/facilities/{ramp.pk}/")
    assert page.status_code == 200
    assert len(queries) <= 8, [q["sql"] for q in queries.captured_queries]
    assert "Slope of the ramp" in page.text and "Induction loop" in page.text
    assert page.text.count("<tr>") >= 22 + 2 + 4  # criteria, two assessments, four ratings
    assert "Adapted: every mandatory criterion" in page.text
    missing = client.get("/en/accessibility/facilities/999999/")
    assert missing.status_code == 404


def test_the_history_shows_each_rating_under_its_own_kind_of_limitation(places: Any) -> None:
    # Stored in another order than the columns', as PostgreSQL's jsonb keeps them.
    assessment = places["school"].assessments.get()
    assessment.ratings = {
        "intellectual": "not",
        "hearing": "partially",
        "vision": "fully",
        "wheelchair": "unassessed",
    }
    assessment.save()
    page = Client().get(f"/en/accessibility/facilities/{places['school'].pk}/")
    history = page.text[page.text.index('id="history-heading"') :]
    # After the day (a header), the source and whether adapted.
    headers = re.findall(r'<th scope="col">([^<]+)</th>', history)[3:7]
    cells = re.findall(r"<td>([^<]+)</td>", history)[2:6]
    assert re.findall(r"<td>([^<]+)</td>", history)[0] == "Inspection"
    assert dict(zip(headers, cells, strict=True)) == {
        "Wheelchair and mobility": "Not assessed yet",
        "Vision": "Fully accessible",
        "Hearing": "Partially accessible",
        "Intellectual": "Not accessible",
    }


def test_a_photo_is_served_as_an_image_that_cannot_run(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    png = b"\x89PNG\r\n\x1a\n" + bytes(32)
    assessment = assessment_record(
        actor=SYSTEM,
        facility_id=make_facility().pk,
        assessed_on=dt.date(2024, 3, 1),
        results=all_meet(),
        photos_given=[PhotoGiven("entrance_ramp_slope", SimpleUploadedFile("r.png", png), "x")],
    )
    photo = assessment.photos.get()
    client = Client()
    served = client.get(f"/en/accessibility/photos/{photo.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == png
    assert served["Content-Type"] == "image/png"
    assert "sandbox" in served["Content-Security-Policy"]
    assert served["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/en/accessibility/photos/{photo.pk + 1}/").status_code == 404
    photo.file.storage.delete(photo.file.name)
    assert client.get(f"/en/accessibility/photos/{photo.pk}/").status_code == 404


def test_the_statistics_give_the_adapted_share_by_region_and_category(places: Any) -> None:
    page = Client().get("/en/accessibility/statistics/")
    stats = page.context["stats"]
    assert (stats.national.total, stats.national.adapted) == (4, 1)
    assert [(s.code, s.total, s.adapted) for s in stats.regions] == [("71", 3, 1), ("75", 1, 0)]
    assert {s.code: s.percent for s in stats.categories}["justice"] == 100.0
    assert "<table" in page.text and 'role="img"' in page.text


def test_the_map_says_when_no_tiles_are_configured(settings: Any) -> None:
    settings.MAP_TILE_URL = ""
    page = Client().get("/en/accessibility/map/")
    assert "No map tiles are configured" in page.text
    assert "leaflet.js" not in page.text
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = Client().get("/en/accessibility/map/")
    assert "leaflet.js" in page.text and "markercluster" in page.text
    assert "<script>" not in page.text  # no inline script: the page's own code is a static file


def test_the_geojson_clusters_at_low_zoom_and_lists_facilities_close_up(places: Any) -> None:
    client = Client()
    url = "/api/v1/accessibility/facilities.geojson"
    wide = client.get(url, {"bbox": "46,40,88,56", "zoom": 4}).json()
    cells = [f for f in wide["features"] if f["properties"]["cluster"]]
    assert sum(c["properties"]["count"] for c in cells) == 4
    assert sum(c["properties"]["adapted"] for c in cells) == 1
    close = client.get(url, {"bbox": "71.3,51.0,71.6,51.3", "zoom": 14}).json()
    assert {f["properties"]["id"] for f in close["features"]} == {
        places["ramp"].pk,
        places["school"].pk,
        places["court"].pk,
    }
    ramp = next(f for f in close["features"] if f["properties"]["id"] == places["ramp"].pk)
    assert ramp["geometry"]["coordinates"] == [71.43, 51.128]
    assert ramp["properties"]["ratings"]["wheelchair"] == "not"
    only = client.get(
        url,
        {"bbox": "71.3,51.0,71.6,51.3", "zoom": 14, "limitation": "wheelchair", "rating": "not"},
    ).json()
    assert [f["properties"]["id"] for f in only["features"]] == [places["ramp"].pk]


@pytest.mark.parametrize("bbox", ["x", "1,2,3", "80,40,70,50", "10,95,20,96", "nan,1,2,3"])
def test_a_bad_bbox_is_refused_with_its_code(bbox: str) -> None:
    before = row_counts()
    response = Client().get("/api/v1/accessibility/facilities.geojson", {"bbox": bbox})
    assert response.status_code == 422 and response.json()["code"] == "BBOX_INVALID"
    assert row_counts() == before


def test_the_openapi_document_names_the_operation() -> None:
    schema = Client().get("/api/openapi.json").json()
    ids = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    assert "accessibility_facilities_geojson" in ids


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "@sozialhelden" / "a11yjson").is_dir():
        pytest.skip("node or node_modules/@sozialhelden/a11yjson is absent (run npm ci)")
    return subprocess.run(
        [node, str(VALIDATOR), str(NODE_MODULES), str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_a11yjson_export_validates_against_the_published_schema(
    places: Any, tmp_path: Path
) -> None:
    out = tmp_path / "places.json"
    call_command(
        "accessibility_export",
        "--format",
        "a11yjson",
        "--out",
        str(out),
        "--base-url",
        "https://inclusio.example",
    )
    collection = json.loads(out.read_text())
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 4
    ramp = next(
        f for f in collection["features"] if f["properties"]["originalId"] == str(places["ramp"].pk)
    )
    access = ramp["properties"]["accessibility"]
    assert access["wheelchairAccessibilityGrade"] == "not"
    assert access["entrances"][0]["properties"]["slopeAngle"] == {"value": 12.0, "unit": "%"}
    assert ramp["properties"]["infoPageUrl"].endswith(
        f"/accessibility/facilities/{places['ramp'].pk}/"
    )
    result = _validate(out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 features, 0 invalid" in result.stdout


def test_the_validator_catches_an_invalid_place(tmp_path: Path) -> None:
    out = tmp_path / "bad.json"
    bad = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [71.4, 51.1]},
        "properties": {
            "category": "health",
            "accessibility": {"wheelchairAccessibilityGrade": "mostly"},
        },
    }
    out.write_text(json.dumps({"type": "FeatureCollection", "features": [bad]}))
    result = _validate(out)
    assert result.returncode == 1 and "wheelchairAccessibilityGrade" in result.stdout


def test_the_api_streams_the_same_a11yjson(places: Any) -> None:
    response = Client().get("/api/v1/accessibility/facilities.a11yjson", {"category": "justice"})
    assert response.status_code == 200
    collection = json.loads(b"".join(response.streaming_content))
    assert [f["properties"]["originalId"] for f in collection["features"]] == [
        str(places["court"].pk)
    ]
    assert (
        collection["features"][0]["properties"]["accessibility"]["wheelchairAccessibilityGrade"]
        == "fully"
    )
