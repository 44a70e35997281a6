import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio import countries
from inclusio.synthetic.accessibility import facilities_synthesise


class Command(BaseCommand):
    help = _(
        "Load synthetic facilities of the accessibility map, each assessed against the "
        "standard, reproducing the national figures of 1 January 2024 (one region's share "
        "with --region). A region that has facilities already is left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help=_("Only this region (its code, e.g. 71)."))
        parser.add_argument("--seed", type=int, default=20240101, help=_("Random seed."))

    def handle(self, *args: Any, **options: Any) -> None:
        region = options["region"]
        if region and region not in {r["code"] for r in countries.regions("kz")}:
            raise CommandError(_("No region has the code %(code)s.") % {"code": region})
        started = time.monotonic()
        added = facilities_synthesise(region_code=region, seed=options["seed"])
        self.stdout.write(
            _("synth-accessibility: added %(count)s facilities; %(seconds).1f s")
            % {"count": f"{added:,}", "seconds": time.monotonic() - started}
        )
