"""``inclusio accessibility-osm-import FILE``: facilities and their accessibility tags from an
OpenStreetMap extract (``.osm`` or ``.osm.pbf``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.accessibility import osm
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError


class Command(BaseCommand):
    help = _(
        "Import facilities and their accessibility tags from an OpenStreetMap file "
        "(.osm or .osm.pbf)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .osm or .osm.pbf file")
        parser.add_argument(
            "--progress-every",
            type=int,
            default=osm.PROGRESS_EVERY,
            help="print progress after this many OSM objects read",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        every = max(1, options["progress_every"])

        def progress(count: int) -> None:
            self.stdout.write(_("OpenStreetMap objects read: %(count)d…") % {"count": count})

        try:
            places = osm.read(path, progress, every)
            counts = osm.osm_import(actor=SYSTEM, places=places, source_name=path.name)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        self.stdout.write(
            _(
                "Places read: %(read)d; matched by their OSM id: %(by_id)d; matched nearby by "
                "name: %(nearby)d; new facilities: %(created)d; assessments recorded: "
                "%(assessed)d; unchanged: %(unchanged)d; kept for a newer inspection: %(kept)d; "
                "outside the country, left aside: %(outside)d."
            )
            % {
                "read": counts["read"],
                "by_id": counts["matched_by_id"],
                "nearby": counts["matched_nearby"],
                "created": counts["created"],
                "assessed": counts["assessed"],
                "unchanged": counts["unchanged"],
                "kept": counts["kept_newer_inspection"],
                "outside": counts["outside_country"],
            }
        )
