from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from inclusio.emergency.services import residences_compile


class Command(BaseCommand):
    help = _(
        "Make the emergency dispatchers' registry match the registry: the homes of persons whose "
        "current status records limited mobility (run daily, after the registry's changes)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = residences_compile()
        self.stdout.write(
            _("Homes added: %(added)d, refreshed: %(refreshed)d, removed: %(removed)d.")
            % {"added": summary.added, "refreshed": summary.refreshed, "removed": summary.removed}
        )
