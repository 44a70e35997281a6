from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "inclusio.benefits"
    label = "benefits"
    verbose_name = _("Proactive benefits")

    def ready(self) -> None:
        from inclusio.benefits.life import awards_end_on_life_event
        from inclusio.benefits.returned import payments_settled
        from inclusio.payments.events import transfers_settled
        from inclusio.registry.events import life_event_recorded

        life_event_recorded.connect(awards_end_on_life_event, dispatch_uid="benefits.life_event")
        transfers_settled.connect(payments_settled, dispatch_uid="benefits.payments_settled")
