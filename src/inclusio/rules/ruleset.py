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
from inclusio.rules.exclusive import check_groups
from inclusio.rules.loader import Programme, load_rule_file

TEST_SUFFIX = ".test.yaml"


@dataclass(frozen=True)
class RuleSet:
    programmes: tuple[Programme, ...]
    assessments: tuple[Assessment, ...]


def rule_files(folder: Path) -> list[Path]:
    """The folder's rule files, sorted; rule test files are not rule files."""
    return sorted(p for p in folder.glob("*.yaml") if not p.name.endswith(TEST_SUFFIX))


def load_rules(paths: list[Path], shared: SharedParameters) -> RuleSet:
    """Every file, its ``shared`` names read from ``shared`` (the country's parameters)."""
    programmes: list[Programme] = []
    assessments: list[Assessment] = []
    for path in paths:
        rule = load_rule_file(path, shared=shared)
        if isinstance(rule, Programme):
            programmes.append(rule)
        else:
            assessments.append(rule)
    check_groups(programmes)
    return RuleSet(tuple(programmes), tuple(assessments))
