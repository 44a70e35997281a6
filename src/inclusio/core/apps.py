from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "inclusio.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from inclusio.core import country, roles

        post_migrate.connect(country.load_country_after_migrate, sender=self)
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)

        from django.db.models.signals import m2m_changed

        from inclusio.core.backends import forget_permissions_on_role_change
        from inclusio.core.models import User

        m2m_changed.connect(forget_permissions_on_role_change, sender=User.groups.through)
