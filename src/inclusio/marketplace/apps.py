from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "inclusio.marketplace"
    label = "marketplace"
    verbose_name = _("Social Services Portal")

    def ready(self) -> None:
        from inclusio.marketplace.orders import on_programme_issued
        from inclusio.rehabilitation.events import programme_issued

        programme_issued.connect(on_programme_issued, dispatch_uid="marketplace.vouchers_issue")

        from inclusio.marketplace.export import PART
        from inclusio.registry.export import register_part

        register_part(PART)
