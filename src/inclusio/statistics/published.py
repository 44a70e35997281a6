"""What the public statistics pages show: the open data as published, read back from the folder
``inclusio statistics-publish`` wrote (``settings.OPEN_DATA_DIR``): its current publication, the
folder the link ``current`` points to. Each page follows the link once and reads every file from
that one folder, so a publication switched in meanwhile never mixes into it; a file gone from
disk (an earlier publication removed under a slow reader, a folder damaged by hand) is a
translated 404, never a server error.

The pages recompute nothing: they show the published files' own cells, withheld ones as
withheld, so that the page and the downloads never disagree. Nor does this module import the
publishing side (publish.py, and disclosure.py with its LP solver): a web process never loads
them.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import NotFound
from inclusio.statistics.errors import ErrorCode
from inclusio.statistics.tables import CATALOGUE, TOTAL, Text

UNITS = {
    "PS": _("persons"),
    "NUMBER": _("number"),
    "KZT": _("tenge"),
    "PT": _("per cent"),
}
# The link, in the open-data folder, to the current publication's folder (publish.py switches it).
CURRENT = "current"
STATUS_NAMES = {
    "C": _("withheld: fewer than the threshold"),
    "D": _("withheld to protect another cell"),
}


def _in_language(texts: dict[str, str]) -> str:
    """A published label (``Text.as_dict()``) in the current language."""
    return str(Text(**texts))


@dataclass(frozen=True)
class Dataset:
    id: str
    title: str
    definition: str
    source: str
    reference_date: str
    unit: str
    threshold: int
    primary_cells: int
    secondary_cells: int
    cells: int
    files: tuple[str, ...]


@dataclass(frozen=True)
class Bar:
    label: str
    value: str  # as published; "" when withheld or without a value
    width: float  # 0–100, the bar's length
    withheld: str  # why it is withheld; "" when published


@dataclass(frozen=True)
class Chart:
    key: str  # the HTML id
    title: str
    bars: list[Bar]
    total: Bar


def _folder() -> Path | None:
    """The current publication's folder; None before the first publication."""
    root = Path(settings.OPEN_DATA_DIR)
    try:
        target = os.readlink(root / CURRENT)
    except OSError:
        return None
    return root / target


def _missing() -> NotFound:
    return NotFound(
        ErrorCode.FILE_MISSING,
        _(
            "This file of the publication cannot be found. A newer publication may have just "
            "replaced it: open the statistics page again."
        ),
    )


def _open(folder: Path, name: str, mode: str = "r") -> IO[Any]:
    try:
        if "b" in mode:
            return (folder / name).open(mode)
        return (folder / name).open(mode, encoding="utf-8", newline="")
    except FileNotFoundError:
        raise _missing() from None


def _json(folder: Path, name: str) -> dict[str, Any]:
    with _open(folder, name) as stream:
        found: dict[str, Any] = json.load(stream)
    return found


def _catalogue(folder: Path | None) -> dict[str, Any] | None:
    return None if folder is None else _json(folder, CATALOGUE)


def _dataset(entry: dict[str, Any], meta: dict[str, Any]) -> Dataset:
    suppression = meta["suppression"]
    return Dataset(
        id=meta["id"],
        title=_in_language(meta["title"]),
        definition=_in_language(meta["definition"]),
        source=_in_language(meta["source"]),
        reference_date=meta["reference_date"],
        unit=str(UNITS.get(meta["unit"], meta["unit"])),
        threshold=suppression["threshold"],
        primary_cells=suppression["primary_cells"],
        secondary_cells=suppression["secondary_cells"],
        cells=suppression["cells"],
        files=tuple(
            distribution["dcat:downloadURL"]["@id"] for distribution in entry["dcat:distribution"]
        ),
    )


def datasets() -> list[Dataset]:
    """Every published dataset, in the catalogue's order; none before the first publication."""
    folder = _folder()
    catalogue = _catalogue(folder)
    if folder is None or catalogue is None:
        return []
    return [
        _dataset(entry, _json(folder, f"{entry['dct:identifier']}.json"))
        for entry in catalogue["dcat:dataset"]
    ]


def _entry(catalogue: dict[str, Any] | None, dataset_id: str) -> dict[str, Any]:
    for entry in catalogue["dcat:dataset"] if catalogue else []:
        if entry["dct:identifier"] == dataset_id:
            return dict(entry)
    raise NotFound(ErrorCode.DATASET_UNKNOWN, _("No such dataset is published."))


def dataset_get(dataset_id: str) -> tuple[Dataset, list[Chart]]:
    """A published dataset and, per dimension, its cells along that dimension with the other
    dimensions at their totals: the margins, one chart and table each."""
    folder = _folder()
    entry = _entry(_catalogue(folder), dataset_id)
    assert folder is not None  # a catalogue was found in it
    meta = _json(folder, f"{dataset_id}.json")
    dataset = _dataset(entry, meta)
    dimensions = [dimension["id"] for dimension in meta["dimensions"]]
    with _open(folder, meta["data"]) as stream:
        cells = {
            tuple(row[name] for name in dimensions): (row["OBS_VALUE"], row["CONF_STATUS"])
            for row in csv.DictReader(stream)
        }
    charts = []
    for position, dimension in enumerate(meta["dimensions"]):

        def at(code: str, position: int = position) -> tuple[str, ...]:
            return tuple(code if i == position else TOTAL for i in range(len(dimensions)))

        labelled = [
            (_in_language(code["label"]), cells[at(code["id"])]) for code in dimension["codes"]
        ]
        values = [float(value) for _label, (value, _status) in labelled if value]
        scale = 100.0 if meta["unit"] == "PT" else max(values, default=0.0) or 1.0

        def bar(label: str, cell: tuple[str, str], scale: float = scale) -> Bar:
            value, status = cell
            return Bar(
                label=label,
                value=value,
                width=round(100 * float(value) / scale, 1) if value else 0.0,
                withheld=str(STATUS_NAMES.get(status, "")),
            )

        charts.append(
            Chart(
                key=f"by-{dimension['id'].lower().replace('_', '-')}",
                title=_in_language(dimension["title"]),
                bars=[bar(label, cell) for label, cell in labelled],
                total=bar(str(_("Total")), cells[at(TOTAL)]),
            )
        )
    return dataset, charts


def file_open(name: str) -> IO[bytes]:
    """A file of the current publication, opened, by the name its catalogue gives it: nothing
    else is served."""
    folder = _folder()
    catalogue = _catalogue(folder)
    known = {CATALOGUE} if catalogue else set()
    for entry in catalogue["dcat:dataset"] if catalogue else []:
        known.update(d["dcat:downloadURL"]["@id"] for d in entry["dcat:distribution"])
    if folder is None or name not in known:
        raise NotFound(ErrorCode.FILE_UNKNOWN, _("No such file is published."))
    stream: IO[bytes] = _open(folder, name, "rb")
    return stream
