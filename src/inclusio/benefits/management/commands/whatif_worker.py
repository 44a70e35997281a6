"""``inclusio whatif-worker [--once]``: run the what-if comparisons asked for on the what-if page.

Without ``--once`` it waits for requests and runs them as they come (a service beside the web
server, with ``INCLUSIO_WHATIF_WORKER=external``); with ``--once`` it runs those waiting and
exits (what the page starts for each request by default).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from inclusio.benefits.whatif import run_waiting

POLL_SECONDS = 2.0


class Command(BaseCommand):
    help = _("Run the what-if comparisons asked for on the what-if page.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help=_("Run the comparisons waiting now, then exit."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            ran = run_waiting()
            self.stdout.write(_("%(count)d what-if comparisons run") % {"count": ran})
            return
        while True:  # a service: stopped by its supervisor
            if not run_waiting():
                time.sleep(POLL_SECONDS)
