"""Back-office screens for reference data, accounts and the trails.

Person records are deliberately absent: every read of them must go through the registry's
selectors and the access log, which the generic admin would bypass. Accounts are shown, never
edited as raw fields: every change goes through ``core/accounts.py`` (see ``account_admin``).
Second-factor devices have no screen at all, so no key is ever shown after enrolment.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.core.account_admin import AccountAdmin
from inclusio.core.models import AccessEvent, ApiToken, AuditEvent, DatedParameter, Region, User

admin.site.register(User, AccountAdmin)
# Roles are the table in core/roles.py, which every migration re-applies to the groups; the
# devices' own screens would show every authenticator key.
for model in (Group, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_kk", "name_ru", "name_en", "is_city")


@admin.register(DatedParameter)
class DatedParameterAdmin(admin.ModelAdmin):
    list_display = ("key", "effective", "value", "reference")
    list_filter = ("key",)


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
