"""Every action and entity code the code base writes to the audit trail has plain words.

The trail pages show an unlabelled code as written ("sale_code_wrong"), which an auditor or the
person cannot read; rows are never rewritten, so a code once written is shown forever. The walk
reads the source rather than a list, so a new app's codes are checked from its first commit.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path

import inclusio
from inclusio.core.trail_labels import ACTIONS, ENTITIES, action_label, entity_label

SOURCE = Path(inclusio.__file__).parent
WRITER = "record_write"


@dataclass(frozen=True)
class Module:
    path: Path
    tree: ast.Module
    name: str


@cache
def _modules() -> tuple[Module, ...]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append(Module(path, ast.parse(path.read_text(encoding="utf-8")), name))
    return tuple(found)


def _where(module: Module, node: ast.AST) -> str:
    return f"{module.path.relative_to(SOURCE.parent)}:{getattr(node, 'lineno', '?')}"


def _called(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _calls_in(
    module: Module,
) -> Iterator[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef | None]]:
    """Each call of the module with the innermost function it is written in."""
    inside: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for function in _functions(module.tree):  # outer before inner: inner ones overwrite
        for node in ast.walk(function):
            inside[id(node)] = function
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            yield node, inside.get(id(node))


def _argument(
    call: ast.Call, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str
) -> ast.expr | None:
    if any(keyword.arg == name for keyword in call.keywords):
        return next(keyword.value for keyword in call.keywords if keyword.arg == name)
    positional = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
    if name in positional and positional.index(name) < len(call.args):
        return call.args[positional.index(name)]
    return None


# What a name, an attribute or a subscript may be made of to be looked up: never a call.
LOOKUP = (ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.Load)


def _constant(module: Module, node: ast.expr) -> object:
    """A module constant (``CHAIN_CHECK[0]``) or a choice (``Event.Kind.REMOVED``), read from
    the imported module; None for a local variable or anything computed."""
    if not all(isinstance(part, LOOKUP) for part in ast.walk(node)):
        return None
    try:
        return eval(ast.unparse(node), vars(importlib.import_module(module.name)))  # noqa: S307
    except (NameError, AttributeError, LookupError):
        return None


def _codes(
    module: Module,
    node: ast.expr,
    function: ast.FunctionDef | ast.AsyncFunctionDef | None,
    unresolved: list[str],
    depth: int = 0,
) -> set[str]:
    """The codes an expression can give: a literal, either branch of a conditional, an f-string
    over resolvable parts, a module constant or a choice, or a parameter followed to the literal
    each caller passes."""
    if depth > 6:
        unresolved.append(f"{_where(module, node)}: {ast.unparse(node)} (passed on too far)")
        return set()
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes(module, node.body, function, unresolved, depth) | _codes(
            module, node.orelse, function, unresolved, depth
        )
    if isinstance(node, ast.JoinedStr):
        parts: list[set[str]] = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                parts.append(_codes(module, value.value, function, unresolved, depth))
            else:
                parts.append(_codes(module, value, function, unresolved, depth))
        return {"".join(choice) for choice in product(*parts)}
    parameters = (
        {arg.arg for arg in (*function.args.posonlyargs, *function.args.args)}
        | {arg.arg for arg in function.args.kwonlyargs}
        if function is not None
        else set()
    )
    if isinstance(node, ast.Name) and node.id in parameters:
        assert function is not None
        found: set[str] = set()
        callers = 0
        # A private helper is called from its own module only (two apps have a _decide).
        private = function.name.startswith("_")
        for caller_module in (module,) if private else _modules():
            for call, caller in _calls_in(caller_module):
                if _called(call) != function.name:
                    continue
                argument = _argument(call, function, node.id)
                if argument is None:
                    continue
                callers += 1
                found |= _codes(caller_module, argument, caller, unresolved, depth + 1)
        if not callers:
            unresolved.append(f"{_where(module, node)}: {node.id} (no caller passes it)")
        return found
    value = _constant(module, node)
    if isinstance(value, str):
        return {str(getattr(value, "value", value))}
    unresolved.append(f"{_where(module, node)}: {ast.unparse(node)}")
    return set()


@cache
def _written() -> tuple[dict[str, set[str]], dict[str, set[str]], tuple[str, ...]]:
    """The action and entity codes written anywhere, each with the places that write it."""
    actions: dict[str, set[str]] = {}
    entities: dict[str, set[str]] = {}
    unresolved: list[str] = []
    for module in _modules():
        for call, function in _calls_in(module):
            if _called(call) != WRITER:
                continue
            for keyword in call.keywords:
                if keyword.arg not in ("action", "entity"):
                    continue
                into = actions if keyword.arg == "action" else entities
                for code in _codes(module, keyword.value, function, unresolved):
                    into.setdefault(code, set()).add(_where(module, call))
    return actions, entities, tuple(unresolved)


def _unlabelled(written: dict[str, set[str]], labels: dict) -> list[str]:
    return [
        f"{code} (written at {', '.join(sorted(places))})"
        for code, places in sorted(written.items())
        if code not in labels
    ]


def test_the_walk_finds_the_writes_it_must_follow():
    actions, entities, _ = _written()
    assert len(actions) > 100
    assert "chain_verify" in actions  # a literal in core
    assert {"proposal_refusal_withdraw", "proposal_refusal_reopen"} <= set(actions)  # a parameter
    assert {"account_role_grant", "account_password_change"} <= set(actions)  # positional
    assert {"order_accept", "order_place"} <= set(actions)  # passed on twice
    assert {"registration_removed", "programme_decision"} <= set(actions)  # f-string of a choice
    assert {"supplier_register", "supplier_register_again"} <= set(actions)  # conditional
    assert "chain" in entities  # a module constant


def test_every_written_code_can_be_told_from_the_source():
    """A code computed where the walk cannot follow could never be checked: pass literals."""
    unresolved = _written()[2]
    assert not unresolved, "write the code as a literal, or pass one from every caller:\n" + (
        "\n".join(unresolved)
    )


def test_every_action_written_has_plain_words():
    missing = _unlabelled(_written()[0], ACTIONS)
    assert not missing, "add to ACTIONS in core/trail_labels.py:\n" + "\n".join(missing)


def test_every_entity_written_has_plain_words():
    missing = _unlabelled(_written()[1], ENTITIES)
    assert not missing, "add to ENTITIES in core/trail_labels.py:\n" + "\n".join(missing)


def test_labels_are_translated_and_an_unknown_code_is_shown_as_written():
    from django.utils import translation

    with translation.override("ru"):
        assert action_label("appeal_file") != "appeal filed"
        assert entity_label("appeal") != "appeal"
    with translation.override("kk"):
        assert action_label("appeal_file") != "appeal filed"
    assert action_label("not_a_code") == "not_a_code"
    assert entity_label("not_a_code") == "not_a_code"
