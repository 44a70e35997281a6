from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _


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
