from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def _minimum_password_length() -> int:
    validators = cast(list[dict[str, Any]], settings.AUTH_PASSWORD_VALIDATORS)
    for validator in validators:
        if validator["NAME"].endswith(".MinimumLengthValidator"):
            return int(validator.get("OPTIONS", {}).get("min_length", 8))
    return 0


MINIMUM_PASSWORD_LENGTH = _minimum_password_length()


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    """The six-digit code from an authenticator app; spaces people type in are ignored."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("6 digits, for example 123456. The code changes every 30 seconds."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Enter the 6 digits shown in your authenticator app."))
        return code


class EnrolmentCodeForm(forms.Form):
    """The one-time enrolment code an administrator handed over; spaces and hyphens ignored."""

    enrolment_code = forms.CharField(
        label=_("Enrolment code"),
        help_text=_("12 letters and digits, as your administrator gave it to you."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


def _new_password_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class NewPasswordForm(forms.Form):
    """A new password, typed twice; Django's validators are the service's to apply."""

    new_password = _new_password_field(_("New password"))
    new_password_again = _new_password_field(_("New password again"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = _(
            "At least %(count)d characters, not only digits, not a common password and not "
            "like your user name or your name."
        ) % {"count": MINIMUM_PASSWORD_LENGTH}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, again = data.get("new_password"), data.get("new_password_again")
        if first and again and first != again:
            self.add_error(
                "new_password_again", _("The two new passwords differ: type the same one twice.")
            )
        return data


class PasswordChangeForm(NewPasswordForm):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    field_order = ("current_password", "new_password", "new_password_again")


class ResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Your user name or IIN"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class ResetCodeForm(NewPasswordForm):
    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 6 digits of the message we sent you."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    field_order = ("code", "new_password", "new_password_again")

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Enter the 6 digits of the code we sent you."))
        return code
