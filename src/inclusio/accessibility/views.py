"""The accessibility map's public pages: no sign-in. The list and search is the primary
interface; the map is an enhancement of it and says so when it has no tiles to draw on."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from inclusio.accessibility import selectors
from inclusio.accessibility.criteria import LIMITATIONS, UNIT_NAMES, standard
from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.forms import LIMITATION_CHOICES, SearchForm
from inclusio.accessibility.models import (
    OSM_COPYRIGHT,
    AssessmentPhoto,
    AssessmentSource,
    Rating,
)
from inclusio.core.errors import NotFound

LIMITATION_NAMES = dict(LIMITATION_CHOICES)


@require_GET
def facility_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    page = selectors.facility_search(form.filters(), request.GET.get("page"))
    return render(
        request,
        "accessibility/list.html",
        {
            "form": form,
            "page": page,
            "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "limitations": [(kind, LIMITATION_NAMES[kind]) for kind in LIMITATIONS],
        },
    )


@require_GET
def facility(request: HttpRequest, facility_id: int) -> HttpResponse:
    view = selectors.facility_get(facility_id)
    known = standard()
    latest = view.latest
    zones = []
    for zone, criteria in known.by_zone():
        rows = []
        for criterion in criteria:
            result = (latest.results.get(criterion.code) if latest else None) or {}
            photos = (
                [p for p in latest.photos.all() if p.criterion == criterion.code] if latest else []
            )
            unit = UNIT_NAMES[criterion.measurement.unit] if criterion.measurement else ""
            state = STATE_LABELS.get(result.get("state") or "", "")
            rows.append((criterion, state, result.get("value"), unit, photos))
        zones.append((zone, known.zone_name(zone), rows))
    ratings = view.facility.ratings()
    # Laid out by LIMITATIONS, the columns' order: a JSON column need not keep its keys in the
    # order they were written (PostgreSQL's jsonb sorts them).
    history = [
        (
            assessment,
            [Rating(assessment.ratings.get(kind, Rating.UNASSESSED)).label for kind in LIMITATIONS],
        )
        for assessment in view.history
    ]
    return render(
        request,
        "accessibility/facility.html",
        {
            "view": view,
            "facility": view.facility,
            "zones": zones,
            "ratings": [
                (LIMITATION_NAMES[kind], Rating(ratings[kind]).label, ratings[kind])
                for kind in LIMITATIONS
            ],
            "limitation_names": [LIMITATION_NAMES[kind] for kind in LIMITATIONS],
            "history": history,
            "osm": view.osm,
            "osm_in_history": any(a.source == AssessmentSource.OPENSTREETMAP for a in view.history),
            "osm_copyright": OSM_COPYRIGHT,
        },
    )


STATE_LABELS = {
    "meets": _("Meets the standard"),
    "partly": _("Meets it in part"),
    "not_met": _("Does not meet it"),
    "not_applicable": _("Does not apply"),
}


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility/statistics.html", {"stats": selectors.statistics()})


@require_GET
def facility_map(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    return render(
        request,
        "accessibility/map.html",
        {
            "form": form,
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "geojson": reverse("api:accessibility_facilities_geojson"),
            "list_url": reverse("accessibility:list"),
        },
    )


@require_GET
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    """A photo of an assessment, served with the type found on upload and nothing to run."""
    found = AssessmentPhoto.objects.filter(pk=photo_id).first()
    if found is None:
        raise NotFound(ErrorCode.FACILITY_NOT_FOUND, _("No such photo."))
    try:
        stream = found.file.open("rb")
    except FileNotFoundError:
        # Recorded but gone from the storage (a restore without the media): absent, not a 500.
        raise NotFound(ErrorCode.FACILITY_NOT_FOUND, _("No such photo.")) from None
    response = FileResponse(stream, content_type=found.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response
