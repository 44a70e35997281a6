"""Benefits fixtures: a few programme files loaded, and a var directory for the runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inclusio.benefits.models import Programme
from inclusio.benefits.services import programmes_load
from inclusio.core.audit import SYSTEM
from tests.benefits.builders import copy_programmes


@pytest.fixture
def programmes(tmp_path: Path) -> dict[str, Programme]:
    report = programmes_load(
        actor=SYSTEM,
        directory=copy_programmes(tmp_path / "programmes", "disability_benefit", "free_legal_aid"),
    )
    assert not report.errors, report.errors
    return {p.code: p for p in Programme.objects.all()}


@pytest.fixture
def runs_dir(tmp_path: Path, settings: Any) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR
