"""``inclusio benefits-screen --snapshot DIR --date YYYY-MM-DD [--engine duckdb]``.

Screens the snapshot for every loaded programme and turns the results into proposals (as the
platform, not a person). Running it again for the same snapshot and date prints the run done
before and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.benefits.models import ScreeningRun
from inclusio.benefits.services import screening_run
from inclusio.core.audit import SYSTEM
from inclusio.core.commandline import iso_date
from inclusio.core.errors import DomainError
from inclusio.core.progress import step_progress
from inclusio.rules.engines import ENGINES


class Command(BaseCommand):
    help = _("Screen a snapshot and turn the results into benefit proposals.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--snapshot", type=Path, required=True, help=_("Snapshot directory (Parquet files).")
        )
        parser.add_argument("--date", required=True, help=_("Screening date, YYYY-MM-DD."))
        parser.add_argument(
            "--engine", choices=ENGINES, default="duckdb", help=_("Engine (default: duckdb).")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = iso_date(options["date"])
        progress = step_progress(with_bar=False)
        try:
            with progress:
                progress.add_task(_("Screening and writing proposals"), total=None)
                run = screening_run(
                    actor=SYSTEM, snapshot_dir=options["snapshot"], on=on, engine=options["engine"]
                )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.write_run(run)

    def write_run(self, run: ScreeningRun) -> None:
        counts = run.counts
        proposals = counts.get("proposals", {})
        self.stdout.write(
            _(
                "run %(run)s (%(date)s): %(subjects)s subjects; proposals: %(new)s new, "
                "%(changed)s changed, %(ended)s ended; %(automatic)s decided on import; "
                "%(outside)s not in the registry; %(seconds).1f s"
            )
            % {
                "run": run.pk,
                "date": run.screening_date.isoformat(),
                "subjects": f"{counts.get('subjects', 0):,}",
                "new": f"{proposals.get('new', 0):,}",
                "changed": f"{proposals.get('changed', 0):,}",
                "ended": f"{proposals.get('ended', 0):,}",
                "automatic": f"{counts.get('automatic', 0):,}",
                "outside": f"{counts.get('not_in_registry', 0):,}",
                "seconds": run.seconds or 0.0,
            }
        )
        for programme, eligible in sorted(counts.get("eligible", {}).items()):
            self.stdout.write(
                _("  %(programme)s: %(eligible)s eligible")
                % {"programme": programme, "eligible": f"{eligible:,}"}
            )
