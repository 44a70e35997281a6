import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from inclusio.interop import outbox


class Command(BaseCommand):
    help = _(
        "Deliver the DCI callbacks that are due (answers of asynchronous requests and "
        "subscription notifications), once, or again and again with --loop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help=_("Keep delivering until stopped."))
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help=_("Seconds to wait when nothing is due (with --loop)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            done = outbox.deliver_due()
            if done.tried or not options["loop"]:
                self.stdout.write(
                    _(
                        "Callbacks delivered: %(delivered)d; to try again later: %(retried)d; "
                        "undeliverable: %(dead)d."
                    )
                    % {"delivered": done.delivered, "retried": done.retried, "dead": done.dead}
                )
            if not options["loop"]:
                return
            if not done.tried:
                time.sleep(options["interval"])
