"""``inclusio statistics-publish --snapshot DIR --date YYYY-MM-DD --out DIR [--dataset ID …]``.

Computes every published table (docs/statistics.md) from a snapshot on the date, protects it
(disclosure control) and writes the open data: per dataset an SDMX-CSV 2.0 file and a metadata
file, and the DCAT-AP catalogue. A refused request writes nothing.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.core.audit import SYSTEM
from inclusio.core.commandline import iso_date
from inclusio.core.errors import DomainError
from inclusio.core.progress import step_progress
from inclusio.statistics.disclosure import DEFAULT_THRESHOLD
from inclusio.statistics.publish import compute_datasets, write_publication
from inclusio.statistics.services import publication_record
from inclusio.statistics.tables import Snapshot, Table


class Command(BaseCommand):
    help = _(
        "Publish the statistics of a snapshot on a date as open data: SDMX-CSV 2.0 files, "
        "their metadata and a DCAT-AP catalogue, every table protected by disclosure control."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, help=_("The reference date, YYYY-MM-DD."))
        parser.add_argument(
            "--snapshot", type=Path, required=True, help=_("The snapshot folder to read.")
        )
        parser.add_argument(
            "--out", type=Path, required=True, help=_("Folder to write the open data into.")
        )
        parser.add_argument(
            "--dataset",
            action="append",
            default=[],
            help=_("A dataset to publish (repeatable); all of them when none is named."),
        )
        parser.add_argument(
            "--threshold",
            type=int,
            default=DEFAULT_THRESHOLD,
            help=_("Counts from 1 to below this number are withheld."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = iso_date(options["date"])
        try:
            snapshot = Snapshot.open(options["snapshot"])
        except (OSError, KeyError, ValueError, json.JSONDecodeError):
            raise CommandError(
                _("%(path)s is not a snapshot folder (it needs a readable manifest.json).")
                % {"path": options["snapshot"]}
            ) from None
        started = time.monotonic()
        progress = step_progress()
        try:
            with progress:
                task = progress.add_task(_("Checking the request"), total=None)

                def on_dataset(table: Table) -> None:
                    progress.update(task, description=_("Computing %(name)s") % {"name": table.id})

                publication = compute_datasets(
                    snapshot,
                    on,
                    datasets=options["dataset"],
                    threshold=options["threshold"],
                    on_dataset=on_dataset,
                )
                progress.update(task, description=_("Writing the files"))
                written = write_publication(publication, snapshot, options["out"])
                publication_record(
                    actor=SYSTEM,
                    publication=publication,
                    out=written[-1].parent.resolve(),
                    snapshot_sha256=snapshot.manifest_sha256(),
                )
        except DomainError as error:
            raise CommandError(error.message) from None
        except OSError as error:
            raise CommandError(
                _("Cannot write the open data to %(path)s: %(reason)s")
                % {"path": options["out"], "reason": error.strerror or error}
            ) from None
        finally:
            snapshot.close()
        for name, file in publication.skipped:
            self.stdout.write(
                _("%(name)s not published: the snapshot has no %(file)s.")
                % {"name": name, "file": file}
            )
        self.stdout.write(
            _(
                "statistics-publish %(date)s: %(datasets)d datasets, %(files)d files in %(out)s "
                "(%(seconds).1f s)."
            )
            % {
                "date": on.isoformat(),
                "datasets": len(publication.datasets),
                "files": len(written),
                "out": options["out"],
                "seconds": time.monotonic() - started,
            }
        )
