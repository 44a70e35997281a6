"""``inclusio registry-import FILE``: load an existing registry from CSV or XLSX.

The work is done by :mod:`inclusio.registry.importer` (which documents the file format); this
command chooses the language, prints the per-row error table and the summary, writes the CSV
report, and turns failures into a non-zero exit code.
"""

from __future__ import annotations

import argparse
import io
from typing import Any

from django.conf import settings
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)
from django.utils import translation
from django.utils.translation import gettext as _
from rich import box
from rich.console import Console
from rich.table import Table

from inclusio.core.progress import step_progress
from inclusio.registry import importer

MAX_PRINTED_ERRORS = 1000


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the column table of the description as written."""


class Command(BaseCommand):
    help = _(
        "Import an existing registry of persons with disabilities from a CSV file (UTF-8, "
        "comma or semicolon) or an XLSX file (first sheet). The first row names the columns; "
        "* marks a required one:\n"
        "\n"
        "  iin *                   12-digit IIN (birth date and sex are read from it)\n"
        "  surname *, given_name *, patronymic\n"
        "  region_code *           first two digits of KATO, e.g. 71 (Astana)\n"
        "  urban *                 true/false, 1/0, yes/no, да/нет, иә/жоқ\n"
        "  address, phone\n"
        "  latitude, longitude     decimal degrees, both or neither\n"
        "  preferred_language      kk, ru or en (empty: kk)\n"
        "  category *              I, II, III or child\n"
        "  cause *                 general_disease, from_childhood, work_injury,\n"
        "                          occupational_disease, military, other\n"
        "  work_capacity_loss_pct  0..100, may be empty\n"
        "  limitations             mobility, vision, hearing, speech, intellectual,\n"
        "                          psychosocial, separated by ; or ,\n"
        "  valid_from *            YYYY-MM-DD or DD.MM.YYYY\n"
        "  reexamination_date      the same; empty when the status is indefinite\n"
        "\n"
        "Every row is checked first. If any row has an error nothing is written, unless "
        "--skip-bad-rows is given; then the valid rows are loaded in one transaction. A person "
        "already in the registry is an error (PERSON_EXISTS)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The CSV or XLSX file to import."))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Check the file and report; write nothing.")
        )
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help=_(
                "Load the valid rows and report the bad ones, instead of "
                "loading nothing when a row has an error."
            ),
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help=_("Language of the messages (default: the language of your environment, LANG)."),
        )
        parser.add_argument(
            "--report",
            metavar="PATH",
            help=_("Also write the errors to this CSV file (row, column, code, message)."),
        )

    def handle(
        self,
        *args: Any,
        file: str,
        dry_run: bool,
        skip_bad_rows: bool,
        language: str | None,
        report: str | None,
        **options: Any,
    ) -> None:
        with translation.override(language or translation.get_language()):
            self._run(file, dry_run=dry_run, skip_bad_rows=skip_bad_rows, report=report)

    def _run(self, file: str, *, dry_run: bool, skip_bad_rows: bool, report: str | None) -> None:
        try:
            source = importer.read_rows(file)
        except importer.ImportFileError as error:
            if report:
                importer.write_report(report, [error.as_row_error()])
            raise CommandError(f"{error.code}: {error.message}") from None

        with step_progress() as progress:
            task = progress.add_task(_("Checking the rows"), total=len(source.rows))
            plan = importer.validate(
                source, on_progress=lambda done, _total: progress.update(task, completed=done)
            )
        if plan.errors:
            self._print_errors(plan.errors)
        if report:
            importer.write_report(report, plan.errors)

        loaded = 0
        if not dry_run and (plan.ok or skip_bad_rows):
            try:
                loaded = self._load(plan, skip_bad_rows=skip_bad_rows)
            except importer.LoadFailed as error:
                self._summary(plan, 0)
                raise CommandError(f"{error.code}: {error.message}") from None
        self._summary(plan, loaded)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        if plan.errors and not skip_bad_rows:
            refusal = importer.rows_have_errors(plan)
            raise CommandError(f"{refusal.code}: {refusal.message}")

    def _load(self, plan: importer.ImportPlan, *, skip_bad_rows: bool) -> int:
        with step_progress() as progress:
            task = progress.add_task(_("Loading the rows"), total=len(plan.valid))
            return importer.load(
                plan,
                skip_bad_rows=skip_bad_rows,
                on_progress=lambda done, _total: progress.update(task, completed=done),
            )

    def _summary(self, plan: importer.ImportPlan, loaded: int) -> None:
        self.stdout.write(
            _("Rows read: %(read)d, valid: %(valid)d, loaded: %(loaded)d, rejected: %(rejected)d.")
            % {
                "read": plan.rows_read,
                "valid": len(plan.valid),
                "loaded": loaded,
                "rejected": plan.rejected,
            }
        )

    def _print_errors(self, errors: list[importer.RowError]) -> None:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        table.add_column(_("Row"), justify="right", no_wrap=True)
        table.add_column(_("Column"), no_wrap=True)
        table.add_column(_("Code"), no_wrap=True)
        table.add_column(_("Message"), overflow="fold")
        for error in errors[:MAX_PRINTED_ERRORS]:
            table.add_row(str(error.row), error.column, error.code, error.message)
        buffer = io.StringIO()
        Console(file=buffer, width=140, color_system=None, emoji=False, highlight=False).print(
            table
        )
        self.stdout.write("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()))
        if len(errors) > MAX_PRINTED_ERRORS:
            self.stdout.write(
                _("… and %(count)d more errors; use --report to get them all.")
                % {"count": len(errors) - MAX_PRINTED_ERRORS}
            )
