import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.core.progress import step_progress
from inclusio.synthetic.load import STEPS, load_snapshot


class Command(BaseCommand):
    help = _(
        "Load the registry part of a synthetic snapshot (persons with disabilities, their "
        "carers and families) into the database. Persons already registered are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory", type=Path, help=_("Snapshot directory written by the synth command.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        labels = {
            "read": _("Reading the snapshot"),
            "stage": _("Staging rows"),
            "insert": _("Adding rows to the registry"),
        }
        started = time.monotonic()
        progress = step_progress(with_bar=False)
        try:
            with progress:
                task = progress.add_task(labels[STEPS[0]])

                def on_step(step: str) -> None:
                    progress.update(task, description=labels[step])

                counts = load_snapshot(options["directory"], on_step=on_step)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "synth-load %(directory)s: added %(families)s families, %(persons)s persons, "
                "%(memberships)s memberships, %(statuses)s statuses, %(care_links)s care links; "
                "%(already_registered)s persons were already registered; %(seconds).1f s"
            )
            % {
                **{what: f"{count:,}" for what, count in counts.items()},
                "directory": options["directory"],
                "seconds": time.monotonic() - started,
            }
        )
        if counts["earlier_statuses"]:
            self.stdout.write(
                _("Earlier periods of the status history recorded as decisions: %(count)s.")
                % {"count": f"{counts['earlier_statuses']:,}"}
            )
