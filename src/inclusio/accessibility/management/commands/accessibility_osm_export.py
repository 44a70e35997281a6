"""``inclusio accessibility-osm-export --out FILE [--format csv|osmchange]``: the OpenStreetMap
tag changes our assessments suggest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.accessibility import osm


class Command(BaseCommand):
    help = _(
        "Write the OpenStreetMap accessibility tag changes our assessments suggest, as CSV "
        "or osmChange."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--format", choices=["csv", "osmchange"], default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        chosen = options["format"] or (
            "osmchange" if out.suffix.lower() in (".osc", ".xml") else "csv"
        )
        write = osm.write_osmchange if chosen == "osmchange" else osm.write_csv
        try:
            with out.open("w", encoding="utf-8", newline="") as stream:
                count = write(osm.tag_changes(), stream)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": out, "error": error.strerror}
            ) from None
        self.stdout.write(
            _("Tag changes written to %(file)s: %(count)d.") % {"count": count, "file": out}
        )
