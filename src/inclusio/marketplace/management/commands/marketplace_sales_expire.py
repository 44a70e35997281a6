"""``inclusio marketplace-sales-expire``: expire the in-shop sales left unconfirmed past their
hold and give their quantity back to the vouchers and the shops' stock (run it every few
minutes; the till and online orders also give back a lapsed reservation when they meet it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from inclusio.core.audit import SYSTEM
from inclusio.marketplace.till import sales_expire


class Command(BaseCommand):
    help = _("Expire unconfirmed in-shop sales past their hold and release their quantity.")

    def handle(self, *args: Any, **options: Any) -> None:
        expired = sales_expire(actor=SYSTEM)
        self.stdout.write(_("in-shop sales expired: %(count)s") % {"count": expired})
