"""``inclusio screen --snapshot DIR --date YYYY-MM-DD [--engine duckdb] --out DIR [--country kz]``.

Evaluates every programme of the country configuration over a whole snapshot in one columnar
pass and writes ``DIR/results.parquet`` (contract: ``inclusio.rules.screen``). The snapshot is
checked first: a missing file or column, or a column of a wrong type, is refused naming the file
and column, and nothing is written. ``--engine spark`` runs the same compiled programmes on
Spark at ``INCLUSIO_SPARK_MASTER`` (``local[2]`` by default: Spark inside this process).
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.core.management.commands.rules import programme_files
from inclusio.core.progress import step_progress
from inclusio.rules.engines import ENGINES, EngineUnavailable
from inclusio.rules.errors import RuleError
from inclusio.rules.loader import load_programme
from inclusio.rules.screen import STEPS, SnapshotError, screen


def screening_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("Invalid date %(date)r: expected YYYY-MM-DD.") % {"date": text}
        ) from None


class Command(BaseCommand):
    help = _("Screen a whole snapshot for every programme and write results.parquet.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--snapshot", type=Path, required=True, help=_("Snapshot directory (Parquet files).")
        )
        parser.add_argument("--date", required=True, help=_("Screening date, YYYY-MM-DD."))
        parser.add_argument(
            "--engine", choices=ENGINES, default="duckdb", help=_("Engine (default: duckdb).")
        )
        parser.add_argument(
            "--out", type=Path, required=True, help=_("Directory to write results.parquet into.")
        )
        parser.add_argument(
            "--country",
            default=None,
            help=_("Country configuration (default: the COUNTRY setting)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = screening_date(options["date"])
        country = options.get("country") or settings.COUNTRY
        try:
            programmes = [load_programme(path) for path in programme_files(country)]
        except RuleError as error:
            raise CommandError(str(error)) from None
        if not programmes:
            raise CommandError(
                _("The country %(country)r has no programmes.") % {"country": country}
            )

        labels = {
            "validate": _("Checking the snapshot"),
            "compile": _("Compiling the programmes"),
            "evaluate": _("Evaluating and writing results"),
            "summarise": _("Counting the results"),
        }
        started = time.monotonic()
        progress = step_progress()
        try:
            with progress:
                task = progress.add_task(labels[STEPS[0]], total=len(STEPS))

                def on_step(step: str) -> None:
                    progress.update(task, description=labels[step], completed=STEPS.index(step))

                summary = screen(
                    options["snapshot"],
                    on,
                    programmes,
                    options["out"],
                    on_step=on_step,
                    engine=options["engine"],
                    spark_master=settings.SPARK_MASTER,
                )
        except (SnapshotError, RuleError, EngineUnavailable) as error:
            raise CommandError(str(error)) from None

        self.stdout.write(
            _("screen %(date)s: %(subjects)s subjects, %(awards)s awards, %(amount)s KZT")
            % {
                "date": on.isoformat(),
                "subjects": f"{summary.subjects:,}",
                "awards": f"{summary.awards:,}",
                "amount": f"{summary.total_amount_kzt:,}",
            }
        )
        for programme, count in summary.programmes.items():
            amount = f", {count.amount_kzt:,} KZT" if count.amount_kzt else ""
            self.stdout.write(f"  {programme}: {count.eligible:,}{amount}")
        self.stdout.write(
            _("%(path)s written in %(seconds).1f s")
            % {"path": summary.path, "seconds": time.monotonic() - started}
        )
