"""The back office registers agencies as API clients. Every change goes through
``interop/services.py``; the client secret is shown once, when issued."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inclusio.core.access import AGENCY_PURPOSES
from inclusio.core.errors import DomainError
from inclusio.core.models import Purpose
from inclusio.core.roles import AGENCY_MANAGE
from inclusio.interop import outbox, services
from inclusio.interop.models import Agency, Disclosure, OutboxMessage

MANAGE = AGENCY_MANAGE


class AgencyForm(forms.ModelForm):
    purposes = forms.MultipleChoiceField(
        label=_("purposes"),
        choices=[(str(p), Purpose(p).label) for p in AGENCY_PURPOSES],
        widget=forms.CheckboxSelectMultiple,
    )
    disclosures = forms.MultipleChoiceField(
        label=_("what it may receive"),
        choices=Disclosure.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    jwks = forms.CharField(
        label=_("published keys (JWKS)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The agency's public keys as a JSON Web Key Set, or leave empty and give "
            "the address where it publishes them."
        ),
    )

    class Meta:
        model = Agency
        fields = [
            "name",
            "sender_id",
            "purposes",
            "disclosures",
            "jwks",
            "jwks_url",
            "callback_url",
            "requests_per_minute",
            "active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["sender_id"].disabled = True
            self.initial["jwks"] = json.dumps(self.instance.jwks) if self.instance.jwks else ""

    def clean_jwks(self) -> str:
        return str(self.cleaned_data.get("jwks") or "").strip()

    def clean(self) -> dict[str, Any]:
        """The service's own checks, shown beside the form rather than as an error page."""
        data = super().clean() or {}
        sender_id = self.instance.sender_id if self.instance.pk else data.get("sender_id", "")
        try:
            services.agency_values_checked(
                name=data.get("name", ""),
                sender_id=sender_id,
                purposes=data.get("purposes", []),
                disclosures=data.get("disclosures", []),
                jwks=data.get("jwks") or None,
                jwks_url=data.get("jwks_url") or "",
                requests_per_minute=data.get("requests_per_minute") or 0,
                callback_url=data.get("callback_url") or "",
            )
        except DomainError as refusal:
            raise forms.ValidationError(refusal.message) from None
        if not self.instance.pk and Agency.objects.filter(sender_id=sender_id).exists():
            raise forms.ValidationError(gettext("Another agency has this sender id."))
        return data

    def _post_clean(self) -> None:
        # The service writes the agency (save_model); the form fills no instance of its own.
        pass


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyForm
    list_display = ("name", "sender_id", "active", "requests_per_minute", "registered_at")
    list_filter = ("active",)
    search_fields = ("name", "sender_id")
    actions = ["issue_secret"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(MANAGE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(MANAGE)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # deactivated, never deleted: the access logs name it

    def save_model(self, request: HttpRequest, obj: Agency, form: forms.Form, change: bool) -> None:
        data = form.cleaned_data
        values = {
            "name": data["name"],
            "purposes": data["purposes"],
            "disclosures": data["disclosures"],
            "jwks": data["jwks"] or None,
            "jwks_url": data.get("jwks_url") or "",
            "requests_per_minute": data["requests_per_minute"],
            "callback_url": data.get("callback_url") or "",
        }
        if change:
            saved = services.agency_update(
                actor=request.user, agency_id=obj.pk, active=data["active"], **values
            )
        else:
            saved, secret = services.agency_register(
                actor=request.user, sender_id=data["sender_id"], **values
            )
            self._show_secret(request, saved, secret)
        obj.pk = saved.pk

    def _show_secret(self, request: HttpRequest, agency: Agency, secret: str) -> None:
        messages.warning(
            request,
            gettext("The client secret of %(agency)s, shown this once: %(secret)s")
            % {"agency": agency.sender_id, "secret": secret},
        )

    @admin.action(description=_("Issue a new client secret"), permissions=["change"])
    def issue_secret(self, request: HttpRequest, queryset: QuerySet[Agency]) -> None:
        for agency in queryset:
            secret = services.agency_secret_issue(actor=request.user, agency_id=agency.pk)
            self._show_secret(request, agency, secret)


# --- the callbacks' outbox: an administrator sees the undeliverable ones and queues them again --


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    # The body is personal data and never shown: the row says where, what and why it failed.
    fields = list_display = (
        "action",
        "agency",
        "state",
        "attempts",
        "next_try_at",
        "last_error",
        "created_at",
        "delivered_at",
    )
    list_filter = ("state", "action")
    search_fields = ("message_id", "agency__sender_id")
    actions = ["requeue"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(MANAGE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(MANAGE) and obj is None  # the action, not the form

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Queue the undeliverable callbacks again"), permissions=["change"])
    def requeue(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        try:
            count = outbox.requeue(
                actor=request.user, message_ids=list(queryset.values_list("pk", flat=True))
            )
        except DomainError as refusal:
            messages.error(request, refusal.message)
            return
        messages.success(request, gettext("Callbacks queued again: %(count)d.") % {"count": count})
