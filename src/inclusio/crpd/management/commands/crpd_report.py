"""``inclusio crpd-report --from 2018 --to 2023 --snapshot DIR --out DIR``: the periodic report
as accessible HTML, DOCX and tagged PDF, its figures computed from the snapshot."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from inclusio.core.errors import ValidationFailed
from inclusio.crpd import report
from inclusio.crpd.errors import ErrorCode
from inclusio.crpd.services import FIRST_YEAR, LAST_YEAR
from inclusio.snapshot.contract import MANIFEST
from inclusio.snapshot.validate import SnapshotError


class Command(BaseCommand):
    help = _(
        "Write the periodic report on the Convention (HTML, DOCX, tagged PDF), organised by "
        "article, its figures computed from a snapshot."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True, type=int, help="first year")
        parser.add_argument("--to", dest="last", required=True, type=int, help="last year")
        parser.add_argument("--snapshot", required=True, help="the snapshot folder")
        parser.add_argument("--out", required=True, help="the folder to write into")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the report's language (default: the command's own, from the environment)",
        )
        parser.add_argument(
            "--format", dest="formats", action="append", choices=report.FORMATS, default=None
        )

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["first"], options["last"]
        if not FIRST_YEAR <= first <= last <= LAST_YEAR:
            raise CommandError(
                f"{ErrorCode.PERIOD_INVALID}: "
                + _("Give the years from 2006 on, the first not after the last.")
            )
        snapshot = Path(options["snapshot"])
        if not (snapshot / MANIFEST).is_file():
            raise CommandError(
                f"{ErrorCode.REPORT_SNAPSHOT_MISSING}: "
                + _("%(folder)s holds no snapshot (manifest.json missing).") % {"folder": snapshot}
            )
        started = time.monotonic()
        language = options["language"] or translation.get_language() or "kk"
        with translation.override(language):
            try:
                built = report.build(
                    first_year=first,
                    last_year=last,
                    snapshot=snapshot,
                    language=language,
                )
                written = report.write(
                    built, Path(options["out"]), tuple(options["formats"] or report.FORMATS)
                )
            except ValidationFailed as error:
                raise CommandError(f"{error.code}: {error.message}") from None
            except SnapshotError as error:
                raise CommandError(
                    f"{ErrorCode.REPORT_SNAPSHOT_INVALID}: "
                    + _("%(file)s breaks the snapshot contract (docs/snapshot.md): %(problem)s.")
                    % {"file": error.file.name, "problem": error.column or _("unreadable")}
                ) from None
            except (OSError, duckdb.Error) as error:
                raise CommandError(
                    _("Cannot write the report: %(error)s") % {"error": error}
                ) from None
            for path in written:
                self.stdout.write(str(path))
            self.stdout.write(
                _("The report written in %(seconds).1f s.")
                % {"seconds": time.monotonic() - started}
            )
