from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "inclusio.emergency"
    label = "emergency"
    verbose_name = _("Emergency dispatchers' registry")

    def ready(self) -> None:
        from inclusio.emergency.export import PART
        from inclusio.registry.export import register_part

        register_part(PART)
