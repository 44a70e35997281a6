import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.synthetic.housing import housing_synthesise, national_check, targets


class Command(BaseCommand):
    help = _(
        "Register the registry's eligible persons on synthetic housing waiting lists that "
        "reproduce the national figures (55,258 persons of groups I–II and 25,337 families "
        "waiting; 3,684 and 1,988 housed over 2018–2023), a region's share at a scale."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help=_("Only the list of this region (its code, e.g. 71)."))
        parser.add_argument(
            "--scale", type=float, default=1.0, help=_("Share of the national figures, e.g. 0.001.")
        )
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed."))

    def handle(self, *args: Any, **options: Any) -> None:
        for figure, (national, regions) in national_check(targets()).items():
            if national != regions:
                raise CommandError(
                    _("The regions' %(figure)s add up to %(regions)s, not %(national)s.")
                    % {"figure": figure, "regions": regions, "national": national}
                )
        started = time.monotonic()
        counts = housing_synthesise(
            scale=options["scale"], region_code=options["region"], seed=options["seed"]
        )
        self.stdout.write(
            _(
                "synth-housing: %(waiting)s waiting and %(housed)s housed registered; "
                "%(shortfall)s fewer than the figures (not enough eligible persons in the "
                "registry); %(seconds).1f s"
            )
            % {
                **{what: f"{count:,}" for what, count in counts.items()},
                "seconds": time.monotonic() - started,
            }
        )
