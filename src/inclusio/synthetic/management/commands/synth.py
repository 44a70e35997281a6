import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from inclusio.core.commandline import iso_date
from inclusio.core.progress import step_progress
from inclusio.synthetic.figures import REFERENCE_DATE
from inclusio.synthetic.generate import SCALES, STEPS, generate


class Command(BaseCommand):
    help = _("Generate a synthetic population and write it as a Parquet snapshot.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="demo",
            help=_("demo: 20,000 persons; region: 2 million; national: 20 million."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help=_("Seed of the random draws; the same seed gives the same files."),
        )
        parser.add_argument(
            "--out", type=Path, required=True, help=_("Directory to write the snapshot into.")
        )
        parser.add_argument(
            "--as-of",
            default=REFERENCE_DATE.isoformat(),
            metavar="YYYY-MM-DD",
            help=_(
                "The day the country is drawn as of: ages, statuses in force and re-examinations "
                "ahead are those of that day (default: %(default)s, the figures' reference date)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = iso_date(options["as_of"])
        labels = {
            "families": _("Drawing families and their homes"),
            "members": _("Drawing family members"),
            "iins": _("Issuing IINs"),
            "disabilities": _("Drawing disabilities and carers"),
            "history": _("Drawing the history of the disability statuses"),
            "incomes": _("Drawing employment and incomes"),
            "life": _("Drawing deaths, emigration and imprisonment"),
            "programmes": _("Drawing rehabilitation programmes and a year of orders"),
            "domains": _("Drawing facilities, inspections, housing lists and job quotas"),
            "write": _("Writing Parquet files"),
        }
        started = time.monotonic()
        progress = step_progress()
        with progress:
            task = progress.add_task(labels[STEPS[0]], total=len(STEPS))

            def on_step(step: str) -> None:
                progress.update(task, description=labels[step], completed=STEPS.index(step))

            manifest = generate(
                options["scale"],
                options["seed"],
                options["out"],
                country=settings.COUNTRY,
                as_of=as_of,
                on_step=on_step,
            )
        rows = ", ".join(f"{name} {count:,}" for name, count in manifest["rows"].items())
        self.stdout.write(
            _("synth %(scale)s seed %(seed)s: %(rows)s rows in %(seconds).1f s → %(out)s")
            % {
                "scale": options["scale"],
                "seed": options["seed"],
                "rows": rows,
                "seconds": time.monotonic() - started,
                "out": options["out"],
            }
        )
