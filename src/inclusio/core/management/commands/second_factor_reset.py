from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.core.accounts import Reason, account_second_factor_reset
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.core.models import User


class Command(BaseCommand):
    help = _(
        "Remove an account's authenticator app and print a one-time enrolment code to hand to "
        "its holder (for the first superuser, or when no administrator can do it in the admin)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--reason", required=True, choices=sorted(Reason.CODES), help=_("Why, for the audit.")
        )

    def handle(self, *args: Any, username: str, reason: str, **options: Any) -> None:
        account = User.objects.filter(username=username).first()
        if account is None:
            raise CommandError(_("No account is named %s.") % username)
        try:
            handover = account_second_factor_reset(actor=SYSTEM, account=account, reason=reason)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        self.stdout.write(_("Enrolment code (shown once): %s") % handover.enrolment_code)
