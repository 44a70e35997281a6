import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.employment.services import employment_payments_send


class Command(BaseCommand):
    help = _(
        "Put every queued wage-subsidy month and equipment reimbursement of special workplaces "
        "in one payment file (pain.001) for the treasury."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help=_("Where to write the file."))
        parser.add_argument(
            "--execution",
            type=dt.date.fromisoformat,
            default=None,
            help=_("The day the treasury pays (YYYY-MM-DD); today when not given."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        execution = options["execution"] or timezone.localdate()
        try:
            with transaction.atomic():
                sent = employment_payments_send(actor=SYSTEM, execution=execution)
                # Written before the payments are kept as sent: a file that cannot be written
                # leaves them queued for the next run, rather than sent in no file.
                if sent is not None:
                    options["out"].write_bytes(sent[1])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        if sent is None:
            self.stdout.write(_("employment-payments: nothing is waiting to be paid"))
            return
        payment_file = sent[0]
        self.stdout.write(
            _("employment-payments: %(count)s payments, %(amount)s KZT, in %(path)s")
            % {
                "count": payment_file.transfers_count,
                "amount": f"{payment_file.amount_kzt:,}",
                "path": options["out"],
            }
        )
