"""``inclusio rules test [--country kz] [--engine duckdb|spark] [FILES...]``: run rule tests.

With no FILES, every programme of the country configuration (``countries/<country>/programmes``)
is loaded and its ``<name>.test.yaml`` cases are run on the engine (DuckDB by default; Spark at
``INCLUSIO_SPARK_MASTER``; ``--engine`` may be given twice to run both). FILES may be programme
files (their ``.test.yaml`` beside them is run) or rule test files. One line per case, then ``N
passed, M failed``; the exit status is non-zero when a case fails, or when a file cannot be
loaded (printed as ``file:line: message``) or has no rule tests.

The country's shared parameters (the subsistence minimum…) are read from its
``parameters.json`` by default, so the rule tests need no database and check the rules against
the published values; ``--parameters database`` reads the values the ministry keeps instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from inclusio.core.parameters import shared_parameters
from inclusio.countries import COUNTRIES_DIR
from inclusio.countries.shared import SharedParameters, country_parameters
from inclusio.rules import ruleset
from inclusio.rules.cases import run_cases
from inclusio.rules.engines import ENGINES, EngineUnavailable, connect
from inclusio.rules.errors import RuleError
from inclusio.rules.loader import load_rule_file
from inclusio.rules.ruleset import TEST_SUFFIX

PARAMETER_SOURCES = ("file", "database")


def rule_files(country: str) -> list[Path]:
    """The country's rule files (programmes and assessments), sorted; not the rule tests."""
    folder = COUNTRIES_DIR / country / "programmes"
    if not folder.is_dir():
        raise CommandError(
            _("The country configuration %(country)r has no programmes folder (%(folder)s).")
            % {"country": country, "folder": folder}
        )
    return ruleset.rule_files(folder)


def country_rules(country: str, shared: SharedParameters) -> ruleset.RuleSet:
    """Every rule file of the country, loaded with its ``shared`` parameters; a refusal is a
    ``CommandError`` (file:line)."""
    try:
        return ruleset.load_rules(rule_files(country), shared)
    except RuleError as error:
        raise CommandError(error.text(get_language())) from None


def cases_file_of(programme: Path) -> Path:
    return programme.with_name(programme.name.removesuffix(".yaml") + TEST_SUFFIX)


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0
    errors: int = 0


class Command(BaseCommand):
    help = _("Rule files: 'rules test' runs every programme's YAML rule tests.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        test = actions.add_parser(
            "test",
            help=_("Load the programme files and run their rule tests."),
        )
        test.add_argument(
            "--country",
            default=None,
            help=_("Country configuration (default: the COUNTRY setting)."),
        )
        test.add_argument(
            "--engine",
            action="append",
            choices=ENGINES,
            help=_("Engine to run the cases on; give it twice for both (default: duckdb)."),
        )
        test.add_argument(
            "--parameters",
            choices=PARAMETER_SOURCES,
            default="file",
            help=_(
                "Where the country's shared parameters come from: its parameters.json (default, "
                "no database needed) or the database, where the ministry keeps them."
            ),
        )
        test.add_argument(
            "files",
            nargs="*",
            metavar="FILES",
            help=_("Programme or rule test files (default: every programme of the country)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        country = options.get("country") or settings.COUNTRY
        files = [Path(f) for f in options.get("files") or []]
        if not files:
            files = rule_files(country)
        if options.get("parameters") == "database":
            try:
                shared = shared_parameters(country)
            except DatabaseError as error:
                raise CommandError(
                    _("The database's parameters cannot be read: %(error)s") % {"error": error}
                ) from None
        else:
            shared = country_parameters(country)
        tally = Tally()
        for engine in dict.fromkeys(options.get("engine") or ["duckdb"]):
            try:
                connection = connect(engine, spark_master=settings.SPARK_MASTER)
            except EngineUnavailable as error:
                raise CommandError(str(error)) from None
            for path in files:
                self.run_file(path, tally, engine, connection, shared)
        summary = _("%(passed)d passed, %(failed)d failed") % {
            "passed": tally.passed,
            "failed": tally.failed,
        }
        if tally.errors:
            summary += ", " + ngettext(
                "%(errors)d file with errors", "%(errors)d files with errors", tally.errors
            ) % {"errors": tally.errors}
        self.stdout.write(summary)
        if tally.failed or tally.errors:
            raise CommandError(_("Rule tests failed: %(summary)s.") % {"summary": summary})

    def run_file(
        self, path: Path, tally: Tally, engine: str, connection: Any, shared: SharedParameters
    ) -> None:
        try:
            if path.name.endswith(TEST_SUFFIX):
                tests = path
                outcomes = run_cases(tests, connection=connection, shared=shared)
            else:
                programme = load_rule_file(path, shared=shared)
                tests = cases_file_of(path)
                if not tests.is_file():
                    tally.errors += 1
                    self.stdout.write(
                        _("%(file)s: no rule tests (expected %(tests)s)")
                        % {"file": path, "tests": tests.name}
                    )
                    return
                outcomes = run_cases(tests, programme, connection=connection)
        except RuleError as error:
            tally.errors += 1
            self.stdout.write(error.text(get_language()))
            return
        except (
            OSError,
            ValueError,
            yaml.YAMLError,
        ) as error:  # unreadable file, YAML that is not a mapping…
            tally.errors += 1
            self.stdout.write(f"{path}: {error}")
            return
        if not outcomes:
            tally.errors += 1
            self.stdout.write(_("%(file)s: no cases") % {"file": tests})
            return
        for outcome in outcomes:
            if outcome.passed:
                tally.passed += 1
                self.stdout.write(f"PASS [{engine}] {tests}:{outcome.line}: {outcome.case}")
            else:
                tally.failed += 1
                self.stdout.write(f"FAIL [{engine}] {tests}:{outcome.line}: {outcome.case}")
                for failure in outcome.failures:
                    self.stdout.write(f"    {failure.text(get_language())}")
