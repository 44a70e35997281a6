from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.core.access import AGENCY_PURPOSES
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.core.models import User
from inclusio.core.tokens import api_token_issue, api_token_revoke


class Command(BaseCommand):
    help = _("Issue or revoke an API token for another agency's system account.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help=_("Print a new token (shown only once)."))
        issue.add_argument("username")
        issue.add_argument("name", help=_("What the token is for, e.g. the agency's system."))
        issue.add_argument(
            "--agency",
            required=True,
            help=_("The agency's name, as persons read it in their access log."),
        )
        issue.add_argument(
            "--purpose",
            action="append",
            required=True,
            choices=[str(p) for p in AGENCY_PURPOSES],
            help=_("A purpose the agency is registered for (repeat for several)."),
        )
        revoke = actions.add_parser("revoke", help=_("Revoke a token by its number."))
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "revoke":
            api_token_revoke(actor=SYSTEM, token_id=options["token_id"])
            self.stdout.write(_("Token revoked."))
            return
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(_("No account is named %s.") % options["username"]) from None
        try:
            token = api_token_issue(
                actor=SYSTEM,
                user=user,
                name=options["name"],
                agency=options["agency"],
                purposes=options["purpose"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(token)
