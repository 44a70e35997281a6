import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio import countries
from inclusio.synthetic.access_control import control_synthesise, national_check, plan


class Command(BaseCommand):
    help = _(
        "Load the synthetic state control of accessibility, 2018–2023 (inspections, "
        "prescriptions, fines), reproducing the national totals (one region's share with "
        "--region), over the facilities loaded by synth-accessibility; --check compares the "
        "national plan with the seed's totals without loading anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help=_("Only this region (its code, e.g. 71)."))
        parser.add_argument(
            "--check", action="store_true", help=_("Check the national plan; load nothing.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            plans = plan()
            problems = national_check(plans)
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                raise CommandError(_("The national plan differs from the seed's totals."))
            self.stdout.write(
                _(
                    "synth-access-control: %(inspections)s inspections, %(prescriptions)s "
                    "prescriptions, %(fines)s fines of ₸%(tenge)s, as the seed says"
                )
                % {
                    "inspections": f"{sum(p.inspections for p in plans):,}",
                    "prescriptions": f"{sum(p.prescriptions for p in plans):,}",
                    "fines": f"{sum(len(p.fines) for p in plans):,}",
                    "tenge": f"{sum(p.fines_tenge for p in plans):,}",
                }
            )
            return
        region = options["region"]
        if region and region not in {r["code"] for r in countries.regions("kz")}:
            raise CommandError(_("No region has the code %(code)s.") % {"code": region})
        started = time.monotonic()
        added = control_synthesise(region_code=region)
        self.stdout.write(
            _("synth-access-control: added %(count)s inspections; %(seconds).1f s")
            % {"count": f"{added:,}", "seconds": time.monotonic() - started}
        )
