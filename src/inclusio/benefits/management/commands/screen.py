"""``inclusio screen --snapshot DIR --date YYYY-MM-DD [--engine duckdb] --out DIR [--country kz]``.

Evaluates every programme of the country configuration over a whole snapshot in one columnar
pass and writes ``DIR/results.parquet`` (contract: ``inclusio.rules.screen``). The snapshot is
checked first: a missing file or column, or a column of a wrong type, is refused naming the file
and column, and nothing is written. ``--engine spark`` runs the same compiled programmes on
Spark at ``INCLUSIO_SPARK_MASTER`` (``local[2]`` by default: Spark inside this process).

``--reform FILE`` (repeatable) screens nothing: each FILE is a drafted programme file, run over
the snapshot beside the programme in force with the same id; the difference (recipients gained
and lost, monthly and yearly cost, by programme and region) is printed and written to
``DIR/reform.csv``. No award is touched.

The country's shared parameters (the subsistence minimum…) are the database's, as the ministry
keeps them (``inclusio.core.parameters``); the values used are written with the results.
"""

from __future__ import annotations

import csv
import datetime
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inclusio.benefits.management.commands.rules import country_rules
from inclusio.core.commandline import iso_date
from inclusio.core.parameters import shared_parameters
from inclusio.core.progress import step_progress
from inclusio.countries.shared import SharedParameters
from inclusio.registry.export import describe
from inclusio.rules.engines import ENGINES, EngineUnavailable
from inclusio.rules.errors import RuleError
from inclusio.rules.loader import load_programme
from inclusio.rules.reform import Comparison, compare
from inclusio.rules.screen import STEPS, screen
from inclusio.snapshot.validate import SnapshotError

REFORM_CSV = "reform.csv"
REFORM_COLUMNS = (
    "programme",
    "region_code",
    "recipients_before",
    "recipients_after",
    "gained",
    "lost",
    "monthly_before_kzt",
    "monthly_after_kzt",
    "once_before_kzt",
    "once_after_kzt",
    "yearly_change_kzt",
)


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
        parser.add_argument(
            "--reform",
            type=Path,
            action="append",
            metavar="FILE",
            help=_(
                "A drafted programme file: compare it with the programme in force of the same "
                "id instead of screening (may be given more than once). Awards are not touched."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = iso_date(options["date"])
        country = options.get("country") or settings.COUNTRY
        shared = shared_parameters(country)
        rules = country_rules(country, shared)
        programmes = list(rules.programmes)
        if not programmes:
            raise CommandError(
                _("The country %(country)r has no programmes.") % {"country": country}
            )
        if options.get("reform"):
            self.compare(options, on, programmes, shared)
            return

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
                    assessments=rules.assessments,
                    engine=options["engine"],
                    spark_master=settings.SPARK_MASTER,
                )
        except SnapshotError as error:
            raise CommandError(describe(error)) from None
        except RuleError as error:
            raise CommandError(error.text(get_language())) from None
        except EngineUnavailable as error:
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
        for assessment, levels in summary.levels.items():
            counted = ", ".join(f"{level} {families:,}" for level, families in levels.items())
            self.stdout.write(
                _("  %(assessment)s (families): %(levels)s")
                % {"assessment": assessment, "levels": counted}
            )
        self.stdout.write(
            _("%(path)s written in %(seconds).1f s")
            % {"path": summary.path, "seconds": time.monotonic() - started}
        )

    def compare(
        self,
        options: dict[str, Any],
        on: datetime.date,
        programmes: list[Any],
        shared: SharedParameters,
    ) -> None:
        """``--reform``: the drafts beside the law in force; a table printed, ``reform.csv``."""
        try:
            drafts = [load_programme(path, shared=shared) for path in options["reform"]]
            comparison = compare(
                options["snapshot"],
                on,
                programmes,
                drafts,
                engine=options["engine"],
                spark_master=settings.SPARK_MASTER,
            )
        except SnapshotError as error:
            raise CommandError(describe(error)) from None
        except RuleError as error:
            raise CommandError(error.text(get_language())) from None
        except (EngineUnavailable, ValueError, OSError) as error:
            raise CommandError(str(error)) from None
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        path = out / REFORM_CSV
        write_comparison(comparison, path)

        header = _("What-if on %(date)s, drafts beside the law in force") % {"date": on}
        self.stdout.write(header)
        rows = [(programme, comparison.total(programme)) for programme in comparison.programmes]
        rows.append((_("all drafted programmes"), comparison.total()))
        for name, total in rows:
            self.stdout.write(
                _(
                    "  %(programme)s: recipients %(before)s → %(after)s (+%(gained)s, "
                    "−%(lost)s); per month %(monthly)s KZT; per year %(yearly)s KZT"
                )
                % {
                    "programme": name,
                    "before": f"{total.recipients_before:,}",
                    "after": f"{total.recipients_after:,}",
                    "gained": f"{total.gained:,}",
                    "lost": f"{total.lost:,}",
                    "monthly": f"{total.monthly_change_kzt:+,}",
                    "yearly": f"{total.yearly_change_kzt:+,}",
                }
            )
        self.stdout.write(
            _("By region in %(path)s; computed in %(seconds).1f s")
            % {"path": path, "seconds": comparison.seconds}
        )


def write_comparison(comparison: Comparison, path: Path) -> None:
    """One CSV row per programme and region; amounts in whole tenge, per month, once (the
    one-off grants) and per year."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(REFORM_COLUMNS)
        for row in comparison.rows:
            writer.writerow(
                [
                    row.programme,
                    row.region_code,
                    row.recipients_before,
                    row.recipients_after,
                    row.gained,
                    row.lost,
                    row.monthly_before_kzt,
                    row.monthly_after_kzt,
                    row.once_before_kzt,
                    row.once_after_kzt,
                    row.yearly_change_kzt,
                ]
            )
