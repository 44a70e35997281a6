"""A publication is switched in whole: readers see the previous one or the new one, never a mix;
earlier publications' files are removed once the new one is current; a catalogued file gone
from disk is a translated 404."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from inclusio.statistics import publish, published
from inclusio.statistics.publish import Publication, compute_datasets, write_publication
from inclusio.statistics.tables import CATALOGUE, Snapshot

ON = dt.date(2024, 1, 1)
BOTH = ["BENEFIT_AMOUNTS", "IPR_LINES"]


@pytest.fixture(scope="module")
def computed(demo_snapshot: Path) -> Iterator[tuple[Snapshot, Publication, Publication]]:
    """Two publications of the same day: both small datasets, then one of them only."""
    snapshot = Snapshot.open(demo_snapshot)
    try:
        yield (
            snapshot,
            compute_datasets(snapshot, ON, datasets=BOTH),
            compute_datasets(snapshot, ON, datasets=["BENEFIT_AMOUNTS"]),
        )
    finally:
        snapshot.close()


def _publications(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink())


def test_fewer_datasets_published_leave_no_file_of_the_earlier_publication(
    computed: tuple[Snapshot, Publication, Publication], tmp_path: Path, settings: Any
) -> None:
    snapshot, both, fewer = computed
    settings.OPEN_DATA_DIR = tmp_path
    first = write_publication(both, snapshot, tmp_path)[0].parent
    assert os.readlink(tmp_path / "current") == first.name
    assert [d.id for d in published.datasets()] == BOTH

    second = write_publication(fewer, snapshot, tmp_path)[0].parent
    assert os.readlink(tmp_path / "current") == second.name
    assert _publications(tmp_path) == [second.name]
    assert sorted(p.name for p in second.iterdir()) == [
        "BENEFIT_AMOUNTS.csv",
        "BENEFIT_AMOUNTS.json",
        CATALOGUE,
    ]
    assert not list(tmp_path.rglob("IPR_LINES.*"))
    assert [d.id for d in published.datasets()] == ["BENEFIT_AMOUNTS"]


def test_readers_see_the_previous_publication_whole_until_the_switch(
    computed: tuple[Snapshot, Publication, Publication],
    tmp_path: Path,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    snapshot, both, fewer = computed
    settings.OPEN_DATA_DIR = tmp_path
    write_publication(both, snapshot, tmp_path)
    with published.file_open("IPR_LINES.csv") as stream:
        old_csv = stream.read()
    seen: list[tuple[list[str], bytes]] = []
    write_csv = publish.write_sdmx_csv

    def writing(dataset: Any, path: Path) -> None:
        # Halfway through the new publication, a reader still reads the old one, all of it.
        write_csv(dataset, path)
        with published.file_open("IPR_LINES.csv") as stream:
            seen.append(([d.id for d in published.datasets()], stream.read()))

    monkeypatch.setattr(publish, "write_sdmx_csv", writing)
    write_publication(fewer, snapshot, tmp_path)
    assert seen == [(BOTH, old_csv)]
    assert [d.id for d in published.datasets()] == ["BENEFIT_AMOUNTS"]


def test_a_failed_publication_leaves_the_current_one_as_it_was(
    computed: tuple[Snapshot, Publication, Publication],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    snapshot, both, fewer = computed
    first = write_publication(both, snapshot, tmp_path)[0].parent

    def disk_full(dataset: Any, path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "write_sdmx_csv", disk_full)
    with pytest.raises(OSError):
        write_publication(fewer, snapshot, tmp_path)
    assert os.readlink(tmp_path / "current") == first.name
    assert _publications(tmp_path) == [first.name]
    assert sorted(n for n in os.listdir(tmp_path) if n.startswith(".")) == []


def test_files_written_straight_into_the_folder_before_are_removed(
    computed: tuple[Snapshot, Publication, Publication], tmp_path: Path
) -> None:
    # The layout before publications had folders of their own: the files beside the catalogue.
    snapshot, both, fewer = computed
    folder = write_publication(both, snapshot, tmp_path)[0].parent
    for path in folder.iterdir():
        path.rename(tmp_path / path.name)
    (tmp_path / "current").unlink()
    folder.rmdir()
    (tmp_path / "notes.txt").write_text("the operator's own file", encoding="utf-8")

    write_publication(fewer, snapshot, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.is_dir()) == ["notes.txt"]


@pytest.mark.django_db
def test_a_catalogued_file_missing_on_disk_is_a_translated_404(
    computed: tuple[Snapshot, Publication, Publication],
    tmp_path: Path,
    settings: Any,
    client: Client,
) -> None:
    snapshot, both, _fewer = computed
    settings.OPEN_DATA_DIR = tmp_path
    folder = write_publication(both, snapshot, tmp_path)[0].parent
    (folder / "IPR_LINES.csv").unlink()
    (folder / "BENEFIT_AMOUNTS.json").unlink()
    messages = {
        "en": "A newer publication may have just replaced it",
        "ru": "Возможно, его только что заменила новая публикация",
        "kk": "Оны жаңа жарияланым жаңа ғана ауыстырған болуы мүмкін",
    }
    for language, message in messages.items():
        for url in (
            f"/{language}/statistics/files/IPR_LINES.csv",
            f"/{language}/statistics/datasets/IPR_LINES/",
            f"/{language}/statistics/datasets/BENEFIT_AMOUNTS/",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert message in response.content.decode(), url
    # What is there is still served.
    assert client.get("/en/statistics/files/BENEFIT_AMOUNTS.csv").status_code == 200
    catalogue = json.loads(b"".join(client.get(f"/en/statistics/files/{CATALOGUE}")))
    assert [e["dct:identifier"] for e in catalogue["dcat:dataset"]] == BOTH


def test_a_publication_into_a_relative_folder_stays(
    computed: tuple[Snapshot, Publication, Publication],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """make demo publishes into var/open-data, a relative path."""
    snapshot, both, fewer = computed
    monkeypatch.chdir(tmp_path)
    first = write_publication(both, snapshot, Path("open-data"))[0].parent
    assert first.is_dir() and (tmp_path / "open-data" / "current" / CATALOGUE).is_file()
    second = write_publication(fewer, snapshot, Path("open-data"))[0].parent
    assert second.is_dir() and not first.exists()
    assert _publications(tmp_path / "open-data") == [second.name]


def test_a_publication_leaves_a_folder_it_did_not_replace(
    computed: tuple[Snapshot, Publication, Publication], tmp_path: Path
) -> None:
    """Another run's folder, still being written, is not the one this run replaced."""
    snapshot, both, _fewer = computed
    writing = tmp_path / f"{ON.isoformat()}-another_run"
    writing.mkdir()
    write_publication(both, snapshot, tmp_path)
    assert writing.is_dir()
