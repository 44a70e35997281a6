"""Every command speaks the user's language, as the environment names it (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``), and English when it names none the platform speaks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.utils import translation

from inclusio.core.commandline import language_from_environment
from inclusio.manage import main

ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "kk_KZ.UTF-8"}, "kk"),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "ru_RU.UTF-8", "LC_ALL": "kk_KZ.UTF-8"}, "kk"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "de:ru:en"}, "ru"),
        ({"LANG": "kk_KZ@latin"}, "kk"),
        # gettext ignores LANGUAGE under the C locale, and so does the platform.
        ({"LANG": "C", "LANGUAGE": "ru"}, "en"),
        ({"LANGUAGE": "ru"}, "en"),
    ],
)
def test_the_language_comes_from_the_environment(environ: dict[str, str], language: str) -> None:
    assert language_from_environment(environ) == language


def _run(monkeypatch: pytest.MonkeyPatch, lang: str | None, *argv: str) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    if lang is not None:
        monkeypatch.setenv("LANG", lang)
    monkeypatch.setattr(sys, "argv", ["inclusio", *argv])
    # The command activates its language for the rest of the process; the test's own is
    # given back afterwards.
    with translation.override(translation.get_language()):
        main()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ru_RU.UTF-8", "записей: 0, цепочка не нарушена."),
        ("kk_KZ.UTF-8", "жазбалар саны: 0, тізбек бұзылмаған."),
        (None, "0 rows, chain intact."),
        ("fr_FR.UTF-8", "0 rows, chain intact."),
    ],
)
def test_audit_verify_reports_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str | None, said: str
) -> None:
    _run(monkeypatch, lang, "audit-verify")
    assert said in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ru_RU.UTF-8", "Учётной записи с именем nobody нет."),
        ("en_US.UTF-8", "No account is named nobody."),
    ],
)
def test_a_commands_refusal_is_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    with pytest.raises(SystemExit):
        _run(monkeypatch, lang, "second-factor-reset", "nobody", "--reason", "device_lost")
    assert said in capsys.readouterr().err


def test_the_console_script_speaks_the_users_language_from_the_start() -> None:
    """A real ``inclusio`` process: even the help, read when the command is loaded."""
    environ = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT}
    result = subprocess.run(
        [sys.executable, "-m", "inclusio.manage", "audit-verify", "--help"],
        env={**environ, "LANG": "ru_RU.UTF-8", "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "Пересчитать цепочки журнала аудита" in result.stdout
