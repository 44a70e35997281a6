from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inclusio.core.audit import SYSTEM, chains_verify


class Command(BaseCommand):
    # The result is also recorded in the audit trail, for the auditor's page.
    help = _("Recompute the audit and access chains and name the first broken row, if any.")

    def handle(self, *args: Any, **options: Any) -> None:
        broken = False
        for report in chains_verify(actor=SYSTEM):
            if report.intact:
                self.stdout.write(
                    _("%(chain)s: %(count)d rows, chain intact.")
                    % {"chain": report.chain, "count": report.checked}
                )
            else:
                broken = True
                self.stdout.write(
                    _("%(chain)s: BROKEN at row %(row)s after %(count)d good rows: %(reason)s")
                    % {
                        "chain": report.chain,
                        "row": report.first_broken_id,
                        "count": report.checked,
                        "reason": report.reason,
                    }
                )
        if broken:
            raise CommandError(_("The audit trail has been tampered with."))
