from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialServicesConfig(AppConfig):
    name = "inclusio.socialservices"
    label = "socialservices"
    verbose_name = _("Special social services")
