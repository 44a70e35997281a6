from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.emergency import areas
from inclusio.emergency.models import CONSENT_FIELDS, Alert, Residence
from inclusio.emergency.services import check_place


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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        # The lookup checks its place again; checked here as well, a radius past the limit or a
        # place outside the country is said together with a missing incident number, not on the
        # next try. Neither mode nor place given: the lookup itself says what to give.
        if latitude is not None and longitude is not None and not self.has_error("radius_m"):
            try:
                check_place(latitude, longitude, cleaned.get("radius_m"))
            except ValidationFailed as exc:
                add_domain_error(self, exc, exc.params.get("field"))
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the dispatch system that uses the token"),
        max_length=100,
        help_text=_("For example “CAD of the Astana dispatch centre”."),
    )


class AlertForm(forms.Form):
    """The area (the primary, accessible way to draw it: a map, when scripts run, only fills
    these fields) and the message in each language."""

    PREVIEW, SEND = "preview", "send"

    area = forms.ChoiceField(
        label=_("Area"),
        choices=Alert.Area.choices,
        initial=Alert.Area.CIRCLE,
        widget=forms.RadioSelect,
    )
    latitude = forms.FloatField(
        label=_("Centre: latitude"),
        required=False,
        help_text=_("For a circle. For example 51.1280."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Centre: longitude"),
        required=False,
        help_text=_("For a circle. For example 71.4300."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    radius_m = forms.IntegerField(
        label=_("Radius, metres"),
        required=False,
        help_text=_("For a circle."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    points = forms.CharField(
        label=_("Corners of the polygon"),
        required=False,
        max_length=5000,
        help_text=_("For a polygon: one corner a line, “latitude, longitude”, in order around it."),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    regions = forms.MultipleChoiceField(
        label=_("Localities"),
        required=False,
        help_text=_("For whole localities."),
        widget=forms.CheckboxSelectMultiple,
    )
    text_kk = forms.CharField(
        label=_("Message in Kazakh"),
        required=False,
        max_length=480,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "kk"}),
    )
    text_ru = forms.CharField(
        label=_("Message in Russian"),
        required=False,
        max_length=480,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "ru"}),
    )
    text_en = forms.CharField(
        label=_("Message in English"),
        required=False,
        max_length=480,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
    )
    action = forms.ChoiceField(
        choices=[(PREVIEW, _("Preview")), (SEND, _("Send"))],
        initial=PREVIEW,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, localities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.localities = localities
        regions = self.fields["regions"]
        assert isinstance(regions, forms.MultipleChoiceField)
        regions.choices = localities

    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"text_{code}"] for code in ("kk", "ru", "en")}

    def drawn(self) -> areas.Area:
        """The area as checked by ``areas`` (ValidationFailed when it is not one)."""
        data = self.cleaned_data
        if data["area"] == Alert.Area.CIRCLE:
            return areas.circle(data["latitude"], data["longitude"], data["radius_m"])
        if data["area"] == Alert.Area.POLYGON:
            return areas.polygon(data["points"])
        return areas.localities(data["regions"], [code for code, _name in self.localities])
