from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from inclusio.appeals.services import appeal_deadlines_recount


class Command(BaseCommand):
    help = _(
        "Count the deadline of every open appeal again by the country's public holidays as they "
        "stand now: run it after a year's moving holidays are added to the country's file."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        recounted = appeal_deadlines_recount()
        self.stdout.write(
            _(
                "appeals-recount-deadlines: %(open)s open appeals counted again, %(moved)s "
                "deadlines moved."
            )
            % {"open": recounted.open, "moved": recounted.moved}
        )
