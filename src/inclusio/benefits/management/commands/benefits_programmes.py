"""``inclusio benefits-programmes [--dir DIR]``: load the country's programme files.

Each file that changed becomes its programme's version in force; a file that fails to load is
printed as ``file:line: message`` and its programme keeps the version loaded before (the command
then exits non-zero); an unchanged file makes no new version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.benefits.services import programmes_load
from inclusio.core.audit import SYSTEM


class Command(BaseCommand):
    help = _("Load the benefit programmes from the country's rule files.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help=_("Folder of programme files (default: the country's programmes folder)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = programmes_load(actor=SYSTEM, directory=options["dir"])
        for code in report.loaded:
            self.stdout.write(_("loaded: %(code)s") % {"code": code})
        for error in report.errors:
            self.stdout.write(error)
        self.stdout.write(
            _(
                "%(loaded)d programmes loaded, %(unchanged)d unchanged, %(skipped)d files "
                "skipped, %(errors)d with errors"
            )
            % {
                "loaded": len(report.loaded),
                "unchanged": len(report.unchanged),
                "skipped": len(report.skipped),
                "errors": len(report.errors),
            }
        )
        if report.errors:
            raise CommandError(
                _("Some programme files could not be loaded; their previous versions stay.")
            )
