"""``inclusio registry-status-calendar``: announce the statuses whose being in force changes
today by the calendar alone (run daily, beside ``reexamination-referrals``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.registry.services import status_calendar_changes_announce


class Command(BaseCommand):
    help = _(
        "Tell the subscribed agencies, the attestations and the other apps of the statuses "
        "that lapsed at their re-examination date or came into force today (run daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--day",
            help=_("The day to announce, YYYY-MM-DD (default: today), to catch up a missed day."),
        )

    def handle(self, *args: Any, day: str | None, **options: Any) -> None:
        try:
            when = dt.date.fromisoformat(day) if day else None
        except ValueError as wrong:
            raise CommandError(_("Give the day as YYYY-MM-DD.")) from wrong
        announced = status_calendar_changes_announce(day=when)
        self.stdout.write(
            _("Statuses announced as changed by the calendar: %(count)d.") % {"count": announced}
        )
