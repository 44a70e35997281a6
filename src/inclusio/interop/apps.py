from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "inclusio.interop"
    label = "interop"
    verbose_name = _("Interoperability: the DCI Disability Registry server")

    def ready(self) -> None:
        from inclusio.interop.attestations import revoke_on_status_change
        from inclusio.interop.subscriptions import (
            notify_status_changed,
            notify_statuses_imported,
        )
        from inclusio.registry.events import (
            disability_status_changed,
            disability_statuses_imported,
        )

        # A status change tells the subscribed agencies, and revokes the person's earlier
        # attestations.
        disability_status_changed.connect(
            notify_status_changed, dispatch_uid="interop.status_changed"
        )
        disability_status_changed.connect(
            revoke_on_status_change, dispatch_uid="interop.attestations_revoke"
        )
        # An import tells the agencies too, for every person it brings (one event for the whole
        # load). It revokes nothing: it brings only persons not yet registered, who hold no
        # attestation (docs/dci.md, "Attestations and status changes").
        disability_statuses_imported.connect(
            notify_statuses_imported, dispatch_uid="interop.statuses_imported"
        )
