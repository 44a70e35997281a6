from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from inclusio.assessment.services import reexamination_referrals_open


class Command(BaseCommand):
    help = _("Open re-examination referrals for statuses that expire soon (run daily).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.REEXAMINATION_NOTICE_DAYS,
            help=_("How many days ahead to look."),
        )

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        opened = reexamination_referrals_open(days=days)
        self.stdout.write(_("Opened %(count)d re-examination referrals.") % {"count": opened})
