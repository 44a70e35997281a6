from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.registry.models import Limitation

_NUMERIC = {"inputmode": "numeric"}


class EmployerForm(forms.Form):
    bin = forms.CharField(
        label=_("BIN"),
        max_length=20,
        help_text=_("12 digits, from the state register of legal entities."),
        widget=forms.TextInput(attrs={**_NUMERIC, "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    headcount = forms.IntegerField(
        label=_("Jobs (headcount)"), min_value=0, widget=forms.TextInput(attrs=_NUMERIC)
    )
    hazardous_jobs = forms.IntegerField(
        label=_("Heavy, harmful or dangerous jobs"),
        min_value=0,
        help_text=_("Excluded from the quota by law."),
        widget=forms.TextInput(attrs=_NUMERIC),
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=40,
        required=False,
        help_text=_("Where subsidies are paid."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class EmployerReportForm(forms.Form):
    headcount = EmployerForm.base_fields["headcount"]
    hazardous_jobs = EmployerForm.base_fields["hazardous_jobs"]
    iban = EmployerForm.base_fields["iban"]


class VacancyForm(forms.Form):
    title = forms.CharField(label=_("Job"), max_length=200)
    description = forms.CharField(
        label=_("What the work is"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wage_kzt = forms.IntegerField(
        label=_("Monthly wage, KZT"), min_value=1, widget=forms.TextInput(attrs=_NUMERIC)
    )
    needs = forms.MultipleChoiceField(
        label=_("The work needs, unimpaired"),
        required=False,
        choices=Limitation.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Persons whose disability status records one of these limitations are not shown "
            "the vacancy. Tick only what the work cannot be adapted for."
        ),
    )


class PlacementForm(forms.Form):
    iin = forms.CharField(
        label=_("Person's IIN"), max_length=20, widget=forms.TextInput(attrs=_NUMERIC)
    )
    vacancy = forms.IntegerField(
        label=_("Quota vacancy"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.Select(choices=[]),
    )
    started = forms.DateField(
        label=_("Work starts"), widget=forms.DateInput(attrs={"type": "date"})
    )


class WorkplaceForm(forms.Form):
    first_month = forms.DateField(
        label=_("First subsidised month"),
        help_text=_("Any day of the month."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    monthly_wage_kzt = forms.IntegerField(
        label=_("Monthly wage, KZT"), min_value=1, widget=forms.TextInput(attrs=_NUMERIC)
    )
    equipment_kzt = forms.IntegerField(
        label=_("Equipment cost, KZT"), min_value=0, widget=forms.TextInput(attrs=_NUMERIC)
    )


class SubsidyForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        help_text=_("Year and month, for example 2024-03."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    wage_kzt = forms.IntegerField(
        label=_("Wage paid that month, KZT"), min_value=1, widget=forms.TextInput(attrs=_NUMERIC)
    )

    def clean_month(self) -> dt.date:
        text = self.cleaned_data["month"].strip()
        try:
            return dt.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Give the year and month as 2024-03.")) from None
