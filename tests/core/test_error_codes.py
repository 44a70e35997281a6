"""Error codes: one enum per app, each code spelled once, every refusal raised with a member.

Clients and tests match on codes, so a code must not be born as a loose string in a raise (a
typo would be a new code) nor be given twice (an enum silently makes the second an alias).
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import pytest

import inclusio

SOURCE = Path(inclusio.__file__).parent
# Every app's enum, found rather than listed, so that a new app's codes are checked from its
# first commit.
ENUMS: dict[str, type[StrEnum]] = {
    path.parent.name: importlib.import_module(f"inclusio.{path.parent.name}.errors").ErrorCode
    for path in sorted(SOURCE.glob("*/errors.py"))
    if path.parent.name != "rules"  # the rules library's errors carry messages, not codes
}
ALL_CODES = {code.value for enum in ENUMS.values() for code in enum}


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _domain_error_classes() -> set[str]:
    """DomainError and every class that derives from it, found in the source."""
    classes: dict[str, set[str]] = {}
    for _path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                classes[node.name] = {ast.unparse(base).split(".")[-1] for base in node.bases}
    found = {"DomainError"}
    while grown := {name for name, bases in classes.items() if bases & found} - found:
        found |= grown
    return found


def _is_text(node: ast.expr) -> bool:
    """A string written in the source: a literal, an f-string, or a sum of them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.BinOp) and (_is_text(node.left) or _is_text(node.right))


def _raised_with_text() -> list[str]:
    """Where a DomainError (or subclass) is built with a string for its code."""
    classes = _domain_error_classes()
    places = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func).split(".")[-1]
            code = node.args[0] if node.args else None
            code = next((k.value for k in node.keywords if k.arg == "code"), code)
            if name in classes and code is not None and _is_text(code):
                places.append(f"{path.relative_to(SOURCE)}:{node.lineno}: {ast.unparse(code)}")
    return places


def _codes_spelled_outside_enums() -> list[str]:
    places = []
    for path, tree in _modules():
        if path.name == "errors.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ALL_CODES:
                places.append(f"{path.relative_to(SOURCE)}:{node.lineno}: {node.value!r}")
    return places


@pytest.mark.parametrize("app", ENUMS)
def test_each_code_is_given_once_and_reads_as_its_name(app: str) -> None:
    enum = ENUMS[app]
    assert len(enum.__members__) == len(list(enum)), "a value given twice makes an alias"
    assert all(code.name == code.value for code in enum)


def test_no_code_belongs_to_two_apps() -> None:
    seen: dict[str, str] = {}
    for app, enum in ENUMS.items():
        for code in enum:
            assert code.value not in seen, f"{code.value} is in {seen.get(code.value)} and {app}"
            seen[code.value] = app


def test_the_scan_recognises_the_refusals_it_looks_for() -> None:
    # Guards the scan itself: if it found no class, every test below would pass vacuously.
    assert {"ValidationFailed", "NotFound", "Conflict", "AccessDenied", "ImportFileError"} <= (
        _domain_error_classes()
    )
    tree = ast.parse('raise NotFound("X_Y", _("m"))\nraise NotFound(code=f"{k}_Y", message=m)')
    calls = [
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "NotFound"
    ]
    assert all(_is_text(c.args[0] if c.args else c.keywords[0].value) for c in calls)


def test_every_refusal_is_raised_with_an_enum_member() -> None:
    assert _raised_with_text() == []


def test_every_code_is_spelled_in_its_enum_only() -> None:
    assert _codes_spelled_outside_enums() == []


def test_every_code_is_raised_somewhere() -> None:
    """A member nobody raises is not a code (it was a prefix, or a code since removed)."""
    spelled: set[str] = set()
    for path, tree in _modules():
        if path.name == "errors.py":
            continue  # where the codes are defined, not raised
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ALL_CODES:
                spelled.add(node.attr)
    unused = set()
    for enum in ENUMS.values():
        defined = {code.value for code in enum}
        unused |= defined - spelled
    assert unused == set()
