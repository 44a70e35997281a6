"""``inclusio payments-bank-answer FILE --out REPORT``: the bank's status report on a payment
file, from the bank named by ``PAYMENTS_BANK`` (the synthetic bank in the demo: most payments
paid, about one in ten rejected with a common ISO reason code). Import the report with
``inclusio payments-status-import REPORT``: the demo's loop from payroll to paid, without a bank.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.payments.bank import bank


class Command(BaseCommand):
    help = _("Write the bank's status report (pain.002) on a payment file (the synthetic bank).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("The payment file (pain.001)."))
        parser.add_argument(
            "--out", type=Path, required=True, help=_("The status report to write.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError:
            raise CommandError(_("Cannot read the file %(file)s.") % {"file": path}) from None
        options["out"].write_bytes(bank().answer(content))
        self.stdout.write(_("status report written to %(file)s") % {"file": options["out"]})
