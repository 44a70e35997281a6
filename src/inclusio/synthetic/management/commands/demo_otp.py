from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.synthetic.demo import current_totp


class Command(BaseCommand):
    help = _("Print the current second-factor code of a demo staff account (demonstration only).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not (settings.DEMO or settings.DEBUG):
            raise CommandError(
                _("Demo accounts are made only when INCLUSIO_DEMO=True or INCLUSIO_DEBUG=True.")
            )
        code = current_totp(username)
        if code is None:
            raise CommandError(
                _("%(username)s is not a demo staff account: `make demo` prints their names.")
                % {"username": username}
            )
        self.stdout.write(code)
