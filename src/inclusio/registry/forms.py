from django import forms
from django.utils.translation import gettext_lazy as _


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("IIN or name"),
        max_length=100,
        help_text=_("Twelve digits of the IIN, or the beginning of the surname and given name."),
    )
