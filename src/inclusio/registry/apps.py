from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "inclusio.registry"
    label = "registry"
    verbose_name = _("Registry of persons with disabilities")

    def ready(self) -> None:
        from inclusio.core.accounts import account_changed
        from inclusio.registry.receivers import log_account_change

        account_changed.connect(log_account_change, dispatch_uid="registry.account_changed")
