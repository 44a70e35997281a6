from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "inclusio.housing"
    label = "housing"
    verbose_name = _("Housing waiting lists")

    def ready(self) -> None:
        from inclusio.housing.services import category_rederive_on_status_change
        from inclusio.registry.events import disability_status_changed

        disability_status_changed.connect(
            category_rederive_on_status_change, dispatch_uid="housing.status_changed"
        )

        from inclusio.housing.export import PART
        from inclusio.registry.export import register_part

        register_part(PART)
