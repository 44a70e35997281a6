"""``inclusio synth-dci``: the demo's DCI agency and the demo person's attestation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.synthetic.dci import load_demo_dci


class Command(BaseCommand):
    help = _(
        "Register the demo agency with keys made now (written to --out, never to the "
        "repository) and issue the demo person's attestation (demonstration only; run after "
        "demo-accounts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default="var/demo-dci", help=_("Where to write them."))
        parser.add_argument(
            "--server", default="http://127.0.0.1:8000", help=_("The demo server's address.")
        )

    def handle(self, *args: Any, out: str, server: str, **options: Any) -> None:
        if not (settings.DEMO or settings.DEBUG):
            raise CommandError(
                _("The demo agency is made only when INCLUSIO_DEMO=True or INCLUSIO_DEBUG=True.")
            )
        made = load_demo_dci(Path(out), server)
        self.stdout.write(
            _("synth-dci: agency %(agency)s, credentials in %(file)s")
            % {"agency": made.agency.sender_id, "file": made.credentials}
        )
        if made.attestation is not None:
            self.stdout.write(
                _("synth-dci: the demo person's attestation in %(file)s")
                % {"file": made.attestation}
            )
