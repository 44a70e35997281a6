"""Programmes loaded from the rule files: versions, a broken file, assessments skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from inclusio.benefits.models import Programme, ProgrammeVersion
from inclusio.benefits.services import programmes_directory, programmes_load
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied
from inclusio.core.models import AuditEvent
from tests.benefits.builders import copy_programmes
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_country_programmes_load(tmp_path: Path) -> None:
    report = programmes_load(actor=SYSTEM)
    assert not report.errors, report.errors
    codes = set(Programme.objects.values_list("code", flat=True))
    files = {
        p.name.removesuffix(".yaml")
        for p in programmes_directory().glob("*.yaml")
        if not p.name.endswith(".test.yaml")
    }
    assert codes == {name for name in files if f"{name}.yaml" not in report.skipped}
    benefit = Programme.objects.get(code="disability_benefit")
    assert benefit.cash and benefit.entity == "person"
    assert benefit.title_en == "State social disability benefit"
    assert not Programme.objects.get(code="free_legal_aid").cash
    assert benefit.active_version is not None and len(benefit.active_version.sha256) == 64


def test_an_unchanged_file_makes_no_new_version(tmp_path: Path) -> None:
    directory = copy_programmes(tmp_path / "p", "free_legal_aid")
    assert programmes_load(actor=SYSTEM, directory=directory).loaded == ["free_legal_aid"]
    again = programmes_load(actor=SYSTEM, directory=directory)
    assert (again.loaded, again.unchanged) == ([], ["free_legal_aid"])
    assert ProgrammeVersion.objects.count() == 1


def test_a_changed_file_becomes_the_version_in_force(tmp_path: Path) -> None:
    directory = copy_programmes(tmp_path / "p", "free_legal_aid")
    programmes_load(actor=SYSTEM, directory=directory)
    path = directory / "free_legal_aid.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# amended\n", encoding="utf-8")
    assert programmes_load(actor=SYSTEM, directory=directory).loaded == ["free_legal_aid"]
    programme = Programme.objects.get()
    assert programme.versions.count() == 2
    assert programme.active_version is not None
    assert programme.active_version.text.endswith("# amended\n")


def test_a_broken_file_keeps_the_previous_version(tmp_path: Path) -> None:
    directory = copy_programmes(tmp_path / "p", "free_legal_aid", "disability_benefit")
    programmes_load(actor=SYSTEM, directory=directory)
    before = Programme.objects.get(code="free_legal_aid").active_version
    path = directory / "free_legal_aid.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'group_1_or_2: category in ["I", "II"]', "group_1_or_2: nonsense_column > 1"
        ),
        encoding="utf-8",
    )
    report = programmes_load(actor=SYSTEM, directory=directory)
    assert report.unchanged == ["disability_benefit"]
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"{path}:")
    line = report.errors[0].removeprefix(f"{path}:").split(":")[0]
    assert line.isdigit()  # file:line: message
    assert "nonsense_column" in report.errors[0]
    programme = Programme.objects.get(code="free_legal_aid")
    assert programme.active_version == before
    assert programme.versions.count() == 1


def test_an_assessment_file_is_skipped(tmp_path: Path) -> None:
    directory = copy_programmes(tmp_path / "p", "free_legal_aid")
    (directory / "family_wellbeing.yaml").write_text(
        "id: family_wellbeing\nkind: assessment\nlevels: [crisis, stable]\n", encoding="utf-8"
    )
    (directory / "free_legal_aid.test.yaml").write_text("cases: []\n", encoding="utf-8")
    report = programmes_load(actor=SYSTEM, directory=directory)
    assert report.skipped == ["family_wellbeing.yaml"]
    assert report.loaded == ["free_legal_aid"] and not report.errors


def test_only_the_ministry_loads_programmes(tmp_path: Path) -> None:
    directory = copy_programmes(tmp_path / "p", "free_legal_aid")
    for actor in (AnonymousUser(), make_user("officer", "district_officer", "71")):
        with pytest.raises(AccessDenied):
            programmes_load(actor=actor, directory=directory)
    assert not Programme.objects.exists() and not AuditEvent.objects.exists()
    programmes_load(actor=make_user("minister", "ministry_admin", None), directory=directory)
    assert Programme.objects.count() == 1
