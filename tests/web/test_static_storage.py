"""Production's static storage keeps each address it has worked out (web/storage.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from inclusio.web.storage import StaticFilesStorage


def storage_with_manifest(root: Path, paths: dict[str, str]) -> StaticFilesStorage:
    manifest = {"paths": paths, "version": "1.1", "hash": "test"}
    (root / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=str(root), base_url="/static/")


@override_settings(DEBUG=False)
def test_an_address_is_the_manifests_and_is_worked_out_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = storage_with_manifest(tmp_path, {"web/inclusio.css": "web/inclusio.0a1b2c.css"})
    looked_up: list[str] = []
    stored_name = storage.stored_name

    def counting(name: str) -> Any:
        looked_up.append(name)
        return stored_name(name)

    monkeypatch.setattr(storage, "stored_name", counting)
    first = storage.url("web/inclusio.css")
    again = storage.url("web/inclusio.css")
    assert first == again == "/static/web/inclusio.0a1b2c.css"
    assert looked_up == ["web/inclusio.css"]


@override_settings(DEBUG=False)
def test_a_file_missing_from_the_manifest_is_refused_every_time(tmp_path: Path) -> None:
    storage = storage_with_manifest(tmp_path, {})
    for _ in range(2):  # refused again: a refusal is not kept as an address
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("web/missing.css")
