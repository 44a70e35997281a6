"""Back-office screens for reference data, accounts and the trails.

Person records are deliberately absent: every read of them must go through the registry's
selectors and the access log, which the generic admin would bypass. Accounts are shown, never
edited as raw fields: every change goes through ``core/accounts.py`` (see ``account_admin``).
Second-factor devices have no screen at all, so no key is ever shown after enrolment.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.core import parameters
from inclusio.core.account_admin import AccountAdmin
from inclusio.core.errors import DomainError, ErrorCode
from inclusio.core.models import AccessEvent, ApiToken, AuditEvent, DatedParameter, Region, User
from inclusio.core.roles import PARAMETERS_MANAGE

# Not "Django administration" (which Django's Kazakh catalogue renders as "Даңғо").
admin.site.site_header = admin.site.site_title = _("Inclusio administration")
admin.site.register(User, AccountAdmin)
# Roles are the table in core/roles.py, which every migration re-applies to the groups; the
# devices' own screens would show every authenticator key.
for model in (Group, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_kk", "name_ru", "name_en", "is_city")


_FIELD_OF_ERROR: dict[str, str] = {
    ErrorCode.PARAMETER_UNKNOWN: "key",
    ErrorCode.PARAMETER_VALUE_KIND: "value",
    ErrorCode.PARAMETER_NEGATIVE: "value",
    ErrorCode.PARAMETER_DATE_OUT_OF_RANGE: "effective",
    ErrorCode.PARAMETER_REFERENCE_MISSING: "reference",
    ErrorCode.PARAMETER_REASON_MISSING: "reason",
}


class DatedParameterForm(forms.ModelForm):
    """A new value, or a correction, checked as the service checks it; saved by the service."""

    key = forms.ChoiceField(label=capfirst(_("parameter")))
    # A plain field: the admin's calendar shortcuts name themselves in English on every page.
    effective = forms.DateField(
        label=capfirst(_("takes effect")),
        help_text=_("Format: YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"autocomplete": "off"}),
    )
    value = forms.DecimalField(label=capfirst(_("value")), max_digits=18, decimal_places=4)
    correction = forms.BooleanField(
        label=_("This corrects the value already entered for that date"),
        help_text=_("The corrected value stays in the history."),
        required=False,
    )

    class Meta:
        model = DatedParameter
        fields = (
            "key",
            "effective",
            "value",
            "reference_kk",
            "reference_ru",
            "reference",
            "reason",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service refuses a missing text with its code and says which language it lacks.
        for name in ("reference_kk", "reference_ru", "reference"):
            if name in self.fields:  # the history's rows are shown read only
                self.fields[name].required = False
        language = (get_language() or "kk")[:2]
        self.fields["key"].choices = [  # type: ignore[attr-defined]
            (key, spec["titles"].get(language) or key)
            for key, spec in parameters.parameter_keys().items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            parameters.parameter_value_check(
                key=data["key"],
                effective=data["effective"],
                value=data["value"],
                reference=data["reference"],
                reason=data["reason"],
                reference_kk=data["reference_kk"],
                reference_ru=data["reference_ru"],
            )
        except DomainError as error:
            # Next to the field it is about: a field in error is then left out of the model's
            # own checks, whose constraint message would name the constraint, not the problem.
            field = _FIELD_OF_ERROR.get(error.code)
            if field == "reference":  # the language whose text is missing or too long
                field = next(
                    name
                    for name in ("reference_kk", "reference_ru", "reference")
                    if not data[name].strip() or len(data[name].strip()) > 300
                )
            self.add_error(field, forms.ValidationError(error.message, code=error.code))
            return data
        taken = DatedParameter.objects.filter(key=data["key"], effective=data["effective"])
        if taken.exists() and not data.get("correction"):
            raise forms.ValidationError(
                _(
                    "A value already takes effect on that date; tick the correction box to "
                    "correct it."
                ),
                code=ErrorCode.PARAMETER_DATE_TAKEN,
            )
        if data.get("correction") and not taken.exists():
            raise forms.ValidationError(
                _("No value takes effect on that date: there is nothing to correct."),
                code=ErrorCode.PARAMETER_NOTHING_TO_CORRECT,
            )
        return data

    def validate_unique(self) -> None:
        """The service numbers the revision and checks the date; the unsaved row cannot."""


@admin.register(DatedParameter)
class DatedParameterAdmin(admin.ModelAdmin):
    """The history of every value (corrections included); new values and corrections go through
    ``inclusio.core.parameters``: nothing is changed in place or deleted."""

    form = DatedParameterForm
    list_display = (
        "key",
        "effective",
        "revision",
        "value",
        "legal_reference",
        "reason",
        "entered_by",
        "entered_at",
        "in_force",
    )
    list_filter = ("key",)
    date_hierarchy = "effective"

    def get_queryset(self, request: HttpRequest) -> QuerySet[DatedParameter]:
        return parameters.parameter_history()

    @admin.display(description=_("legal reference"))
    def legal_reference(self, row: DatedParameter) -> str:
        """In the reader's language."""
        return row.reference_in(get_language() or "kk")

    @admin.display(boolean=True, description=_("current (not corrected)"))
    def in_force(self, row: DatedParameter) -> bool:
        return not getattr(row, "superseded", False)

    def has_add_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.has_perm(PARAMETERS_MANAGE) and getattr(user, "region_id", None) is None

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: DatedParameter, form: forms.Form, change: bool
    ) -> None:
        write = (
            parameters.parameter_value_correct
            if form.cleaned_data.get("correction")
            else parameters.parameter_value_add
        )
        row = write(
            actor=request.user,
            key=obj.key,
            effective=obj.effective,
            value=obj.value,
            reference=obj.reference,
            reason=obj.reason,
            reference_kk=obj.reference_kk,
            reference_ru=obj.reference_ru,
        )
        obj.pk, obj.revision = row.pk, row.revision
        obj.entered_by, obj.entered_at = row.entered_by, row.entered_at
        obj._state.adding = False


class ReadOnlyTrail(admin.ModelAdmin):
    """The trails are append-only: the admin may read them, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyTrail):
    list_display = ("id", "at", "actor_name", "action", "entity", "entity_id")
    list_filter = ("action", "entity")
    search_fields = ("entity_id", "actor_name")

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("core.view_audit_trail")


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyTrail):
    list_display = ("id", "at", "actor_name", "person_iin", "what", "outcome", "channel")
    list_filter = ("outcome", "channel", "what")
    search_fields = ("person_iin", "actor_name")

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("core.view_access_log")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyTrail):
    """Tokens are issued and revoked with `inclusio api-token`; here they are only listed."""

    list_display = ("id", "name", "user", "created", "revoked")
    list_filter = ("revoked",)
