"""Publishing the tables as open data: per dataset an SDMX-CSV 2.0 file and a metadata file,
and a DCAT-AP catalogue (JSON-LD) of them all, computed from a snapshot on a reference date.

Each publication is written whole into a new folder of its own, named for its reference date,
under the output folder; then one pointer (the symbolic link ``current``) is switched to it by a
single rename, so that a reader sees the previous publication or the new one, never a mix of
both. Only then are earlier publications removed: a dataset no longer published leaves no file
behind. A refused or failed publication leaves the output folder as it was.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ValidationFailed
from inclusio.snapshot.history import validate_history
from inclusio.snapshot.validate import SnapshotError
from inclusio.statistics.disclosure import DEFAULT_THRESHOLD, Protection, Status, protect
from inclusio.statistics.errors import ErrorCode
from inclusio.statistics.published import CURRENT
from inclusio.statistics.tables import (
    CATALOGUE,
    DIMENSIONS,
    LANGUAGES,
    TABLES,
    Cube,
    Snapshot,
    SnapshotIncomplete,
    Table,
    Text,
    compute,
)

SDMX_CSV = (
    "https://github.com/sdmx-twg/sdmx-csv/blob/v2.0.0/data-message/docs/sdmx-csv-field-guide.md"
)

PUBLISHER = Text("Inclusio платформасы", "Платформа Inclusio", "The Inclusio platform")
CATALOGUE_TITLE = Text(
    "Мүгедектігі бар адамдар туралы ашық деректер",
    "Открытые данные о лицах с инвалидностью",
    "Open data on persons with disabilities",
)
SUPPRESSION_METHOD = Text(
    "1-ден шекке дейінгі (шекті қоспағанда) сандар жасырылады (C); басқа ұяшықтар (D) сызықтық "
    "бағдарламамен (HiGHS) ең аз жоғалтумен таңдалады, сонда жарияланған ұяшықтар мен "
    "қорытындылардан ешбір жасырылған санды шектен тар аралыққа дейін анықтау мүмкін емес. "
    "Жасырылған санға негізделген сомалар мен үлестер де жасырылады.",
    "Числа от 1 до порога (не включая) скрыты (C); другие ячейки (D) выбраны линейной "
    "программой (HiGHS) с наименьшей потерей так, что из опубликованных ячеек и итогов ни одно "
    "скрытое число нельзя сузить до интервала уже порога. Суммы и доли, построенные на скрытых "
    "числах, тоже скрыты.",
    "Counts from 1 to below the threshold are withheld (C); further cells (D) are chosen by a "
    "linear programme (HiGHS) that hides as little as possible, so that no withheld count can be "
    "narrowed to an interval narrower than the threshold from the published cells and totals. "
    "Amounts and rates built on withheld counts are withheld too.",
)


def _source(on: datetime.date) -> Text:
    day = on.isoformat()
    return Text(
        f"Inclusio: {day} күнгі тізілім мен халық тізілімінің снапшоты",
        f"Inclusio: снапшот реестра и регистра населения на {day}",
        f"Inclusio: the snapshot of the registry and the population register on {day}",
    )


@dataclass(frozen=True)
class Published:
    """A computed table and the protection of its count table (its own, or the one it follows)."""

    table: Table
    cube: Cube
    protection: Protection

    @property
    def statuses(self) -> dict[tuple[str, ...], Status]:
        return self.protection.statuses


@dataclass(frozen=True)
class Publication:
    on: datetime.date
    datasets: list[Published]
    skipped: list[tuple[str, str]]  # (dataset, the file the snapshot lacks)


def check_request(
    snapshot: Snapshot, on: datetime.date, datasets: Sequence[str], threshold: int
) -> None:
    """Refuses, before any work, a date outside what the snapshot holds, an unknown dataset or a
    threshold that would withhold nothing."""
    for name in datasets:
        if name not in TABLES:
            raise ValidationFailed(
                ErrorCode.DATASET_UNKNOWN,
                _("There is no dataset %(name)s. The datasets are: %(known)s."),
                name=name,
                known=", ".join(TABLES),
            )
    if threshold < 2:
        raise ValidationFailed(
            ErrorCode.THRESHOLD_TOO_SMALL,
            _("The threshold must be at least 2 (counts below it are withheld); %(given)s given."),
            given=threshold,
        )
    if snapshot.history:
        _check_history(snapshot)
    _check_domains(snapshot)
    bounds = snapshot.history_start()
    if bounds is not None and on < bounds.first:
        if not snapshot.history:
            message = _(
                "%(date)s is before the snapshot's date, %(start)s, and the snapshot has no "
                "status history (disability_history.parquet) to compute an earlier date from."
            )
        elif not bounds.declared:
            message = _(
                "%(date)s is before the snapshot's date, %(start)s, and its manifest does not "
                "say from which day its status history is complete (history_from): the "
                "snapshot answers for its own date only."
            )
        else:
            message = _("%(date)s is before the registry's history, which starts on %(start)s.")
        raise ValidationFailed(
            ErrorCode.DATE_BEFORE_HISTORY,
            message,
            date=on.isoformat(),
            start=bounds.first.isoformat(),
        )
    if on > snapshot.reference_date:
        raise ValidationFailed(
            ErrorCode.DATE_AFTER_SNAPSHOT,
            _("%(date)s is after the snapshot's date, %(snapshot)s: use a later snapshot."),
            date=on.isoformat(),
            snapshot=snapshot.reference_date.isoformat(),
        )


def _check_history(snapshot: Snapshot) -> None:
    """Refuse a history part that breaks the contract (an outside producer's), naming the file
    and the column, before any table reads it."""
    try:
        validate_history(snapshot.directory)
    except SnapshotError as error:
        raise _broken(ErrorCode.HISTORY_INVALID, error) from None


def _check_domains(snapshot: Snapshot) -> None:
    """Refuse a domain file that breaks the contract, as the history part, rather than publish
    the snapshot without its tables."""
    if snapshot.broken is not None:
        raise _broken(ErrorCode.DOMAIN_FILE_INVALID, snapshot.broken)


def _broken(code: ErrorCode, error: SnapshotError) -> ValidationFailed:
    if error.column is None:
        return ValidationFailed(
            code, _("%(file)s is not a readable Parquet file."), file=error.file.name
        )
    return ValidationFailed(
        code,
        _(
            "%(file)s: the column '%(column)s' is missing or not of the snapshot "
            "contract's type (docs/snapshot.md)."
        ),
        file=error.file.name,
        column=error.column,
    )


def compute_datasets(
    snapshot: Snapshot,
    on: datetime.date,
    *,
    datasets: Sequence[str] = (),
    threshold: int = DEFAULT_THRESHOLD,
    on_dataset: Callable[[Table], None] | None = None,
) -> Publication:
    """Every dataset asked for (all when none is named) computed and protected. A dataset named
    whose source the snapshot lacks is refused; unnamed, it is skipped and reported."""
    check_request(snapshot, on, datasets, threshold)
    wanted = [TABLES[name] for name in datasets] if datasets else list(TABLES.values())
    published: list[Published] = []
    skipped: list[tuple[str, str]] = []
    protections: dict[str, Protection] = {}
    for table in wanted:
        if on_dataset is not None:
            on_dataset(table)
        try:
            cube = compute(table, snapshot, on)
            count_table = TABLES[table.follows] if table.follows else table
            if count_table.id not in protections:
                counts = cube if count_table is table else compute(count_table, snapshot, on)
                protections[count_table.id] = protect(
                    counts.codes,
                    {key: int(value or 0) for key, value in counts.values.items()},
                    threshold=threshold,
                )
        except SnapshotIncomplete as missing:
            if datasets:
                raise ValidationFailed(
                    ErrorCode.SNAPSHOT_INCOMPLETE,
                    _("The snapshot has no %(file)s, which the dataset %(name)s is computed from."),
                    file=missing.file,
                    name=table.id,
                ) from None
            skipped.append((table.id, missing.file))
            continue
        published.append(Published(table, cube, protections[count_table.id]))
    return Publication(on, published, skipped)


# --- the files -------------------------------------------------------------------------------


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def write_sdmx_csv(dataset: Published, path: Path) -> None:
    table = dataset.table
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
                *("STRUCTURE", "STRUCTURE_ID", "ACTION"),
                *table.dimensions,
                *("OBS_VALUE", "CONF_STATUS", "UNIT_MEASURE"),
            ]
        )
        for key in dataset.cube.cells():
            status = dataset.statuses[key]
            value = dataset.cube.values[key] if status is Status.FREE else None
            writer.writerow(
                [
                    "dataflow",
                    table.structure_id,
                    "I",
                    *key,
                    _number(value),
                    status.value,
                    table.unit,
                ]
            )


def _texts(text: Text) -> list[dict[str, str]]:
    return [{"@value": getattr(text, language), "@language": language} for language in LANGUAGES]


def metadata(dataset: Published, on: datetime.date, snapshot_digest: str) -> dict[str, Any]:
    table = dataset.table
    return {
        "id": table.id,
        "structure_id": table.structure_id,
        "title": table.title.as_dict(),
        "definition": table.definition.as_dict(),
        "source": _source(on).as_dict(),
        "snapshot_manifest_sha256": snapshot_digest,
        "reference_date": on.isoformat(),
        "unit": table.unit,
        "dimensions": [
            {
                "id": name,
                "title": DIMENSIONS[name].title.as_dict(),
                "codes": [
                    {"id": code, "label": DIMENSIONS[name].label(code).as_dict()} for code in codes
                ],
            }
            for name, codes in zip(table.dimensions, dataset.cube.codes, strict=True)
        ],
        "suppression": {
            "threshold": dataset.protection.threshold,
            "method": SUPPRESSION_METHOD.as_dict(),
            "withheld_like": table.follows,
            "primary_cells": dataset.protection.primary,
            "secondary_cells": dataset.protection.secondary,
            "cells": len(dataset.statuses),
        },
        "data": f"{table.id}.csv",
    }


def catalogue(publication: Publication) -> dict[str, Any]:
    day = publication.on.isoformat()
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": CATALOGUE,
        "@type": "dcat:Catalog",
        "dct:title": _texts(CATALOGUE_TITLE),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": _texts(PUBLISHER)},
        "dct:language": [
            {"@id": f"http://publications.europa.eu/resource/authority/language/{code}"}
            for code in ("KAZ", "RUS", "ENG")
        ],
        "dct:modified": {"@value": day, "@type": "xsd:date"},
        "dcat:dataset": [
            {
                "@id": dataset.table.id,
                "@type": "dcat:Dataset",
                "dct:identifier": dataset.table.id,
                "dct:title": _texts(dataset.table.title),
                "dct:description": _texts(dataset.table.definition),
                "dct:publisher": {"@type": "foaf:Agent", "foaf:name": _texts(PUBLISHER)},
                "dct:temporal": {
                    "@type": "dct:PeriodOfTime",
                    "dcat:endDate": {"@value": day, "@type": "xsd:date"},
                },
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dcat:downloadURL": {"@id": f"{dataset.table.id}.csv"},
                        "dcat:mediaType": {
                            "@id": "https://www.iana.org/assignments/media-types/text/csv"
                        },
                        "dct:conformsTo": {"@id": SDMX_CSV},
                    },
                    {
                        "@type": "dcat:Distribution",
                        "dcat:downloadURL": {"@id": f"{dataset.table.id}.json"},
                        "dcat:mediaType": {
                            "@id": "https://www.iana.org/assignments/media-types/application/json"
                        },
                    },
                ],
            }
            for dataset in publication.datasets
        ],
    }


# A publication's folder: its reference date and a unique suffix (tempfile.mkdtemp's).
_PUBLICATION_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}-[A-Za-z0-9_]+")


def write_publication(publication: Publication, snapshot: Snapshot, out: Path) -> list[Path]:
    """The files of every dataset and the catalogue, written into a new folder under ``out``
    and made current at once; earlier publications are removed after the switch."""
    digest = snapshot.manifest_sha256()
    # Absolute, as mkdtemp's answer is: a relative ``out`` (make demo's var/open-data) compared
    # with it named the new folder an earlier one, and the publication removed itself.
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{publication.on.isoformat()}-", dir=out))
    try:
        folder.chmod(0o755)  # mkdtemp's 0700 would hide it from a web server's own user
        for dataset in publication.datasets:
            write_sdmx_csv(dataset, folder / f"{dataset.table.id}.csv")
            (folder / f"{dataset.table.id}.json").write_text(
                json.dumps(metadata(dataset, publication.on, digest), ensure_ascii=False, indent=2),
                encoding="utf-8",
            )
        (folder / CATALOGUE).write_text(
            json.dumps(catalogue(publication), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        previous = _current_folder(out)
        _make_current(out, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _remove_earlier(out, previous=previous)
    names = sorted(path.name for path in folder.iterdir() if path.name != CATALOGUE)
    return [folder / name for name in [*names, CATALOGUE]]


def _make_current(out: Path, folder: Path) -> None:
    """Point ``out/current`` at the folder: a new link renamed over the old one, which
    rename(2) does atomically."""
    link = out / f".{CURRENT}-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(folder.name, target_is_directory=True)
    os.replace(link, out / CURRENT)


def _current_folder(out: Path) -> Path | None:
    """The folder ``out/current`` points at, if it is a publication's."""
    try:
        name = os.readlink(out / CURRENT)
    except OSError:
        return None
    return out / name if _PUBLICATION_FOLDER.fullmatch(name) else None


def _remove_earlier(out: Path, *, previous: Path | None) -> None:
    """The publication that was current before the switch (and the files of a publication
    written straight into ``out`` before publications had folders of their own). Only that one:
    a folder another run is still writing, or has just made current, is not ours to remove."""
    if previous is not None and previous.is_dir() and not previous.is_symlink():
        shutil.rmtree(previous, ignore_errors=True)
    flat = out / CATALOGUE
    if flat.is_file():
        try:
            listed = json.loads(flat.read_text(encoding="utf-8"))["dcat:dataset"]
            names = {
                d["dcat:downloadURL"]["@id"] for entry in listed for d in entry["dcat:distribution"]
            }
        except (ValueError, KeyError, TypeError):
            names = set()
        for name in names:
            if "/" not in name and (out / name).is_file():
                (out / name).unlink()
        flat.unlink()
