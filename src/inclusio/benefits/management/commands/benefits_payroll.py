"""``inclusio benefits-payroll --month YYYY-MM --out FILE``: the month's payroll and its file.

Creates the month's payments (once; running it again adds only awards that had none) and
writes the ISO 20022 pain.001.001.09 credit transfer file of the scheduled payments to FILE.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from inclusio.benefits.models import Payment
from inclusio.benefits.services import payment_file, payroll_create
from inclusio.core.errors import DomainError


def month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise CommandError(
            _("Invalid month %(month)r: expected YYYY-MM.") % {"month": text}
        ) from None


class Command(BaseCommand):
    help = _("Create the month's payroll and write its payment file (ISO 20022 pain.001).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help=_("The month, YYYY-MM."))
        parser.add_argument("--out", type=Path, required=True, help=_("Payment file to write."))

    def handle(self, *args: Any, **options: Any) -> None:
        payroll = payroll_create(actor=None, month=month(options["month"]))
        try:
            options["out"].write_bytes(payment_file(payroll))
        except DomainError as error:
            self.stdout.write(error.message)
        totals = {
            row["status"]: row
            for row in payroll.payments.values("status").annotate(
                n=Count("id"), kzt=Sum("amount_kzt")
            )
        }
        scheduled = totals.get(Payment.Status.SCHEDULED, {"n": 0, "kzt": 0})
        held = totals.get(Payment.Status.HELD, {"n": 0, "kzt": 0})
        self.stdout.write(
            _(
                "payroll %(month)s: %(paid)s payments, %(amount)s KZT in %(file)s; "
                "%(held)s held (no payment account)"
            )
            % {
                "month": f"{payroll.month:%Y-%m}",
                "paid": f"{scheduled['n']:,}",
                "amount": f"{scheduled['kzt'] or 0:,}",
                "file": options["out"],
                "held": f"{held['n']:,}",
            }
        )
