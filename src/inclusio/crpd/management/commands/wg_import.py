"""``inclusio wg-import FILE --title TITLE --year YEAR``: a Washington Group Short Set file's
prevalence of disability, kept as aggregates (the answers are read, never stored)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.crpd.services import survey_import


class Command(BaseCommand):
    help = _(
        "Import a Washington Group Short Set file (CSV) and keep the prevalence of disability "
        "by sex, age band, region and residence."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file of answers")
        parser.add_argument("--title", required=True, help="the survey's title")
        parser.add_argument("--year", required=True, type=int, help="the survey's year")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}
            ) from None
        try:
            survey = survey_import(
                actor=SYSTEM,
                title=options["title"],
                year=options["year"],
                file_name=path.name,
                text=text,
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        total = survey.prevalence.get(dimension="total")
        self.stdout.write(
            _(
                "%(respondents)d respondents read; %(undetermined)d without a determined "
                "status; prevalence of disability %(percent)s %%."
            )
            % {
                "respondents": survey.respondents,
                "undetermined": survey.undetermined,
                "percent": total.percent,
            }
        )
        for cell in survey.prevalence.exclude(dimension="total"):
            self.stdout.write(f"  {cell.dimension} {cell.category}: {cell.percent} %")
