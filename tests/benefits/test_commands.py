"""The benefits commands: programmes, screen, payroll."""

from __future__ import annotations

import io
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from inclusio.benefits.models import Payroll, Programme, Proposal, ScreeningRun
from inclusio.benefits.services import payroll_approve, proposal_accept
from inclusio.manage import main
from tests.benefits.builders import IBAN, ON, Snapshot, copy_programmes, person_with_account
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out)
    return out.getvalue()


def test_programmes_command(tmp_path: Path) -> None:
    directory = copy_programmes(tmp_path / "p", "free_legal_aid")
    assert "1 programmes loaded" in _run("benefits_programmes", "--dir", str(directory))
    assert "0 programmes loaded, 1 unchanged" in _run(
        "benefits_programmes", "--dir", str(directory)
    )
    (directory / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    with pytest.raises(CommandError):
        _run("benefits_programmes", "--dir", str(directory))
    assert Programme.objects.count() == 1


def test_screen_and_payroll_commands(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    person = person_with_account("dana")
    snapshot = Snapshot()
    snapshot.person(person.iin, category="II")
    directory = snapshot.write(tmp_path / "s", "cmd")
    args = ("benefits_screen", "--snapshot", str(directory), "--date", ON.isoformat())
    printed = _run(*args)
    assert "proposals: 2 new, 0 changed, 0 ended" in printed
    assert "disability_benefit: 1 eligible" in printed
    assert _run(*args).splitlines()[0] == printed.splitlines()[0]  # the same run, again
    assert ScreeningRun.objects.count() == 1

    offer = Proposal.objects.get(programme__code="disability_benefit")
    proposal_accept(actor=person.user, proposal_id=offer.pk, payment_account=IBAN)
    out = tmp_path / "pain.xml"
    printed = _run("benefits_payroll", "--month", "2024-02", "--out", str(out))
    assert "is not approved yet" in printed and "payroll 2024-02: 1 payments" in printed
    assert not out.exists()  # four eyes: a person approves before the file exists
    payroll_approve(
        actor=make_user("checker", "ministry_admin", None), payroll_id=Payroll.objects.get().pk
    )
    printed = _run("benefits_payroll", "--month", "2024-02", "--out", str(out))
    assert f"payroll 2024-02: 1 payments, 50,352 KZT in {out}" in printed
    assert ET.parse(out).getroot().tag.endswith("Document")  # noqa: S314 — our own output
    with pytest.raises(CommandError):
        _run("benefits_payroll", "--month", "Feb", "--out", str(out))


def test_screen_command_refuses_a_missing_snapshot(
    programmes: dict[str, Programme], tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match=r"manifest\.json"):
        _run("benefits_screen", "--snapshot", str(tmp_path / "no"), "--date", "2024-01-01")


def test_screen_command_names_a_missing_column_that_a_rule_reads(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    """In the reader's language, naming the file and the column; no proposal is written."""
    snapshot = Snapshot()
    snapshot.person(person_with_account("dana").iin, category="II")
    directory = snapshot.write(tmp_path / "s", "column")
    path = directory / "disability.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["category"]), path)
    with translation.override("ru"), pytest.raises(CommandError) as caught:
        call_command(
            "benefits_screen",
            "--snapshot",
            str(directory),
            "--date",
            "2024-01-01",
            stdout=io.StringIO(),
        )
    assert "disability.parquet: нет столбца 'category'" in str(caught.value)
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ru_RU.UTF-8", "broken.yaml:1: нет ключа 'titles'"),
        ("kk_KZ.UTF-8", "broken.yaml:1: 'titles' кілті жоқ"),
        ("en_US.UTF-8", "broken.yaml:1: missing key 'titles'"),
    ],
)
def test_a_refused_programme_file_is_printed_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    lang: str,
    said: str,
) -> None:
    """``inclusio benefits-programmes`` as a user runs it: the language from LANG, the refusal
    with its file and line; the other file loads."""
    directory = copy_programmes(tmp_path / "p", "free_legal_aid")
    (directory / "broken.yaml").write_text("id: broken\nentity: person\n", encoding="utf-8")
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    monkeypatch.setattr(sys, "argv", ["inclusio", "benefits-programmes", "--dir", str(directory)])
    with translation.override(translation.get_language()), pytest.raises(SystemExit):
        main()
    printed = capsys.readouterr().out
    assert f"{directory / said}" in printed
    # The other file loaded (the command closes the database connection as it ends: what it
    # wrote is read from its output).
    assert "free_legal_aid" in printed
