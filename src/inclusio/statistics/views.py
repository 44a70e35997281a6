"""The public statistics pages: no sign-in. Each chart has its data table beside it, withheld
cells shown as withheld; every file of the publication can be downloaded."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inclusio.statistics import published


@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    return render(request, "statistics/list.html", {"datasets": published.datasets()})


@require_GET
def dataset(request: HttpRequest, dataset_id: str) -> HttpResponse:
    found, charts = published.dataset_get(dataset_id)
    return render(request, "statistics/dataset.html", {"dataset": found, "charts": charts})


@require_GET
def download(request: HttpRequest, file_name: str) -> FileResponse:
    content_type = {".csv": "text/csv", ".json": "application/json"}.get(
        Path(file_name).suffix, "application/ld+json"
    )
    response = FileResponse(published.file_open(file_name), as_attachment=True, filename=file_name)
    response["Content-Type"] = f"{content_type}; charset=utf-8"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
