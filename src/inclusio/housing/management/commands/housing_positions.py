import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from inclusio.housing.services import positions_recompute


class Command(BaseCommand):
    help = _(
        "Recompute every place of every housing waiting list (one window function per list); "
        "only the places that changed are written, each with its history."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        moved = positions_recompute()
        self.stdout.write(
            _("housing-positions: %(moved)s places changed; %(seconds).1f s")
            % {"moved": f"{moved:,}", "seconds": time.monotonic() - started}
        )
