from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class StatusReportForm(forms.Form):
    report = forms.FileField(
        label=_("The bank's status report"),
        help_text=_("The XML file the bank sent back (ISO 20022 pain.002)."),
        # The service says what is wrong with the file, with its code.
        required=False,
    )
