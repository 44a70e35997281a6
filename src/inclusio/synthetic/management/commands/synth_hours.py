import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio import countries
from inclusio.synthetic.hours import check_hours_year, hours_year_of
from inclusio.synthetic.hours_load import load_demo_hours


class Command(BaseCommand):
    help = _(
        "Services by the hour: with --snapshot, a year of sign-language sessions, "
        "personal-assistant timesheets and sanatorium stays from the snapshot's year of orders, "
        "checked against the seed (and written to --out); with --region, that region's coming "
        "week of sessions and last month's timesheets, made through the services."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--snapshot", type=Path, help=_("A synthetic snapshot's folder."))
        parser.add_argument("--out", type=Path, help=_("Where to write the year's tables."))
        parser.add_argument(
            "--region", help=_("Load this region's worth into the database (its code, e.g. 71).")
        )
        parser.add_argument("--seed", type=int, default=23, help=_("Random seed."))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        snapshot, region = options["snapshot"], options["region"]
        if snapshot is None and region is None:
            raise CommandError(_("Give --snapshot, --region or both."))
        failed = 0
        if snapshot is not None:
            manifest = snapshot / "manifest.json"
            if not manifest.is_file():
                raise CommandError(_("No snapshot in %(path)s.") % {"path": snapshot})
            scale = json.loads(manifest.read_text())["scale_factor"]
            year = hours_year_of(snapshot, seed=options["seed"])
            if options["out"] is not None:
                year.write(options["out"])
            for check in check_hours_year(year, scale):
                failed += not check.ok
                self.stdout.write(
                    _("check: %(figure)s: expected %(expected)s, made %(actual)s — %(verdict)s")
                    % {
                        "figure": check.figure,
                        "expected": f"{check.expected:,}",
                        "actual": f"{check.actual:,}",
                        "verdict": _("ok") if check.ok else _("DIFFERS"),
                    }
                )
        if region is not None:
            if region not in {r["code"] for r in countries.regions(settings.COUNTRY)}:
                raise CommandError(_("No region has the code %(code)s.") % {"code": region})
            loaded = load_demo_hours(region)
            self.stdout.write(
                _(
                    "synth-hours: region %(region)s: %(sessions)s sessions published, "
                    "%(timesheets)s timesheets submitted, %(skipped)s persons left alone"
                )
                % {"region": region, **loaded.__dict__}
            )
        self.stdout.write(
            _("synth-hours: %(seconds).1f s") % {"seconds": time.monotonic() - started}
        )
        if failed:
            raise CommandError(_("%(count)s figures differ.") % {"count": failed})
