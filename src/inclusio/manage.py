"""The ``inclusio`` console script: every management command, hyphens or underscores alike,
speaking the user's language (``core.commandline.language_from_environment``)."""

from __future__ import annotations

import os
import sys
from typing import Any


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    from django.apps import apps
    from django.core.management import ManagementUtility
    from django.utils import translation

    class Utility(ManagementUtility):
        def fetch_command(self, subcommand: str) -> Any:
            # Called once Django is set up and before the command's module is imported, so its
            # help, its output and its errors are all in the user's language. Without this a
            # command would speak the site's LANGUAGE_CODE (Kazakh) to everyone.
            if apps.ready:
                from inclusio.core.commandline import language_from_environment

                translation.activate(language_from_environment())
            return super().fetch_command(subcommand)

    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    Utility(argv).execute()


if __name__ == "__main__":
    main()
