"""A country's rule files: its programmes and its assessments (the family well-being level).

No Django here. A folder holds ``<id>.yaml`` rule files and, beside them, ``<id>.test.yaml``
rule tests; every rule file is checked as it loads, and the first refusal (file and line) stops
the loading: a country whose rules do not all load is not screened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inclusio.countries.shared import SharedParameters
from inclusio.rules.assessment import Assessment
from inclusio.rules.errors import RuleError, _
from inclusio.rules.exclusive import check_groups
from inclusio.rules.loader import Programme, load_rule_file, mapping
from inclusio.rules.reading import compose, line_of, read_text

TEST_SUFFIX = ".test.yaml"


@dataclass(frozen=True)
class RuleSet:
    programmes: tuple[Programme, ...]
    assessments: tuple[Assessment, ...]


def rule_files(folder: Path) -> list[Path]:
    """The folder's rule files, sorted; rule test files are not rule files."""
    return sorted(p for p in folder.glob("*.yaml") if not p.name.endswith(TEST_SUFFIX))


def id_line(path: Path | str) -> int:
    """The line of a rule file's ``id`` (the file has loaded, so it has one)."""
    top = mapping(compose(read_text(path), str(path)), str(path), None)
    return line_of(top["id"][1]) if "id" in top else 1


def same_id(rule: Programme | Assessment, first: Programme | Assessment) -> RuleError:
    """Two files with one id: which is in force would depend on the order they are read."""
    return RuleError(
        _(
            "the id %(id)r is also the id of %(other)s (line %(other_line)s): "
            "each programme or assessment has one file; rename or remove one of them"
        ),
        file=rule.file,
        line=id_line(rule.file),
        id=rule.id,
        other=first.file,
        other_line=id_line(first.file),
    )


def load_rules(paths: list[Path], shared: SharedParameters) -> RuleSet:
    """Every file, its ``shared`` names read from ``shared`` (the country's parameters); two
    files with the same id are refused, naming both."""
    programmes: list[Programme] = []
    assessments: list[Assessment] = []
    seen: dict[str, Programme | Assessment] = {}
    for path in paths:
        rule = load_rule_file(path, shared=shared)
        if rule.id in seen:
            raise same_id(rule, seen[rule.id])
        seen[rule.id] = rule
        if isinstance(rule, Programme):
            programmes.append(rule)
        else:
            assessments.append(rule)
    check_groups(programmes)
    return RuleSet(tuple(programmes), tuple(assessments))
