"""``inclusio payments-status-import FILE``: import the bank's status report (ISO 20022 pain.002).

Each payment the report names is marked paid or rejected with the bank's reason; a rejected
benefit payment is held again until the person gives a corrected account. The whole report is
imported or, refused with a code and the reason, none of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.payments.services import status_report_import


class Command(BaseCommand):
    help = _("Import the bank's payment status report (ISO 20022 pain.002).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("The status report to import."))

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError:
            raise CommandError(_("Cannot read the file %(file)s.") % {"file": path}) from None
        try:
            # The platform's own import job: recorded as written by SYSTEM.
            imported = status_report_import(actor=SYSTEM, content=content)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        self.stdout.write(
            _(
                "status report %(report)s for %(file)s: %(paid)s paid, %(rejected)s rejected, "
                "%(accepted)s accepted and not yet paid"
            )
            % {
                "report": imported.report.message_id,
                "file": imported.report.original_message_id,
                "paid": f"{imported.paid:,}",
                "rejected": f"{imported.rejected:,}",
                "accepted": f"{imported.accepted:,}",
            }
        )
