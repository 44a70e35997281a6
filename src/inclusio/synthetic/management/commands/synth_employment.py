import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.synthetic.employment import (
    SUPPORT_TOTAL,
    load_region,
    national_check,
    national_employment,
)


class Command(BaseCommand):
    help = _(
        "Synthetic employment data reproducing the seed's figures: the national check, and one "
        "region's share loaded into the database for the demo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region", help=_("Load this region's share (its code, e.g. 71) into the database.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        data = national_employment()
        problems = national_check(data)
        if problems:
            raise CommandError(_("national check failed: %(problems)s") % {"problems": problems})
        self.stdout.write(
            _(
                "synth-employment: national check passed: %(employers)s employers, %(filled)s "
                "employed through quotas, %(workplaces)s special workplaces, %(measures)s "
                "persons covered by support measures"
            )
            % {
                "employers": f"{len(data.headcount):,}",
                "filled": f"{int(data.filled.sum()):,}",
                "workplaces": f"{len(data.workplace_first_month):,}",
                "measures": f"{SUPPORT_TOTAL:,}",
            }
        )
        if options["region"]:
            loaded = load_region(options["region"])
            self.stdout.write(
                _(
                    "synth-employment: region %(region)s: %(employers)s employers, %(placements)s "
                    "placements, %(workplaces)s special workplaces, %(measures)s support measures, "
                    "%(vacancies)s vacancies added; %(seconds).1f s"
                )
                % {
                    "region": options["region"],
                    **{k: f"{v:,}" for k, v in loaded.__dict__.items()},
                    "seconds": time.monotonic() - started,
                }
            )
