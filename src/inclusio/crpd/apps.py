from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrpdConfig(AppConfig):
    name = "inclusio.crpd"
    label = "crpd"
    verbose_name = _("Monitoring of the Convention on the Rights of Persons with Disabilities")
