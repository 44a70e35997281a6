"""Every message the code and the templates mark for translation is in Kazakh and in Russian
where the platform looks it up at run time.

The messages are extracted as `make messages` extracts them (Django's makemessages: xgettext
over the Python files, the templates read as Django reads them), here once over a copy of the
whole source, into one template (``.pot``) that the repository never sees. Each is then looked
up in the catalogues the running platform has loaded — every app's and Django's own, since a
message may be translated in any of them — so a message missing from all of them, or present
only as an empty or fuzzy entry (neither is compiled), fails with its text. English needs no
entry: a missing one shows the message itself.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.translation import trans_real

import inclusio

LANGUAGES = ("kk", "ru")
# What makemessages need not read: the front-end packages, compiled files, and the apps'
# catalogues (an app's own locale folder would get that app's messages, not the one template).
NOT_SOURCE = shutil.ignore_patterns("static", "__pycache__", "*.pyc", "locale")
# The rules library speaks through a catalogue of its own, read with the standard library's
# gettext, not Django's: tests/rules/test_messages.py checks it.
OWN_CATALOGUE = ("rules",)


_ESCAPED = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquoted(lines: str) -> str:
    """The text of a .po string's quoted lines, its escapes undone."""
    text = "".join(re.findall(r'^"(.*)"$', lines, re.M))
    return re.sub(r"\\(.)", lambda m: _ESCAPED.get(m.group(1), m.group(1)), text)


def _messages(pot: Path) -> list[tuple[str | None, str, str | None]]:
    """(context, message, plural) of each entry of a .pot file."""
    found = []
    for entry in pot.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'^msgid (".*"\n(?:".*"\n?)*)', entry + "\n", re.M)
        if msgid is None:
            continue
        message = _unquoted(msgid.group(1))
        if not message:  # the header
            continue
        plural = re.search(r'^msgid_plural (".*"\n(?:".*"\n?)*)', entry + "\n", re.M)
        context = re.search(r'^msgctxt (".*"\n(?:".*"\n?)*)', entry + "\n", re.M)
        found.append(
            (
                _unquoted(context.group(1)) if context else None,
                message,
                _unquoted(plural.group(1)) if plural else None,
            )
        )
    return found


def _key(context: str | None, message: str, plural: str | None) -> str | tuple[str, int]:
    key = message if context is None else f"{context}\x04{message}"
    return (key, 0) if plural is not None else key


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str | None, str, str | None]]:
    source = tmp_path_factory.mktemp("source") / "inclusio"
    shutil.copytree(Path(inclusio.__file__).parent, source, ignore=NOT_SOURCE)
    for name in OWN_CATALOGUE:
        shutil.rmtree(source / name)
    (source / "locale").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(source)
        # One extraction of the whole tree into locale/django.pot (kept), merged into a
        # throwaway Kazakh catalogue beside it.
        call_command("makemessages", locale=["kk"], keep_pot=True, no_location=True, verbosity=0)
    messages = _messages(source / "locale" / "django.pot")
    assert len(messages) > 3000, "the extraction found far fewer messages than the platform has"
    return messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_message_has_a_translation(
    marked: list[tuple[str | None, str, str | None]], language: str
) -> None:
    catalogue = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    missing = [
        message
        for context, message, plural in marked
        if catalogue.get(_key(context, message, plural)) is None
    ]
    assert not missing, f"{len(missing)} messages have no {language} translation:\n" + "\n".join(
        missing
    )
