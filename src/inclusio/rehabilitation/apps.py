from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


def check_catalogue(**kwargs: Any) -> list[checks.CheckMessage]:
    """The country's catalogue file reads and passes its checks; otherwise an error that names
    the file, the category and the mistake (commands that run the checks then stop)."""
    from inclusio.rehabilitation.catalogue import catalogue

    try:
        catalogue()
    except (OSError, ValueError) as error:  # a missing file, bad JSON, CatalogueInvalid
        return [
            checks.Error(
                f"The rehabilitation catalogue cannot be read: {error}",
                hint="Correct countries/<country>/rehabilitation_catalogue.json.",
                id="rehabilitation.E001",
            )
        ]
    return []


class RehabilitationConfig(AppConfig):
    name = "inclusio.rehabilitation"
    label = "rehabilitation"
    verbose_name = _("Individual rehabilitation programmes")

    def ready(self) -> None:
        checks.register(check_catalogue, "rehabilitation")

        from inclusio.registry.export import register_part
        from inclusio.rehabilitation.export import PART

        register_part(PART)
