"""Every message of the rules library reads in Kazakh, Russian and English.

The library marks its messages with ``_`` and renders them from its own catalogue
(``src/inclusio/rules/locale``) with the standard library's gettext: each marked message has a
real translation, with the same placeholders, and no refusal is written as a bare text that
the catalogue cannot hold. A sample of refusals reads in each language with its file and line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from inclusio.rules import errors
from inclusio.rules.errors import Count, Message, RuleError, translate
from inclusio.rules.loader import load_programme_text, load_rule_file

RULES = Path(errors.__file__).parent
LOCALE = RULES / "locale"
HOSTILE = Path(__file__).parent / "hostile"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sr]")
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
# Calls whose argument at this position is a message: a marked one, or a name holding one.
MESSAGE_ARGUMENT = {"RuleError": 0, "refuse": 0, "_failed": 0, "_refusal": 0, "fail": 1}


def _unquoted(parts: list[str]) -> str:
    text = "".join(parts)
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def catalogue(language: str) -> dict[str, str]:
    """The ``.po`` source of the library's catalogue: message id → translation."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        found = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if found:
            msgid = _unquoted(re.findall(r'"(.*)"', found.group(1)))
            if msgid:
                entries[msgid] = _unquoted(re.findall(r'"(.*)"', found.group(2)))
    return entries


def library_modules() -> list[Path]:
    return sorted(RULES.glob("*.py"))


def marked_messages() -> set[str]:
    """Every literal the library marks with ``_(…)``."""
    found = set()
    for path in library_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                assert len(node.args) == 1 and isinstance(node.args[0], ast.Constant), (
                    f"{path.name}:{node.lineno}: _() takes one literal text"
                )
                found.add(node.args[0].value)
    return found


def test_the_library_marks_some_two_hundred_messages() -> None:
    assert len(marked_messages()) > 200


def test_no_refusal_is_written_as_a_bare_text() -> None:
    """A message given to RuleError (or a helper that makes one) is marked, or a name that
    holds a marked one: never an f-string, a literal or a concatenation the catalogue lacks."""
    bare = []
    for path in library_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            position = MESSAGE_ARGUMENT.get(name)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            if isinstance(argument, ast.Constant | ast.JoinedStr | ast.BinOp):
                bare.append(f"{path.name}:{node.lineno}")
    assert not bare, f"messages not marked with _(): {bare}"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_message_has_a_real_translation(language: str) -> None:
    translated = catalogue(language)
    for message in marked_messages():
        text = translated.get(message)
        assert text, f"{language}: no translation of {message!r}"
        assert text != message, f"{language}: left in English: {message!r}"
        assert CYRILLIC.search(text), f"{language}: not in {language}: {text!r}"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(message)), text
        assert text.count("%%") == message.count("%%"), text


def test_the_english_catalogue_holds_every_message_and_nothing_stale() -> None:
    english = catalogue("en")
    marked = marked_messages()
    assert marked <= set(english)
    for language in ("kk", "ru", "en"):
        assert set(catalogue(language)) == marked, f"{language}: stale or missing entries"


def test_the_compiled_catalogue_is_read_without_django() -> None:
    """``compilemessages`` has built the .mo files the library reads (``make test`` runs it)."""
    for language in ("kk", "ru"):
        assert (LOCALE / language / "LC_MESSAGES" / "django.mo").is_file()
        assert translate("division by zero", language) == catalogue(language)["division by zero"]
    assert translate("division by zero", "en") == "division by zero"


def test_a_refusal_reads_in_each_language_with_its_place() -> None:
    body = (
        "id: x\ntitles: {kk: a, ru: b, en: c}\nreference: {kk: a, ru: b, en: c}\n"
        "entity: person\nconditions:\n  old: birth_date > 3\n"
    )
    with pytest.raises(RuleError) as caught:
        load_programme_text(body, file="draft.yaml")
    error = caught.value
    assert str(error) == "draft.yaml:6: cannot compare date with int using >"
    assert error.message == "cannot compare date with int using >"
    assert error.text("en") == str(error)
    assert error.text("ru") == "draft.yaml:6: нельзя сравнить date с int с помощью >"
    assert error.text("kk") == "draft.yaml:6: date мен int түрлерін > арқылы салыстыру мүмкін емес"
    # Language codes as Django and the environment give them.
    assert error.text("ru-ru") == error.text("ru_RU.UTF-8") == error.text("ru")
    assert error.text("de") == str(error)  # no catalogue: English


def test_a_refusal_kept_as_data_reads_later_in_another_language() -> None:
    error = RuleError(
        errors._("parameter %(name)r has no value on %(date)s: it has no value yet"),
        file="draft.yaml",
        line=7,
        name="rate",
        date="2010-01-01",
    )
    kept = RuleError.from_data(error.as_data())
    assert str(kept) == str(error)
    assert kept.text("ru") == (
        "draft.yaml:7: у параметра 'rate' нет значения на 2010-01-01: значений у него пока нет"
    )


def test_counts_are_grouped_as_each_language_writes_them() -> None:
    message = errors._("too many values: a rule file holds at most %(most)s")
    assert translate(message, "en", {"most": Count(20_000)}).endswith("at most 20,000")
    assert translate(message, "ru", {"most": Count(20_000)}).endswith("20\N{NO-BREAK SPACE}000")


def test_a_translation_with_broken_placeholders_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Broken:
        def gettext(self, message: str) -> str:
            return "%(nothing)s"

    monkeypatch.setattr(errors, "_catalogue", lambda language: Broken())
    assert translate("division by zero: %(x)s", "ru", {"x": 1}) == "division by zero: 1"


def test_a_rule_test_failure_reads_in_each_language() -> None:
    failure = Message(
        errors._("%(subject)s: %(key)s %(actual)s, expected %(expected)s"),
        {"subject": "010101500011", "key": "amount", "actual": 1, "expected": 2},
        "cases.test.yaml",
        4,
    )
    assert str(failure) == "cases.test.yaml:4: 010101500011: amount 1, expected 2"
    assert failure.text("ru") == "cases.test.yaml:4: 010101500011: amount 1, ожидалось 2"


# Every refused file of the hostile corpus (tests/rules/test_hostile_files.py gives each one's
# line): the same place in every language, the cause translated.
HOSTILE_FILES = sorted(
    p.name
    for p in HOSTILE.glob("*.yaml")
    if p.name
    not in {"hex_value.yaml", "quoted_texts.yaml", "utf8_with_mark.yaml", "utf16_with_mark.yaml"}
)


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_a_hostile_file_is_refused_in_kazakh_and_russian_at_its_line(name: str) -> None:
    from inclusio.countries.shared import country_parameters

    path = HOSTILE / name
    with pytest.raises(RuleError) as caught:
        load_rule_file(path, shared=country_parameters("kz"))
    error = caught.value
    place = f"{path}:{error.line}: "
    assert error.line is not None and str(error).startswith(place)
    for language in ("kk", "ru"):
        text = error.text(language)
        assert text.startswith(place), text
        assert text != str(error) and CYRILLIC.search(text.removeprefix(place)), text
