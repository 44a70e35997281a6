from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "inclusio.benefits"
    label = "benefits"
    verbose_name = _("Proactive benefits")
