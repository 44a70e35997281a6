"""The accounts' screens in the back office: a list and a read-only page per account, and one
form per change, each calling its service in ``core/accounts.py``.

No field of an account is edited directly: Django's own user form (which sets
``is_superuser``, permissions and any password) and its password-change view are not offered.
A password or an enrolment code made by a service is shown once, on the page that answers the
form, and never again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.core import accounts
from inclusio.core.accounts import Handover, Reason
from inclusio.core.errors import DomainError
from inclusio.core.models import Region, User
from inclusio.core.roles import ROLES, roles_of

STAFF_ROLE_CHOICES = [(role.code, role.title) for role in ROLES if role.staff]


class ReasonField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Reason"),
            choices=[("", "—"), *Reason.CHOICES],
            help_text=_("Recorded in the audit trail with the change."),
            **kwargs,
        )


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("none (national scope)"),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=STAFF_ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    reason = ReasonField()


class RoleChangeForm(forms.Form):
    GRANT, REVOKE = "grant", "revoke"

    change = forms.ChoiceField(
        label=_("Change"),
        choices=[(GRANT, _("give the role")), (REVOKE, _("take the role away"))],
        widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *STAFF_ROLE_CHOICES])
    reason = ReasonField()


class ReasonForm(forms.Form):
    reason = ReasonField()


# One form per change; what each says to the administrator before and after.
ACTIONS: dict[str, dict[str, Any]] = {
    "password": {
        "title": _("Reset the password"),
        "explanation": _(
            "A new password is made and shown to you once; the old one and every open session "
            "of the account stop working. The holder is told."
        ),
        "service": accounts.account_password_reset,
    },
    "second-factor": {
        "title": _("Reset the second factor"),
        "explanation": _(
            "The account's authenticator app is removed. You receive a one-time enrolment code "
            "to hand to the holder, after checking who they are: with it and their password "
            "they set up a new app. The holder is told."
        ),
        "service": accounts.account_second_factor_reset,
    },
    "deactivate": {
        "title": _("Deactivate the account"),
        "explanation": _(
            "The account can no longer sign in, its open sessions end and its API tokens are "
            "revoked. The holder is told."
        ),
        "service": accounts.account_deactivate,
    },
}


def _reads_trail(request: HttpRequest) -> bool:
    return request.user.has_perm("core.view_audit_trail")


def _trail_url(account_id: str) -> str:
    """The audit trail's events about one account."""
    query = urlencode({"entity": "account", "entity_id": account_id})
    return f"{reverse('admin:core_auditevent_changelist')}?{query}"


class RoleFilter(admin.SimpleListFilter):
    """By role, named as the roles are everywhere else (the groups' names are their codes)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(role.code, role.title) for role in ROLES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        value = self.value()
        return queryset.filter(groups__name=value) if value else queryset


class AccountAdmin(admin.ModelAdmin):
    list_display = ("username", "first_name", "last_name", "region", "role_list", "is_active")
    list_filter = ("region", RoleFilter, "is_active")
    search_fields = ("username", "first_name", "last_name")
    ordering = ("username",)
    fields = (
        "username",
        "first_name",
        "last_name",
        "region",
        "preferred_language",
        "role_list",
        "second_factor",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
    )
    readonly_fields = fields
    change_form_template = "admin/core/user/account.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).select_related("region").prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_list(self, account: User) -> str:
        return ", ".join(str(role.title) for role in roles_of(account)) or "—"

    @admin.display(description=_("second factor"))
    def second_factor(self, account: User) -> str:
        # Whether one is set up, never what it is.
        if TOTPDevice.objects.filter(user=account, confirmed=True).exists():
            return gettext("an authenticator app is set up")
        if accounts.enrolment_code_pending(account):
            return gettext("not set up; an enrolment code was handed over")
        return gettext("not set up")

    # The account's fields are never edited here; adding goes through the service's form.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(accounts.ADD_ACCOUNTS)

    def may_change_accounts(self, request: HttpRequest) -> bool:
        return request.user.has_perm(accounts.CHANGE_ACCOUNTS)

    def get_urls(self) -> list[URLPattern]:
        def view(function: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            return self.admin_site.admin_view(never_cache(function))

        own = [
            path("<int:account_id>/roles/", view(self.roles_view), name="core_user_roles"),
            *(
                path(
                    f"<int:account_id>/{action}/",
                    view(self.action_view),
                    {"action": action},
                    name=f"core_user_{action.replace('-', '_')}",
                )
                for action in ACTIONS
            ),
        ]
        return own + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        account = self.get_object(request, object_id)
        context = {
            **(extra_context or {}),
            "may_change_accounts": self.may_change_accounts(request),
            # A registered person resets their password themselves, with a one-time code.
            "persons_account": account is not None and accounts.is_persons_account(account),
            "trail_url": _trail_url(object_id) if _reads_trail(request) else None,
        }
        return super().change_view(request, object_id, form_url, context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """An account changes only through the services, which write the audit trail; the
        admin's own log of its forms would always say "no change history"."""
        if not _reads_trail(request):
            raise PermissionDenied
        return HttpResponseRedirect(_trail_url(object_id))

    def _page(
        self,
        request: HttpRequest,
        template: str,
        context: dict[str, Any],
        status: int = 200,
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {**self.admin_site.each_context(request), "opts": self.opts, **context},
            status=status,
        )

    def _account(self, request: HttpRequest, account_id: int) -> User:
        if not self.may_change_accounts(request):
            raise PermissionDenied
        return get_object_or_404(User, pk=account_id)

    def _refused(self, form: forms.Form, error: DomainError) -> int:
        form.add_error(None, f"{error.message} ({error.code})")
        return error.status

    @sensitive_variables("handover")
    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AccountCreateForm(request.POST if request.method == "POST" else None)
        status = 200
        if form.is_valid():
            data = form.cleaned_data
            try:
                account, handover = accounts.account_create(
                    actor=request.user,
                    username=data["username"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    region_code=data["region"].code if data["region"] else None,
                    roles=data["roles"],
                    language=data["language"],
                    reason=data["reason"],
                )
            except DomainError as error:
                status = self._refused(form, error)
            else:
                return self._handover(request, account, handover, _("Account created"))
        elif form.is_bound:
            status = 422
        context = {"title": _("Add a staff account"), "form": form}
        return self._page(request, "admin/core/user/account_form.html", context, status)

    def roles_view(self, request: HttpRequest, account_id: int) -> HttpResponse:
        account = self._account(request, account_id)
        form = RoleChangeForm(request.POST if request.method == "POST" else None)
        status = 200
        if form.is_valid():
            change = (
                accounts.account_role_grant
                if form.cleaned_data["change"] == RoleChangeForm.GRANT
                else accounts.account_role_revoke
            )
            try:
                change(
                    actor=request.user,
                    account=account,
                    role=form.cleaned_data["role"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                status = self._refused(form, error)
            else:
                messages.success(request, gettext("The account's roles were changed."))
                return HttpResponseRedirect(self._account_url(account))
        elif form.is_bound:
            status = 422
        context = {
            "title": _("Change the roles of %(account)s") % {"account": account.get_username()},
            "account": account,
            "current_roles": roles_of(account),
            "form": form,
        }
        return self._page(request, "admin/core/user/account_form.html", context, status)

    @sensitive_variables("handover")
    def action_view(self, request: HttpRequest, account_id: int, action: str) -> HttpResponse:
        account = self._account(request, account_id)
        spec = ACTIONS[action]
        form = ReasonForm(request.POST if request.method == "POST" else None)
        status = 200
        if form.is_valid():
            try:
                handover = spec["service"](
                    actor=request.user, account=account, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                status = self._refused(form, error)
            else:
                if handover is not None:
                    return self._handover(request, account, handover, spec["title"])
                messages.success(request, gettext("Done: the holder is told."))
                return HttpResponseRedirect(self._account_url(account))
        elif form.is_bound:
            status = 422
        context = {
            "title": f"{spec['title']}: {account.get_username()}",
            "explanation": spec["explanation"],
            "account": account,
            "form": form,
        }
        return self._page(request, "admin/core/user/account_form.html", context, status)

    def _handover(
        self, request: HttpRequest, account: User, handover: Handover, title: Any
    ) -> HttpResponse:
        context = {
            "title": title,
            "account": account,
            "handover": handover,
            "hours": settings.ENROLMENT_CODE_HOURS,
            "account_url": self._account_url(account),
        }
        return self._page(request, "admin/core/user/handover.html", context)

    def _account_url(self, account: User) -> str:
        return reverse("admin:core_user_change", args=[account.pk])
