"""``inclusio synth-crpd``: CRPD monitoring's demo content (the report's own figures as entered
indicators with their source, its measures, a demo recommendation)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from inclusio.synthetic.crpd import load_demo_crpd


class Command(BaseCommand):
    help = _(
        "Enter CRPD monitoring's demo content: the report's figures with their sources, its "
        "measures and a demo recommendation."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        entered = load_demo_crpd()
        self.stdout.write(_("synth-crpd: %(count)d records entered.") % {"count": entered})
