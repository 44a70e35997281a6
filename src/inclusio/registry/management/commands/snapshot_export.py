"""``inclusio snapshot-export --date YYYY-MM-DD --out DIR [--population DIR]``.

Writes the registry's part of a snapshot (statuses valid on the date, care and representation
links, the families of registered persons, under the platform's ids) from the database into DIR;
the domain apps add their files (facilities and inspections, housing lists, job quotas); with
``--population``, the population register's part (persons, families, incomes) is merged in
from that snapshot folder, and DIR can be screened (``inclusio benefits-screen``). The contract
is ``docs/snapshot.md``. A refused input writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.core.audit import SYSTEM
from inclusio.core.commandline import iso_date
from inclusio.core.progress import step_progress
from inclusio.registry.export import DOMAIN_PARTS, describe, snapshot_export, steps
from inclusio.snapshot.contract import DOMAIN_SCHEMAS, REHABILITATION_SCHEMAS
from inclusio.snapshot.validate import SnapshotError


class Command(BaseCommand):
    help = _(
        "Export the registry's part of a snapshot on a date (disability statuses valid on it, "
        "care and representation links, families of registered persons) and merge the "
        "population register's part when given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, help=_("The snapshot's date, YYYY-MM-DD."))
        parser.add_argument(
            "--out", type=Path, required=True, help=_("Folder to write the snapshot into.")
        )
        parser.add_argument(
            "--population",
            type=Path,
            default=None,
            help=_(
                "A snapshot folder whose persons and families (the population register's "
                "part) are merged in."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = iso_date(options["date"])
        labels = {
            "statuses": _("Exporting the disability statuses"),
            "history": _("Exporting the history of the disability statuses"),
            "care": _("Exporting the care links"),
            "families": _("Exporting the registered families"),
            "life": _("Exporting the deaths, emigrations and imprisonments"),
            "population": _("Merging the population register's part"),
            "manifest": _("Writing the manifest"),
        }
        labels.update({part.step: part.label() for part in DOMAIN_PARTS})
        order = steps()
        progress = step_progress()
        try:
            with progress:
                task = progress.add_task(labels[order[0]], total=len(order))

                def on_step(step: str) -> None:
                    progress.update(task, description=labels[step], completed=order.index(step))

                exported = snapshot_export(
                    actor=SYSTEM,
                    on=on,
                    out=options["out"],
                    population=options["population"],
                    on_step=on_step,
                )
        except SnapshotError as error:
            raise CommandError(describe(error)) from None
        except OSError as error:
            raise CommandError(
                _("Cannot write the snapshot to %(path)s: %(reason)s")
                % {"path": options["out"], "reason": error.strerror or error}
            ) from None

        rows = exported.rows
        line = _(
            "snapshot-export %(date)s: %(statuses)s statuses, %(links)s care links, "
            "%(members)s members of registered families"
        ) % {
            "date": on.isoformat(),
            "statuses": f"{rows['disability']:,}",
            "links": f"{rows['care']:,}",
            "members": f"{rows['registry_families']:,}",
        }
        if exported.unmatched_statuses is not None:
            line += _(
                "; population %(persons)s persons, %(families)s families "
                "(%(unmatched)s statuses of persons not in it)"
            ) % {
                "persons": f"{rows['persons']:,}",
                "families": f"{rows['families']:,}",
                "unmatched": f"{exported.unmatched_statuses:,}",
            }
        self.stdout.write(line)
        domain_rows = [f"{name} {rows[name]:,}" for name in DOMAIN_SCHEMAS if name in rows]
        if domain_rows:
            self.stdout.write(
                _("The domains' part (rows per file): %(files)s")
                % {"files": ", ".join(domain_rows)}
            )
        rehabilitation_rows = [
            f"{name} {rows[name]:,}" for name in REHABILITATION_SCHEMAS if name in rows
        ]
        if rehabilitation_rows:
            self.stdout.write(
                _("The rehabilitation part (rows per file): %(files)s")
                % {"files": ", ".join(rehabilitation_rows)}
            )
        self.stdout.write(
            _("%(path)s written in %(seconds).1f s")
            % {"path": exported.directory, "seconds": exported.seconds}
        )
