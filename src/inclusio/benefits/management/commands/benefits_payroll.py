"""``inclusio benefits-payroll --month YYYY-MM --out FILE``: the month's payroll and its file.

Creates the month's payments (once; running it again adds only awards that had none, until
the payroll is approved) and, once a second person has approved the payroll on the payroll
page, writes the ISO 20022 pain.001.001.09 credit transfer file of the scheduled payments to
FILE. Before that it says the payroll waits for approval and writes no file: run it again after.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from inclusio.benefits.models import Payment, Payroll
from inclusio.benefits.services import parse_month, payment_file_produce, payroll_create
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError


class Command(BaseCommand):
    help = _("Create the month's payroll and write its payment file (ISO 20022 pain.001).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help=_("The month, YYYY-MM."))
        parser.add_argument("--out", type=Path, required=True, help=_("Payment file to write."))

    def handle(self, *args: Any, **options: Any) -> None:
        # The platform's monthly job: the payroll and its file are recorded as written by SYSTEM.
        try:
            month = parse_month(options["month"])
            payroll = Payroll.objects.filter(month=month, approved_at__isnull=False).first()
            if payroll is None:  # an approved payroll no longer changes
                payroll = payroll_create(actor=SYSTEM, month=month)
        except DomainError as error:
            raise CommandError(error.message) from None
        file = options["out"]
        try:
            produced = payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk)
        except DomainError as error:
            self.stdout.write(error.message)
            file = _("no file")
        else:
            file.write_bytes(produced.content)
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
                "file": file,
                "held": f"{held['n']:,}",
            }
        )
