from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import AccessEvent, Reader
from inclusio.registry.models import LifeEvent


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("IIN or name"),
        max_length=100,
        help_text=_("Twelve digits of the IIN, or the beginning of the surname and given name."),
    )


class AccessLogFilterForm(forms.Form):
    """The access log's filters; every field may stay empty (the whole log)."""

    iin = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    since = forms.DateField(
        label=_("From"),
        required=False,
        help_text=_("A date: year-month-day, for example 2024-01-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        help_text=_("A date: year-month-day, for example 2024-12-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reader = forms.ChoiceField(
        label=_("Who"), required=False, choices=[("", _("Everyone")), *Reader.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Shown and refused")), *AccessEvent.Outcome.choices],
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period cannot be before its start."))
        return cleaned


class LifeEventForm(forms.Form):
    """An officer records a death, an emigration, an imprisonment or a release."""

    kind = forms.ChoiceField(label=_("Event"), choices=LifeEvent.Kind.choices)
    date = forms.DateField(
        label=_("Date of the event"),
        help_text=_("A date: year-month-day, for example 2024-01-31. Not in the future."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_(
            "The document the event is recorded from, with its number and date (a civil "
            "registry record, a border-service notice, a court's sentence)."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you record it now; kept in the history."),
    )
