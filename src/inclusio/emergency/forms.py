from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.emergency.models import CONSENT_FIELDS, Residence


class ResidenceForm(forms.ModelForm):
    """The floor and apartment, and — with consent — what only the person can tell rescuers."""

    class Meta:
        model = Residence
        fields = ["floor", "apartment", *CONSENT_FIELDS]
        help_texts = {
            "entrance_code": _("So that rescuers can open the entrance door."),
            "lives_alone": _("Nobody else at home to open the door or help you out."),
        }

    def __init__(self, *args: Any, consent: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not consent:
            for name in CONSENT_FIELDS:
                del self.fields[name]
        self.fields["floor"].widget.attrs.update({"inputmode": "numeric"})
        for name in ("contact_phone", "carer_phone"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"autocomplete": "tel", "type": "tel"})


class ConsentForm(forms.Form):
    GIVE, WITHDRAW = "give", "withdraw"

    answer = forms.ChoiceField(
        choices=[(GIVE, _("Give consent")), (WITHDRAW, _("Withdraw consent"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("How the person gave or withdrew consent (officers only)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LookupForm(forms.Form):
    incident = forms.CharField(
        label=_("Incident number"),
        max_length=32,
        help_text=_("From the dispatch system. A lookup is made only for an incident."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    address = forms.CharField(
        label=_("Address of the incident"),
        required=False,
        max_length=300,
        help_text=_("Street and house, for example “Abai 12”. Or leave it empty and give a place."),
    )
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    radius_m = forms.IntegerField(
        label=_("Radius, metres"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
