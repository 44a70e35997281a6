"""The forms of special social services' pages. Dates are typed as ISO dates (the USWDS date
input); what the services refuse comes back on the form with its code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.socialservices.models import Kind, SocialOrderProject


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of service"), choices=Kind.choices)
    hours_per_month = forms.IntegerField(
        label=_("Volume, hours a month"), min_value=1, max_value=744
    )
    starts = _date(_("From"))
    ends = _date(_("Until"))


class ChooseForm(forms.Form):
    provider = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AttendanceForm(forms.Form):
    placement = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    days = forms.IntegerField(label=_("Days served"), min_value=0, max_value=31)


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class InspectionForm(forms.Form):
    held_on = _date(_("Held on"))
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    requirement = forms.ChoiceField(
        label=_("Requirement of the service standard not met"),
        required=False,
        help_text=_("Leave empty when every requirement is met."),
    )
    note = forms.CharField(label=_("What was found"), required=False, max_length=2000)
    deadline = _date(
        _("Prescription: remedy by"),
        required=False,
        help_text=_("Leave empty for a remark without a prescription."),
    )

    def __init__(self, *args: Any, requirements: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["requirement"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— none —")), *requirements]


class FollowUpForm(forms.Form):
    prescription = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    remedied_on = _date(_("Remedied on"))
    note = forms.CharField(label=_("What the follow-up found"), max_length=2000)


class PlacementEndForm(forms.Form):
    last_day = _date(_("Last day of the service"))
    reason = forms.CharField(
        label=_("Why the placement ends"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ComplaintForm(forms.Form):
    person = forms.ChoiceField(label=_("Who was served"))
    text = forms.CharField(
        label=_("What happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The inspectors of the region read it; it counts when they plan inspections."),
    )

    def __init__(self, *args: Any, persons: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = persons
        if len(persons) == 1:
            field.widget = forms.HiddenInput()


class IncidentForm(forms.Form):
    day = _date(_("The day it happened"))
    text = forms.CharField(
        label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SocialOrderProjectForm(forms.Form):
    ngo_name = forms.CharField(label=_("Organisation"), max_length=300)
    ngo_bin = forms.CharField(label=_("Organisation's BIN"), max_length=12)
    title = forms.CharField(label=_("Project"), max_length=300)
    area = forms.ChoiceField(label=_("Area"), choices=SocialOrderProject.Area.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=9999)
    budget_kzt = forms.IntegerField(label=_("Budget, tenge"), min_value=1, max_value=10**13 - 1)
    persons_covered = forms.IntegerField(
        label=_("Persons covered"), min_value=0, max_value=10**7 - 1
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=9999)
