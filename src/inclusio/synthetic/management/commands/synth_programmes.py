import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from inclusio.synthetic.rehabilitation import programmes_synthesise


class Command(BaseCommand):
    help = _(
        "Give the registry's persons with a current status synthetic rehabilitation programmes "
        "and fulfilments that reproduce the implementation rates of 2020–2023. Persons who "
        "already hold a programme are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region", help=_("Only the persons of this region (its code, e.g. 71).")
        )
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed."))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counts = programmes_synthesise(seed=options["seed"], region_code=options["region"])
        self.stdout.write(
            _(
                "synth-programmes: added %(programmes)s programmes with %(items)s items, "
                "%(lines)s deliveries owed and %(fulfilments)s received; %(seconds).1f s"
            )
            % {
                **{what: f"{count:,}" for what, count in counts.items()},
                "seconds": time.monotonic() - started,
            }
        )
