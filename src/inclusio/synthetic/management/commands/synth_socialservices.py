import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio import countries
from inclusio.synthetic.socialservices import social_services_check, social_services_synthesise


class Command(BaseCommand):
    help = _(
        "Load synthetic special social services: each region's share of the country's 977 "
        "providers, 61,000 persons served with last month's attendance, and the inspectors' "
        "378 inspections; then check the loaded regions against the national figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region", help=_("Only this region (its code, e.g. 71); every region otherwise.")
        )
        parser.add_argument("--seed", type=int, default=16, help=_("Random seed."))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        known = [r["code"] for r in countries.regions("kz")]
        region = options["region"]
        if region is not None and region not in known:
            raise CommandError(_("No region has the code %(code)s.") % {"code": region})
        for code in [region] if region else known:
            loaded = social_services_synthesise(region_code=code, seed=options["seed"])
            self.stdout.write(
                _(
                    "synth-socialservices: region %(region)s: %(providers)s providers, "
                    "%(persons)s persons served (%(children)s children), %(inspections)s "
                    "inspections with %(prescriptions)s prescriptions"
                )
                % {"region": code, **loaded.__dict__}
            )
        failed = 0
        for check in social_services_check():
            failed += not check.ok
            self.stdout.write(
                _("check: %(figure)s: expected %(expected)s, loaded %(actual)s — %(verdict)s")
                % {
                    "figure": check.figure,
                    "expected": f"{check.expected:,}",
                    "actual": f"{check.actual:,}",
                    "verdict": _("ok") if check.ok else _("DIFFERS"),
                }
            )
        self.stdout.write(
            _("synth-socialservices: %(seconds).1f s") % {"seconds": time.monotonic() - started}
        )
        if failed:
            raise CommandError(_("%(count)s figures differ.") % {"count": failed})
