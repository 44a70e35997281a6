from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inclusio.synthetic.demo import create_demo_accounts
from inclusio.synthetic.marketplace import demo_till_voucher


class Command(BaseCommand):
    help = _(
        "Create one demo account per role whose work exists (demonstration only) "
        "and print the passwords."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO or settings.DEBUG):
            raise CommandError(
                _("Demo accounts are made only when INCLUSIO_DEMO=True or INCLUSIO_DEBUG=True.")
            )
        accounts = create_demo_accounts()
        self.stdout.write(_("Demo accounts (passwords change each time this runs):"))
        for account in accounts:
            where = account.region or _("national")
            extra = f"  {_('IIN')} {account.linked_person}" if account.linked_person else ""
            factor = (
                _("  + code from `make demo-otp ACCOUNT=%s`") % account.username
                if account.role.staff
                else ""
            )
            self.stdout.write(
                f"  {account.username:<24} {account.password:<14} "
                f"{account.role.title} ({where}){extra}{factor}"
            )
        till = demo_till_voucher()
        if till is not None:
            self.stdout.write(
                _(
                    "Till: the supplier account may sell with the voucher code %(code)s "
                    "(%(left)s left)."
                )
                % {"code": till.code, "left": till.left}
            )
