from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


def check_criteria(**kwargs: Any) -> list[checks.CheckMessage]:
    """The country's accessibility criteria read and pass their checks; otherwise an error that
    names the file, the criterion and the mistake (commands that run the checks then stop)."""
    from inclusio.accessibility.criteria import standard

    try:
        standard()
    except (OSError, ValueError) as error:  # a missing file, bad JSON, CriteriaInvalid
        return [
            checks.Error(
                f"The accessibility criteria cannot be read: {error}",
                hint="Correct countries/<country>/accessibility_criteria.json.",
                id="accessibility.E001",
            )
        ]
    return []


class AccessibilityConfig(AppConfig):
    name = "inclusio.accessibility"
    label = "accessibility"
    verbose_name = _("Accessibility map")

    def ready(self) -> None:
        checks.register(check_criteria, "accessibility")

        from inclusio.accessibility.export import PART
        from inclusio.registry.export import register_part

        register_part(PART)
