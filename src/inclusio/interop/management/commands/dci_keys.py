import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from inclusio.interop import keys


class Command(BaseCommand):
    help = _(
        "The platform's signing keys: `rotate` makes a new key current while the previous ones "
        "stay published; `retire` stops publishing all but the current one, once verifiers have "
        "fetched the new keys; `show` prints the published keys (JWKS)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate", "retire", "show"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rotate":
            kid = keys.rotate()
            self.stdout.write(
                _("New signing key %(kid)s; the previous keys stay published until retired.")
                % {"kid": kid}
            )
        elif options["action"] == "retire":
            retired = keys.retire()
            self.stdout.write(
                _("Keys no longer published: %(count)d; signing with %(kid)s.")
                % {"count": len(retired), "kid": keys.current_kid()}
            )
        else:
            self.stdout.write(json.dumps(keys.public_jwks(), indent=1))
