from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "inclusio.employment"
    label = "employment"
    verbose_name = _("Employment of persons with disabilities")

    def ready(self) -> None:
        from inclusio.employment.export import PART
        from inclusio.registry.export import register_part

        register_part(PART)
