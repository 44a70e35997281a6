"""``inclusio marketplace-pay --out FILE``: pay suppliers for the confirmed orders.

Every order whose receipt is confirmed and which has no payment (or only ones the bank
rejected) goes into one ISO 20022 pain.001.001.09 credit transfer file, each to its supplier's
IBAN for what the state pays of it. Running it again pays nothing twice; with nothing to pay it
says so and writes no file. The bank's answer is imported by ``inclusio payments-status-import``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.marketplace.orders import supplier_payments_send


class Command(BaseCommand):
    help = _("Pay suppliers for confirmed orders: write the payment file (ISO 20022 pain.001).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help=_("Payment file to write."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                produced = supplier_payments_send(actor=SYSTEM)
                # Written before the payments are kept as sent: a file that cannot be written
                # leaves the orders unpaid, for the next run, rather than sent in no file.
                options["out"].write_bytes(produced.content)
        except DomainError as error:
            self.stdout.write(error.message)
            return
        self.stdout.write(
            _("suppliers: %(orders)s orders, %(amount)s KZT in %(file)s")
            % {
                "orders": f"{produced.orders:,}",
                "amount": f"{produced.amount_kzt:,}",
                "file": options["out"],
            }
        )
